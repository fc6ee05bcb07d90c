import type { DatabaseConnection, Driver, QueryCompiler, TransactionSettings } from 'kysely';
import { ConnectionLostError } from '../errors/operational-errors.js';

type CompileQuery = QueryCompiler['compileQuery'];

/**
 * Wraps a driver (the package's `PoolDriver`) the way Kysely's internal `RuntimeDriver` wraps the driver of a
 * Kysely instance built from a dialect: `init()` runs once (again after a failure) before the
 * first connection is handed out, `destroy()` ends the pool once, and no connection is handed
 * out after `destroy()`. A Kysely instance built from `KyselyProps`, as {@link createDatabase}
 * builds its instances, gets no RuntimeDriver, so it gets this one.
 */
export class ManagedDriver implements Driver {
  readonly #driver: Driver;
  #initializing: Promise<void> | undefined;
  #initialized = false;
  #destroying: Promise<void> | undefined;

  constructor(driver: Driver) {
    this.#driver = driver;
  }

  /**
   * Initialises the wrapped driver once; a failed attempt is tried again on the next call.
   * @throws ConnectionLostError after `destroy()`.
   */
  async init(): Promise<void> {
    if (this.#destroying) throw destroyed();
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
   * A connection from the pool, the driver initialised first if it was not yet.
   * @throws ConnectionLostError after `destroy()`; the pool's errors (unmapped) otherwise.
   */
  acquireConnection(): Promise<DatabaseConnection> {
    if (this.#destroying) return Promise.reject(destroyed());
    // Once initialised, hand the driver's promise on: no async frame of our own per connection.
    if (this.#initialized) return this.#driver.acquireConnection();
    return this.init().then(() => this.#driver.acquireConnection());
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
  savepoint(connection: DatabaseConnection, name: string, compileQuery: CompileQuery): Promise<void> {
    return this.#driver.savepoint!(connection, name, compileQuery);
  }

  /** Sends `rollback to savepoint <name>`. */
  rollbackToSavepoint(connection: DatabaseConnection, name: string, compileQuery: CompileQuery): Promise<void> {
    return this.#driver.rollbackToSavepoint!(connection, name, compileQuery);
  }

  /** Sends `release savepoint <name>`. */
  releaseSavepoint(connection: DatabaseConnection, name: string, compileQuery: CompileQuery): Promise<void> {
    return this.#driver.releaseSavepoint!(connection, name, compileQuery);
  }

  /**
   * Ends the pool (waiting for checked-out connections to be released) once; from the call on,
   * no connection is handed out. A failed end may be tried again, as with Kysely's own driver.
   */
  async destroy(): Promise<void> {
    this.#destroying ??= (async () => {
      // Never initialised: the driver has not taken the pool yet, so it has nothing to end (as
      // RuntimeDriver); initialising it now only to end it would be the same.
      if (!this.#initializing) return;
      await this.#initializing;
      await this.#driver.destroy();
    })().catch((error: unknown) => {
      this.#destroying = undefined;
      throw error;
    });
    await this.#destroying;
  }
}

const destroyed = () => new ConnectionLostError('the database was destroyed (db.destroy() was called)');
