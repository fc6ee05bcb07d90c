import type { Kysely, Transaction } from 'kysely';

/**
 * Runs `fn` in a transaction: the caller's when `db` is already a transaction (so repository
 * calls compose into one unit of work), otherwise a new one that commits when `fn` resolves
 * and rolls back when it throws.
 */
export async function inTransaction<DB, T>(
  db: Kysely<DB>,
  fn: (trx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  if (db.isTransaction) return fn(db as Transaction<DB>);
  return db.transaction().execute(fn);
}
