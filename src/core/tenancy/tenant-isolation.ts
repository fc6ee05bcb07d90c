import { sql, type Kysely } from 'kysely';

/**
 * The SQL procedure that isolates one tenant table (migration 20261201090000): ENABLE + FORCE
 * row-level security, the `tenant_isolation` policy on the tenant column against
 * `app.organization_id` (see `TENANT_SETTING`), and exactly the given privileges for
 * `org_data_app`. Idempotent.
 */
export const TENANT_ISOLATION_PROCEDURE = 'org_data_enable_tenant_isolation';

/** A privilege the application role may hold on a tenant table. */
export type AppPrivilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';

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
 * Errors are PostgreSQL's, unmapped (the callers map them): 42703 for an unknown tenant
 * column, 42804 for a column that is not uuid, 42809 for a relation that is not a table,
 * 42501 for a caller that does not own it.
 */
export async function enableTenantIsolation(
  db: Kysely<any>,
  table: string,
  options: EnableTenantIsolationOptions = {},
): Promise<void> {
  // Omitted options are omitted arguments: the procedure's defaults are the only ones.
  const args = [sql`${table}::regclass`];
  if (options.tenantColumn !== undefined) args.push(sql`tenant_column => ${options.tenantColumn}::name`);
  if (options.appPrivileges !== undefined) {
    const list = options.appPrivileges === 'NONE' ? 'NONE' : options.appPrivileges.join(', ');
    args.push(sql`app_privileges => ${list}::text`);
  }
  await sql`CALL ${sql.id(TENANT_ISOLATION_PROCEDURE)}(${sql.join(args)})`.execute(db);
}
