import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type PostgresPool,
  type PostgresPoolClient,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import pg from 'pg';
import { preparedName } from '../kernel/compiled-query.js';
import { ConfigurationError } from '../config/configuration-error.js';
import { isCachedPlanChanged } from '../errors/statement-invalidated.js';
import { ConnectionLostError } from '../errors/operational-errors.js';
import { DatabaseClosedError } from '../errors/lifecycle-errors.js';

/** What pg's client keeps of the statements it prepared (internal, stable since pg 7). */
interface PreparedStatementRegistry {
  parsedStatements?: Record<string, string>;
  submittedNamedStatements?: Record<string, string>;
}

/** What pg's client answers to a query. */
interface PgResult<R> {
  command: string;
  rowCount: number | null;
  rows: R[];
}

/** What pg calls when a statement settled (its callback form: no promise of pg's own per statement). */
type PgCallback<R> = (error: unknown, result: PgResult<R> | undefined) => void;

/** The parts of a `pg` client the connection uses beyond Kysely's `PostgresPoolClient`. */
interface PgClient {
  /** Back to the pool; with an argument, the pool destroys the client instead of keeping it. */
  release(destroy?: boolean): void;
  query<R>(config: { name: string; text: string; values: unknown[] }, callback: PgCallback<R>): void;
  query<R>(text: string, values: unknown[], callback: PgCallback<R>): void;
  getTransactionStatus?(): string | null;
  connection?: PreparedStatementRegistry & { stream?: { destroy(): void } };
}

const ROLLBACK = CompiledQuery.raw('rollback');
const DEALLOCATE_ALL = 'deallocate all';

/** pg's answer as Kysely's `QueryResult`. */
function queryResult<R>({ command, rowCount, rows }: PgResult<R>): QueryResult<R> {
  return {
    numAffectedRows:
      command === 'INSERT' || command === 'UPDATE' || command === 'DELETE' || command === 'MERGE' ? BigInt(rowCount ?? 0) : undefined,
    rows: rows ?? [],
  };
}

/**
 * What a statement's answer becomes: a `QueryResult`, the rows, the rows with the connection
 * released first, or the first row (`undefined` when none) with the connection released first.
 */
type Out = 0 | 1 | 2 | 3;
const RESULT: Out = 0;
const ROWS: Out = 1;
const ROWS_RELEASE: Out = 2;
const FIRST_RELEASE: Out = 3;

/** Settles a statement's promise (its executor's `resolve` and `reject`). */
type Resolve = (value: unknown) => void;
type Reject = (reason: unknown) => void;

/**
 * Where a unit of work's connection records that a statement failed (PostgreSQL has then
 * aborted the transaction) until a `rollback to savepoint` succeeds (see `UnitConnection`).
 */
export interface FailureTracker {
  aborted: boolean;
}

/** Whether `sql` opens a transaction (`begin` or `start transaction`, alone or with the tenant). */
const opensTransaction = (sql: string) => sql.startsWith('begin') || sql.startsWith('start transaction');

/**
 * One pooled `pg` client as a Kysely connection. A query that carries a prepared-statement name
 * (`compiledQuery` statements) runs as a named statement when prepared statements are on: the
 * server parses and plans it once per connection. When a migration changed a table such a
 * statement reads, the server refuses it with "cached plan must not change result type"
 * (SQLSTATE 0A000); the connection then forgets its prepared statements (`DEALLOCATE ALL`) and
 * runs the query again once — when nothing else ran in its transaction (autocommit, or the
 * first statement after `BEGIN`, which is sent again after a `ROLLBACK`). Otherwise the error
 * goes up (mapped to `StatementInvalidatedError`, retryable) and the statements are forgotten
 * before the connection's next statement.
 *
 * A response bound guards against a server that went silent (a network partition, a
 * black-holed route): when statements are outstanding and no answer arrived for
 * {@link PoolConnection.responseTimeoutMs} (counted from the first statement sent, then from
 * each answer), the socket is destroyed, every outstanding statement fails with
 * `ConnectionLostError`, and the client is destroyed on release instead of going back to the
 * pool.
 */
