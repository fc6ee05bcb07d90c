import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { withDatabase } from './template-database.js';

/** The application role every service login role is granted (created by the migrations). */
const APP_ROLE = 'org_data_app';

/** The login role made for the test database `database`. */
const loginRoleOf = (database: string) => `${database}_app`;

/**
 * Creates a LOGIN role for the test database `database`, granted `org_data_app` (NOSUPERUSER,
 * NOBYPASSRLS, a random password), and returns a connection string to that database as it;
 * `undefined` when the cluster has no `org_data_app` role (an unmigrated database).
 */
export async function createAppRole(
  admin: pg.Client,
  adminUrl: string,
  database: string,
): Promise<{ readonly connectionString: string } | undefined> {
  const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [APP_ROLE]);
  if (!exists.rowCount) return undefined;
  const role = loginRoleOf(database);
  const password = `app-${randomBytes(12).toString('hex')}`;
  await admin.query(
    `CREATE ROLE "${role}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS INHERIT PASSWORD '${password}' IN ROLE ${APP_ROLE}`,
  );
  const url = new URL(withDatabase(adminUrl, database));
  url.username = encodeURIComponent(role);
  url.password = encodeURIComponent(password);
  return { connectionString: url.toString() };
}

/** Drops the login role of the test database `database` (after the database is gone). */
export async function dropAppRole(admin: pg.Client, database: string): Promise<void> {
  await admin.query(`DROP ROLE IF EXISTS "${loginRoleOf(database)}"`);
}

/**
 * Drops login roles of test databases that no longer exist (left by a run that was killed
 * before it disposed of its databases), best effort: a role still owning something stays.
 */
export async function dropStaleAppRoles(admin: pg.Client): Promise<void> {
  const { rows } = await admin.query<{ rolname: string }>(
    `SELECT r.rolname FROM pg_roles r
      WHERE r.rolname LIKE 'org\\_data\\_test\\_%\\_app'
        AND NOT EXISTS (SELECT 1 FROM pg_database d WHERE d.datname || '_app' = r.rolname)`,
  );
  for (const { rolname } of rows) {
    await admin.query(`DROP ROLE IF EXISTS "${rolname}"`).catch(() => undefined);
  }
}
