import { CompiledQuery, type DatabaseConnection, type Transaction } from 'kysely';
import type { DatabaseInternals } from '../database/database-internals.js';
import { PoolConnection } from '../database/pool-driver.js';
import { TransactionAbortedError } from '../errors/operational-errors.js';
import { beginStatement, COMMIT, ROLLBACK } from './transaction-statements.js';
import type { TenantTransactionSettings } from './transaction-settings.js';
import { UnitConnection } from './unit-connection.js';
import { deferredTransaction } from './deferred-transaction.js';
import { concurrentNestingError, isPoisoned } from './savepoint-stack.js';

/** Where {@link transactionOnConnection} got to: `committing` once `fn` resolved and COMMIT is on its way. */
export interface TransactionProgress {
  committing: boolean;
}

/**
 * Runs `fn` in a new transaction on a connection taken from the driver of a database
 * `createDatabase` built (see `databaseInternals`), with fewer layers than
 * `db.transaction().execute()`: one message for `BEGIN` (isolation level, access mode) and the
 * tenant, a `Transaction` over that connection (refusing statements once `fn` has settled;
 * Kysely's object behind it is built only when a Kysely method needs it, see
 * `deferredTransaction`), then `COMMIT`, or `ROLLBACK` when anything before the commit failed; the
 * connection goes back to the pool in every case. Errors are thrown unmapped (the caller,
 * `runTransaction`, maps them); a failed ROLLBACK never hides the error that caused it.
 */
export async function transactionOnConnection<D, T>(
  internals: DatabaseInternals,
  settings: TenantTransactionSettings,
  progress: TransactionProgress,
  fn: (trx: Transaction<D>) => Promise<T>,
): Promise<T> {
  const begin = beginQuery(settings);
  const { driver } = internals;
  const connection = await driver.acquireConnection();
  const unit = new UnitConnection(connection);
  let committed = false;
  try {
    await connection.executeQuery(begin);
    const trx = deferredTransaction<D>(internals, unit);
    let result: T;
    try {
      result = await fn(trx);
    } finally {
      unit.end();
    }
    // A statement failed and fn carried on without a nested unit of work: the transaction is
    // aborted and COMMIT would roll it back without an error. Say so instead of succeeding.
    if (unit.aborted) throw new TransactionAbortedError();
    if (isPoisoned(trx)) throw concurrentNestingError();
    progress.committing = true;
    await connection.executeQuery(COMMIT);
    committed = true;
    return result;
  } catch (error) {
    // Also after a failed BEGIN (of which a part may have run) or COMMIT: ROLLBACK outside a
    // transaction is only a warning, and on a lost connection it fails fast.
    if (!committed) await rollbackQuietly(connection);
    throw error;
  } finally {
    // The package's own connections go back synchronously (no promise per unit of work).
    if (connection instanceof PoolConnection) connection.release();
    else await driver.releaseConnection(connection);
  }
}

/** Compiled BEGIN messages by text, for settings other than a tenant alone; bounded: emptied when full. */
const begins = new Map<string, CompiledQuery>();
/**
 * The messages for the commonest settings, a tenant alone, keyed by the tenant as given: found
 * without building the text (measured: building and checking it was ~3 µs of the ~30 µs a
 * tenant unit of work spends in JavaScript). Filled only from a text `beginStatement` built and
 * checked, so a key is always a valid tenant. Bounded (tenants are many): emptied when full.
 */
const tenantBegins = new Map<string, CompiledQuery>();
const MAX_BEGINS = 1024;

/** The compiled first message of a transaction with `settings`, built once per tenant or text. */
function beginQuery(settings: TenantTransactionSettings): CompiledQuery {
  const { tenant } = settings;
  const tenantOnly =
    typeof tenant === 'string' &&
    settings.isolationLevel === undefined &&
    settings.accessMode === undefined &&
    settings.replayedAfter === undefined;
  if (tenantOnly) {
    let query = tenantBegins.get(tenant);
    if (!query) {
      query = CompiledQuery.raw(beginStatement(settings));
      if (tenantBegins.size >= MAX_BEGINS) tenantBegins.clear();
      tenantBegins.set(tenant, query);
    }
    return query;
  }
  const text = beginStatement(settings);
  // A token is new on nearly every call: not worth a place among the cached messages.
  if (settings.replayedAfter !== undefined) return CompiledQuery.raw(text);
  let query = begins.get(text);
  if (!query) {
    if (begins.size >= MAX_BEGINS) begins.clear();
    query = CompiledQuery.raw(text);
    begins.set(text, query);
  }
  return query;
}

async function rollbackQuietly(connection: DatabaseConnection): Promise<void> {
  try {
    await connection.executeQuery(ROLLBACK);
  } catch {
    // The connection is gone: the server rolled the transaction back; the caller's error says why.
  }
}