export class PoolConnection implements DatabaseConnection {
  readonly #client: PgClient;
  readonly #prepared: boolean;
  /** The pool's bound (ms, 0 = none); {@link responseTimeoutMs} while the connection is held. */
  readonly #defaultBound: number;
  #bound: number;
  /** Statements sent and not yet answered. */
  #outstanding = 0;
  /** When the server last answered, or a statement was sent with none outstanding (performance.now()). */
  #lastHeard = 0;
  /**
   * Checks the bound: armed when a statement is sent and none is pending, it re-arms itself for
   * what is left of the bound while statements are outstanding, and lapses when none is. So a
   * statement costs two counter updates and a clock read, not a timer (measured: refreshing a
   * timer per statement cost ~5% of a prepared primary-key read).
   */
  #watchdog: NodeJS.Timeout | undefined;
  /** The bound the connection was deemed lost under, for the error. */
  #expiredAfterMs = 0;
  /** The bound expired: the socket was destroyed and the client must not return to the pool. */
  #lost = false;
  /** The session ended with a FATAL error: the client must not return to the pool either. */
  #discard = false;
  /** The text that opened the current transaction, while no other statement ran in it. */
  #begin: string | undefined;
  /** Forget the prepared statements before the next statement (an invalidation was seen). */
  #stale = false;

  constructor(client: PostgresPoolClient, prepared: boolean, responseTimeoutMs = 0) {
    this.#client = client as unknown as PgClient;
    this.#prepared = prepared;
    this.#defaultBound = responseTimeoutMs;
    this.#bound = responseTimeoutMs;
  }

  /**
   * How long, in ms, outstanding statements may wait for an answer before the connection is
   * deemed lost (`0`: no bound). Set for as long as the connection is held (the migration
   * runner lifts it while it waits for its lock); reset to the pool's bound on release.
   */
  get responseTimeoutMs(): number {
    return this.#bound;
  }

  set responseTimeoutMs(value: number) {
    this.#bound = value;
    clearTimeout(this.#watchdog);
    this.#watchdog = undefined;
    if (this.#outstanding > 0) this.#arm(value);
  }

  /**
   * Runs `compiledQuery`, as a named prepared statement when it has a name and they are on.
   * Given `tracker` (a unit of work's connection), a failure sets `tracker.aborted` and a
   * successful `rollback to savepoint` clears it, without a promise of the tracker's own.
   */
  executeQuery<R>(compiledQuery: CompiledQuery, tracker?: FailureTracker): Promise<QueryResult<R>> {
    return this.#start<QueryResult<R>>(compiledQuery, RESULT, tracker);
  }

  /** {@link executeQuery}, answering with the rows only (no `QueryResult` built). */
  rows<R>(compiledQuery: CompiledQuery, tracker?: FailureTracker): Promise<R[]> {
    return this.#start<R[]>(compiledQuery, ROWS, tracker);
  }

  /**
   * Runs `compiledQuery` on this connection just taken from the pool, outside a transaction,
   * and releases the connection when it has settled (before the caller resumes), succeeded or
   * failed: what a statement run on the database instance itself does. It settles the caller's
   * promise (`resolve`, `reject`) with the rows, or with the first row (`undefined` when none)
   * when `first`, instead of making one of its own: the pool's driver runs a statement alone with
   * one promise in all, from taking the connection to the answer (resolving a promise with
   * another promise costs two more microtasks and a reaction).
   */
  runAloneInto(compiledQuery: CompiledQuery, first: boolean, resolve: Resolve, reject: Reject): void {
    const out = first ? FIRST_RELEASE : ROWS_RELEASE;
    try {
      // The status the server reported after the previous statement (see #start).
      const idle = this.#status() === 'I';
      if (this.#stale && idle) resolve(this.#afterForgetting(compiledQuery, out, undefined));
      else this.#executeInto(compiledQuery, idle, out, undefined, resolve, reject);
    } catch (error) {
      // Nothing was sent (a query without text, say): the connection goes back all the same.
      this.release();
      reject(error);
    }
  }

  #start<T>(compiledQuery: CompiledQuery, out: Out, tracker: FailureTracker | undefined): Promise<T> {
    // The status the server reported after the previous statement: `I` outside a transaction.
    // (Read before sending: after an error pg settles the query before the server's status
    // arrives, so the status read then may still be the previous one.)
    const idle = this.#status() === 'I';
    if (this.#stale && idle) return this.#afterForgetting<T>(compiledQuery, out, tracker);
    // Not async itself: one async frame per statement (#run's).
    return this.#execute(compiledQuery, idle, out, tracker) as Promise<T>;
  }

  /** Forgets the connection's stale prepared statements, then runs `compiledQuery` (idle: alone). */
  #afterForgetting<T>(compiledQuery: CompiledQuery, out: Out, tracker: FailureTracker | undefined): Promise<T> {
    const outcome = this.#forgetStatements().then(
      () => this.#execute(compiledQuery, true, RESULT, undefined) as Promise<QueryResult<unknown>>,
    );
    return this.#settled<T>(outcome, out, tracker);
  }

  /** Sends `compiledQuery`, named when prepared statements are on, tracking what opened the transaction. */
  #execute(compiledQuery: CompiledQuery, idle: boolean, out: Out, tracker: FailureTracker | undefined): Promise<unknown> {
    return new Promise((resolve, reject) => this.#executeInto(compiledQuery, idle, out, tracker, resolve, reject));
  }

  /** {@link #execute}, settling the caller's promise (`resolve`, `reject`) instead of one of its own. */
  #executeInto(
    compiledQuery: CompiledQuery,
    idle: boolean,
    out: Out,
    tracker: FailureTracker | undefined,
    resolve: Resolve,
    reject: Reject,
  ): void {
    const { sql } = compiledQuery;
    const name = this.#prepared ? preparedName(compiledQuery) : undefined;
    const begin = this.#begin;
    this.#begin = opensTransaction(sql) ? sql : undefined;
    this.#send(sql, compiledQuery.parameters, name, compiledQuery, idle ? 'autocommit' : begin, out, tracker, resolve, reject);
  }

