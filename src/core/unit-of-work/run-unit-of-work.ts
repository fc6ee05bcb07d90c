import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { ResolvedAuditContext } from '../audit/audit-context.js';
import { DataError } from '../errors/data-error.js';
import { mapDatabaseError } from '../errors/map-database-error.js';
import { TransactionScopeError } from '../errors/transaction-scope-error.js';
import { TENANT_SETTING } from '../tenancy/tenant-setting.js';
import { backoffMs } from './retry-options.js';
import { runOnReplica } from '../replicas/route-read.js';
import { lsnPosition } from '../replicas/replica-token.js';
import { runTransaction } from './transaction.js';
import { concurrentNestingError, popSavepoint, pushSavepoint } from './savepoint-stack.js';
import type { ResolvedUnitOfWorkOptions } from './unit-of-work-options.js';

/** What a unit of work runs in: its transaction, tenant and audit context. */
export interface UnitOfWorkScope<D> {
  /** The transaction; inside it, use only this handle. */
  readonly trx: Transaction<D>;
  /** The organization the transaction is scoped to, when known. */
  readonly tenant: string | undefined;
  /** Who acts, recorded on audit rows. */
  readonly context: ResolvedAuditContext;
}

const READ_SETTINGS = `select nullif(current_setting('${TENANT_SETTING}', true), '') as tenant,
  current_setting('transaction_isolation') as isolation, current_setting('transaction_read_only') as read_only`;

/**
 * Where a transaction a unit of work opened keeps its tenant and context, for a nested unit of
 * work to inherit: a symbol-keyed property of the transaction object (cheaper per transaction
 * than a WeakMap entry, which V8 tracks as an ephemeron).
 */
const SCOPE = Symbol('org-data.unit-of-work-scope');

interface InheritedScope {
  readonly tenant: string | undefined;
  readonly context: ResolvedAuditContext;
}

const scopeOf = (trx: object): InheritedScope | undefined => (trx as { [SCOPE]?: InheritedScope })[SCOPE];
let savepointCounter = 0;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `fn` as a unit of work on `db` with validated options: a new transaction (tenant set
 * first, retried on 40001/40P01 when asked) when `db` is a Kysely instance; a savepoint inside
 * the transaction when `db` already is one, so an error `fn` throws (and the caller catches)
 * leaves the outer transaction usable.
 */
export function runUnitOfWork<D, T>(
  db: Kysely<D>,
  options: ResolvedUnitOfWorkOptions,
  fn: (scope: UnitOfWorkScope<D>) => Promise<T>,
): Promise<T> {
  return db.isTransaction ? nested(db as Transaction<D>, options, fn) : outermost(db, options, fn);
}

function outermost<D, T>(
  db: Kysely<D>,
  options: ResolvedUnitOfWorkOptions,
  fn: (scope: UnitOfWorkScope<D>) => Promise<T>,
): Promise<T> {
  const { tenant, retry } = options;
  const context = options.context ?? {};
  const transact = options.readFrom === 'replica' ? onReplica(options) : runTransaction;
  // Every attempt is a new transaction: the tenant is set again before anything else.
  if (!retry || retry.attempts <= 1) return transact(db, options, (trx) => enter(trx, tenant, context, fn));
  return withRetry(db, options, retry, transact, (trx) => enter(trx, tenant, context, fn));
}

/** `runTransaction` on a replica of the database (see `runOnReplica`), after `options.after` when given. */
function onReplica(options: ResolvedUnitOfWorkOptions): typeof runTransaction {
  const position = options.after === undefined ? undefined : lsnPosition(options.after);
  const after = position === undefined ? undefined : { token: options.after!, position };
  return (db, settings, work) => runOnReplica(db, settings, after, work, runTransaction);
}

/** Runs `fn` in the transaction `trx` a unit of work opened, recording its scope for nested ones. */
function enter<D, T>(
  trx: Transaction<D>,
  tenant: string | undefined,
  context: ResolvedAuditContext,
  fn: (scope: UnitOfWorkScope<D>) => Promise<T>,
): Promise<T> {
  (trx as { [SCOPE]?: InheritedScope })[SCOPE] = { tenant, context };
  return fn({ trx, tenant, context });
}

