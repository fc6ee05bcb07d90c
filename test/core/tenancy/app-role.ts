import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll } from 'vitest';
import { createDatabase, type DatabaseConfig } from '../../../src/core/database/create-database.js';
import type { DB } from '../../../src/schema/db.js';
import { APPLICATION_ROLE } from '../../../src/core/tenancy/tenant-setting.js';
import { unitOfWork } from '../../../src/repositories.js';
import type { TestDatabase } from '../../../src/testing/test-database.js';

/** A throw-away login role that is a member of org_data_app, and how to connect as it. */
export interface AppLogin {
  /** The login role's name. */
  readonly user: string;
  /** Connection string to the test database as that role (password included). */
  readonly connectionString: string;
  /** A new pool connected as the login role; closed by the helper at the end. */
  connect(config?: Omit<DatabaseConfig, 'connectionString'>): Kysely<DB>;
}

/**
 * Creates, before the file's tests, a LOGIN role `org_data_test_app_<random>` with a random
 * password that inherits org_data_app (the role the migrations create), and drops it after.
 * Roles are cluster-wide: the random name keeps concurrent test files and runs apart.
 * (The embedded server authenticates by password; a trust-auth server ignores it.)
 */
export function useAppLogin(testDb: { readonly current: TestDatabase }): { readonly current: AppLogin } {
  const user = `org_data_test_app_${randomBytes(6).toString('hex')}`;
  // base64url: no quote can end the literal below (CREATE ROLE takes no bind parameters).
  const password = randomBytes(18).toString('base64url');
  const pools: Kysely<DB>[] = [];
  let login: AppLogin | undefined;
  beforeAll(async () => {
    await sql`CREATE ROLE ${sql.id(user)} LOGIN PASSWORD ${sql.lit(password)}
      NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE INHERIT IN ROLE ${sql.id(APPLICATION_ROLE)}`.execute(
      testDb.current.db,
    );
    const url = new URL(testDb.current.connectionString);
    url.username = user;
    url.password = password;
    const connectionString = url.toString();
    login = Object.freeze({
      user,
      connectionString,
      connect(config: Omit<DatabaseConfig, 'connectionString'> = {}) {
        const db = createDatabase({ ...config, connectionString });
        pools.push(db);
        return db;
      },
    });
  });
  // Hooks run in reverse order: this one before the test database is dropped.
  afterAll(async () => {
    await Promise.all(pools.splice(0).map((db) => db.destroy()));
    await sql`DROP ROLE IF EXISTS ${sql.id(user)}`.execute(testDb.current.db);
  });
  return {
    get current(): AppLogin {
      if (!login) throw new Error('app login not ready');
      return login;
    },
  };
}

/**
 * Runs `sql` as a raw statement and returns the SQLSTATE it failed with (or `ok`). Inside a
 * transaction it runs in a nested unit of work (a savepoint), so the failure leaves the
 * transaction usable and its unit of work can still commit.
 */
export async function sqlStateOf(db: Kysely<any>, statement: ReturnType<typeof sql>): Promise<string> {
  try {
    if (db.isTransaction) await unitOfWork(db, (uow) => statement.execute(uow.trx));
    else await statement.execute(db);
    return 'ok';
  } catch (error) {
    const code = (error as { sqlState?: unknown; code?: unknown }).sqlState ?? (error as { code?: unknown }).code;
    return String(code ?? error);
  }
}
