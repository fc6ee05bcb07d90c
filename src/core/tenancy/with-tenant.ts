import { sql, type Kysely, type Transaction } from 'kysely';
import { z } from 'zod';
import { AuditContextSchema, type AuditContext } from '../audit/audit-context.js';
import { mapDatabaseError } from '../errors/map-database-error.js';
import { CommitOutcomeUnknownError, ConnectionLostError } from '../errors/operational-errors.js';
import { createRepositories, type Repositories } from '../../repositories.js';
import type { DB } from '../../schema/db.js';
import { UuidSchema } from '../kernel/common-schemas.js';
import { parseInput } from '../kernel/parse-input.js';

import { APPLICATION_ROLE, TENANT_SETTING } from './tenant-setting.js';

export { APPLICATION_ROLE, TENANT_SETTING };

/** Options of {@link withTenant}. */
export interface WithTenantOptions {
  /** Who acts, recorded on the audit rows the repositories write. (Default: `{}`) */
  readonly context?: AuditContext;
  /**
   * Isolation level of the transaction, part of its `BEGIN` (a `SET TRANSACTION` inside `fn`
   * would come too late: the tenant setting is its first statement). (Default: the server's,
   * normally read committed)
   */
  readonly isolationLevel?: 'read committed' | 'repeatable read' | 'serializable';
  /** `read only` refuses every write of the transaction. (Default: `read write`) */
  readonly accessMode?: 'read only' | 'read write';
}

const OptionsSchema = z
  .object({
    context: AuditContextSchema.optional(),
    isolationLevel: z.enum(['read committed', 'repeatable read', 'serializable']).optional(),
    accessMode: z.enum(['read only', 'read write']).optional(),
  })
  .strict();

/** The work to run for a tenant: repositories bound to the transaction, and the transaction. */
export type TenantWork<T> = (repos: Repositories, trx: Transaction<DB>) => Promise<T>;

/**
 * The organization the current transaction of `db` is scoped to, or `undefined` when none is
 * set (outside {@link withTenant}, or after its transaction ended).
 */
export async function currentTenant(db: Kysely<DB>): Promise<string | undefined> {
  try {
    const { rows } = await sql<{ tenant: string | null }>`
      SELECT nullif(current_setting(${TENANT_SETTING}, true), '') AS tenant`.execute(db);
    return rows[0]?.tenant ?? undefined;
  } catch (error) {
    throw mapDatabaseError(error);
  }
}

/**
 * Runs tenant work: a new transaction whose first statement is
 * `select set_config('app.organization_id', $1, true)`, then `fn` with repositories bound to
 * that transaction. Row-level security then shows and accepts only this organization's rows
 * (when connected as the application role, or any role without BYPASSRLS). The setting is
 * transaction-local: it ends with the transaction (commit or rollback), so a pooled connection
 * never carries it to the next caller. Session-level settings are never used.
 *
 * Commits when `fn` resolves, rolls back when it throws.
 *
 * Called with a transaction (`db.isTransaction`): joins it when that transaction is already
 * scoped to the same organization (nested `withTenant` calls for one tenant compose into one
 * unit of work; `isolationLevel` and `accessMode` are then the outer transaction's); otherwise
 * throws `TypeError` without changing anything. Setting the tenant
 * inside a transaction someone else opened would change it for the rest of that transaction,
 * after `fn` returns too, which is the kind of silent tenant switch this entry point exists
 * to prevent.
 *
 * @throws ValidationError when `organizationId` is not a UUID or the options are malformed;
 *   nothing is sent to the database.
 * @throws TypeError when `db` is a transaction not scoped to this organization.
 * @throws ForbiddenError (42501) when `fn` writes a row of another organization; other
 *   PostgreSQL errors mapped to `DataError`s as repositories do; CommitOutcomeUnknownError when
 *   the connection was lost while COMMIT was in flight.
 *
 * @example
 * const db = createDatabase({ connectionString: process.env.DATABASE_URL }); // as org_data_app
 * const client = await withTenant(db, organizationId, (repos) =>
 *   repos.clients.create({ organizationId, code: 'C-1', name: 'First client' }),
 *   { context: { actorUserId, requestId } },
 * );
 */
export async function withTenant<T>(
  db: Kysely<DB>,
  organizationId: string,
  fn: TenantWork<T>,
  options: WithTenantOptions = {},
): Promise<T> {
  const tenant = parseInput(UuidSchema, organizationId);
  const { isolationLevel, accessMode } = parseInput(OptionsSchema, options);
  const context = options.context ?? {};
  if (typeof fn !== 'function') throw new TypeError('withTenant needs a function to run');

  if (db.isTransaction) {
    const scoped = await currentTenant(db);
    if (scoped?.toLowerCase() !== tenant.toLowerCase()) {
      throw new TypeError(
        scoped === undefined
          ? 'withTenant was given a transaction without a tenant: pass the Kysely instance, not a transaction'
          : 'withTenant was given a transaction scoped to another organization',
      );
    }
    try {
      return await fn(createRepositories(db, context), db as Transaction<DB>);
    } catch (error) {
      throw mapDatabaseError(error);
    }
  }

  let builder = db.transaction();
  if (isolationLevel) builder = builder.setIsolationLevel(isolationLevel);
  if (accessMode) builder = builder.setAccessMode(accessMode);
  let committing = false;
  try {
    return await builder.execute(async (trx) => {
      await sql`select set_config(${sql.lit(TENANT_SETTING)}, ${tenant}, true)`.execute(trx);
      const result = await fn(createRepositories(trx, context), trx);
      committing = true;
      return result;
    });
  } catch (error) {
    const mapped = mapDatabaseError(error);
    // As inTransaction: a connection lost once fn resolved means COMMIT was in flight.
    if (committing && mapped instanceof ConnectionLostError) {
      throw new CommitOutcomeUnknownError({ sqlState: mapped.sqlState });
    }
    throw mapped;
  }
}
