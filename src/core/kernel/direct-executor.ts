import type { CompiledQuery, QueryResult } from 'kysely';

/** Runs a compiled query on a connection without Kysely's executor layers; errors unmapped. */
export type DirectExecutor = <R>(query: CompiledQuery) => Promise<QueryResult<R>>;

/**
 * Where `compiledQuery` statements find a shorter way to the connection: set on the Kysely
 * instances `createDatabase` builds (no plugins, so nothing to transform) and on the
 * transactions of their units of work. A symbol-keyed property of the instance, not a WeakMap
 * (a lookup per statement).
 */
const DIRECT = Symbol('org-data.direct-executor');

/** Records that statements on `db` (an instance without plugins) may run through `run`. */
export function registerDirectExecutor(db: object, run: DirectExecutor): void {
  Object.defineProperty(db, DIRECT, { value: run });
}

/** The direct executor of `db`, if it has one (instances derived with plugins have none). */
export function directExecutor(db: object): DirectExecutor | undefined {
  return (db as { [DIRECT]?: DirectExecutor })[DIRECT];
}
