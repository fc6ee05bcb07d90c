import { sql, type Kysely } from 'kysely';
import { MigrationPrivilegeError } from '../errors/migration-privilege-error.js';

/**
 * Checks, before anything is written, that the session may create objects in its current
 * schema, which every migration and the tracking table need: the application role (a member of
 * `org_data_app`) may not, the owner may.
 * @throws MigrationPrivilegeError naming `CREATE on schema <schema>`.
 */
export async function assertCanMigrate(connection: Kysely<any>): Promise<void> {
  const { rows } = await sql<{ schema: string | null; can_create: boolean | null }>`
    SELECT current_schema() AS schema,
           has_schema_privilege(current_schema(), 'CREATE') AS can_create`.execute(connection);
  const row = rows[0];
  if (!row?.schema) throw new MigrationPrivilegeError('CREATE on a schema (no current schema in search_path)');
  if (!row.can_create) throw new MigrationPrivilegeError(`CREATE on schema ${row.schema}`);
}
