// Interleaved latency measurement: every side runs once per iteration on the same input, in
// an order that changes every iteration (or every block of iterations, with --blocks), after
// unrecorded warm-up iterations. Calls run one at a time, so each sample is one call's latency
// (process.hrtime.bigint around the await).
import { seededRandom } from '../../src/core/kernel/random.js';

/**
 * Warm-up iterations of the loops whose calls are mostly client work (the identity and tenant
 * reads, register, the pending queue, the entity history, the client searches; verify takes
 * what its seed allows). In a loop, the code every side shares (pg, pg-pool, node:net) runs
 * once per side per iteration, but the package's own functions run once per iteration, on the
 * repository side only, so V8 optimizes them several times later in the loop. Traced
 * (`--trace-opt`) in a process running one side alone, the package's functions on the tenant
 * path (`runTransaction` first, the driver's `acquireConnection` last) were optimized between
 * calls 1,300 and 4,800, and those of the entity history up to calls 2,800–3,300. After 200
 * warm-up iterations, the history's repository measured 1.047–1.051 of raw prepared; after
 * 3,000, 0.997–1.002 (docs/benchmarks.md, "Warm-up: the package's code was still being
 * optimized"). The figures are the steady state of a process that has run the path a few
 * thousand times. 4,000 is below the tenant path's last optimization in that trace, but 8,000
 * did not move the tenant unit of work in the benchmark's loop (1.031–1.046 against
 * 1.033–1.041, three alternating pairs; docs/benchmarks.md, "Two consecutive full runs that met
 * every target").
 */
export const STEADY_WARMUP = 4000;

/** Latencies in nanoseconds, one entry per measured call. */
export type Latencies = Float64Array;

/**
 * The mean CPU time of this process per measured call of a side, in µs (user + system, from
 * process.cpuUsage around each call): what the client spends, without the server's time, which
 * the latency includes. Less noisy than latency on a shared machine, so the figure to follow
 * while optimizing; it also counts work the process does meanwhile (GC, timers), alike for
 * every side.
 */
const cpuPerCall = new WeakMap<Latencies, number>();

/** The mean client CPU per call (µs) recorded with `latencies`, when measured by {@link measureInterleaved}. */
export function cpuPerCallOf(latencies: Latencies): number | undefined {
  return cpuPerCall.get(latencies);
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start);
}

/**
 * Runs every side once per iteration on the same iteration index, for `iterations` iterations
 * after `warmup` unrecorded ones (which get negative indexes); returns each side's latencies.
 * Two sides alternate which goes first. More sides run in a fresh (seeded) random order each
 * iteration: a rotation would keep the cyclic order, so one side would always run right after
 * the same other side and inherit whatever that one leaves behind (a heavy query's parallel
 * workers still exiting, for instance).
 *
 * With `block` above 1 (`--blocks`), a turn is `block` consecutive iterations instead of one:
 * each side runs them all (the same indexes, in order) before the next side's turn, and the
 * order changes per turn as above. A block never mixes warm-up and measured iterations. With
 * `block` 1 this is exactly the one-call-per-turn loop.
 */
export async function measureInterleaved<K extends string>(
  label: string,
  iterations: number,
  warmup: number,
  sides: Record<K, (i: number) => Promise<unknown>>,
  block = 1,
): Promise<Record<K, Latencies>> {
  const names = Object.keys(sides) as K[];
  const latencies = Object.fromEntries(names.map((name) => [name, new Float64Array(iterations)])) as Record<K, Latencies>;
  const every = Math.max(1, Math.round(iterations / 10));
  const next = seededRandom(42);
  const order = [...names];
  const cpu = Object.fromEntries(names.map((name) => [name, 0])) as Record<K, number>;
  for (let start = -warmup, turn = 0; start < iterations; turn += 1) {
    const end = Math.min(start + block, start < 0 ? 0 : iterations);
    if (names.length === 2) {
      order[0] = names[turn % 2]!;
      order[1] = names[(turn + 1) % 2]!;
    } else {
      for (let k = order.length - 1; k > 0; k -= 1) {
        const j = Math.floor(next() * (k + 1));
        [order[k], order[j]] = [order[j]!, order[k]!];
      }
    }
    for (const name of order) {
      const side = sides[name];
      for (let i = start; i < end; i += 1) {
        const before = process.cpuUsage();
        const latency = await timed(() => side(i));
        if (i >= 0) {
          latencies[name][i] = latency;
          const used = process.cpuUsage(before);
          cpu[name] += used.user + used.system;
        }
      }
    }
    if (start % every === 0 || Math.floor(start / every) !== Math.floor((end - 1) / every)) {
      process.stderr.write(`\r${label} ${Math.max(start, 0)}/${iterations}   `);
    }
    start = end;
  }
  process.stderr.write(`\r${label} ${iterations}/${iterations}   \n`);
  for (const name of names) cpuPerCall.set(latencies[name], cpu[name] / Math.max(1, iterations));
  return latencies;
}

/** The `p`-quantile (0..1) of sorted values, nearest rank. */
function quantile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

/** Median and p99 of latencies in ns, returned in µs. */
export function summarize(latencies: Latencies): { median: number; p99: number } {
  const sorted = Float64Array.from(latencies).sort();
  return { median: quantile(sorted, 0.5) / 1000, p99: quantile(sorted, 0.99) / 1000 };
}

/** µs with one decimal. */
export function us(value: number): string {
  return value.toFixed(1);
}

/** A ratio with three decimals. */
export function ratio(a: number, b: number): string {
  return (a / b).toFixed(3);
}

/** Element `i` of `list`, wrapping around (warm-up iterations have negative indexes). */
export function cyclic<T>(list: readonly T[], i: number): T {
  return list[((i % list.length) + list.length) % list.length]!;
}

/** The median of plain numbers (lower middle for an even count; 0 for none). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
}
