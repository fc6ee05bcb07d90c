import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import { databaseInternals } from '../database/database-internals.js';
import { mapDatabaseError } from '../errors/map-database-error.js';
import { CommitOutcomeUnknownError, ConnectionLostError } from '../errors/operational-errors.js';
import { transactionOnConnection, type TransactionProgress } from './connection-transaction.js';
import { SET_TENANT_SQL } from './transaction-statements.js';
import { concurrentNestingError, isPoisoned } from './savepoint-stack.js';

/** A statement that fails with 25P02 in an aborted transaction. */
const PROBE_SQL = 'select 1';
import type { TenantTransactionSettings } from './transaction-settings.js';

export { ACCESS_MODES, ISOLATION_LEVELS, type TransactionSettings } from './transaction-settings.js';

/**
 * Runs `fn` in a NEW transaction on `db` (a Kysely instance, not a transaction), scoped to
 * `settings.tenant` when given: commits when `fn` resolves, rolls back when it throws. This is
 * the one place where a lost connection during COMMIT becomes {@link CommitOutcomeUnknownError}.
 *
 * On an instance `createDatabase` built, the transaction runs on a connection of its driver
 * with `BEGIN` and the tenant in one message (see `transactionOnConnection`); on any other
 * Kysely instance (a plain `new Kysely(…)`, one derived with `withPlugin`) through
 * `db.transaction()`, the tenant set by `select set_config('app.organization_id', $1, true)`
 * as its first statement.
 *
 * @throws CommitOutcomeUnknownError when the connection is lost after `fn` resolved, i.e. while
 *   COMMIT was in flight: the change may or may not be committed. Errors from PostgreSQL are
 *   thrown mapped to `DataError`s; others (the caller's own) unchanged.
 */
export async function runTransaction<D, T>(
  db: Kysely<D>,
  settings: TenantTransactionSettings,
  fn: (trx: Transaction<D>) => Promise<T>,
): Promise<T> {
  const progress: TransactionProgress = { committing: false };
  try {
    const internals = databaseInternals(db);
    if (internals) return await transactionOnConnection(internals, settings, progress, fn);
    return await kyselyTransaction(db, settings, progress, fn);
  } catch (error) {
    const mapped = mapDatabaseError(error);
    if (progress.committing && mapped instanceof ConnectionLostError) {
      throw new CommitOutcomeUnknownError({ sqlState: mapped.sqlState });
    }
    // On Kysely's path a lost connection also fails the ROLLBACK, whose raw error Kysely then throws.
    throw mapped;
  }
}

/** The transaction through Kysely's own `db.transaction()`: `BEGIN`, the tenant, `fn`, `COMMIT`. */
function kyselyTransaction<D, T>(
  db: Kysely<D>,
  settings: TenantTransactionSettings,
  progress: TransactionProgress,
  fn: (trx: Transaction<D>) => Promise<T>,
): Promise<T> {
  const { tenant } = settings;
  let builder = db.transaction();
  if (settings.isolationLevel) builder = builder.setIsolationLevel(settings.isolationLevel);
  if (settings.accessMode) builder = builder.setAccessMode(settings.accessMode);
  return builder.execute(async (trx) => {
    if (tenant !== undefined) await trx.executeQuery(CompiledQuery.raw(SET_TENANT_SQL, [tenant]));
    const result = await fn(trx);
    // Kysely's COMMIT of an aborted transaction (fn caught an error and carried on) rolls back
    // without an error; on this path we cannot see the statements, so ask: 25P02 here is a
    // TransactionAbortedError and Kysely rolls back. (createDatabase instances track it instead.)
    await trx.executeQuery(CompiledQuery.raw(PROBE_SQL));
    if (isPoisoned(trx)) throw concurrentNestingError();
    progress.committing = true;
    return result;
  });
}