async function withRetry<D, T>(
  db: Kysely<D>,
  options: ResolvedUnitOfWorkOptions,
  retry: NonNullable<ResolvedUnitOfWorkOptions['retry']>,
  transact: typeof runTransaction,
  work: (trx: Transaction<D>) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await transact(db, options, work);
    } catch (error) {
      if (!(error instanceof DataError) || !error.retryable || attempt >= retry.attempts) throw error;
      retry.onRetry?.(attempt, error);
      await sleep(backoffMs(retry, attempt));
    }
  }
}

async function nested<D, T>(
  trx: Transaction<D>,
  options: ResolvedUnitOfWorkOptions,
  fn: (scope: UnitOfWorkScope<D>) => Promise<T>,
): Promise<T> {
  if (options.retry && options.retry.attempts > 1) {
    throw new TransactionScopeError('a nested unit of work cannot retry; pass retry to the outermost one');
  }
  if (options.readFrom === 'replica') {
    throw new TransactionScopeError('readFrom applies to the outermost unit of work: a nested one runs where its transaction runs');
  }
  const outer = scopeOf(trx);
  let tenant = outer?.tenant;
  if (options.tenant !== undefined || options.isolationLevel || options.accessMode) {
    const current = await readSettings(trx);
    if (options.tenant !== undefined) {
      if (current.tenant === undefined) {
        throw new TransactionScopeError('the transaction has no tenant: pass the Kysely instance, not a transaction');
      }
      if (current.tenant.toLowerCase() !== options.tenant.toLowerCase()) {
        throw new TransactionScopeError('the transaction is scoped to another organization');
      }
      tenant = current.tenant;
    }
    if (options.isolationLevel && current.isolation !== options.isolationLevel) {
      throw new TransactionScopeError(`the transaction runs at ${current.isolation}, not ${options.isolationLevel}`);
    }
    if (options.accessMode && current.accessMode !== options.accessMode) {
      throw new TransactionScopeError(`the transaction is ${current.accessMode}, not ${options.accessMode}`);
    }
  }
  const context = options.context ?? outer?.context ?? {};
  const savepoint = `org_data_uow_${(savepointCounter += 1)}`;
  try {
    await trx.executeQuery(CompiledQuery.raw(`savepoint ${savepoint}`));
  } catch (error) {
    throw mapDatabaseError(error);
  }
  pushSavepoint(trx, savepoint);
  let result: T;
  try {
    result = await fn({ trx, tenant, context });
  } catch (error) {
    if (!popSavepoint(trx, savepoint)) throw concurrentNestingError();
    try {
      await trx.executeQuery(CompiledQuery.raw(`rollback to savepoint ${savepoint}`));
      await trx.executeQuery(CompiledQuery.raw(`release savepoint ${savepoint}`));
    } catch {
      // The connection is gone or the transaction already ended: the original error says why.
    }
    throw mapDatabaseError(error);
  }
  if (!popSavepoint(trx, savepoint)) throw concurrentNestingError();
  try {
    await trx.executeQuery(CompiledQuery.raw(`release savepoint ${savepoint}`));
  } catch (error) {
    // fn caught a failed statement and resolved: the savepoint's work is aborted. Roll back to it
    // so the outer transaction stays usable, as when fn throws.
    try {
      await trx.executeQuery(CompiledQuery.raw(`rollback to savepoint ${savepoint}`));
      await trx.executeQuery(CompiledQuery.raw(`release savepoint ${savepoint}`));
    } catch {
      // The connection is gone: the original error says why.
    }
    throw mapDatabaseError(error);
  }
  return result;
}

async function readSettings<D>(trx: Transaction<D>) {
  try {
    const { rows } = await trx.executeQuery<{ tenant: string | null; isolation: string; read_only: string }>(
      CompiledQuery.raw(READ_SETTINGS),
    );
    const row = rows[0]!;
    return {
      tenant: row.tenant ?? undefined,
      isolation: row.isolation,
      accessMode: row.read_only === 'on' ? 'read only' : 'read write',
    };
  } catch (error) {
    throw mapDatabaseError(error);
  }
}
