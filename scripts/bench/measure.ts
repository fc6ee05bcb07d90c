// Interleaved latency measurement: every side runs once per iteration on the same input, in
// an order that changes every iteration, after unrecorded warm-up iterations. Calls run one at
// a time, so each sample is one call's latency (process.hrtime.bigint around the await).
import { seededRandom } from '../../src/core/kernel/random.js';

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
 */
export async function measureInterleaved<K extends string>(
  label: string,
  iterations: number,
  warmup: number,
  sides: Record<K, (i: number) => Promise<unknown>>,
): Promise<Record<K, Latencies>> {
  const names = Object.keys(sides) as K[];
  const latencies = Object.fromEntries(names.map((name) => [name, new Float64Array(iterations)])) as Record<K, Latencies>;
  const every = Math.max(1, Math.round(iterations / 10));
  const next = seededRandom(42);
  const order = [...names];
  const cpu = Object.fromEntries(names.map((name) => [name, 0])) as Record<K, number>;
  for (let i = -warmup; i < iterations; i += 1) {
    if (names.length === 2) {
      order[0] = names[(i + warmup) % 2]!;
      order[1] = names[(i + warmup + 1) % 2]!;
    } else {
      for (let k = order.length - 1; k > 0; k -= 1) {
        const j = Math.floor(next() * (k + 1));
        [order[k], order[j]] = [order[j]!, order[k]!];
      }
    }
    for (const name of order) {
      const before = process.cpuUsage();
      const latency = await timed(() => sides[name](i));
      if (i >= 0) {
        latencies[name][i] = latency;
        const used = process.cpuUsage(before);
        cpu[name] += used.user + used.system;
      }
    }
    if (i % every === 0) process.stderr.write(`\r${label} ${Math.max(i, 0)}/${iterations}   `);
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
