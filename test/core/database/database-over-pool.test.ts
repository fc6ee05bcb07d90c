// createDatabase builds its Kysely instance from KyselyProps (databaseOverPool) so that units of
// work can use its driver directly. To everything else it must be the Kysely instance
// `new Kysely({ dialect: new PostgresDialect({ pool }) })` was: transaction(), connection(),
// startTransaction() with savepoints, plugins, destroy(); its driver initialised once.
import { CamelCasePlugin, Kysely, PostgresDialect, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createDatabase, createPool } from '../../../src/core/database/create-database.js';
import { databaseInternals } from '../../../src/core/database/database-internals.js';
import { databaseOverPool } from '../../../src/core/database/database-over-pool.js';
import { DatabaseClosedError } from '../../../src/core/errors/lifecycle-errors.js';
import { currentTenant } from '../../../src/core/tenancy/current-tenant.js';
import { unitOfWork } from '../../../src/repositories.js';
import { TEST_SERVER_ENV } from '../../../src/testing/test-database.js';
import { useTestDatabase } from '../../helpers/database.js';
import { unique } from '../../helpers/fixtures.js';

const pid = sql<{ pid: number }>`select pg_backend_pid() as pid`;

describe('createDatabase: a Kysely instance built from KyselyProps', () => {
  const testDb = useTestDatabase();
  const open = (max = 2) => createDatabase({ connectionString: testDb.current.connectionString, max });

  it('is registered; instances derived from it and plain Kysely instances are not', async () => {
    const db = open();
    const pool = createPool({ connectionString: testDb.current.connectionString });
    const plain = new Kysely({ dialect: new PostgresDialect({ pool }) });
    try {
      expect(databaseInternals(db)).toBeDefined();
      expect(databaseInternals(db.withPlugin(new CamelCasePlugin()))).toBeUndefined();
      expect(databaseInternals(db.withSchema('public'))).toBeUndefined();
      expect(databaseInternals(plain)).toBeUndefined();
    } finally {
      await db.destroy();
      await plain.destroy();
    }
  });

  it("keeps Kysely's API: transaction(), connection(), startTransaction() with savepoints, plugins, introspection", async () => {
    const db = open();
    const slug = `props-${unique()}`;
    try {
      const level = await db
        .transaction()
        .setIsolationLevel('repeatable read')
        .execute(async (trx) => {
          const { rows } = await sql<{ level: string }>`select current_setting('transaction_isolation') as level`.execute(trx);
          return rows[0]!.level;
        });
      expect(level).toBe('repeatable read');

      const pids = await db
        .connection()
        .execute(async (conn) => [(await pid.execute(conn)).rows[0]!.pid, (await pid.execute(conn)).rows[0]!.pid]);
      expect(pids[0]).toBe(pids[1]);

      const trx = await db.startTransaction().execute();
      await trx.insertInto('organizations').values({ slug, name: 'Kept' }).execute();
      const afterKept = await trx.savepoint('after_kept').execute();
      await afterKept.insertInto('organizations').values({ slug: `${slug}-dropped`, name: 'Dropped' }).execute();
      await afterKept.rollbackToSavepoint('after_kept').execute();
      await trx.commit().execute();
      const names = await db.selectFrom('organizations').select('name').where('slug', 'like', `${slug}%`).execute();
      expect(names).toEqual([{ name: 'Kept' }]);

      const camel = await db
        .withPlugin(new CamelCasePlugin())
        .selectFrom('organizations')
        .select(['created_at'])
        .where('slug', '=', slug)
        .executeTakeFirstOrThrow();
      expect(Object.keys(camel)).toEqual(['createdAt']);

      const tables = await db.introspection.getTables();
      expect(tables.map((t) => t.name)).toContain('organizations');
    } finally {
      await db.destroy();
    }
  });

  it('destroy(): ends the pool once; afterwards every call fails with DatabaseClosedError', async () => {
    const db = open();
    await unitOfWork(db, async () => undefined);
    await db.destroy();
    await db.destroy(); // a second call is harmless
    await expect(sql`select 1`.execute(db)).rejects.toBeInstanceOf(DatabaseClosedError);
    await expect(unitOfWork(db, async () => undefined)).rejects.toBeInstanceOf(DatabaseClosedError);
    await expect(db.transaction().execute(async () => undefined)).rejects.toBeInstanceOf(DatabaseClosedError);
    // Never used: nothing to end, and it refuses afterwards all the same.
    const unused = open();
    await unused.destroy();
    await expect(sql`select 1`.execute(unused)).rejects.toBeInstanceOf(DatabaseClosedError);
  });

  it('initialises its driver once, however many calls start together; a failed start is tried again', async () => {
    const pool = createPool({ connectionString: testDb.current.connectionString, max: 3 });
    let starts = 0;
    let failFirst = true;
    // A pool given as a function is what PostgresDriver.init() calls: it counts the initialisations.
    const db = databaseOverPool(async () => {
      starts += 1;
      if (failFirst) {
        failFirst = false;
        throw new Error('not yet');
      }
      return pool;
    });
    try {
      await expect(sql`select 1`.execute(db)).rejects.toThrow('not yet');
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => (i % 2 ? sql`select 1`.execute(db) : unitOfWork(db, async () => i))),
      );
      expect(results).toHaveLength(6);
      expect(starts).toBe(2); // the failed one, then exactly one
    } finally {
      await db.destroy();
    }
  });

  // Against a trust-auth server (PostgreSQL 15 via DATABASE_URL) any password is accepted.
  const server = new URL(process.env[TEST_SERVER_ENV] ?? 'postgres://x@localhost/x');
  it.skipIf(!server.password)('refreshPassword: refreshed once after a refusal; units of work take the one-message path', async () => {
    const url = new URL(testDb.current.connectionString);
    const right = decodeURIComponent(url.password);
    let stale = true;
    let refreshes = 0;
    // Discrete fields: a connection string's password (even an empty one) would win over `password`.
    const db = createDatabase({
      host: url.hostname,
      port: Number(url.port),
      user: decodeURIComponent(url.username),
      database: url.pathname.slice(1),
      password: () => (stale ? `${right}-stale` : right),
      refreshPassword: () => {
        refreshes += 1;
        stale = false;
      },
      max: 1,
    });
    try {
      expect(databaseInternals(db)).toBeDefined();
      const { id: organizationId } = await db
        .insertInto('organizations')
        .values({ slug: `refresh-${unique()}`, name: 'Refreshed' })
        .returning('id')
        .executeTakeFirstOrThrow();
      expect(refreshes).toBe(1);
      expect(await unitOfWork(db, { tenant: organizationId }, (uow) => currentTenant(uow.trx))).toBe(organizationId);
    } finally {
      await db.destroy();
    }
  });
});