  /**
   * After "cached plan must not change result type": forgets the connection's statements and
   * runs `query` again when nothing else ran with it — an autocommit statement, or the first
   * statement after `begin` (rolled back and begun again) — else marks the connection stale
   * and rethrows.
   */
  async #recover<R>(query: CompiledQuery, name: string, alone: string | undefined, error: unknown): Promise<QueryResult<R>> {
    if (alone === 'autocommit') {
      await this.#forgetStatements();
      return this.#run<R>(query.sql, query.parameters, name) as Promise<QueryResult<R>>;
    }
    if (alone !== undefined) {
      // The first statement of its transaction: nothing of it is lost by starting it again.
      await this.#run(ROLLBACK.sql, [], undefined);
      await this.#forgetStatements();
      await this.#run(alone, [], undefined);
      return this.#run<R>(query.sql, query.parameters, name) as Promise<QueryResult<R>>;
    }
    this.#stale = true;
    throw error;
  }

  /**
   * Sends one statement and waits for its answer under the response bound. Given `retry` (the
   * caller's query) and `alone` (see {@link #recover}), a "cached plan must not change result
   * type" failure is recovered from; statements sent by the recovery itself pass neither. `out`
   * says what the answer becomes (a `QueryResult`, the rows, the rows with the connection
   * released first); `tracker` records a failure (see {@link executeQuery}). The answer's path
   * is pg's callback and one promise; a failure's goes through {@link #settled}.
   */
  #run<R>(
    text: string,
    parameters: readonly unknown[],
    name: string | undefined,
    retry?: CompiledQuery,
    alone?: string,
    out: Out = RESULT,
    tracker?: FailureTracker,
  ): Promise<QueryResult<R> | R[]> {
    // pg's callback form: one promise per statement, this one (pg's promise form adds two of
    // its own; measured on a prepared primary-key read: ~1.5% of its latency).
    return new Promise((resolve, reject) =>
      this.#send(text, parameters, name, retry, alone, out, tracker, resolve as Resolve, reject),
    );
  }

  /** {@link #run}, settling the caller's promise (`resolve`, `reject`) instead of one of its own. */
  #send(
    text: string,
    parameters: readonly unknown[],
    name: string | undefined,
    retry: CompiledQuery | undefined,
    alone: string | undefined,
    out: Out,
    tracker: FailureTracker | undefined,
    resolve: Resolve,
    reject: Reject,
  ): void {
    if (this.#lost) {
      resolve(this.#settled(Promise.reject(this.#lostError()), out, tracker));
      return;
    }
    // pg only reads `values`. An unnamed statement goes as (text, values): a config object would
    // be copied property by property by pg before it is sent (measured: ~2 µs per statement).
    const values = parameters as unknown[];
    const bounded = this.#bound !== 0;
    if (bounded) this.#sent();
    const answered: PgCallback<unknown> = (error, result) => {
      try {
        if (bounded) this.#answered();
        if (error !== null && error !== undefined) {
          resolve(this.#settled(this.#afterError(error, retry, name, alone), out, tracker));
          return;
        }
        // A savepoint rolled back to: the transaction is usable again.
        if (tracker !== undefined && text.startsWith('rollback to savepoint ')) tracker.aborted = false;
        if (out === RESULT) {
          resolve(queryResult(result!));
          return;
        }
        if (out >= ROWS_RELEASE) this.release();
        const rows = result!.rows ?? [];
        resolve(out === FIRST_RELEASE ? rows[0] : rows);
      } catch (failure) {
        reject(failure);
      }
    };
    try {
      if (name === undefined) this.#client.query(text, values, answered);
      else this.#client.query({ name, text, values }, answered);
    } catch (error) {
      // Refused before anything was sent (a query without text, say).
      answered(error, undefined);
    }
  }

  /** A statement failed: the lost connection's error, a recovery (see {@link #recover}), or the error itself. */
  async #afterError<R>(
    error: unknown,
    retry: CompiledQuery | undefined,
    name: string | undefined,
    alone: string | undefined,
  ): Promise<QueryResult<R>> {
    if (this.#lost) throw this.#lostError();
    if (retry === undefined || name === undefined || !isCachedPlanChanged(error)) return this.#failed(error);
    return this.#recover<R>(retry, name, alone, error);
  }

  /**
   * The slow ends of a statement (a failure, a recovery, forgetting stale statements first):
   * `outcome` turned into what `out` asks for, a failure recorded in `tracker`, and the
   * connection released in every case when `out` says so.
   */
  async #settled<T>(outcome: Promise<QueryResult<unknown>>, out: Out, tracker: FailureTracker | undefined): Promise<T> {
    try {
      const result = await outcome;
      if (out === RESULT) return result as T;
      return (out === FIRST_RELEASE ? result.rows[0] : result.rows) as T;
    } catch (error) {
      if (tracker !== undefined) tracker.aborted = true;
      throw error;
    } finally {
      if (out >= ROWS_RELEASE) this.release();
    }
  }

  /**
   * A statement failed. A FATAL (or PANIC) error ends the session: the server closes the socket
   * right after it (a terminated backend, 57P01), but pg marks the client unusable only when
   * the close arrives, which may be after the caller released it; so the client is destroyed on
   * release rather than handed to the next caller dead.
   */
  #failed(error: unknown): never {
    const severity = (error as { severity?: unknown } | null)?.severity;
    if (severity === 'FATAL' || severity === 'PANIC') this.#discard = true;
    throw error;
  }

  /** A statement goes out: with none outstanding, the bound starts now. */
  #sent(): void {
    if (this.#outstanding === 0) this.#lastHeard = performance.now();
    this.#outstanding += 1;
    if (this.#watchdog === undefined) this.#arm(this.#bound);
  }

  /** An answer arrived: the server is alive; the statements still outstanding get a new bound. */
  #answered(): void {
    this.#outstanding -= 1;
    this.#lastHeard = performance.now();
  }

  #arm(delayMs: number): void {
    if (delayMs <= 0 && this.#bound === 0) return;
    this.#watchdog = setTimeout(() => this.#check(), Math.max(1, Math.ceil(delayMs)));
    this.#watchdog.unref();
  }

  /** The watchdog fired: lapse when nothing is outstanding, expire when silent for the bound, else wait for the rest. */
  #check(): void {
    this.#watchdog = undefined;
    if (this.#outstanding === 0 || this.#lost || this.#bound === 0) return;
    const silentMs = performance.now() - this.#lastHeard;
    if (silentMs < this.#bound) {
      this.#arm(this.#bound - silentMs);
      return;
    }
    this.#lost = true;
    this.#expiredAfterMs = this.#bound;
    // pg fails every outstanding statement ("Connection terminated unexpectedly"), which #run
    // turns into ConnectionLostError; the pool's error listeners see the client's error.
    this.#client.connection?.stream?.destroy();
  }

  #lostError(): ConnectionLostError {
    return new ConnectionLostError(`no answer from the server within ${this.#expiredAfterMs} ms (responseTimeoutMs)`);
  }

  /** The server's transaction status after the last statement: `I` idle, `T` in a transaction, `E` failed. */
  #status(): string | null | undefined {
    return this.#client.getTransactionStatus?.();
  }

  /** Deallocates every prepared statement of this connection, on the server and in pg's registry. */
  async #forgetStatements(): Promise<void> {
    await this.#run(DEALLOCATE_ALL, [], undefined);
    this.#stale = false;
    const registry = this.#client.connection;
    if (registry?.parsedStatements) registry.parsedStatements = {};
    if (registry?.submittedNamedStatements) registry.submittedNamedStatements = {};
  }

  /**
   * Streaming is not offered by this driver (no cursor).
   * @throws ConfigurationError always.
   */
  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new ConfigurationError([{ path: 'stream', message: 'streaming results is not supported; page with keyset cursors' }]);
  }

  /**
   * Returns the client to the pool, or has the pool destroy it when the response bound expired
   * (a silent server) or its session ended with a FATAL error: its slot is freed either way.
   */
  release(): void {
    this.#bound = this.#defaultBound;
    if (this.#lost || this.#discard) {
      clearTimeout(this.#watchdog);
      this.#client.release(true);
      return;
    }
    this.#client.release();
  }
}

