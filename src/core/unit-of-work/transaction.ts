import type { Kysely, Transaction } from 'kysely';
import { mapDatabaseError } from '../errors/map-database-error.js';
import { CommitOutcomeUnknownError, ConnectionLostError } from '../errors/operational-errors.js';

/** Isolation levels a unit of work may start with. */
export const ISOLATION_LEVELS = ['read committed', 'repeatable read', 'serializable'] as const;
/** Access modes a unit of work may start with. */
export const ACCESS_MODES = ['read only', 'read write'] as const;

/** How a new transaction starts: part of its `BEGIN`. */
export interface TransactionSettings {
  /** (Default: the server's, normally read committed) */
  readonly isolationLevel?: (typeof ISOLATION_LEVELS)[number];
  /** `read only` refuses every write of the transaction. (Default: `read write`) */
  readonly accessMode?: (typeof ACCESS_MODES)[number];
}

/**
 * Runs `fn` in a NEW transaction on `db` (a Kysely instance, not a transaction): commits when it
 * resolves, rolls back when it throws. This is the one place where a lost connection during
 * COMMIT becomes {@link CommitOutcomeUnknownError}.
 *
 * @throws CommitOutcomeUnknownError when the connection is lost after `fn` resolved, i.e. while
 *   COMMIT was in flight: the change may or may not be committed. Errors from PostgreSQL are
 *   thrown mapped to `DataError`s; others (the caller's own) unchanged.
 */
export async function runTransaction<D, T>(
  db: Kysely<D>,
  settings: TransactionSettings,
  fn: (trx: Transaction<D>) => Promise<T>,
): Promise<T> {
  let builder = db.transaction();
  if (settings.isolationLevel) builder = builder.setIsolationLevel(settings.isolationLevel);
  if (settings.accessMode) builder = builder.setAccessMode(settings.accessMode);
  let committing = false;
  try {
    return await builder.execute(async (trx) => {
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
