import {
  DefaultQueryExecutor,
  type CompiledQuery,
  type ConnectionProvider,
  type DatabaseConnection,
  type DialectAdapter,
  type QueryCompiler,
  type QueryResult,
} from 'kysely';
import { PoolConnection, type FailureTracker } from '../database/pool-driver.js';
import { TransactionScopeError } from '../errors/transaction-scope-error.js';

const ended = () =>
  new TransactionScopeError(
    'its unit of work has ended (committed or rolled back): use the transaction only inside the unit of work',
  );

/** The rows of a result. */
const rowsOf = <R>(result: QueryResult<R>): R[] => result.rows;

/**
 * The one connection of a unit of work's transaction, handed to its queries while the unit of
 * work runs and refused once it has ended, so that a transaction kept past its unit of work
 * never runs a statement on a connection that went back to the pool (what Kysely's internal
 * "not committed or rolled back" executor guards in `db.transaction()`).
 */
export class UnitConnection implements ConnectionProvider, FailureTracker {
  #connection: DatabaseConnection | undefined;
  /**
   * Whether a statement failed since the last successful `rollback to savepoint`: PostgreSQL has
   * then aborted the transaction, and a COMMIT would silently roll it back (it answers with the
   * tag ROLLBACK, no error). The unit of work refuses to report success for it.
   */
  aborted = false;

  constructor(connection: DatabaseConnection) {
    this.#connection = connection;
  }

  /**
   * Runs `consumer` on the connection. Statements on one connection queue in pg in the order
   * they are issued, so concurrent callers need no lock of their own.
   * @throws TransactionScopeError once {@link end} was called; nothing is sent.
   */
  provideConnection<T>(consumer: (connection: DatabaseConnection) => Promise<T>): Promise<T> {
    const connection = this.#connection;
    if (!connection) return Promise.reject(ended());
    try {
      return consumer(connection);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Runs `query` on the connection, recording a failure in {@link aborted} (and its repair by a
   * successful `rollback to savepoint`): the unit's statements, from its executor and from
   * `compiledQuery` statements alike. On the package's own connections the connection records
   * it as the statement settles (no promise of the unit's own per statement).
   * @throws TransactionScopeError once {@link end} was called; nothing is sent.
   */
  run<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const connection = this.#connection;
    if (!connection) return Promise.reject(ended());
    if (connection instanceof PoolConnection) return connection.executeQuery<R>(query, this);
    let pending: Promise<QueryResult<R>>;
    try {
      pending = connection.executeQuery<R>(query);
    } catch (error) {
      this.aborted = true;
      return Promise.reject(error);
    }
    // A savepoint rolled back to: the transaction is usable again.
    const restores = query.sql.startsWith('rollback to savepoint ');
    return pending.then(
      (result) => {
        if (restores) this.aborted = false;
        return result;
      },
      (error: unknown) => {
        this.aborted = true;
        throw error;
      },
    );
  }

  /**
   * {@link run}, answering with the rows only (what `compiledQuery` statements read).
   * @throws TransactionScopeError once {@link end} was called; nothing is sent.
   */
  rows<R>(query: CompiledQuery): Promise<R[]> {
    const connection = this.#connection;
    if (!connection) return Promise.reject(ended());
    if (connection instanceof PoolConnection) return connection.rows<R>(query, this);
    return this.run<R>(query).then(rowsOf);
  }

  /** Refuses every later statement: the unit of work's function has settled. */
  end(): void {
    this.#connection = undefined;
  }
}

/**
 * The executor of a unit of work's `Transaction`: Kysely's default executor over a
 * {@link UnitConnection}, which runs a plugin-free query on the connection directly (no
 * per-query provider layers). `withPlugin(…)` and the other derivations return Kysely's default
 * executor over the same guarded connection.
 */
export class UnitExecutor extends DefaultQueryExecutor {
  readonly #unit: UnitConnection;

  constructor(compiler: QueryCompiler, adapter: DialectAdapter, unit: UnitConnection) {
    super(compiler, adapter, unit, []);
    this.#unit = unit;
  }

  /**
   * Runs `compiledQuery` on the unit's connection (without plugins there is no result to transform).
   * @throws TransactionScopeError once the unit of work has ended.
   */
  override executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    return this.#unit.run<R>(compiledQuery);
  }
}
