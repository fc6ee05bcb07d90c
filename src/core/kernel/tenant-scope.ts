import type { Kysely } from 'kysely';
import type { ResolvedAuditContext } from '../audit/audit-context.js';
import { ValidationError } from '../errors/validation-error.js';
import type { DB } from '../../schema/db.js';
import { CANONICAL_UUID } from './common-schemas.js';

/** A unit of work as functions that take one see it: its transaction, tenant and audit context. */
export interface TenantScopeInput {
  readonly trx: Kysely<DB>;
  readonly tenant: string | undefined;
  readonly context?: ResolvedAuditContext;
}

/**
 * The transaction, tenant (lowercase) and audit context of a unit of work passed to a function
 * that needs one with a tenant.
 * @throws ValidationError for anything else (path `uow`, or `uow.tenant` naming what needs it).
 */
export function tenantScopeArgument(scope: TenantScopeInput, needs: string): { trx: Kysely<DB>; tenant: string; context: ResolvedAuditContext } {
  if (scope === null || typeof scope !== 'object' || typeof scope.trx?.selectFrom !== 'function' || !scope.trx.isTransaction) {
    throw new ValidationError([{ path: 'uow', message: 'must be a unit of work (its trx and tenant)' }]);
  }
  if (typeof scope.tenant !== 'string' || !CANONICAL_UUID.test(scope.tenant)) {
    throw new ValidationError([{ path: 'uow.tenant', message: `${needs} a unit of work with a tenant` }]);
  }
  return { trx: scope.trx, tenant: scope.tenant.toLowerCase(), context: scope.context ?? {} };
}
