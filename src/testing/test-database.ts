import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { createDatabase } from '../core/database/create-database.js';
import type { Migration } from '../core/migrations/migration.js';
import type { DB } from '../schema/db.js';
import { startPostgresServer, type PostgresServer } from './postgres-server.js';
import { ensureTemplate, withAdminClient, withDatabase } from './template-database.js';

/** Set by {@link startTestServer}: worker processes create their databases on this server. */
export const TEST_SERVER_ENV = 'ORG_DATA_TEST_SERVER_URL';

/** A fresh database for one test file (or one test). */
export interface TestDatabase {
  /** The database's name on the server. */
  readonly name: string;
  /** Connection string to this database. */
  readonly connectionString: string;
  /** A Kysely instance on this database (pool of 5, TimeZone UTC). */
  readonly db: Kysely<DB>;
  /**
   * Closes the pool, drops the database, and stops a server started for it. A second call does
   * nothing.
   *
   * @param options.keep - Leave the database on the server instead of dropping it, to inspect
   * it after a failure (connect to {@link TestDatabase.connectionString}; drop it by hand when
   * done). It lasts as long as the server: a server this process started (embedded or a
   * container, no `DATABASE_URL`) is still stopped with its last database, and a run-wide one
   * from {@link startTestServer} at the end of the run. (Default: `false`)
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
  /** Pool size of `db`. (Default: `5`) */
  readonly max?: number;
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
  const { server, release } = await acquireServer();
  try {
    const source =
      options.migrated === false ? 'template0' : await ensureTemplate(server.adminUrl, options.migrations);
    const name = `org_data_test_${randomBytes(6).toString('hex')}`;
    await withAdminClient(server.adminUrl, (admin) =>
      admin.query(`CREATE DATABASE "${name}" TEMPLATE "${source}"`),
    );
    const connectionString = withDatabase(server.adminUrl, name);
    const db = createDatabase({ connectionString, max: options.max ?? 5 });
    let disposed = false;
    return Object.freeze({
      name,
      connectionString,
      db,
      async dispose(disposeOptions: { readonly keep?: boolean } = {}) {
        if (disposed) return;
        disposed = true;
        try {
          await db.destroy();
          if (disposeOptions.keep !== true) {
            await withAdminClient(server.adminUrl, (admin) =>
              admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
            );
          }
        } finally {
          await release();
        }
      },
    });
  } catch (error) {
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
  process.env[TEST_SERVER_ENV] = server.adminUrl;
  return async () => {
    delete process.env[TEST_SERVER_ENV];
    await server.stop();
  };
}
