// audit.pageEntityHistory(type, id, { limit: 50 }), without a range and with from/to covering
// one calendar month, for sampled entities (cycled): the repository over the partitioned
// audit_logs, the same SQL with raw pg, and the same SQL over the flat copy (`flat`), in one
// interleaved loop per shape. Two cases, one per shape, from one definition.
import assert from 'node:assert/strict';
import { createRepositories } from '../../../../src/repositories.js';
import { defineCase, type Side } from '../../case.js';
import { cyclic, STEADY_WARMUP } from '../../measure.js';
import { seedHistory, type History } from './audit-rows.js';
import { FLAT, historyValues, LIMIT, PARTITIONED, rawHistory, type Shape } from './raw-sql.js';

function historyCase(name: string, shape: Shape) {
  const flat: Side<History> = (h, on) => (i) => rawHistory(on.pool, FLAT[shape], historyValues(shape, cyclic(h.probes, i)));
  return defineCase<History>({
    name,
    seed: seedHistory,
    repo: (h, on) => {
      const audit = createRepositories(on.db).audit;
      return (i) => {
        const p = cyclic(h.probes, i);
        return audit.pageEntityHistory(p.type, p.id, { limit: LIMIT, ...(shape === 'month' ? { from: p.from, to: p.to } : {}) });
      };
    },
    raw: (h, on) => (i) => rawHistory(on.pool, PARTITIONED[shape], historyValues(shape, cyclic(h.probes, i))),
    also: { flat },
    sameSql: async (h, check) => {
      const checked = Math.min(h.probes.length, check.sizes.checkedEntities);
      for (let i = 0; i < checked; i += 1) {
        const { repo } = await check.same(i, {
          results: (repo, raw) => assert.deepEqual(raw, (repo as { items: unknown }).items, `${name}: partitioned rows`),
        });
        assert.deepEqual((await check.run(flat, i)).result, (repo as { items: unknown }).items, `${name}: flat rows`);
      }
    },
    iterations: 2000,
    warmup: STEADY_WARMUP,
  });
}

/** The entity history without a range. */
export const historyNoRange = historyCase(`no range, limit ${LIMIT}`, 'all');
/** The entity history over one calendar month. */
export const historyOneMonth = historyCase(`one-month from/to, limit ${LIMIT}`, 'month');
