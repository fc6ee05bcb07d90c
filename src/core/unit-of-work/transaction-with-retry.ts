import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { DataError } from '../errors/data-error.js';
import { mapDatabaseError } from '../errors/map-database-error.js';
import { parseInput } from '../kernel/parse-input.js';
import { inTransaction } from './in-transaction.js';

/** Options of {@link transactionWithRetry}. */
export interface RetryOptions {
  /** Attempts in all, including the first, 1–10. (Default: `3`) */
  readonly attempts?: number;
  /** Upper bound of the first back-off, in ms; doubles per attempt. (Default: `20`) */
  readonly baseDelayMs?: number;
  /** Cap of any back-off, in ms. (Default: `1000`) */
  readonly maxDelayMs?: number;
  /** Called before each retry with the attempt that failed (1-based) and its error. */
  readonly onRetry?: (attempt: number, error: DataError) => void;
}

const RetryOptionsSchema = z
  .object({
    attempts: z.int().min(1).max(10).default(3),
    baseDelayMs: z.int().min(0).max(10_000).default(20),
    maxDelayMs: z.int().min(0).max(60_000).default(1000),
    onRetry: z.custom<(attempt: number, error: DataError) => void>((v) => typeof v === 'function').optional(),
  })
  .strict();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `fn` in a new transaction and re-runs the WHOLE callback when PostgreSQL reports a
 * serialization failure (40001) or a deadlock (40P01), with bounded attempts and full-jitter
 * exponential back-off. Nothing else is retried: not constraint violations, not timeouts, not
 * lost connections, and never a `CommitOutcomeUnknownError` (the change may have committed).
 * `fn` must be safe to run again (no side effects outside the transaction).
 *
 * @throws the last error (mapped to a `DataError` when it came from PostgreSQL).
 *
 * @example
 * await transactionWithRetry(db, async (trx) => {
 *   await sql`SET TRANSACTION ISOLATION LEVEL SERIALIZABLE`.execute(trx);
 *   const repos = createRepositories(trx, context);
 *   // …
 * });
 */
export async function transactionWithRetry<DB, T>(
  db: Kysely<DB>,
  fn: (trx: Transaction<DB>) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const { attempts, baseDelayMs, maxDelayMs, onRetry } = parseInput(RetryOptionsSchema, options);
  if (db.isTransaction) throw new TypeError('transactionWithRetry needs a Kysely instance, not a transaction');
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await inTransaction(db, fn);
    } catch (error) {
      const mapped = mapDatabaseError(error);
      if (!(mapped instanceof DataError) || !mapped.retryable || attempt >= attempts) throw mapped;
      onRetry?.(attempt, mapped);
      await sleep(Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)));
    }
  }
}
