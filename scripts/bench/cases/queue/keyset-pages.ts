// The pending queue by keyset: staffProfileQueries.pagePendingQueue(org, { limit: 20, after })
// against the same SQL with raw pg, at the deep page (repo, raw) and at page 1 (repoPage1,
// rawPage1), with OFFSET page 1 (offsetPage1, the same 21 rows by LIMIT … OFFSET 0): five
// sides in one loop, in a seeded random order per iteration. The deep OFFSET page runs in a
// case of its own (offset-deep-page.ts).
import assert from 'node:assert/strict';
import { createRepositories } from '../../../../src/repositories.js';
import { defineCase, type CompareOptions, type Side } from '../../case.js';
import { STEADY_WARMUP } from '../../measure.js';
import { keysetQuery, offsetQuery, PAGE_SIZE, rawPage } from './raw-sql.js';
import { seedQueue, type Queue } from './profiles.js';

const list = (after: (q: Queue) => string | null): Side<Queue> => (q, on) => {
  const queries = createRepositories(on.db).staffProfileQueries;
  return () => queries.pagePendingQueue(q.organizationId, { limit: PAGE_SIZE, after: after(q) });
};

/** The repository's page at the deep page's cursor (the offset case compares with it). */
export const repoDeepPage = list((q) => q.deepCursor);
const repoPage1 = list(() => null);
const rawDeepPage: Side<Queue> = (q, on) => () => rawPage(on.pool, keysetQuery(q.organizationId, q.deepCursor));
const rawPage1: Side<Queue> = (q, on) => () => rawPage(on.pool, keysetQuery(q.organizationId, null));
const offsetPage1: Side<Queue> = (q, on) => () => rawPage(on.pool, offsetQuery(q.organizationId, 1));

/** The raw side returns the page's items. */
const items: CompareOptions = {
  results: (repo, raw) => assert.deepEqual(raw, (repo as { items: unknown }).items, 'pending queue: keyset rows'),
};

/** The keyset pages: the deep page (repo, raw) and page 1 (repoPage1, rawPage1, offsetPage1). */
export const keysetPages = defineCase<Queue>({
  name: 'pending queue, keyset',
  seed: seedQueue,
  repo: repoDeepPage,
  raw: rawDeepPage,
  also: { repoPage1, rawPage1, offsetPage1 },
  sameSql: async (q, check) => {
    for (const [page, repo, raw] of [[1, repoPage1, rawPage1] as const, [q.page, repoDeepPage, rawDeepPage] as const]) {
      const result = await check.compare(repo, raw, 0, `pending queue page ${page}`, items);
      const expected = Math.min(PAGE_SIZE, q.pending - (page - 1) * PAGE_SIZE);
      assert.equal((result.raw as unknown[]).length, expected, `pending queue page ${page}: length`);
    }
    const first = await check.run(repoPage1, 0);
    const byOffset = await check.run(offsetPage1, 0);
    assert.deepEqual(byOffset.result, (first.result as { items: unknown }).items, 'pending queue: OFFSET page 1 rows = keyset rows');
  },
  iterations: 1000,
  warmup: STEADY_WARMUP,
});
