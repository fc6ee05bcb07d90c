import { sql, type Kysely } from 'kysely';
import { mapDatabaseError } from '../errors/map-database-error.js';
import { ValidationError, type ValidationIssue } from '../errors/validation-error.js';
import { databaseArgument } from '../kernel/database-type.js';
import { optionsArgument } from '../kernel/parse-input.js';

/**
 * The SQL procedure that isolates one tenant table (migration 20261201090000): ENABLE + FORCE
 * row-level security, the `tenant_isolation` policy on the tenant column against
 * `app.organization_id` (see `TENANT_SETTING`), and exactly the given privileges for
 * `org_data_app`. Idempotent.
 */
export const TENANT_ISOLATION_PROCEDURE = 'org_data_enable_tenant_isolation';

/** A privilege the application role may hold on a tenant table. */
export type AppPrivilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';

const APP_PRIVILEGES: readonly string[] = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'];

/** Options of {@link enableTenantIsolation}. */
export interface EnableTenantIsolationOptions {
  /** The uuid column holding the row's organization. (Default: `organization_id`) */
  readonly tenantColumn?: string;
  /**
   * What `org_data_app` may do on the table, exactly (other privileges are revoked); `'NONE'`
   * revokes everything, for partitions, which the role reaches only through their parent.
   * (Default: SELECT, INSERT, UPDATE, DELETE)
   */
  readonly appPrivileges?: readonly AppPrivilege[] | 'NONE';
}

/**
 * Calls {@link TENANT_ISOLATION_PROCEDURE} on `table` (a name as `regclass` reads it, resolved
 * with the connection's search_path). Run it as the table's owner, inside the transaction that
 * creates the table: it takes an ACCESS EXCLUSIVE lock on it.
 *
 * Errors are mapped to `DataError`s that keep PostgreSQL's SQLSTATE: 42P01 for an unknown
 * table, 42703 for an unknown tenant column, 42804 for a column that is not uuid, 42809 for a
 * relation that is not a table, 42501 for a caller that does not own it.
 * @throws ValidationError for a `db`, `table` or options outside their types, before any SQL.
 */
export async function enableTenantIsolation(
  db: Kysely<any>,
  table: string,
  options: EnableTenantIsolationOptions = {},
): Promise<void> {
  databaseArgument(db);
  const issues: ValidationIssue[] = [];
  if (typeof table !== 'string' || table.length === 0 || table.length > 127) {
    issues.push({ path: 'table', message: 'must be a table name (1–127 characters)' });
  }
  options = optionsArgument(options);
  if (options.tenantColumn !== undefined && (typeof options.tenantColumn !== 'string' || options.tenantColumn.length === 0 || options.tenantColumn.length > 63)) {
    issues.push({ path: 'options.tenantColumn', message: 'must be a column name (1–63 characters)' });
  }
  const privileges = options.appPrivileges;
  if (
    privileges !== undefined &&
    privileges !== 'NONE' &&
    !(Array.isArray(privileges) && privileges.length > 0 && privileges.every((p) => APP_PRIVILEGES.includes(p)))
  ) {
    issues.push({ path: 'options.appPrivileges', message: `must be 'NONE' or a non-empty list of ${APP_PRIVILEGES.join(', ')}` });
  }
  if (issues.length > 0) throw new ValidationError(issues);
  // Omitted options are omitted arguments: the procedure's defaults are the only ones.
  const args = [sql`${table}::regclass`];
  if (options.tenantColumn !== undefined) args.push(sql`tenant_column => ${options.tenantColumn}::name`);
  if (options.appPrivileges !== undefined) {
    const list = options.appPrivileges === 'NONE' ? 'NONE' : options.appPrivileges.join(', ');
    args.push(sql`app_privileges => ${list}::text`);
  }
  try {
    await sql`CALL ${sql.id(TENANT_ISOLATION_PROCEDURE)}(${sql.join(args)})`.execute(db);
  } catch (error) {
    throw mapDatabaseError(error);
  }
}
