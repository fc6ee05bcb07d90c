import type { DefaultQueryExecutor, Dialect, DialectAdapter, Driver, Kysely, KyselyConfig, QueryCompiler } from 'kysely';

/**
 * What `createDatabase` keeps of a Kysely instance it built: the parts Kysely holds
 * privately, so that a unit of work can run its transaction on a connection of the driver
 * itself (one message for BEGIN and the tenant, no AsyncLocalStorage).
 */
export interface DatabaseInternals {
  /** The instance's configuration (its dialect). */
  readonly config: KyselyConfig;
  /** The PostgreSQL dialect. */
  readonly dialect: Dialect;
  /** The driver: initialised once, refuses connections after `db.destroy()`. */
  readonly driver: Driver;
  /** The instance's executor: no plugins, a connection from the pool per query. */
  readonly executor: DefaultQueryExecutor;
  /** The dialect's query compiler, shared by every executor of the instance. */
  readonly compiler: QueryCompiler;
  /** The dialect's adapter, shared by every executor of the instance. */
  readonly adapter: DialectAdapter;
}

/** Keyed by the exact instance: `db.withPlugin(…)` and `db.withSchema(…)` are other instances, not found here. */
const registry = new WeakMap<object, DatabaseInternals>();

/** Records what `databaseOverPool` built `db` from. */
export function registerDatabase(db: Kysely<any>, internals: DatabaseInternals): void {
  registry.set(db, Object.freeze({ ...internals }));
}

/**
 * The internals of `db` when `createDatabase` (through `databaseOverPool`) built it, else
 * `undefined`: any other Kysely instance, a transaction, or an instance derived with plugins.
 */
export function databaseInternals(db: object): DatabaseInternals | undefined {
  return registry.get(db);
}
