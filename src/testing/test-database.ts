import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { ConfigurationError } from '../core/config/configuration-error.js';
import { createDatabase } from '../core/database/create-database.js';
import type { Migration } from '../core/migrations/migration.js';
import { seedDefaults } from '../contexts/identity/seeders/seed-defaults.js';
import type { DB } from '../schema/db.js';
import { startPostgresServer, type PostgresServer } from './postgres-server.js';
import { createAppRole, dropAppRole, dropStaleAppRoles } from './app-role.js';
import { ensureTemplate, withAdminClient, withDatabase } from './template-database.js';

/** Set by {@link startTestServer}: worker processes create their databases on this server. */
export const TEST_SERVER_ENV = 'ORG_DATA_TEST_SERVER_URL';

/**
 * A fresh database for one test file (or one test), with two handles: `db` connects as the
 * server's administrative user (the schema owner: migrations, seeding, fixtures that cross
 * tenants), `app` as a login role granted `org_data_app`, as a service connects in production
 * (row-level security applies: forget the tenant and reads come back empty, writes fail).
 * Test the code under test through `app`.
 *
 * Supports `await using` (`Symbol.asyncDispose` calls {@link TestDatabase.dispose}).
 */
export interface TestDatabase extends AsyncDisposable {
  /** The database's name on the server. */
  readonly name: string;
  /** Connection string to this database as the owner (the server's administrative user). */
  readonly connectionString: string;
  /** A Kysely instance on this database as the owner (pool of `max`, TimeZone UTC). */
  readonly db: Kysely<DB>;
  /**
   * Connection string to this database as the application role: a LOGIN role made for this
   * database (named after it, random password), granted `org_data_app`.
   * @throws ConfigurationError when the database has no `org_data_app` role (`migrated: false`,
   *   or migrations that do not create it).
   */
  readonly appConnectionString: string;
  /**
   * A Kysely instance on this database as the application role (pool of `max`, TimeZone UTC):
   * what a service uses. Scope work to a tenant with `unitOfWork(app, { tenant }, …)`.
   * @throws ConfigurationError when the database has no `org_data_app` role (see
   *   {@link TestDatabase.appConnectionString}).
   */
  readonly app: Kysely<DB>;
  /**
   * Closes both pools, drops the database and its application role, and stops a server started
   * for it. A second call does nothing.
   *
   * @param options.keep - Leave the database (and its application role) on the server instead of
   * dropping them, to inspect it after a failure (connect to {@link TestDatabase.connectionString};
   * drop it by hand when done). It lasts as long as the server: a server this process started
   * (embedded or a container, no `DATABASE_URL`) is still stopped with its last database, and a
   * run-wide one from {@link startTestServer} at the end of the run. (Default: `false`)
   */
  dispose(options?: { readonly keep?: boolean }): Promise<void>;
}

/** Options of {@link createTestDatabase}. */
export interface CreateTestDatabaseOptions {
  /**
   * `true` (default) clones a template migrated with this package's SQL (or `migrations`);
   * `false` returns an empty database.
   */
  readonly migrated?: boolean;
  /** The migrations to apply to the template. (Default: the SQL shipped in this package) */
  readonly migrations?: readonly Migration[];
  /** Pool size of `db` and of `app`, each. (Default: `5`) */
  readonly max?: number;
  /**
   * Seed the default roles and permissions (`seedDefaults`) into the new database, so that
   * `users.register` works at once. Only with a migrated database. (Default: `false`)
   */
  readonly seed?: boolean;
}

let shared: { server: Promise<PostgresServer>; users: number } | undefined;

/** The server to create databases on, and how to let go of it. */
async function acquireServer(): Promise<{ server: PostgresServer; release: () => Promise<void> }> {
  const url = process.env[TEST_SERVER_ENV];
  if (url) {
    return { server: { adminUrl: url, kind: 'url', stop: async () => undefined }, release: async () => undefined };
  }
  // One server per process, started on first use and stopped when its last database goes.
  const entry = (shared ??= { server: startPostgresServer(), users: 0 });
  entry.users += 1;
  const release = async () => {
    entry.users -= 1;
    if (entry.users > 0) return;
    if (shared === entry) shared = undefined;
    await (await entry.server).stop();
  };
  try {
    return { server: await entry.server, release };
  } catch (error) {
    await release().catch(() => undefined);
    throw error;
  }
}

