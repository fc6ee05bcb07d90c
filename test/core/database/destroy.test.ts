// db.destroy() while callers wait for a pool connection: every waiter is rejected at once with a
// typed DatabaseClosedError (not left hanging until the pool's connection timeout), the holder of
// the connection finishes its work, and every later call fails with the same typed error.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createDatabase } from '../../../src/core/database/create-database.js';
import { DataError } from '../../../src/core/errors/data-error.js';
import { DatabaseClosedError } from '../../../src/core/errors/lifecycle-errors.js';
import { migrate } from '../../../src/core/migrations/migrate.js';
import { migrationStatus } from '../../../src/core/migrations/status.js';
import { rollback } from '../../../src/core/migrations/rollback.js';
import { createRepositories, unitOfWork } from '../../../src/repositories.js';
import { useTestDatabase } from '../../helpers/database.js';
import { unique } from '../../helpers/fixtures.js';

/** Settles `promise` into what a test can compare: `ok` or the rejection. */
const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok' as const,
    (error: unknown) => error,
  );

describe('db.destroy()', () => {
  const testDb = useTestDatabase();

  // With refreshPassword the driver's pool is a wrapper around the pg.Pool whose queue destroy() empties.
  it.each([
    ['', {}],
    [' (refreshPassword: the pool behind a wrapper)', { refreshPassword: () => undefined }],
  ])('rejects every caller waiting for a connection at once, typed; the holder still commits%s', async (_, extra) => {
    // A long connection timeout: a waiter that is not rejected by destroy() would hang 60 s.
    const db = createDatabase({ connectionString: testDb.current.connectionString, max: 1, connectionTimeoutMillis: 60_000, ...extra });
    const repos = createRepositories(db);
    const slug = `held-${unique()}`;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const holder = unitOfWork(db, async (uow) => {
      await uow.organizations.create({ slug, name: 'Held' });
      holding();
      await released;
    });
    await held;
    const waiters = [
      sql`select 1`.execute(db),
      db.selectFrom('organizations').select('id').execute(),
      unitOfWork(db, async () => 'never'),
      repos.organizations.findById('00000000-0000-4000-8000-000000000000'),
      repos.organizations.create({ slug: `${slug}-waiter`, name: 'Never' }),
      db.transaction().execute(async () => 'never'),
      migrationStatus(db),
      migrate(db),
    ].map(outcome);
    // Every waiter is queued behind the held connection.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const destroyed = db.destroy();
    const settled = await Promise.all(waiters); // resolves only if each was rejected (the holder still holds)
    for (const error of settled) {
      expect(error).toBeInstanceOf(DatabaseClosedError);
      expect((error as DataError).code).toBe('DATABASE_CLOSED');
    }
    // destroy() waits for the checked-out connection; its holder finishes and commits.
    release();
    await holder;
    await destroyed;
    const { rows } = await sql<{ slug: string }>`select slug from organizations where slug like ${`${slug}%`}`.execute(
      testDb.current.db,
    );
    expect(rows.map((r) => r.slug)).toEqual([slug]);
  });

  it('every call after destroy() fails at once with DatabaseClosedError, whatever the entry point', async () => {
    const db = createDatabase({ connectionString: testDb.current.connectionString, max: 1 });
    await sql`select 1`.execute(db);
    await db.destroy();
    await db.destroy(); // a second call is harmless
    const repos = createRepositories(db);
    const calls = [
      sql`select 1`.execute(db),
      db.selectFrom('organizations').selectAll().execute(),
      unitOfWork(db, async () => undefined),
      unitOfWork(db, { tenant: '00000000-0000-4000-8000-000000000000' }, async () => undefined),
      db.transaction().execute(async () => undefined),
      db.connection().execute(async () => undefined),
      repos.organizations.findById('00000000-0000-4000-8000-000000000000'),
      repos.organizations.create({ slug: `after-${unique()}`, name: 'After' }),
      migrate(db),
      rollback(db, { steps: 1 }),
      migrationStatus(db),
    ].map(outcome);
    for (const error of await Promise.all(calls)) expect(error).toBeInstanceOf(DatabaseClosedError);
  });

  it('a database never used refuses calls after destroy() too', async () => {
    const db = createDatabase({ connectionString: testDb.current.connectionString });
    await db.destroy();
    expect(await outcome(sql`select 1`.execute(db))).toBeInstanceOf(DatabaseClosedError);
    expect(await outcome(unitOfWork(db, async () => undefined))).toBeInstanceOf(DatabaseClosedError);
  });
});