/** Options of {@link PoolDriver}. */
export interface PoolDriverOptions {
  /** Run `compiledQuery` statements as named server-side prepared statements. */
  readonly preparedStatements: boolean;
  /**
   * How long outstanding statements may wait for the server's answer before the connection is
   * deemed lost and destroyed, in ms; `0` or absent: no bound (see {@link PoolConnection}).
   */
  readonly responseTimeoutMs?: number;
  /**
   * The `pg.Pool` whose queue of callers waiting for a connection `destroy()` empties, when the
   * pool the driver is given is a wrapper around it (`createDatabase` with `refreshPassword`).
   * (Default: the pool itself)
   */
  readonly waiters?: object;
}

/** A caller of pg-pool's `connect()` queued for a connection (pg-pool's `PendingItem`). */
interface PendingConnect {
  readonly callback?: (error: Error) => void;
}

/**
 * Rejects the callers queued in pg-pool's `connect()` with `DatabaseClosedError`: pg-pool's
 * `end()` leaves them queued until their connection timeout, or for ever without one. This
 * reads pg-pool's queue (`_pendingQueue`, an array of `{ callback }` since pg-pool 2); a pool
 * without it is left as it is (its waiters then fail at their connection timeout).
 * test/core/database/destroy.test.ts fails if a pg-pool release changes it.
 */
