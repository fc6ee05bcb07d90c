// Every failure of the migration APIs is a package error: a refused connection (no host, port or
// password in the message), a terminated or cancelled lock waiter, a changed applied file, a role
// without the privilege to migrate (the application role), and arguments outside the types.
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../../src/core/database/create-database.js';
import { DataError } from '../../../src/core/errors/data-error.js';
import { MigrationChecksumError, MigrationStateError } from '../../../src/core/errors/migration-errors.js';
import { MigrationPrivilegeError } from '../../../src/core/errors/migration-privilege-error.js';
import { ConnectionLostError } from '../../../src/core/errors/operational-errors.js';
import { ValidationError } from '../../../src/core/errors/validation-error.js';
import { embeddedMigrations } from '../../../src/core/migrations/embedded-migrations.js';
import { migrate } from '../../../src/core/migrations/migrate.js';
import { checksumOf, defineMigration } from '../../../src/core/migrations/migration.js';
import { rollback } from '../../../src/core/migrations/rollback.js';
import { migrationStatus } from '../../../src/core/migrations/status.js';
import type { DB } from '../../../src/schema/db.js';
import { createTestDatabase, type TestDatabase } from '../../../src/testing/test-database.js';
import { useTestDatabase } from '../../helpers/database.js';
import { useAppLogin } from '../tenancy/app-role.js';

/** Settles `promise` into its rejection (or `ok`). */
const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error: unknown) => error,
  );

/** A migration that sorts after every shipped one. */
const pending = defineMigration('29991231000000_fake_pending', 'CREATE TABLE fake_pending (id int);', 'DROP TABLE fake_pending;');

async function tableExists(db: Kysely<any>, name: string): Promise<boolean> {
  const { rows } = await sql<{ exists: boolean }>`SELECT to_regclass(${name}) IS NOT NULL AS exists`.execute(db);
  return rows[0]!.exists;
}

