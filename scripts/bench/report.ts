// The tables the groups' reports share: repository against raw, medians, p99s and their ratios.
import type { AnyCase, CaseResult } from './case.js';
import { ratio, summarize, us, type Latencies } from './measure.js';
import { markdownTable } from './support.js';

/** One row of {@link ratioTable}: a side measured against the raw side of the same loop. */
export interface RatioRow {
  readonly operation: string;
  readonly repo: Latencies;
  readonly raw: Latencies;
  /** Cells after the operation (for the extra headers). */
  readonly extra?: readonly string[];
  /** The median ratio this row should meet; adds a verdict line. */
  readonly target?: { readonly ratio: number; readonly name: string };
}

/** `operation | repo median | repo p99 | raw median | raw p99 | ratio median | ratio p99`, then verdicts. */
export function ratioTable(rows: readonly RatioRow[], extraHeaders: readonly string[] = []): string {
  const verdicts: string[] = [];
  const table = markdownTable(
    ['operation', ...extraHeaders, 'repo median µs', 'repo p99 µs', 'raw median µs', 'raw p99 µs', 'ratio median (repo/raw)', 'ratio p99'],
    rows.map((row) => {
      const repo = summarize(row.repo);
      const raw = summarize(row.raw);
      if (row.target) {
        const r = repo.median / raw.median;
        const verdict = r <= row.target.ratio ? 'meets' : 'does NOT meet';
        verdicts.push(
          `- ${row.operation}: median ratio ${r.toFixed(3)} ${verdict} the ${row.target.name} (<= ${row.target.ratio.toFixed(2)})`,
        );
      }
      return [
        row.operation,
        ...(row.extra ?? []),
        us(repo.median),
        us(repo.p99),
        us(raw.median),
        us(raw.p99),
        ratio(repo.median, raw.median),
        ratio(repo.p99, raw.p99),
      ];
    }),
  );
  return verdicts.length ? `${table}\n\n${verdicts.join('\n')}` : table;
}

/** The result of `c` among `results` (every case of a group is measured before its report). */
export function resultOf(results: readonly CaseResult[], c: AnyCase): CaseResult {
  const found = results.find((r) => r.case === c);
  if (!found) throw new Error(`no result for case ${c.name}`);
  return found;
}

/** The latencies of side `side` of case `c`. */
export function sideOf(results: readonly CaseResult[], c: AnyCase, side: string): Latencies {
  const latencies = resultOf(results, c).latencies[side];
  if (!latencies) throw new Error(`case ${c.name} has no side ${side}`);
  return latencies;
}
