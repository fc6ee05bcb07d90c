// The summary at the top of the report: per case, the medians of `repo`, `raw` and `raw
// prepared`, the ratios against both raw sides (median and p99), raw prepared against raw, and
// a PASS/FAIL per target of issue 9; then throughput with 16 callers; then the repository
// statements the checks saw sent unnamed where raw prepared names them.
import type { AnyCase, CaseResult } from './case.js';
import { register } from './cases/identity/register.js';
import { hasPermission } from './cases/identity/has-permission.js';
import { verifyProfile } from './cases/verify/verify-profile.js';
import type { UnnamedStatement } from './check.js';
import { cpuPerCallOf, summarize, us, type Latencies } from './measure.js';
import { RAW_PREPARED, RAW_PREPARED_AGAIN } from './runner.js';
import { markdownTable } from './support.js';
import { THROUGHPUT_TARGET, type ThroughputResult } from './throughput.js';

/** Every case: median ratio against raw prepared at most this. */
const PREPARED_TARGET = 1.05;
/** These cases: median ratio against the unnamed raw side below this. */
const RAW_TARGET = 1.0;
const BELOW_RAW: ReadonlySet<AnyCase> = new Set([hasPermission, verifyProfile, register]);

const pass = (ok: boolean) => (ok ? 'PASS' : '**FAIL**');

/** The latency summary of every timed case of `sections` (in run order); verdict lines after it. */
export function latencySummary(sections: readonly { section: string; results: readonly CaseResult[] }[]): string {
  const rows: string[][] = [];
  let passed = 0;
  let targets = 0;
  for (const { section, results } of sections) {
    for (const result of results) {
      const { repo, raw } = result.latencies;
      const prepared = result.latencies[RAW_PREPARED];
      if (!repo || !raw || !prepared) continue;
      const [r, w, p] = [summarize(repo), summarize(raw), summarize(prepared)];
      const vsPrepared = r.median / p.median;
      const vsRaw = r.median / w.median;
      const okPrepared = vsPrepared <= PREPARED_TARGET;
      const strict = BELOW_RAW.has(result.case);
      targets += strict ? 2 : 1;
      passed += (okPrepared ? 1 : 0) + (strict && vsRaw < RAW_TARGET ? 1 : 0);
      rows.push([
        section,
        result.case.name,
        us(r.median),
        us(w.median),
        us(p.median),
        vsRaw.toFixed(3),
        (r.p99 / w.p99).toFixed(3),
        vsPrepared.toFixed(3),
        (r.p99 / p.p99).toFixed(3),
        (p.median / w.median).toFixed(3),
        cpuDifference(repo, prepared),
        `${pass(okPrepared)}`,
        strict ? pass(vsRaw < RAW_TARGET) : '—',
      ]);
    }
  }
  if (rows.length === 0) return 'No case was timed.';
  return [
    markdownTable(
      [
        'section',
        'case',
        'repo median µs',
        'raw median µs',
        'raw prepared median µs',
        'repo/raw median',
        'repo/raw p99',
        'repo/raw prepared median',
        'repo/raw prepared p99',
        'raw prepared/raw median',
        'client CPU µs/call, repo − raw prepared',
        `repo/raw prepared ≤ ${PREPARED_TARGET.toFixed(2)}`,
        `repo/raw < ${RAW_TARGET.toFixed(2)} (hasPermission, verify, register)`,
      ],
      rows,
      2,
    ),
    '',
    `Latency targets (issue 9, median ratios): ${passed} of ${targets} PASS` +
      `${passed === targets ? '' : ' — not met'}. raw = unnamed statements (pg's default); raw prepared = the same ` +
      'SQL as named prepared statements (`od_<sha256>`), transaction control unnamed. Client CPU: this ' +
      "process's CPU time per call (process.cpuUsage), the repository's minus raw prepared's: what the " +
      'package spends in JavaScript per call, without the server time in the latencies.',
  ].join('\n');
}

/**
 * The noise gauge of `--noise`: per case that ran a second raw prepared side, its median and p99
 * against the first (the same code twice in the same loop) beside the repository's median ratio;
 * `undefined` when no case ran one.
 */
