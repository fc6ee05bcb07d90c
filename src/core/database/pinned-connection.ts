import { Kysely, type DatabaseConnection } from 'kysely';
import { databaseInternals } from './database-internals.js';
import { PoolConnection } from './pool-driver.js';

/** One connection held for a sequence of statements (see {@link withPinnedConnection}). */
export interface PinnedConnection {
  /** A Kysely instance whose every statement runs on the held connection. */
  readonly db: Kysely<any>;
  /**
   * Sets the connection's client-side response bound for the statements that follow, in ms
   * (`0`: none), e.g. while waiting on a lock for as long as it takes. Reset when the connection
   * goes back to the pool. A no-op on instances `createDatabase` did not build.
   */
  setResponseTimeout(ms: number): void;
}

/**
 * Runs `fn` with one connection of `db` held throughout (as `db.connection().execute(…)`), on
 * which the response bound can be changed. The connection goes back to the pool in every case.
 */
export async function withPinnedConnection<T>(
  db: Kysely<any>,
  fn: (pinned: PinnedConnection) => Promise<T>,
): Promise<T> {
  const internals = databaseInternals(db);
  if (!internals) return db.connection().execute((connection) => fn({ db: connection, setResponseTimeout: () => undefined }));
  const { driver } = internals;
  const connection: DatabaseConnection = await driver.acquireConnection();
  try {
    const executor = internals.executor.withConnectionProvider({ provideConnection: (consumer) => consumer(connection) });
    const pinned = new Kysely<any>({ config: internals.config, dialect: internals.dialect, driver, executor });
    return await fn({
      db: pinned,
      setResponseTimeout: (ms) => {
        if (connection instanceof PoolConnection) connection.responseTimeoutMs = ms;
      },
    });
  } finally {
    await driver.releaseConnection(connection);
  }
}
