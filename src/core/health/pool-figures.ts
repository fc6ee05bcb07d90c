import type { Kysely } from 'kysely';

/** The counters of a `pg.Pool` that the health check reports. */
interface PoolCounters {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
  readonly options?: { readonly max?: number };
}

/** The connections of the pool behind a database handle, at one instant. */
export interface PoolFigures {
  /** Connections open (idle or checked out). */
  readonly total: number;
  /** Open connections waiting in the pool for a caller. */
  readonly idle: number;
  /** Callers waiting for a connection (the pool is at `max` and none is idle). */
  readonly waiting: number;
  /** The pool's size limit, when known. */
  readonly max: number | undefined;
}

/** Keyed by the exact instance `createDatabase` returned. */
const pools = new WeakMap<object, PoolCounters>();

/** Records the pool behind `db` (called by `createDatabase`); returns `db`. */
export function registerPool<T extends Kysely<any>>(db: T, pool: PoolCounters): T {
  pools.set(db, pool);
  return db;
}

/**
 * The pool `createDatabase` built behind `db` (internal: not exported from the package; the
 * benchmark runs its raw `pg` sides on the very connections the repositories use).
 */
export function registeredPool(db: object): PoolCounters | undefined {
  return pools.get(db);
}

/** The figures of the pool behind `db`, or `undefined` when `createDatabase` did not build it. */
export function poolFiguresOf(db: object): PoolFigures | undefined {
  const pool = pools.get(db);
  if (!pool) return undefined;
  const max = pool.options?.max;
  return {
    total: pool.totalCount,
    idle: pool.idleCount,
    waiting: pool.waitingCount,
    max: typeof max === 'number' ? max : undefined,
  };
}
