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
 * callers wait for it (see {@link waitForLock}) and proceed one at a time. The lock is released before the
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
    await waitForLock(connection, key);
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

/** The longest pause between two tries for the lock, in ms. */
const MAX_PAUSE_MS = 500;

/**
 * Takes the lock, trying again with growing pauses (25 ms up to {@link MAX_PAUSE_MS}) while
 * another runner holds it. A caller blocked in `pg_advisory_lock` would hold a snapshot for as
 * long as it waits, and `CREATE INDEX CONCURRENTLY` in the holder's migration waits for every
 * transaction with an older snapshot: the two would wait for each other until the deadlock
 * detector aborted one. Between tries a waiter holds nothing. To stop a waiter, terminate its
 * session (`pg_terminate_backend`: `ConnectionLostError`); a cancel request does not stop it.
 */
async function waitForLock(connection: Kysely<any>, key: string): Promise<void> {
  for (let pause = 25; ; pause = Math.min(pause * 2, MAX_PAUSE_MS)) {
    let locked = false;
    try {
      const { rows } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_lock(${key}::bigint) AS locked`.execute(connection);
      locked = rows[0]?.locked === true;
    } catch (error) {
      // A cancel request that happened to meet a try (the waiter runs no statement between
      // tries, so a cancel usually meets nothing): that try did not take the lock.
      const failure = error as { code?: unknown; sqlState?: unknown } | null;
      if (failure?.code !== '57014' && failure?.sqlState !== '57014') throw error;
    }
    if (locked) return;
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}