describe('migration APIs: every failure is a DataError', () => {
  const testDb = useTestDatabase();
  const app = useAppLogin(testDb);
  const opened: Kysely<DB>[] = [];
  let fresh: TestDatabase;

  beforeAll(async () => {
    fresh = await createTestDatabase({ migrated: false, max: 1 });
  });
  afterAll(async () => {
    await Promise.all(opened.splice(0).map((db) => db.destroy()));
    await fresh?.dispose();
  });
  const open = (connectionString: string) => {
    const db = createDatabase({ connectionString, max: 2 });
    opened.push(db);
    return db;
  };
  /** The application login's connection string to `database`. */
  const appUrl = (database: TestDatabase) => {
    const url = new URL(app.current.connectionString);
    url.pathname = new URL(database.connectionString).pathname;
    return url.toString();
  };

  it('a refused connection: ConnectionLostError naming no host, port, user or password', async () => {
    const db = open('postgres://migrator:s3cret-pw@127.0.0.1:1/nowhere');
    for (const call of [migrate(db), rollback(db, { steps: 1 }), migrationStatus(db)]) {
      const error = await rejection(call);
      expect(error).toBeInstanceOf(ConnectionLostError);
      const { message } = error as Error;
      for (const secret of ['s3cret-pw', '127.0.0.1', ':1', 'migrator', 'nowhere']) expect(message).not.toContain(secret);
    }
  });

  it('a database that does not exist: a DataError with its SQLSTATE, naming no host or port', async () => {
    const url = new URL(testDb.current.connectionString);
    url.pathname = `/org_data_missing_${Date.now()}`;
    const db = open(url.toString());
    // One at a time: a call made before the previous one is awaited would reject unobserved.
    for (const call of [() => migrate(db), () => rollback(db, { to: 'x' }), () => migrationStatus(db)]) {
      const error = await rejection(call());
      expect(error).toBeInstanceOf(DataError);
      expect((error as DataError).sqlState).toBe('3D000');
      expect((error as Error).message).not.toContain(url.hostname);
    }
  });

  /**
   * Holds the migration lock on another session while `during` runs against the waiting runner's
   * pid (the session that tries the lock: a waiter tries it again and again, holding nothing in
   * between, see migration-lock.ts).
   */
  async function withLockHeld(run: () => Promise<unknown>, during: (waiterPid: number) => Promise<unknown>, releaseFirst = false) {
    const key = '4207311958340117';
    return testDb.current.db.connection().execute(async (holder) => {
      await sql`SELECT pg_advisory_lock(${key}::bigint)`.execute(holder);
      let held = true;
      try {
        const waiting = rejection(run());
        let pid: number | undefined;
        for (let i = 0; i < 200 && pid === undefined; i += 1) {
          const { rows } = await sql<{ pid: number }>`
            SELECT pid FROM pg_stat_activity
            WHERE datname = current_database() AND query LIKE '%pg_try_advisory_lock%'
              AND pid <> pg_backend_pid()`.execute(holder);
          pid = rows[0]?.pid;
          if (pid === undefined) await new Promise((resolve) => setTimeout(resolve, 25));
        }
        expect(pid).toBeDefined();
        await during(pid!);
        if (releaseFirst) {
          await sql`SELECT pg_advisory_unlock(${key}::bigint)`.execute(holder);
          held = false;
        }
        return await waiting;
      } finally {
        if (held) await sql`SELECT pg_advisory_unlock(${key}::bigint)`.execute(holder);
      }
    });
  }

  it('a lock waiter whose session is terminated: ConnectionLostError; cancelled: it waits on and runs once the lock is free', async () => {
    const db = open(testDb.current.connectionString);
    const terminated = await withLockHeld(
      () => migrate(db),
      async (pid) => {
        await sql`SELECT pg_terminate_backend(${pid})`.execute(testDb.current.db);
      },
    );
    expect(terminated).toBeInstanceOf(ConnectionLostError);
    // A waiter runs no statement between its tries: a cancel finds nothing to cancel (or one
    // try, which then counts as not taken), and the waiter goes on to run once the lock is free.
    const cancelled = await withLockHeld(
      () => migrate(db),
      async (pid) => {
        await sql`SELECT pg_cancel_backend(${pid})`.execute(testDb.current.db);
      },
      true,
    );
    expect(cancelled).toBe('ok');
    // The pool recovers: the terminated session was discarded.
    expect((await migrationStatus(db)).pending).toEqual([]);
  });

  it("the pool's response bound does not cut a long migration or the wait for the lock short", async () => {
    // A bound of 300 ms for ordinary calls; the runner waits for the lock unbounded, and runs
    // scripts under statementTimeoutMs plus a margin.
    const db = createDatabase({ connectionString: testDb.current.connectionString, max: 1, responseTimeoutMs: 300 });
    opened.push(db);
    const slow = defineMigration('29991231000200_slow', 'SELECT pg_sleep(0.6);', 'SELECT 1;');
    const migrations = [...embeddedMigrations, slow];
    const result = await withLockHeld(
      () => migrate(db, { migrations }),
      () => new Promise((resolve) => setTimeout(resolve, 600)), // the runner waits twice the bound
      true,
    );
    expect(result).toBe('ok');
    expect((await migrationStatus(db, { migrations })).pending).toEqual([]);
    expect(await rollback(db, { steps: 1 }, { migrations })).toEqual({ rolledBack: [slow.name] });
  });

  it('rollback refuses, before reverting anything, when any applied migration changed (as migrate does)', async () => {
    const db = testDb.current.db;
    const [first, ...rest] = embeddedMigrations;
    // The oldest migration's forward file "changed"; rollback of the newest one is refused.
    const edited = { ...first!, checksum: checksumOf(`${first!.up.sql}\n-- edited`) };
    const migrations = [edited, ...rest];
    const error = await rejection(rollback(db, { steps: 1 }, { migrations }));
    expect(error).toBeInstanceOf(MigrationChecksumError);
    expect((error as MigrationChecksumError).files).toEqual([`${first!.name}.up.sql`]);
    expect(await rejection(migrate(db, { migrations }))).toBeInstanceOf(MigrationChecksumError);
    expect((await migrationStatus(db)).applied).toHaveLength(embeddedMigrations.length); // nothing reverted
  });

  it('the application role on a fresh database: MigrationPrivilegeError naming CREATE and the owner connection', async () => {
    const db = open(appUrl(fresh));
    const error = await rejection(migrate(db));
    expect(error).toBeInstanceOf(MigrationPrivilegeError);
    const typed = error as MigrationPrivilegeError;
    expect(typed.code).toBe('MIGRATION_PRIVILEGE');
    expect(typed.sqlState).toBe('42501');
    expect(typed.privilege).toBe('CREATE on schema public');
    expect(typed.message).toContain('DATABASE_OWNER_URL');
    expect(typed.message).toContain('DATABASE_OWNER_SECRET_ARN');
    expect(await tableExists(fresh.db, 'org_data_migrations')).toBe(false);
    expect(await rejection(rollback(db, { steps: 1 }))).toBeInstanceOf(MigrationPrivilegeError);
  });

  it('the application role on a migrated database with a pending migration: refused, nothing applied', async () => {
    const db = open(appUrl(testDb.current));
    const migrations = [...embeddedMigrations, pending];
    const error = await rejection(migrate(db, { migrations }));
    expect(error).toBeInstanceOf(MigrationPrivilegeError);
    expect((error as MigrationPrivilegeError).privilege).toBe('CREATE on schema public');
    expect(await tableExists(testDb.current.db, 'fake_pending')).toBe(false);
    expect((await migrationStatus(testDb.current.db, { migrations })).pending.map((m) => m.name)).toEqual([pending.name]);
    // Reading the status needs only SELECT on the tracking table, which the application role
    // holds since 20261202090000 (the readiness probe): it sees the pending one.
    expect((await migrationStatus(db, { migrations })).pending.map((m) => m.name)).toEqual([pending.name]);
  });

  it('a migration refused a privilege mid-way names the migration and what was refused; nothing of it stays', async () => {
    const user = app.current.user;
    // The login may create in the schema and read the tracking table, but owns no package table.
    await sql`GRANT CREATE ON SCHEMA public TO ${sql.id(user)}`.execute(testDb.current.db);
    await sql`GRANT SELECT, INSERT, DELETE ON org_data_migrations TO ${sql.id(user)}`.execute(testDb.current.db);
    try {
      const alter = defineMigration(
        '29991231000100_alter_organizations',
        'CREATE TABLE fake_first (id int);\nALTER TABLE organizations ADD COLUMN fake_column int;',
        'ALTER TABLE organizations DROP COLUMN fake_column;\nDROP TABLE fake_first;',
      );
      const db = open(appUrl(testDb.current));
      const error = await rejection(migrate(db, { migrations: [...embeddedMigrations, alter] }));
      expect(error).toBeInstanceOf(MigrationPrivilegeError);
      const typed = error as MigrationPrivilegeError;
      expect(typed.migration).toBe(alter.name);
      expect(typed.privilege).toBe('must be owner of table organizations');
      expect(typed.message).toContain(alter.name);
      expect(await tableExists(testDb.current.db, 'fake_first')).toBe(false);
    } finally {
      await sql`REVOKE ALL ON org_data_migrations FROM ${sql.id(user)}`.execute(testDb.current.db);
      await sql`REVOKE CREATE ON SCHEMA public FROM ${sql.id(user)}`.execute(testDb.current.db);
    }
  });

  it('arguments outside the types are refused typed, nothing sent', async () => {
    const db = testDb.current.db;
    const calls: Array<() => Promise<unknown>> = [
      () => migrate(null as never),
      () => migrate({} as never),
      () => migrate(db, null as never),
      () => migrate(db, 'x' as never),
      () => migrate(db, { migrations: [null] as never }),
      () => migrate(db, { migrations: 'x' as never }),
      () => migrate(db, { lockTimeoutMs: -1 }),
      () => migrate(db, { to: 42 as never }),
      () => rollback(undefined as never, { steps: 1 }),
      () => rollback(db, null as never),
      () => rollback(db, {} as never),
      () => rollback(db, { steps: '1' } as never),
      () => rollback(db, { to: null } as never),
      () => rollback(db, { steps: 1 }, null as never),
      () => migrationStatus(null as never),
      () => migrationStatus(db, null as never),
      () => migrationStatus(db, { migrations: [{}] as never }),
      () => db.transaction().execute((trx) => migrate(trx)),
    ];
    for (const call of calls) {
      const error = await rejection(call());
      expect(error).toBeInstanceOf(DataError);
      expect([ValidationError, MigrationStateError].some((type) => error instanceof type)).toBe(true);
    }
    expect(() => defineMigration(null as never, 'x', 'y')).toThrow(ValidationError);
    expect(() => defineMigration('20200101000000_x', null as never, 'y')).toThrow(ValidationError);
    expect(() => checksumOf(undefined as never)).toThrow(ValidationError);
    expect((await migrationStatus(db)).pending).toEqual([]);
  });
});
