import { sql, type Kysely } from 'kysely';

/**
 * Key of the session-level advisory lock that serializes migration runners on one database.
 * Advisory locks are per database, so two databases on one server do not block each other.
 */
export const MIGRATION_LOCK_KEY = 4_207_311_958_340_117n;

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
    await sql`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY.toString()}::bigint)`.execute(connection);
    try {
      return await fn(connection);
    } finally {
      await sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY.toString()}::bigint)`.execute(
        connection,
      );
    }
  });
}
