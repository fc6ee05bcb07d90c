import type { CompiledQuery } from 'kysely';

/** Runs a compiled query on a connection without Kysely's executor layers: its rows; errors unmapped. */
export type DirectExecutor = <R>(query: CompiledQuery) => Promise<R[]>;

/** A {@link DirectExecutor} answering with the first row (`undefined` when there is none). */
export type DirectFirstExecutor = <R>(query: CompiledQuery) => Promise<R | undefined>;

/**
 * Where `compiledQuery` statements find a shorter way to the connection: set on the Kysely
 * instances `createDatabase` builds (no plugins, so nothing to transform) and on the
 * transactions of their units of work. A symbol-keyed property of the instance, not a WeakMap
 * (a lookup per statement).
 */
const DIRECT = Symbol('org-data.direct-executor');

/** Where an instance keeps its {@link DirectFirstExecutor}, when it has one. */
const DIRECT_FIRST = Symbol('org-data.direct-first-executor');

/**
 * Records that statements on `db` (an instance without plugins) may run through `run`. A plain
 * assignment of a symbol-keyed property (invisible to `Object.keys` and JSON): it runs once per
 * unit of work, where `Object.defineProperty` was measured at 1.4 µs. `first`, when given, runs a statement whose
 * caller wants only its first row without a promise of the caller's own to pick it out (the
 * pool's driver answers with that row).
 */
export function registerDirectExecutor(db: object, run: DirectExecutor, first?: DirectFirstExecutor): void {
  (db as { [DIRECT]?: DirectExecutor })[DIRECT] = run;
  if (first !== undefined) (db as { [DIRECT_FIRST]?: DirectFirstExecutor })[DIRECT_FIRST] = first;
}

/** The direct executor of `db`, if it has one (instances derived with plugins have none). */
export function directExecutor(db: object): DirectExecutor | undefined {
  return (db as { [DIRECT]?: DirectExecutor })[DIRECT];
}

/** The {@link DirectFirstExecutor} of `db`, if it has one. */
export function directFirstExecutor(db: object): DirectFirstExecutor | undefined {
  return (db as { [DIRECT_FIRST]?: DirectFirstExecutor })[DIRECT_FIRST];
}
