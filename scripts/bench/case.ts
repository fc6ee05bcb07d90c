// The shape of a benchmark case and of a group of cases (a section of the report).
//
// A case is one operation measured two ways: `repo`, through the package's repositories, and
// `raw`, the same statements hand-written with plain `pg`. `sameSql` proves that the two do the
// same work: the repository sends exactly the raw side's SQL text and parameters, and both
// return the same rows. The runner (runner.ts) seeds, checks, and then times the sides
// interleaved; `npm run bench:verify` runs only the checks, at tiny sizes.
import type { Section, Sizes } from './config.js';
import type { Latencies } from './measure.js';
import type { Connections, SentQuery } from './support.js';

/**
 * One side of a case, bound once to the connections it runs on, then called once per iteration
 * with the iteration's index (negative during warm-up). Binding is where a side builds what it
 * reuses across calls (repositories, a CamelCasePlugin instance).
 */
export type Side<S> = (state: S, on: Connections) => (i: number) => Promise<unknown>;

/** What a case's seed gets: where to load data, how much, and data other cases share. */
export interface SeedContext {
  /** Connection string of the benchmark database. */
  readonly url: string;
  /** The setup connections: data is loaded here, never timed here. */
  readonly setup: Connections;
  readonly sizes: Sizes;
  /**
   * Calls each of `repo` and `raw` will make, warm-up included (0 in --verify): what a case that
   * consumes rows must prepare. The raw prepared side runs the case's `raw` on the same state,
   * except for cases the runner gives a state of its own (verify: runner.ts).
   */
  readonly calls: number;
  /** Runs `load` once per run for `key` and returns its result to every case that asks. */
  shared<T>(key: string, load: () => Promise<T>): Promise<T>;
}

/** What one side sent and returned when run on recording connections. */
export interface Recorded {
  readonly result: unknown;
  readonly sent: readonly SentQuery[];
}

/** How {@link Check.compare} compares two calls. */
export interface CompareOptions {
  /**
   * Values that differ between the two calls by design (generated ids, `now()`, unique
   * inputs), taken from each side's result in the same order; each is replaced by a
   * placeholder wherever it occurs in a parameter (inside JSON text too) before the
   * parameters are compared.
   */
  readonly mask?: (result: unknown) => readonly unknown[];
  /** Applied to the repository's statement `index` (0-based) first (default: none; byte for byte). */
  readonly repoText?: (text: string, index: number) => string;
  /** Asserts the results agree (default: deep equality). */
  readonly results?: (repo: unknown, raw: unknown) => void;
}

/** The tools of a case's `sameSql`. */
export interface Check<S> {
  /** Fresh connections that record nothing (for reads that support a check). */
  readonly on: Connections;
  /** The run's sizes (how many inputs to check). */
  readonly sizes: Sizes;
  /** Runs `side` once at iteration `i` on connections that record every statement. */
  run(side: Side<S>, i: number): Promise<Recorded>;
  /**
   * Runs `repo` and `raw` once each at iteration `i` on recording connections and fails unless
   * they sent the same statements (text, then parameters) and their results agree. `raw` runs on
   * a pool that names statements as the raw prepared side does; a repository statement without
   * that name is collected as unnamed (check.ts), another name fails.
   */
  compare(repo: Side<S>, raw: Side<S>, i: number, what: string, options?: CompareOptions): Promise<{ repo: unknown; raw: unknown }>;
  /** {@link compare} of the case's own `repo` and `raw`. */
  same(i: number, options?: CompareOptions): Promise<{ repo: unknown; raw: unknown }>;
  /**
   * Fails unless `sent` is exactly `expected` (text and parameters of every statement, and the
   * names the raw prepared side gives those texts): for operations whose two calls cannot share
   * inputs (two versions added to one document).
   */
  expect(sent: readonly SentQuery[], expected: readonly (readonly [string, readonly unknown[]])[], what: string): void;
}

/** One operation, through the repositories and through raw pg. */
export interface BenchCase<S> {
  /** The row label in the report, e.g. `users.findById`. */
  readonly name: string;
  /** Prepares the data and the inputs; returns the state the sides and checks read. */
  readonly seed: (ctx: SeedContext) => Promise<S>;
  /** The repository side. Absent only in a raw-only baseline (the deep OFFSET page). */
  readonly repo?: Side<S>;
  /** The raw pg side: the same SQL, hand-written. */
  readonly raw: Side<S>;
  /** Fails unless `repo` sends exactly `raw`'s SQL and parameters and both return the same rows. */
  readonly sameSql: (state: S, check: Check<S>) => Promise<void>;
  /** More sides timed in the same interleaved loop (CamelCasePlugin, the flat table, OFFSET). */
  readonly also?: Readonly<Record<string, Side<S>>>;
  /** Recorded iterations per side. */
  readonly iterations: number;
  /** Unrecorded warm-up iterations per side before them. */
  readonly warmup: number;
  /**
   * Replaces the interleaved loop with a measurement of its own (concurrent writers); its
   * result goes to the group's report as `custom`. `open` opens fresh connections.
   */
  readonly measure?: (state: S, open: () => Connections) => Promise<unknown>;
}

/** A case of any state (the runner does not look inside). */
export type AnyCase = BenchCase<any>;

/** Declares a case, inferring its state type from `seed`. */
export function defineCase<S>(definition: BenchCase<S>): BenchCase<S> {
  return definition;
}

/** What the runner measured for one case. */
export interface CaseResult {
  readonly case: AnyCase;
  readonly state: any;
  /** Latencies per side name (`repo`, `raw`, `raw prepared` and the `also` names). */
  readonly latencies: Readonly<Record<string, Latencies>>;
  /** What `measure` returned. */
  readonly custom?: unknown;
}

/** What a group's report may read besides the results. */
interface ReportContext {
  readonly url: string;
  readonly setup: Connections;
  readonly sizes: Sizes;
}

/** A section of the report: cases run in order, and the markdown of their results. */
export interface BenchGroup {
  readonly section: Section;
  /** The section's heading. */
  readonly title: string;
  /** One line on the method (iterations, warm-up), for the Environment paragraph. */
  readonly method: string;
  readonly cases: readonly AnyCase[];
  /** The section's markdown from its cases' results (runs after every case was timed). */
  readonly report: (results: readonly CaseResult[], ctx: ReportContext) => Promise<string>;
}
