// Throughput with 16 concurrent callers: 16 async callers in this one process issue calls back
// to back, each awaiting its call before the next, for a round of BENCH_THROUGHPUT_SECONDS (or
// until the side's inputs run out); calls/s = calls completed / wall time of the round (the
// last calls finish after the deadline and count). Sides: `repo`, `raw prepared` and `raw`, all
// on one pool of 16 connections (the repositories' own, as in the latency loop), measured in
// rounds that alternate their order (repo, raw prepared, raw; then reversed) after one warm-up
// round per side of half the duration.
// The cases' own sides are used (users.findById, access.hasPermission, staffProfiles.verify);
// verify consumes a pending profile per call, so its sides run on states of other
// organizations (verify-states.ts), each side with its own profiles, and afterwards every
// profile taken must have been verified once and the others still be pending.
//
// In --verify, a smoke: one round of a few calls per side (no figures), so CI proves the
// throughput code runs.
import assert from 'node:assert/strict';
import type { AnyCase, SeedContext } from './case.js';
import { findById } from './cases/identity/find-by-id.js';
import { hasPermission } from './cases/identity/has-permission.js';
import { verifyProfile } from './cases/verify/verify-profile.js';
import type { Section } from './config.js';
import { openRawPrepared, openTimedConnections, progress, type Connections } from './support.js';
import { assertConsumed, pendingLists, type VerifyState } from './verify-states.js';

/** Concurrent callers per side (and connections of the one pool every side runs on). */
const CALLERS = 16;
/** Calls per side in the --verify smoke. */
const SMOKE_CALLS = 4;
/** The target of issue 9: repo ≥ 0.95 × raw prepared. */
export const THROUGHPUT_TARGET = 0.95;

/** The sides of a throughput run, in the first round's order. */
const THROUGHPUT_SIDES = ['repo', 'raw prepared', 'raw'] as const;
type ThroughputSide = (typeof THROUGHPUT_SIDES)[number];

/** The state each side runs on, and what to check afterwards. */
interface Prepared {
  readonly states: Record<ThroughputSide, unknown>;
  /** Calls each side may make in all (its inputs), Infinity when unbounded. */
  readonly capacity: number;
  readonly after?: () => Promise<void>;
}

/** One throughput case: a latency case's sides, under 16 callers. */
interface ThroughputCase {
  readonly section: Section;
  readonly case: AnyCase;
  /** The sides' states and how many calls each side may make (`smoke`: a few). */
  readonly prepare: (ctx: SeedContext, smoke: boolean) => Promise<Prepared>;
}

const sameState = async (c: AnyCase, ctx: SeedContext): Promise<Prepared> => {
  // The identity reads' seeds are shared per run: the same sampled users as the latency loop.
  const state = await c.seed(ctx);
  return { states: { repo: state, 'raw prepared': state, raw: state }, capacity: Infinity };
};

/** The throughput cases, in run order. */
const CASES: readonly ThroughputCase[] = [
  { section: 'identity', case: findById, prepare: (ctx) => sameState(findById, ctx) },
  { section: 'identity', case: hasPermission, prepare: (ctx) => sameState(hasPermission, ctx) },
  {
    section: 'verify',
    case: verifyProfile,
    prepare: async (ctx, smoke) => {
      // One organization per side (about 5,000 users each) in a timing run, one shared in the smoke.
      const made = smoke
        ? [await pendingLists(ctx, 1, [SMOKE_CALLS, SMOKE_CALLS, SMOKE_CALLS])]
        : await Promise.all([2, 3, 4].map((index) => pendingLists(ctx, index, [Infinity])));
      const state = (k: number, side: 'repo' | 'raw'): VerifyState => {
        const { organizationId, verifierId, lists } = made[smoke ? 0 : k]!;
        const list = lists[smoke ? k : 0]!;
        return { organizationId, verifierId, forRepo: side === 'repo' ? list : [], forRaw: side === 'raw' ? list : [] };
      };
      const states = { repo: state(0, 'repo'), 'raw prepared': state(1, 'raw'), raw: state(2, 'raw') };
      const capacity = Math.min(...Object.values(states).map((s) => s.forRepo.length + s.forRaw.length));
      return { states, capacity, after: () => assertConsumed(ctx, Object.values(states)) };
    },
  },
];

