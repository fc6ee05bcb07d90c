import { sql, type Kysely } from 'kysely';

/**
 * Key of the session-level advisory lock that serializes migration runners on one database.
 * Advisory locks are per database, so two databases on one server do not block each other.
 */
const MIGRATION_LOCK_KEY = 4_207_311_958_340_117n;

/**
 * Runs `fn` on one pinned connection while holding the migration advisory lock. Concurrent
 * callers wait on `pg_advisory_lock` and proceed one at a time. The lock is released before the
 * connection returns to the pool; if the process dies the server releases it with the session.
 */
export async function withMigrationLock<T>(
  db: Kysely<any>,
  fn: (connection: Kysely<any>) => Promise<T>,
): Promise<T> {
  return db.connection().execute(async (connection) => {
    const key = MIGRATION_LOCK_KEY.toString();
    const unlock = async () => {
      await sql`SELECT pg_advisory_unlock(${key}::bigint)`.execute(connection);
      await sql`RESET statement_timeout; RESET lock_timeout`.execute(connection);
    };
    // Waiting for another instance's migrations may take longer than the pool's
    // statement_timeout or lock_timeout: wait without them (each script sets its own).
    await sql`SET statement_timeout = 0; SET lock_timeout = 0`.execute(connection);
    await sql`SELECT pg_advisory_lock(${key}::bigint)`.execute(connection);
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