/**
 * Creates a fresh, migrated database in one call, and disposes of it in one call.
 *
 * Uses the server from {@link startTestServer} when one runs (e.g. in a vitest globalSetup),
 * else finds or starts one (`DATABASE_URL`, a Docker container, or embedded PostgreSQL) and
 * stops it when the last database is disposed. The schema is migrated once into a template;
 * each call clones it with `CREATE DATABASE … TEMPLATE …` (tens of milliseconds).
 *
 * @example
 * const testDb = await createTestDatabase();
 * const repos = createRepositories(testDb.db);
 * // … assertions …
 * await testDb.dispose();
 */
export async function createTestDatabase(options: CreateTestDatabaseOptions = {}): Promise<TestDatabase> {
  if (options === null || typeof options !== 'object') {
    throw new ConfigurationError([{ path: 'options', message: 'must be an object' }]);
  }
  if (options.seed === true && options.migrated === false) {
    throw new ConfigurationError([{ path: 'seed', message: 'needs a migrated database (migrated: false was given)' }]);
  }
  const { server, release } = await acquireServer();
  const name = `org_data_test_${randomBytes(6).toString('hex')}`;
  let created = false;
  let role: { readonly connectionString: string } | undefined;
  try {
    const source =
      options.migrated === false ? 'template0' : await ensureTemplate(server.adminUrl, options.migrations);
    await withAdminClient(server.adminUrl, async (admin) => {
      try {
        await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${source}"`);
      } catch (error) {
        // Another run on the same server (another migration set: another package version, a
        // branch) dropped this template as stale between ensureTemplate and here (3D000): build
        // it again and clone it once more.
        if ((error as { code?: unknown }).code !== '3D000' || options.migrated === false) throw error;
        const rebuilt = await ensureTemplate(server.adminUrl, options.migrations);
        await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${rebuilt}"`);
      }
      created = true;
      role = await createAppRole(admin, server.adminUrl, name);
    });
    const connectionString = withDatabase(server.adminUrl, name);
    const max = options.max ?? 5;
    const db = createDatabase({ connectionString, max });
    if (options.seed === true) {
      try {
        await seedDefaults(db);
      } catch (error) {
        await db.destroy();
        throw error;
      }
    }
    let app: Kysely<DB> | undefined;
    const noRole = () =>
      new ConfigurationError([
        { path: 'app', message: 'this test database has no org_data_app role (created with migrated: false, or by migrations without it)' },
      ]);
    let disposed = false;
    const dispose = async (disposeOptions: { readonly keep?: boolean } = {}) => {
      if (disposed) return;
      disposed = true;
      try {
        await Promise.all([db.destroy(), app?.destroy()]);
        if (disposeOptions?.keep !== true) {
          await withAdminClient(server.adminUrl, async (admin) => {
            await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
            if (role) await dropAppRole(admin, name);
          });
        }
      } finally {
        await release();
      }
    };
    const handle = {
      name,
      connectionString,
      db,
      get appConnectionString(): string {
        if (!role) throw noRole();
        return role.connectionString;
      },
      get app(): Kysely<DB> {
        if (!role) throw noRole();
        return (app ??= createDatabase({ connectionString: role.connectionString, max }));
      },
      dispose,
      [Symbol.asyncDispose]: () => dispose(),
    };
    return Object.freeze(handle);
  } catch (error) {
    if (created) {
      await withAdminClient(server.adminUrl, async (admin) => {
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await dropAppRole(admin, name);
      }).catch(() => undefined);
    }
    await release();
    throw error;
  }
}

/**
 * Drops templates left by earlier migration sets on a long-lived server (DATABASE_URL), best
 * effort: a template another run is cloning right now is skipped.
 */
async function dropStaleTemplates(adminUrl: string, current: string): Promise<void> {
  await withAdminClient(adminUrl, async (admin) => {
    const { rows } = await admin.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'org\\_data\\_tpl\\_%' AND datname <> $1",
      [current],
    );
    for (const { datname } of rows) {
      await admin.query(`DROP DATABASE IF EXISTS "${datname}"`).catch(() => undefined);
    }
  });
}

/**
 * Starts (or finds) one server for a whole test run and publishes it to worker processes
 * through `ORG_DATA_TEST_SERVER_URL`. Meant for a vitest `globalSetup`; returns the teardown.
 *
 * @example
 * // vitest.global-setup.ts
 * import { startTestServer } from '@org/data/testing';
 * export default () => startTestServer();
 */
export async function startTestServer(): Promise<() => Promise<void>> {
  const server = await startPostgresServer();
  const template = await ensureTemplate(server.adminUrl);
  await dropStaleTemplates(server.adminUrl, template);
  await withAdminClient(server.adminUrl, dropStaleAppRoles).catch(() => undefined);
  process.env[TEST_SERVER_ENV] = server.adminUrl;
  return async () => {
    delete process.env[TEST_SERVER_ENV];
    await server.stop();
  };
}
