// The runner: for each group of cases, seed every case (on the setup connections), then per
// case open fresh connections (one set, every side on it), run its same-SQL and same-results check, and time its sides
// interleaved (measure.ts); finally the group's report. In --verify mode it stops after the
// checks: no timing loop, no report, and a failed check does not stop the other cases.
//
// Sides timed per case: `repo`, `raw` (unnamed statements, as pg sends them by default), `raw
// prepared` (the case's own `raw` bound to connections that name each statement as the
// repositories' driver does, prepared.ts; not for a raw-only case) and the case's `also` sides.
// A case that consumes inputs its seed budgets per side (verify) gets a state of its own for
// the raw prepared side (verify-states.ts). A case with a `measure` of its own (addVersion)
// also gets an interleaved latency loop of its sides after it, so every case has a median.
// After a group's cases, its throughput cases (throughput.ts) run: 16 concurrent callers.
import type { AnyCase, BenchGroup, CaseResult, SeedContext } from './case.js';
import { verifyProfile } from './cases/verify/verify-profile.js';
import { createCheck, type UnnamedStatement } from './check.js';
import type { BenchConfig, Sizes } from './config.js';
import { measureInterleaved } from './measure.js';
import { openConnections, openRawPrepared, openTimedConnections, step, type Connections } from './support.js';
import { measureThroughput, throughputCasesOf, type ThroughputResult } from './throughput.js';
import { rawPreparedVerifyState } from './verify-states.js';

/** The run every group shares: the database, its setup connections, and data cases share. */
export interface RunContext {
  readonly url: string;
  readonly setup: Connections;
  readonly sizes: Sizes;
  readonly mode: BenchConfig['mode'];
  readonly shared: SeedContext['shared'];
  readonly config: BenchConfig;
}

/** The outcome of one case's check. */
export interface CheckOutcome {
  /** `section / case name`. */
  readonly label: string;
  /** Statements compared. */
  readonly statements: number;
  /** Why the check failed, when it did. */
  readonly error?: Error;
  /** Repository statements sent unnamed where the raw prepared side names them. */
  readonly unnamed: readonly UnnamedStatement[];
}

/** What one group produced. */
export interface GroupOutcome {
  readonly checks: CheckOutcome[];
  /** The group's report (timing). */
  readonly markdown?: string;
  /** What was timed (timing). */
  readonly results: CaseResult[];
  /** Throughput with 16 callers (timing). */
  readonly throughput: ThroughputResult[];
}

/** The name of the raw prepared side in a case's latencies. */
export const RAW_PREPARED = 'raw prepared';
/** The second raw prepared side of `--noise` (the same code as {@link RAW_PREPARED}). */
export const RAW_PREPARED_AGAIN = 'raw prepared again';

/** Latency iterations of a case that measures itself otherwise (addVersion), after its measurement. */
const MEASURED_CASE_LATENCY = { iterations: 500, warmup: 50 };

/**
 * Cases whose raw prepared side needs a state of its own: they consume inputs the seed
 * prepared per side (`calls`), and their report checks that exactly those were consumed.
 */
const RAW_PREPARED_STATES = new Map<AnyCase, (ctx: SeedContext) => Promise<unknown>>([[verifyProfile, rawPreparedVerifyState]]);

/** Shared data cache for {@link RunContext.shared}: each key loads once per run. */
export function sharedData(): SeedContext['shared'] {
  const cache = new Map<string, Promise<unknown>>();
  return <T>(key: string, load: () => Promise<T>) => {
    if (!cache.has(key)) cache.set(key, load());
    return cache.get(key) as Promise<T>;
  };
}

/** A loop's warm-up iterations: the case's own, or `--warmup`'s when that is more. */
function warmupOf(own: number, config: BenchConfig): number {
  return Math.max(own, config.warmup);
}

