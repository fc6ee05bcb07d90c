import type { CompiledQuery, DatabaseConnection, Driver, TransactionSettings } from 'kysely';
import { DatabaseClosedError } from '../errors/lifecycle-errors.js';
import type { PoolDriver } from './pool-driver.js';

/**
 * Wraps a driver (the package's `PoolDriver`) the way Kysely's internal `RuntimeDriver` wraps the driver of a
 * Kysely instance built from a dialect: `init()` runs once (again after a failure) before the
 * first connection is handed out, `destroy()` ends the pool once, and no connection is handed
 * out after `destroy()`. A Kysely instance built from `KyselyProps`, as {@link createDatabase}
 * builds its instances, gets no RuntimeDriver, so it gets this one. Unlike RuntimeDriver, it
 * refuses calls after `destroy()` with {@link DatabaseClosedError}; callers still waiting for a
 * connection when `destroy()` runs are rejected with it by the wrapped driver (`PoolDriver`
 * empties its pool's queue of waiters, which pg-pool would leave waiting until its connection
 * timeout, or for ever).
 */
export class ManagedDriver implements Driver {
  readonly #driver: PoolDriver;
  #initializing: Promise<void> | undefined;
  #initialized = false;
  #destroying: Promise<void> | undefined;
  readonly #alsoDestroy: (() => Promise<void>) | undefined;

  /** `alsoDestroy` runs once with the first `destroy()` (the replicas' pools of a primary). */
  constructor(driver: PoolDriver, alsoDestroy?: () => Promise<void>) {
    this.#driver = driver;
    this.#alsoDestroy = alsoDestroy;
  }

  /**
   * Initialises the wrapped driver once; a failed attempt is tried again on the next call.
   * @throws DatabaseClosedError after `destroy()`.
   */
  async init(): Promise<void> {
    if (this.#destroying) throw new DatabaseClosedError();
    this.#initializing ??= this.#driver.init().then(
      () => {
        this.#initialized = true;
      },
      (error: unknown) => {
        this.#initializing = undefined;
        throw error;
      },
    );
    await this.#initializing;
  }

  /**
   * A connection from the pool, the driver initialised first if it was not yet. Nothing is
   * wrapped around the pool's own promise (a promise and closures per call were measured at
   * about 2% of a primary-key read): a caller still waiting when `destroy()` runs is rejected
   * by the wrapped driver, which empties its pool's queue of waiters before ending it (see
   * `PoolDriver.destroy`).
   * @throws DatabaseClosedError after `destroy()`, also when `destroy()` runs while the caller
   *   waits; the pool's errors (unmapped) otherwise.
   */
  acquireConnection(): Promise<DatabaseConnection> {
    if (this.#destroying) return Promise.reject(new DatabaseClosedError());
    if (this.#initialized) return this.#driver.acquireConnection();
    return this.init().then(() => (this.#destroying ? Promise.reject(new DatabaseClosedError()) : this.#driver.acquireConnection()));
  }

  /**
   * Runs `compiledQuery` alone on a connection of the pool, released when it settled (see
   * `PoolDriver.runAlone`), the driver initialised first if it was not yet: the rows.
   * @throws DatabaseClosedError after `destroy()`; the statement's errors (unmapped) otherwise.
   */
  runAlone<R>(compiledQuery: CompiledQuery): Promise<R[]> {
    if (this.#destroying) return Promise.reject(new DatabaseClosedError());
    if (this.#initialized) return this.#driver.runAlone<R>(compiledQuery);
    return this.init().then(() =>
      this.#destroying ? Promise.reject(new DatabaseClosedError()) : this.#driver.runAlone<R>(compiledQuery),
    );
  }

  /**
   * {@link runAlone}, answering with the first row (`undefined` when there is none).
   * @throws DatabaseClosedError after `destroy()`; the statement's errors (unmapped) otherwise.
   */
  runAloneFirst<R>(compiledQuery: CompiledQuery): Promise<R | undefined> {
    if (this.#destroying) return Promise.reject(new DatabaseClosedError());
    if (this.#initialized) return this.#driver.runAloneFirst<R>(compiledQuery);
    return this.init().then(() =>
      this.#destroying ? Promise.reject(new DatabaseClosedError()) : this.#driver.runAloneFirst<R>(compiledQuery),
    );
  }

  /** Returns `connection` to the pool. */
  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.#driver.releaseConnection(connection);
  }

  /** Sends the dialect's `begin` (`start transaction …` with an isolation level or access mode). */
  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.#driver.beginTransaction(connection, settings);
  }

  /** Sends `commit`. */
  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#driver.commitTransaction(connection);
  }

  /** Sends `rollback`. */
  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#driver.rollbackTransaction(connection);
  }

  /** Sends `savepoint <name>` (Kysely's controlled transactions). */
  savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    return this.#driver.savepoint(connection, name);
  }

  /** Sends `rollback to savepoint <name>`. */
  rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    return this.#driver.rollbackToSavepoint(connection, name);
  }

  /** Sends `release savepoint <name>`. */
  releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    return this.#driver.releaseSavepoint(connection, name);
  }

  /**
   * Ends the pool (waiting for checked-out connections to be released) once; from the call on,
   * new calls are refused and callers still queued for a connection are rejected at once with
   * {@link DatabaseClosedError} (by the wrapped driver's `destroy()`, which runs at once when
   * the driver was initialised). A connection the pool was already opening for a caller is
   * still handed to it: its statement runs and releases it, and then the pool ends. A failed
   * end may be tried again, as with Kysely's own driver.
   */
  async destroy(): Promise<void> {
    this.#destroying ??= (async () => {
      // Started at once, awaited last (its failure is reported after the pool's own).
      const also = this.#alsoDestroy?.().then(
        () => undefined,
        (error: unknown) => ({ error }),
      );
      // Never initialised: the driver has not taken the pool yet, so it has nothing to end (as
      // RuntimeDriver); initialising it now only to end it would be the same.
      if (this.#initializing) {
        await this.#initializing;
        await this.#driver.destroy();
      }
      const failed = await also;
      if (failed) throw failed.error;
    })().catch((error: unknown) => {
      this.#destroying = undefined;
      throw error;
    });
    await this.#destroying;
  }
}
