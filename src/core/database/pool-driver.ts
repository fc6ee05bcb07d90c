import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type PostgresPool,
  type PostgresPoolClient,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { preparedName } from '../kernel/compiled-query.js';
import { ConfigurationError } from '../config/configuration-error.js';
import { isCachedPlanChanged } from '../errors/statement-invalidated.js';

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

/** The parts of a `pg` client the connection uses beyond Kysely's `PostgresPoolClient`. */
interface PgClient {
  release(): void;
  query<R>(config: { name: string; text: string; values: unknown[] }): Promise<PgResult<R>>;
  query<R>(text: string, values: unknown[]): Promise<PgResult<R>>;
  getTransactionStatus?(): string | null;
  connection?: PreparedStatementRegistry;
}

const ROLLBACK = CompiledQuery.raw('rollback');
const DEALLOCATE_ALL = 'deallocate all';

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
 */
export class PoolConnection implements DatabaseConnection {
  readonly #client: PgClient;
  readonly #prepared: boolean;
  /** The text that opened the current transaction, while no other statement ran in it. */
  #begin: string | undefined;
  /** Forget the prepared statements before the next statement (an invalidation was seen). */
  #stale = false;

  constructor(client: PostgresPoolClient, prepared: boolean) {
    this.#client = client as unknown as PgClient;
    this.#prepared = prepared;
  }

  /** Runs `compiledQuery`, as a named prepared statement when it has a name and they are on. */
  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    // The status the server reported after the previous statement: `I` outside a transaction.
    // (Read before sending: after an error pg settles the query before the server's status
    // arrives, so the status read then may still be the previous one.)
    const idle = this.#status() === 'I';
    if (this.#stale && idle) await this.#forgetStatements();
    const { sql } = compiledQuery;
    const name = this.#prepared ? preparedName(compiledQuery) : undefined;
    const begin = this.#begin;
    this.#begin = opensTransaction(sql) ? sql : undefined;
    try {
      return await this.#run<R>(sql, compiledQuery.parameters, name);
    } catch (error) {
      if (name === undefined || !isCachedPlanChanged(error)) throw error;
      return this.#recover<R>(compiledQuery, name, idle ? 'autocommit' : begin, error);
    }
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
      return this.#run<R>(query.sql, query.parameters, name);
    }
    if (alone !== undefined) {
      // The first statement of its transaction: nothing of it is lost by starting it again.
      await this.#client.query(ROLLBACK.sql, []);
      await this.#forgetStatements();
      await this.#run(alone, [], undefined);
      return this.#run<R>(query.sql, query.parameters, name);
    }
    this.#stale = true;
    throw error;
  }

  async #run<R>(text: string, parameters: readonly unknown[], name: string | undefined): Promise<QueryResult<R>> {
    // pg only reads `values`. An unnamed statement goes as (text, values): a config object would
    // be copied property by property by pg before it is sent (measured: ~2 µs per statement).
    const values = parameters as unknown[];
    const { command, rowCount, rows } = await (name === undefined
      ? this.#client.query<R>(text, values)
      : this.#client.query<R>({ name, text, values }));
    return {
      numAffectedRows:
        command === 'INSERT' || command === 'UPDATE' || command === 'DELETE' || command === 'MERGE'
          ? BigInt(rowCount ?? 0)
          : undefined,
      rows: rows ?? [],
    };
  }

  /** The server's transaction status after the last statement: `I` idle, `T` in a transaction, `E` failed. */
  #status(): string | null | undefined {
    return this.#client.getTransactionStatus?.();
  }

  /** Deallocates every prepared statement of this connection, on the server and in pg's registry. */
  async #forgetStatements(): Promise<void> {
    await this.#client.query(DEALLOCATE_ALL, []);
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

  /** Returns the client to the pool. */
  release(): void {
    this.#client.release();
  }
}

/** Options of {@link PoolDriver}. */
export interface PoolDriverOptions {
  /** Run `compiledQuery` statements as named server-side prepared statements. */
  readonly preparedStatements: boolean;
}

/**
 * Kysely's `PostgresDriver`, written for this package: the same statements for transactions and
 * savepoints, plus named prepared statements (see {@link PoolConnection}) and no stack-trace
 * capture per query. One {@link PoolConnection} per pg client, kept as long as the client.
 */
export class PoolDriver implements Driver {
  readonly #source: PostgresPool | (() => Promise<PostgresPool>);
  #pool: PostgresPool | undefined;
  readonly #options: PoolDriverOptions;
  readonly #connections = new WeakMap<PostgresPoolClient, PoolConnection>();

  constructor(pool: PostgresPool | (() => Promise<PostgresPool>), options: PoolDriverOptions) {
    this.#source = pool;
    this.#options = options;
  }

  /** Takes the pool (calls the pool function, when the pool was given as one). */
  async init(): Promise<void> {
    this.#pool = typeof this.#source === 'function' ? await this.#source() : this.#source;
  }

  /** A connection from the pool (after {@link init}). */
  async acquireConnection(): Promise<DatabaseConnection> {
    const client = await this.#pool!.connect();
    let connection = this.#connections.get(client);
    if (!connection) {
      connection = new PoolConnection(client, this.#options.preparedStatements);
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

  /** Ends the pool once. */
  async destroy(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    await pool?.end();
  }
}

/** `"name"` with embedded quotes doubled, as Kysely's compiler quotes identifiers. */
function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

