// Names of what the keyring works on: the scope it runs in, the field a value is bound to, an
// encrypted column (for re-encryption), and an unwrapped key as the keyring caches it.
import type { Kysely } from 'kysely';
import { ValidationError } from '../../../core/errors/validation-error.js';
import { CANONICAL_UUID } from '../../../core/kernel/common-schemas.js';
import type { DB } from '../../../schema/db.js';
import type { ResolvedAuditContext } from '../../../core/audit/audit-context.js';

/** A plain lowercase SQL identifier (table and column names are written into statements). */
export const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Where a keyring call runs: a unit of work with its tenant set (the `uow` of `unitOfWork(db,
 * { tenant }, (uow) => …)`). Keys are read, and an organization's first key made, through its
 * transaction, as the tenant.
 */
export interface KeyringScope {
  /** The unit of work's transaction. */
  readonly trx: Kysely<DB>;
  /** The organization: the tenant the transaction is scoped to. */
  readonly tenant: string | undefined;
  /** Who acts, recorded on the audit row when a call makes the organization's first key. */
  readonly context?: ResolvedAuditContext;
}

/** Where an encrypted value lives; the value is bound to it (a copy elsewhere does not decrypt). */
export interface EncryptedField {
  /** The table, e.g. `webhooks`. */
  readonly table: string;
  /** The column, e.g. `secret_encrypted`. */
  readonly column: string;
  /** The row's id (uuid). */
  readonly rowId: string;
}

/** A column with a blind index: the index of its values is keyed per organization, table and column. */
export interface BlindIndexedColumn {
  /** The table. */
  readonly table: string;
  /** The encrypted column the index stands for. */
  readonly column: string;
}

/** What {@link Keyring.reencrypt} did. */
export interface ReencryptResult {
  /** Values moved to the active key. */
  readonly reencrypted: number;
  /** Values that could not be decrypted (left as they were, counted, never dropped). */
  readonly failed: number;
  /** Transactions committed (one per batch). */
  readonly batches: number;
  /** Whether it stopped at `maxBatches` (or `signal`) before the end: run it again to go on. */
  readonly interrupted: boolean;
}

/** An encrypted column, for {@link Keyring.reencrypt}: declare it once with {@link defineEncryptedColumn}. */
export interface EncryptedColumn {
  /** The table. */
  readonly table: string;
  /** The encrypted column (bytea, nullable or not). */
  readonly column: string;
  /** The row id column (uuid) the values are bound to. (Default: `id`) */
  readonly idColumn: string;
  /** The tenant column. (Default: `organization_id`) */
  readonly tenantColumn: string;
}

/**
 * Declares an encrypted column for {@link Keyring.reencrypt}: a bytea column of `table` holding
 * values sealed for (`table`, `column`, the row's `idColumn`).
 * @throws ValidationError for names that are not plain lowercase identifiers.
 */
export function defineEncryptedColumn(column: {
  readonly table: string;
  readonly column: string;
  readonly idColumn?: string;
  readonly tenantColumn?: string;
}): EncryptedColumn {
  const resolved = { idColumn: 'id', tenantColumn: 'organization_id', ...column };
  const issues = (['table', 'column', 'idColumn', 'tenantColumn'] as const).flatMap((key) =>
    typeof resolved[key] === 'string' && IDENTIFIER.test(resolved[key]) ? [] : [{ path: `column.${key}`, message: 'must be a lowercase identifier' }],
  );
  if (issues.length > 0) throw new ValidationError(issues);
  return Object.freeze({ table: resolved.table, column: resolved.column, idColumn: resolved.idColumn, tenantColumn: resolved.tenantColumn });
}

/** An unwrapped data key, as the keyring caches it (internal). */
export interface CachedKey {
  readonly key: Buffer;
  readonly organizationId: string;
  readonly purpose: string;
}


/**
 * The organization of a scope: its tenant, lower-cased.
 * @throws ValidationError when `scope` is not a unit of work with a transaction, or has no tenant
 *   (`needs` says what needs one, e.g. `encryption needs`).
 */
export function scopeTenant(scope: KeyringScope, needs: string): string {
  if (scope === null || typeof scope !== 'object' || typeof scope.trx?.selectFrom !== 'function' || !scope.trx.isTransaction) {
    throw new ValidationError([{ path: 'scope', message: 'must be a unit of work (its trx and tenant)' }]);
  }
  if (typeof scope.tenant !== 'string' || !CANONICAL_UUID.test(scope.tenant)) {
    throw new ValidationError([{ path: 'scope.tenant', message: `${needs} a unit of work with a tenant` }]);
  }
  return scope.tenant.toLowerCase();
}
