import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll } from 'vitest';
import { createDatabase } from '../../../src/core/database/create-database.js';
import type { TestDatabase } from '../../../src/testing/test-database.js';

/** A throw-away login role that may create tables in `public`, as a table owner that is not a superuser. */
export interface OwnerLogin {
  /** The role's name (`org_data_test_owner_<random>`). */
  readonly user: string;
  /** A pool connected as the role; closed by the helper at the end. */
  readonly db: Kysely<any>;
}

/**
 * Creates, before the file's tests, a LOGIN role with CREATE on schema `public` and neither
 * SUPERUSER nor BYPASSRLS (row-level security applies to it on tables that FORCE it), and drops
 * it, with everything it owns in the test database, after them. Give it tables with
 * `ALTER TABLE … OWNER TO`.
 */
export function useOwnerLogin(testDb: { readonly current: TestDatabase }): { readonly current: OwnerLogin } {
  const user = `org_data_test_owner_${randomBytes(6).toString('hex')}`;
  // base64url: no quote can end the literal below (CREATE ROLE takes no bind parameters).
  const password = randomBytes(18).toString('base64url');
  let login: OwnerLogin | undefined;
  beforeAll(async () => {
    const admin = testDb.current.db;
    await sql`CREATE ROLE ${sql.id(user)} LOGIN PASSWORD ${sql.lit(password)}
      NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE`.execute(admin);
    await sql`GRANT CREATE, USAGE ON SCHEMA public TO ${sql.id(user)}`.execute(admin);
    const url = new URL(testDb.current.connectionString);
    url.username = user;
    url.password = password;
    login = Object.freeze({ user, db: createDatabase({ connectionString: url.toString(), max: 2 }) });
  });
  // Hooks run in reverse order: this one before the test database is dropped.
  afterAll(async () => {
    await login?.db.destroy();
    const admin = testDb.current.db;
    await sql`DROP OWNED BY ${sql.id(user)}`.execute(admin);
    await sql`DROP ROLE IF EXISTS ${sql.id(user)}`.execute(admin);
  });
  return {
    get current(): OwnerLogin {
      if (!login) throw new Error('owner login not ready');
      return login;
    },
  };
}
