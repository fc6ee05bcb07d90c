import { CompiledQuery } from 'kysely';
import type { QueryExecutor } from '../kernel/compiled-query.js';
import { mapDatabaseError } from '../errors/map-database-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { TENANT_SETTING } from './tenant-setting.js';

const READ_TENANT = `SELECT nullif(current_setting('${TENANT_SETTING}', true), '') AS tenant`;

/**
 * The organization the current transaction of `db` is scoped to, or `undefined` when none is
 * set (outside a unit of work with a tenant, or after its transaction ended).
 */
export async function currentTenant(db: QueryExecutor): Promise<string | undefined> {
  if (typeof (db as { executeQuery?: unknown } | null)?.executeQuery !== 'function') {
    throw new ValidationError([{ path: 'db', message: 'must be a Kysely instance or transaction' }]);
  }
  try {
    const { rows } = await db.executeQuery(CompiledQuery.raw(READ_TENANT) as CompiledQuery<{ tenant: string | null }>);
    return rows[0]?.tenant ?? undefined;
  } catch (error) {
    throw mapDatabaseError(error);
  }
}