function bindSides(
  c: AnyCase,
  state: unknown,
  on: Connections,
  prepared: { state: unknown; on: Connections },
  noise: boolean,
): Record<string, (i: number) => Promise<unknown>> {
  const sides: Record<string, (i: number) => Promise<unknown>> = {};
  if (c.repo) sides.repo = c.repo(state, on);
  sides.raw = c.raw(state, on);
  if (c.repo) sides[RAW_PREPARED] = c.raw(prepared.state, prepared.on);
  if (c.repo && noise && !RAW_PREPARED_STATES.has(c)) sides[RAW_PREPARED_AGAIN] = c.raw(prepared.state, prepared.on);
  for (const [name, side] of Object.entries(c.also ?? {})) sides[name] = side(state, on);
  return sides;
}

/** Runs one group; returns its checks and, when timing, its results and report. */
export async function runGroup(group: BenchGroup, ctx: RunContext): Promise<GroupOutcome> {
  const { url, setup, sizes, mode, shared, config } = ctx;
  const seedContext = (calls: number): SeedContext => ({ url, setup, sizes, calls, shared });
  const states: unknown[] = [];
  for (const c of group.cases) {
    const calls = mode === 'timing' ? c.iterations + warmupOf(c.warmup, config) : 0;
    states.push(await step(`${group.section} / ${c.name}: seed`, () => c.seed(seedContext(calls))));
  }
  const checks: CheckOutcome[] = [];
  const results: CaseResult[] = [];
  for (const [k, c] of group.cases.entries()) {
    const label = `${group.section} / ${c.name}`;
    const state = states[k];
    // Fresh connections, opened after the group's data was loaded; every side runs on them.
    const on = openTimedConnections(url);
    const preparedOn = openRawPrepared(on);
    try {
      const check = createCheck(url, sizes, c, state, on);
      try {
        await step(`${label}: same SQL, same results`, () => c.sameSql(state, check));
        checks.push({ label, statements: check.compared(), unnamed: check.unnamed() });
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        if (mode === 'timing') throw new Error(`${label}: ${failure.message}`, { cause: failure });
        checks.push({ label, statements: check.compared(), error: failure, unnamed: check.unnamed() });
        continue;
      } finally {
        await check.close();
      }
      if (mode === 'verify') continue;
      const ownState = RAW_PREPARED_STATES.get(c);
      const loop = c.measure ? MEASURED_CASE_LATENCY : c;
      const preparedState = ownState
        ? await step(`${label}: raw prepared side's own inputs`, () =>
            ownState(seedContext(loop.iterations + warmupOf(loop.warmup, config))),
          )
        : state;
      const sides = () => bindSides(c, state, on, { state: preparedState, on: preparedOn }, config.noise);
      if (c.measure) {
        const custom = await c.measure(state, () => openConnections(url));
        const { iterations } = MEASURED_CASE_LATENCY;
        const warmup = warmupOf(MEASURED_CASE_LATENCY.warmup, config);
        const latencies = await measureInterleaved(`${label} (one call at a time)`, iterations, warmup, sides(), config.block);
        results.push({ case: c, state, latencies, custom });
      } else {
        const latencies = await measureInterleaved(label, c.iterations, warmupOf(c.warmup, config), sides(), config.block);
        results.push({ case: c, state, latencies });
      }
    } finally {
      await preparedOn.close();
      await on.close();
    }
  }
  const throughput: ThroughputResult[] = [];
  if (config.throughput) {
    for (const t of throughputCasesOf(group.section)) {
      const smoke = mode === 'verify';
      const result = await step(`${group.section} / ${t.case.name}: throughput, 16 callers${smoke ? ' (smoke)' : ''}`, () =>
        measureThroughput(t, seedContext(0), { url, smoke, rounds: config.throughputRounds, seconds: config.throughputSeconds }),
      );
      if (result) throughput.push(result);
    }
  }
  if (mode === 'verify') return { checks, results, throughput };
  return { checks, results, throughput, markdown: await group.report(results, { url, setup, sizes }) };
}
