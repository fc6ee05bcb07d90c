// A raw-only baseline (the one case without a repository side: the package never pages by
// OFFSET): the deep page by LIMIT 21 OFFSET (N-1)·20, the way a naive pager would fetch it. It
// takes ~1000× longer than the keyset query, and its parallel workers measurably slowed
// whichever query ran right after it (when it shared the keyset loop, page 1 came out slower
// than page 500), so it runs in a loop of its own, with fewer calls. Its check: it returns the
// rows of the repository's keyset page.
import assert from 'node:assert/strict';
import { defineCase, type Side } from '../../case.js';
import { repoDeepPage } from './keyset-pages.js';
import { seedQueue, type Queue } from './profiles.js';
import { offsetQuery, rawPage } from './raw-sql.js';

const offsetPage: Side<Queue> = (q, on) => () => rawPage(on.pool, offsetQuery(q.organizationId, q.page));

/** The deep page by OFFSET, raw only. */
export const offsetDeepPage = defineCase<Queue>({
  name: 'pending queue, OFFSET deep page',
  seed: seedQueue,
  raw: offsetPage,
  sameSql: async (q, check) => {
    const keyset = await check.run(repoDeepPage, 0);
    const offset = await check.run(offsetPage, 0);
    check.expect(offset.sent, [offsetQuery(q.organizationId, q.page)], 'OFFSET deep page');
    assert.deepEqual(offset.result, (keyset.result as { items: unknown }).items, `OFFSET page ${q.page} rows = keyset rows`);
  },
  iterations: 100,
  warmup: 10,
});
