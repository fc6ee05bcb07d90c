import { sql, type Kysely } from 'kysely';
import { withPinnedConnection } from '../database/pinned-connection.js';
import { responseBoundFor } from '../database/response-bound.js';

/**
 * Key of the session-level advisory lock that serializes migration runners on one database.
 * Advisory locks are per database, so two databases on one server do not block each other.
 */
const MIGRATION_LOCK_KEY = 4_207_311_958_340_117n;

/**
 * Runs `fn` on one pinned connection while holding the migration advisory lock. Concurrent
 * callers wait on `pg_advisory_lock` and proceed one at a time. The lock is released before the
 * connection returns to the pool; if the process dies the server releases it with the session.
 *
 * The connection's client-side response bound (see `createDatabase`'s `responseTimeoutMs`) is
 * lifted while waiting for the lock, which may take as long as another runner's migrations,
 * and is `statementTimeoutMs` plus a margin for `fn` (none when it is `0`).
 */
export async function withMigrationLock<T>(
  db: Kysely<any>,
  statementTimeoutMs: number,
  fn: (connection: Kysely<any>) => Promise<T>,
): Promise<T> {
  return withPinnedConnection(db, async ({ db: connection, setResponseTimeout }) => {
    const key = MIGRATION_LOCK_KEY.toString();
    const unlock = async () => {
      await sql`SELECT pg_advisory_unlock(${key}::bigint)`.execute(connection);
      await sql`RESET statement_timeout; RESET lock_timeout`.execute(connection);
    };
    // Waiting for another instance's migrations may take longer than the pool's
    // statement_timeout or lock_timeout: wait without them (each script sets its own).
    setResponseTimeout(0);
    await sql`SET statement_timeout = 0; SET lock_timeout = 0`.execute(connection);
    await sql`SELECT pg_advisory_lock(${key}::bigint)`.execute(connection);
    setResponseTimeout(responseBoundFor(statementTimeoutMs));
    let result: T;
    try {
      result = await fn(connection);
    } catch (error) {
      // The connection may be dead; its failure must not hide the error that matters. A dead
      // session releases the lock by itself.
      await unlock().catch(() => undefined);
      throw error;
    }
    await unlock();
    return result;
  });
}
