// Section "history": an entity's audit history at volume, monthly partitions against one
// unpartitioned table holding the same rows with the same indexes; the plans after the timing.
import type { BenchGroup } from '../../case.js';
import { explain, type PlanSummary } from '../../explain.js';
import { summarize, us } from '../../measure.js';
import { resultOf, sideOf } from '../../report.js';
import { count, markdownTable, openConnections } from '../../support.js';
import type { History } from './audit-rows.js';
import { historyNoRange, historyOneMonth } from './entity-history.js';
import { FLAT, historyValues, LIMIT, PARTITIONED } from './raw-sql.js';

function describe(plan: PlanSummary): string {
  const partitions = new Set(plan.scans.map((s) => s.relation));
  const rows = Math.round(plan.scans.reduce((sum, s) => sum + s.rows, 0));
  const indexes = new Set(plan.scans.map((s) => (s.index ?? 'seq scan').replace(/^audit_logs_(y\d{4}m\d{2}|default|flat)_/, '…_')));
  return (
    `${plan.shape}; ${partitions.size} relation${partitions.size === 1 ? '' : 's'} scanned via ${[...indexes].join(', ')}` +
    `${plan.subplansRemoved ? ` (${plan.subplansRemoved} pruned at run time)` : ''}; ${count(rows)} rows read; ` +
    `${count(plan.buffers)} buffers; planning ${plan.planningMs.toFixed(2)} ms, execution ${plan.executionMs.toFixed(2)} ms`
  );
}

/** The history section. */
export const history: BenchGroup = {
  section: 'history',
  title: 'Entity history: monthly partitions vs one table',
  method:
    `${historyNoRange.iterations} calls per side and shape after ${historyNoRange.warmup} warm-up iterations, ` +
    'cycling over the sampled entities',
  cases: [historyNoRange, historyOneMonth],
  report: async (results, { url, sizes }) => {
    const { partitions, moved, probes } = resultOf(results, historyNoRange).state as History;
    const row = (c: typeof historyNoRange) => {
      const [repo, raw, flat] = ['repo', 'raw', 'flat'].map((side) => summarize(sideOf(results, c, side))) as [
        ReturnType<typeof summarize>,
        ReturnType<typeof summarize>,
        ReturnType<typeof summarize>,
      ];
      return [
        c.name,
        us(repo.median),
        us(repo.p99),
        us(raw.median),
        us(raw.p99),
        us(flat.median),
        us(flat.p99),
        `**${(raw.median / flat.median).toFixed(2)}×**`,
        `${(raw.p99 / flat.p99).toFixed(2)}×`,
        (repo.median / raw.median).toFixed(3),
      ];
    };
    const probe = probes[0]!;
    const on = openConnections(url);
    let plans: [string, PlanSummary][];
    try {
      plans = [
        ['no range, partitioned', await explain(on.pool, PARTITIONED.all, historyValues('all', probe))],
        ['no range, flat', await explain(on.pool, FLAT.all, historyValues('all', probe))],
        ['one month, partitioned', await explain(on.pool, PARTITIONED.month, historyValues('month', probe))],
        ['one month, flat', await explain(on.pool, FLAT.month, historyValues('month', probe))],
      ];
    } finally {
      await on.close();
    }
    const perEntity = sizes.auditRows / sizes.auditEntities;
    return [
      `${count(sizes.auditRows)} generated audit rows over ${sizes.auditMonths} months (${partitions} partitions of ` +
        `audit_logs including DEFAULT; ${moved} earlier rows moved out of DEFAULT), ${count(sizes.auditEntities)} entities ` +
        `(~${perEntity.toFixed(0)} events each, ~${(perEntity / sizes.auditMonths).toFixed(1)} per month), ` +
        `${count(probes.length)} sampled; page size ${LIMIT} (the queries fetch ${LIMIT + 1}).`,
      '',
      markdownTable(
        [
          'listEntityHistory',
          'partitioned repo median µs',
          'p99 µs',
          'partitioned raw median µs',
          'p99 µs',
          'flat raw median µs',
          'p99 µs',
          'partitioned / flat (raw, median)',
          'p99 ratio',
          'repo / raw (partitioned, median)',
        ],
        [row(historyNoRange), row(historyOneMonth)],
      ),
      '',
      'Plans (first sampled entity; one EXPLAIN (ANALYZE, BUFFERS) each, after the timing):',
      '',
      ...plans.map(([name, plan]) => `- ${name}: ${describe(plan)}`),
    ].join('\n');
  },
};