/** The throughput cases of `section`. */
export function throughputCasesOf(section: Section): readonly ThroughputCase[] {
  return CASES.filter((c) => c.section === section);
}

/** One case's figures: calls and seconds per side over the measured rounds, and each round's rate. */
export interface ThroughputResult {
  readonly name: string;
  readonly totals: Record<ThroughputSide, { calls: number; seconds: number; rates: number[] }>;
}

/** One round: CALLERS callers call `run` back to back until `deadline` or `limit` calls. */
async function round(run: (i: number) => Promise<unknown>, seconds: number, limit: number): Promise<{ calls: number; seconds: number }> {
  let next = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(seconds * 1e9));
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      while (next < limit && process.hrtime.bigint() < deadline) {
        const i = next;
        next += 1;
        await run(i);
      }
    }),
  );
  return { calls: next, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

interface Options {
  readonly url: string;
  readonly rounds: number;
  readonly seconds: number;
  /** A few calls per side, no figures (--verify). */
  readonly smoke: boolean;
}

/** Runs throughput case `t` (see the file's comment); undefined in a smoke. */
export async function measureThroughput(t: ThroughputCase, ctx: SeedContext, options: Options): Promise<ThroughputResult | undefined> {
  const { smoke, rounds, seconds } = options;
  const c = t.case;
  const label = `throughput ${c.name}`;
  const prepared = await t.prepare(ctx, smoke);
  const on: Connections[] = [];
  try {
    // One pool of 16 for every side (support.ts, openTimedConnections).
    const base = openTimedConnections(options.url, CALLERS);
    on.push(base);
    const rawPrepared = openRawPrepared(base);
    const raw = base;
    if (!c.repo) throw new Error(`${label}: a raw-only case`);
    const run: Record<ThroughputSide, (i: number) => Promise<unknown>> = {
      repo: c.repo(prepared.states.repo, base),
      'raw prepared': c.raw(prepared.states['raw prepared'], rawPrepared),
      raw: c.raw(prepared.states.raw, raw),
    };
    if (smoke) {
      for (const side of THROUGHPUT_SIDES) {
        const r = await round(run[side], 60, SMOKE_CALLS);
        assert.equal(r.calls, SMOKE_CALLS, `${label} (${side}): the smoke's calls`);
      }
      await prepared.after?.();
      return undefined;
    }
    // Per round and side, at most an equal share of the side's inputs (warm-up round included).
    const limit = Number.isFinite(prepared.capacity) ? Math.floor(prepared.capacity / (rounds + 1)) : Infinity;
    for (const side of THROUGHPUT_SIDES) await round(run[side], seconds / 2, limit);
    const totals = Object.fromEntries(
      THROUGHPUT_SIDES.map((s) => [s, { calls: 0, seconds: 0, rates: [] as number[] }]),
    ) as ThroughputResult['totals'];
    for (let r = 0; r < rounds; r += 1) {
      const order = r % 2 === 0 ? THROUGHPUT_SIDES : [...THROUGHPUT_SIDES].reverse();
      for (const side of order) {
        const result = await round(run[side], seconds, limit);
        const total = totals[side];
        total.calls += result.calls;
        total.seconds += result.seconds;
        total.rates.push(result.calls / result.seconds);
        process.stderr.write(`\r${label}: round ${r + 1}/${rounds} ${side} ${(result.calls / result.seconds).toFixed(0)}/s   `);
      }
    }
    process.stderr.write('\n');
    await prepared.after?.();
    const rate = (s: ThroughputSide) => totals[s].calls / totals[s].seconds;
    progress(`${label}: repo ${rate('repo').toFixed(0)}/s, raw prepared ${rate('raw prepared').toFixed(0)}/s, raw ${rate('raw').toFixed(0)}/s`);
    return { name: c.name, totals };
  } finally {
    await Promise.all(on.map((x) => x.close()));
  }
}
