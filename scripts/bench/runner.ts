// The runner: for each group of cases, seed every case (on the setup connections), then per
// case open fresh connections, run its same-SQL and same-results check, and time its sides
// interleaved (measure.ts); finally the group's report. In --verify mode it stops after the
// checks: no timing loop, no report, and a failed check does not stop the other cases.
import type { AnyCase, BenchGroup, CaseResult, SeedContext } from './case.js';
import { createCheck } from './check.js';
import type { BenchConfig, Sizes } from './config.js';
import { measureInterleaved } from './measure.js';
import { openConnections, step, type Connections } from './support.js';

/** The run every group shares: the database, its setup connections, and data cases share. */
export interface RunContext {
  readonly url: string;
  readonly setup: Connections;
  readonly sizes: Sizes;
  readonly mode: BenchConfig['mode'];
  readonly shared: SeedContext['shared'];
}

/** The outcome of one case's check. */
export interface CheckOutcome {
  /** `section / case name`. */
  readonly label: string;
  /** Statements compared. */
  readonly statements: number;
  /** Why the check failed, when it did. */
  readonly error?: Error;
}

/** Shared data cache for {@link RunContext.shared}: each key loads once per run. */
export function sharedData(): SeedContext['shared'] {
  const cache = new Map<string, Promise<unknown>>();
  return <T>(key: string, load: () => Promise<T>) => {
    if (!cache.has(key)) cache.set(key, load());
    return cache.get(key) as Promise<T>;
  };
}

function bindSides(c: AnyCase, state: unknown, on: Connections): Record<string, (i: number) => Promise<unknown>> {
  const sides: Record<string, (i: number) => Promise<unknown>> = {};
  if (c.repo) sides.repo = c.repo(state, on);
  sides.raw = c.raw(state, on);
  for (const [name, side] of Object.entries(c.also ?? {})) sides[name] = side(state, on);
  return sides;
}

/** Runs one group; returns its checks and, when timing, its report. */
export async function runGroup(group: BenchGroup, ctx: RunContext): Promise<{ checks: CheckOutcome[]; markdown?: string }> {
  const { url, setup, sizes, mode, shared } = ctx;
  const states: unknown[] = [];
  for (const c of group.cases) {
    const calls = mode === 'timing' ? c.iterations + c.warmup : 0;
    states.push(await step(`${group.section} / ${c.name}: seed`, () => c.seed({ url, setup, sizes, calls, shared })));
  }
  const checks: CheckOutcome[] = [];
  const results: CaseResult[] = [];
  for (const [k, c] of group.cases.entries()) {
    const label = `${group.section} / ${c.name}`;
    const state = states[k];
    // Fresh connections, opened after the group's data was loaded.
    const on = openConnections(url);
    try {
      const check = createCheck(url, sizes, c, state, on);
      try {
        await step(`${label}: same SQL, same results`, () => c.sameSql(state, check));
        checks.push({ label, statements: check.compared() });
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        if (mode === 'timing') throw new Error(`${label}: ${failure.message}`, { cause: failure });
        checks.push({ label, statements: check.compared(), error: failure });
        continue;
      } finally {
        await check.close();
      }
      if (mode === 'verify') continue;
      if (c.measure) {
        results.push({ case: c, state, latencies: {}, custom: await c.measure(state, () => openConnections(url)) });
      } else {
        const latencies = await measureInterleaved(label, c.iterations, c.warmup, bindSides(c, state, on));
        results.push({ case: c, state, latencies });
      }
    } finally {
      await on.close();
    }
  }
  if (mode === 'verify') return { checks };
  return { checks, markdown: await group.report(results, { url, setup, sizes }) };
}
