import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { AuditContextSchema, type AuditContext } from './core/audit/audit-context.js';
import { UuidSchema } from './core/kernel/common-schemas.js';
import { parseInput } from './core/kernel/parse-input.js';
import { ValidationError } from './core/errors/validation-error.js';
import { ACCESS_MODES, ISOLATION_LEVELS } from './core/unit-of-work/transaction.js';
import { unitOfWork, type UnitOfWork } from './repositories.js';
import type { DB } from './schema/db.js';

/** Options of {@link withTenant}. */
export interface WithTenantOptions {
  /** Who acts, recorded on the audit rows the repositories write. (Default: `{}`) */
  readonly context?: AuditContext;
  /** Isolation level of the transaction, part of its `BEGIN`. (Default: the server's) */
  readonly isolationLevel?: (typeof ISOLATION_LEVELS)[number];
  /** `read only` refuses every write of the transaction. (Default: `read write`) */
  readonly accessMode?: (typeof ACCESS_MODES)[number];
}

const OptionsSchema = z
  .object({
    context: AuditContextSchema.optional(),
    isolationLevel: z.enum(ISOLATION_LEVELS).optional(),
    accessMode: z.enum(ACCESS_MODES).optional(),
  })
  .strict();

/** The work to run for a tenant: repositories bound to the transaction, and the transaction. */
export type TenantWork<T, D extends DB = DB> = (repos: UnitOfWork<D>, trx: Transaction<D>) => Promise<T>;

/**
 * Runs tenant work in one transaction scoped to `organizationId`. A thin wrapper, kept so
 * services written against 0.4 upgrade without rewrites:
 * `unitOfWork(db, { tenant: organizationId, ...options }, (uow) => fn(uow, uow.trx))`.
 * Called with a transaction already scoped to the same organization it runs in a savepoint;
 * one scoped to another organization (or none) is refused with `TransactionScopeError`.
 *
 * @throws ValidationError when `organizationId` is not a UUID or the options are malformed;
 *   nothing is sent to the database. See `unitOfWork` for the rest.
 * @deprecated Use `unitOfWork(db, { tenant: organizationId }, fn)`; removed in 1.0.
 */
export async function withTenant<T, D extends DB = DB>(
  db: Kysely<D>,
  organizationId: string,
  fn: TenantWork<T, NoInfer<D>>,
  options: WithTenantOptions = {},
): Promise<T> {
  const tenant = parseInput(UuidSchema, organizationId, 'organizationId');
  const resolved = parseInput(OptionsSchema, options, 'options');
  if (typeof fn !== 'function') throw new ValidationError([{ path: 'fn', message: 'must be a function' }]);
  return unitOfWork(db, { tenant, ...resolved }, (uow) => fn(uow, uow.trx));
}