export function noiseSummary(sections: readonly { section: string; results: readonly CaseResult[] }[]): string | undefined {
  const rows: string[][] = [];
  for (const { section, results } of sections) {
    for (const result of results) {
      const { repo } = result.latencies;
      const prepared = result.latencies[RAW_PREPARED];
      const again = result.latencies[RAW_PREPARED_AGAIN];
      if (!repo || !prepared || !again) continue;
      const [r, p, a] = [summarize(repo), summarize(prepared), summarize(again)];
      rows.push([
        section,
        result.case.name,
        us(p.median),
        us(a.median),
        (a.median / p.median).toFixed(3),
        (a.p99 / p.p99).toFixed(3),
        (r.median / p.median).toFixed(3),
      ]);
    }
  }
  if (rows.length === 0) return undefined;
  return [
    markdownTable(
      [
        'section',
        'case',
        'raw prepared median µs',
        'raw prepared again median µs',
        'again/raw prepared median',
        'again/raw prepared p99',
        'repo/raw prepared median',
      ],
      rows,
      2,
    ),
    '',
    'Noise gauge (`--noise`): the raw prepared side twice in the same interleaved loop (same code, same ' +
      "connections); how far its ratio is from 1.000 is the loop's noise for that case, which the " +
      "repository's ratio beside it also carries. Not a target; verify has no second side (its raw " +
      'prepared side consumes exactly the profiles it prepared).',
  ].join('\n');
}

/** Client CPU per call, repository minus raw prepared, in µs (`—` when not measured). */
function cpuDifference(repo: Latencies, prepared: Latencies): string {
  const [r, p] = [cpuPerCallOf(repo), cpuPerCallOf(prepared)];
  if (r === undefined || p === undefined) return '—';
  return `${(r - p).toFixed(1)} (${r.toFixed(1)} − ${p.toFixed(1)})`;
}

/** Throughput with 16 callers, one row per case; the verdict per case. */
export function throughputSummary(results: readonly ThroughputResult[], rounds: number, seconds: number): string {
  if (results.length === 0) return 'No throughput case ran.';
  const rows = results.map(({ name, totals }) => {
    const rate = (side: keyof typeof totals) => totals[side].calls / totals[side].seconds;
    const [repo, prepared, raw] = [rate('repo'), rate('raw prepared'), rate('raw')];
    const perRound = totals.repo.rates.map((r, k) => r / totals['raw prepared'].rates[k]!);
    return [
      name,
      repo.toFixed(0),
      prepared.toFixed(0),
      raw.toFixed(0),
      (repo / prepared).toFixed(3),
      `${Math.min(...perRound).toFixed(2)}–${Math.max(...perRound).toFixed(2)}`,
      (repo / raw).toFixed(3),
      (prepared / raw).toFixed(3),
      pass(repo / prepared >= THROUGHPUT_TARGET),
    ];
  });
  return [
    markdownTable(
      [
        'case',
        'repo calls/s',
        'raw prepared calls/s',
        'raw calls/s',
        'repo/raw prepared',
        'per round',
        'repo/raw',
        'raw prepared/raw',
        `repo/raw prepared ≥ ${THROUGHPUT_TARGET}`,
      ],
      rows,
    ),
    '',
    `16 async callers in this process, back to back, one pool of 16 for every side (the repositories'); ${rounds} rounds of ${seconds} s per side, ` +
      'order alternating, after a warm-up round of half that (verify: at most an equal share of its prepared profiles per round).',
  ].join('\n');
}

/** The repository statements sent unnamed where raw prepared names them, one line per text. */
export function unnamedList(byCase: readonly { label: string; unnamed: readonly UnnamedStatement[] }[]): string[] {
  const seen = new Map<string, { expected: string; labels: string[] }>();
  for (const { label, unnamed } of byCase) {
    for (const u of unnamed) {
      const entry = seen.get(u.sql) ?? { expected: u.expected, labels: [] };
      if (!entry.labels.includes(label)) entry.labels.push(label);
      seen.set(u.sql, entry);
    }
  }
  return [...seen.entries()].map(
    ([sql, { expected, labels }]) => `- [${labels.join('; ')}] ${expected}: ${sql.replace(/\s+/g, ' ').slice(0, 160)}${sql.length > 160 ? '…' : ''}`,
  );
}