function rejectWaiters(pool: object): void {
  const queue = (pool as { _pendingQueue?: unknown })._pendingQueue;
  if (!Array.isArray(queue)) return;
  for (const item of queue.splice(0) as PendingConnect[]) {
    if (typeof item?.callback === 'function') item.callback(new DatabaseClosedError());
  }
}

/**
 * Kysely's `PostgresDriver`, written for this package: the same statements for transactions and
 * savepoints, plus named prepared statements (see {@link PoolConnection}) and no stack-trace
 * capture per query. One {@link PoolConnection} per pg client, kept as long as the client.
 */
export class PoolDriver implements Driver {
  readonly #source: PostgresPool | (() => Promise<PostgresPool>);
  #pool: PostgresPool | undefined;
  /** {@link #pool} when it is a pg `Pool` (whose `connect` takes a callback), else `undefined`. */
  #callbackPool: pg.Pool | undefined;
  readonly #options: PoolDriverOptions;
  readonly #connections = new WeakMap<PostgresPoolClient, PoolConnection>();

  constructor(pool: PostgresPool | (() => Promise<PostgresPool>), options: PoolDriverOptions) {
    this.#source = pool;
    this.#options = options;
  }

  /** Takes the pool (calls the pool function, when the pool was given as one). */
  async init(): Promise<void> {
    const pool = typeof this.#source === 'function' ? await this.#source() : this.#source;
    this.#pool = pool;
    this.#callbackPool = pool instanceof pg.Pool ? pool : undefined;
  }

