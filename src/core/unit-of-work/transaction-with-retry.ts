import type { Kysely, Transaction } from 'kysely';
import { TransactionScopeError } from '../errors/transaction-scope-error.js';
import { parseInput } from '../kernel/parse-input.js';
import { ValidationError } from '../errors/validation-error.js';
import { isKysely } from './create-unit-of-work.js';
import { RetryOptionsSchema, type RetryOptions } from './retry-options.js';
import { runUnitOfWork } from './run-unit-of-work.js';

/**
 * Runs `fn` in a new transaction and re-runs the WHOLE callback on a serialization failure
 * (40001) or a deadlock (40P01), with bounded attempts and full-jitter exponential back-off.
 * Nothing else is retried, never a `CommitOutcomeUnknownError`. `fn` must be safe to run again.
 *
 * A thin wrapper, kept for services written against 0.4: `unitOfWork(db, { retry }, (uow) =>
 * fn(uow.trx))` does the same and also sets a tenant, an isolation level and repositories.
 *
 * @throws ValidationError for bad options; TransactionScopeError when `db` is a transaction;
 *   the last error (mapped to a `DataError` when it came from PostgreSQL).
 * @deprecated Use `unitOfWork(db, { retry }, fn)`.
 */
export async function transactionWithRetry<D, T>(
  db: Kysely<D>,
  fn: (trx: Transaction<D>) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const retry = parseInput(RetryOptionsSchema, options);
  if (!isKysely(db)) throw new ValidationError([{ path: 'db', message: 'must be a Kysely instance' }]);
  if (typeof fn !== 'function') throw new ValidationError([{ path: 'fn', message: 'must be a function' }]);
  if (db.isTransaction) throw new TransactionScopeError('transactionWithRetry needs a Kysely instance, not a transaction');
  return runUnitOfWork(db, { retry }, ({ trx }) => fn(trx));
}

export type { RetryOptions };
