import type { Kysely, Transaction } from 'kysely';
import { mapDatabaseError } from '../errors/map-database-error.js';
import { ConnectionLostError, CommitOutcomeUnknownError } from '../errors/operational-errors.js';

/**
 * Runs `fn` in a transaction: the caller's when `db` is already a transaction (so repository
 * calls compose into one unit of work), otherwise a new one that commits when `fn` resolves
 * and rolls back when it throws.
 *
 * @throws CommitOutcomeUnknownError when the connection is lost after `fn` resolved, i.e.
 *   while COMMIT was in flight: the change may or may not be committed. Errors from PostgreSQL
 *   are thrown mapped to `DataError`s; others (programming errors) unchanged.
 */
export async function inTransaction<DB, T>(
  db: Kysely<DB>,
  fn: (trx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  if (db.isTransaction) return fn(db as Transaction<DB>);
  let committing = false;
  try {
    return await db.transaction().execute(async (trx) => {
      const result = await fn(trx);
      committing = true;
      return result;
    });
  } catch (error) {
    const mapped = mapDatabaseError(error);
    if (committing && mapped instanceof ConnectionLostError) {
      throw new CommitOutcomeUnknownError({ sqlState: mapped.sqlState });
    }
    // A lost connection also fails the ROLLBACK, whose raw error Kysely then throws.
    throw mapped;
  }
}