  /**
   * A connection from the pool (after {@link init}). From a pg `Pool`, through its callback
   * form (pg-pool's promise form adds a promise and a callback of its own per call).
   */
  acquireConnection(): Promise<DatabaseConnection> {
    const pool = this.#callbackPool;
    if (pool === undefined) return this.#pool!.connect().then((client) => this.#connectionOf(client));
    return new Promise((resolve, reject) => {
      pool.connect((error, client) => {
        if (error) reject(error);
        else resolve(this.#connectionOf(client as unknown as PostgresPoolClient));
      });
    });
  }

  /**
   * Runs `compiledQuery` alone (outside a transaction) on a connection from the pool (after
   * {@link init}), released as soon as the statement settled: the rows. What a statement run
   * on the database instance itself does, without Kysely's executor and connection-provider
   * layers; from a pg `Pool`, through the callback forms of its `connect` and its client's
   * `query`, with one promise from taking the connection to the answer.
   */
  runAlone<R>(compiledQuery: CompiledQuery): Promise<R[]> {
    return this.#alone(compiledQuery, false) as Promise<R[]>;
  }

  /** {@link runAlone}, answering with the first row (`undefined` when there is none). */
  runAloneFirst<R>(compiledQuery: CompiledQuery): Promise<R | undefined> {
    return this.#alone(compiledQuery, true) as Promise<R | undefined>;
  }

  #alone(compiledQuery: CompiledQuery, first: boolean): Promise<unknown> {
    const pool = this.#callbackPool;
    return new Promise((resolve, reject) => {
      if (pool === undefined) {
        this.#pool!.connect().then(
          (client) => this.#connectionOf(client).runAloneInto(compiledQuery, first, resolve, reject),
          reject,
        );
        return;
      }
      pool.connect((error, client) => {
        if (error) reject(error);
        else this.#connectionOf(client as unknown as PostgresPoolClient).runAloneInto(compiledQuery, first, resolve, reject);
      });
    });
  }

  /** The connection of `client`, made on its first use and kept as long as the client. */
  #connectionOf(client: PostgresPoolClient): PoolConnection {
    let connection = this.#connections.get(client);
    if (!connection) {
      connection = new PoolConnection(client, this.#options.preparedStatements, this.#options.responseTimeoutMs);
      this.#connections.set(client, connection);
    }
    return connection;
  }

  /** Sends `begin` or `start transaction` with the isolation level and access mode. */
  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    let sql = 'begin';
    if (settings.isolationLevel || settings.accessMode) {
      sql = 'start transaction';
      if (settings.isolationLevel) sql += ` isolation level ${settings.isolationLevel}`;
      if (settings.accessMode) sql += ` ${settings.accessMode}`;
    }
    await connection.executeQuery(CompiledQuery.raw(sql));
  }

  /** Sends `commit`. */
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  /** Sends `rollback`. */
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(ROLLBACK);
  }

  /** Sends `savepoint <name>`. */
  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${quoteIdentifier(name)}`));
  }

  /** Sends `rollback to savepoint <name>`. */
  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to savepoint ${quoteIdentifier(name)}`));
  }

  /** Sends `release savepoint <name>`. */
  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release savepoint ${quoteIdentifier(name)}`));
  }

  /** Returns `connection` to the pool. */
  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as PoolConnection).release();
  }

  /**
   * Rejects every caller still waiting for one of the pool's connections with
   * `DatabaseClosedError`, then ends the pool once (which waits for the connections in use to
   * be released).
   */
  async destroy(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    if (!pool) return;
    rejectWaiters(this.#options.waiters ?? pool);
    await pool.end();
  }
}

/** `"name"` with embedded quotes doubled, as Kysely's compiler quotes identifiers. */
function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

