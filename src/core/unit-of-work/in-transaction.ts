import type { Kysely, Transaction } from 'kysely';
import { runTransaction } from './transaction.js';

/**
 * Runs a repository's multi-step mutation in one transaction: the caller's when `db` already is
 * one (the steps join it, so they commit or roll back with the caller's work), otherwise a new
 * one (see {@link runTransaction}).
 */
export function inTransaction<D, T>(db: Kysely<D>, fn: (trx: Transaction<D>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db as Transaction<D>);
  return runTransaction(db, {}, fn);
}
