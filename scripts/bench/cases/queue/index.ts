// Section "queue": the admin pending queue at volume, page 1 against a deep page, by keyset
// (the repository) and by OFFSET (raw pg); the plans of the four queries after the timing.
import type { BenchGroup } from '../../case.js';
import { explain, type PlanSummary } from '../../explain.js';
import { summarize, us } from '../../measure.js';
import { resultOf, sideOf } from '../../report.js';
import { count, markdownTable, openConnections } from '../../support.js';
import { keysetPages } from './keyset-pages.js';
import { offsetDeepPage } from './offset-deep-page.js';
import type { Queue } from './profiles.js';
import { keysetQuery, offsetQuery, PAGE_SIZE } from './raw-sql.js';

const TARGET_RATIO = 1.5;

function planLine(name: string, plan: PlanSummary): string[] {
  const scans = plan.scans.map((s) => `${s.relation}${s.index ? ` via ${s.index}` : ''}: ${count(Math.round(s.rows))} rows`);
  return [name, plan.shape, scans.join('; '), count(plan.buffers), plan.planningMs.toFixed(2), plan.executionMs.toFixed(2)];
}

/** The queue section. */
export const queue: BenchGroup = {
  section: 'queue',
  title: 'Pending queue: page 1 vs a deep page, keyset vs OFFSET',
  method:
    `${keysetPages.iterations} calls per query after ${keysetPages.warmup} warm-up iterations, the deep OFFSET page ` +
    `${offsetDeepPage.iterations} calls after ${offsetDeepPage.warmup} in a loop of its own`,
  cases: [keysetPages, offsetDeepPage],
  report: async (results, { url, sizes }) => {
    const q = resultOf(results, keysetPages).state as Queue;
    const { page, pending, lastPage, walkMs, organizationId: org } = q;
    const s = {
      keysetRepo1: summarize(sideOf(results, keysetPages, 'repoPage1')),
      keysetRepoN: summarize(sideOf(results, keysetPages, 'repo')),
      keysetRaw1: summarize(sideOf(results, keysetPages, 'rawPage1')),
      keysetRawN: summarize(sideOf(results, keysetPages, 'raw')),
      offset1: summarize(sideOf(results, keysetPages, 'offsetPage1')),
      offsetN: summarize(sideOf(results, offsetDeepPage, 'raw')),
    };
    const row = (name: string, one: { median: number; p99: number }, deep: { median: number; p99: number }) => [
      name,
      us(one.median),
      us(one.p99),
      us(deep.median),
      us(deep.p99),
      `**${(deep.median / one.median).toFixed(2)}×**`,
      `${(deep.p99 / one.p99).toFixed(2)}×`,
    ];
    const keysetRatio = s.keysetRepoN.median / s.keysetRepo1.median;
    const on = openConnections(url);
    let plans: string[][];
    try {
      plans = [
        planLine('keyset page 1', await explain(on.pool, ...keysetQuery(org, null))),
        planLine(`keyset page ${page}`, await explain(on.pool, ...keysetQuery(org, q.deepCursor))),
        planLine('OFFSET page 1', await explain(on.pool, ...offsetQuery(org, 1))),
        planLine(`OFFSET page ${page}`, await explain(on.pool, ...offsetQuery(org, page))),
      ];
    } finally {
      await on.close();
    }
    return [
      `${count(sizes.profiles)} staff profiles in ${q.organizations} organizations; the measured organization has ` +
        `${count(pending)} pending (${lastPage} pages of ${PAGE_SIZE}); page ${page} = rows ` +
        `${count((page - 1) * PAGE_SIZE + 1)}–${count(Math.min(page * PAGE_SIZE, pending))}. ` +
        `Walking pages 1…${page - 1} by cursor took ${walkMs.toFixed(0)} ms (${(walkMs / Math.max(1, page - 1)).toFixed(2)} ms/page).`,
      '',
      markdownTable(
        ['query', 'page 1 median µs', 'page 1 p99 µs', `page ${page} median µs`, `page ${page} p99 µs`, `page ${page} / page 1 (median)`, 'p99 ratio'],
        [
          row('keyset, repository (listPendingQueue)', s.keysetRepo1, s.keysetRepoN),
          row('keyset, raw pg (same SQL)', s.keysetRaw1, s.keysetRawN),
          row(`OFFSET, raw pg (LIMIT ${PAGE_SIZE + 1} OFFSET ${(page - 1) * PAGE_SIZE})`, s.offset1, s.offsetN),
        ],
      ),
      '',
      `- keyset page ${page} / page 1 (repository, median): ${keysetRatio.toFixed(2)}× — ` +
        `${keysetRatio <= TARGET_RATIO ? 'meets' : 'does NOT meet'} the target (within ${TARGET_RATIO}×)`,
      `- OFFSET page ${page} / page 1 (median): ${(s.offsetN.median / s.offset1.median).toFixed(2)}×; ` +
        `OFFSET page ${page} / keyset page ${page} (raw, median): ${(s.offsetN.median / s.keysetRawN.median).toFixed(2)}×`,
      `- repository / raw (keyset, median): page 1 ${(s.keysetRepo1.median / s.keysetRaw1.median).toFixed(3)}, ` +
        `page ${page} ${(s.keysetRepoN.median / s.keysetRawN.median).toFixed(3)}`,
      '',
      'Plans (one EXPLAIN (ANALYZE, BUFFERS) each, after the timing):',
      '',
      markdownTable(['query', 'plan', 'scans (rows × loops)', 'buffers', 'planning ms', 'execution ms'], plans, 3),
    ].join('\n');
  },
};
