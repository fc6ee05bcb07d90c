import { describe, expect, it } from 'vitest';
import { embeddedMigrations } from '../src/core/migrations/embedded-migrations.js';
import { createTestDatabase } from '../src/testing/test-database.js';
import { cli } from './cli/run-cli.js';
import { useTestDatabase } from './helpers/database.js';

/** Runs the CLI with `url` as DATABASE_URL (the only connection: the owner falls back to it). */
async function withUrl(url: string | undefined, ...args: string[]) {
  const result = await cli(args, { env: { DATABASE_URL: url } });
  return { code: result.code, out: result.stdout + result.stderr };
}

describe('org-data CLI', () => {
  const migrated = useTestDatabase();

  it('status exits 3 while migrations are pending, migrate applies them, then status exits 0', async () => {
    const empty = await createTestDatabase({ migrated: false });
    try {
      const pending = await withUrl(empty.connectionString, 'status', '--sql');
      expect(pending.code).toBe(3);
      expect(pending.out).toMatch(/pending\s+20261121090000_create_organizations/);
      expect(pending.out).toContain('CREATE TABLE organizations');
      const applied = await withUrl(empty.connectionString, 'migrate');
      expect(applied.code).toBe(0);
      const last = embeddedMigrations.at(-1)!.name;
      expect(applied.out).toContain(`applied ${last}`);
      expect((await withUrl(empty.connectionString, 'status')).code).toBe(0);
      const seeded = await withUrl(empty.connectionString, 'seed');
      expect(seeded.out).toMatch(/seeded: 2 roles/);
      const rolledBack = await withUrl(empty.connectionString, 'rollback', '--steps', '1');
      expect(rolledBack).toEqual({ code: 0, out: `rolled back ${last}\n` });
    } finally {
      await empty.dispose();
    }
  }, 90_000);

  it('status exits 4 when an applied migration changed', async () => {
    const { db, connectionString } = migrated.current;
    await db.updateTable('org_data_migrations' as never).set({ checksum: 'f'.repeat(64) } as never).execute();
    const result = await withUrl(connectionString, 'status');
    expect(result.code).toBe(4);
    expect(result.out).toContain('MISMATCHED');
    const refused = await withUrl(connectionString, 'migrate');
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('MIGRATION_CHECKSUM_MISMATCH');
  });

  it('usage errors exit 64, a missing configuration 78; a failed connection exits 1 without printing the password', async () => {
    const url = migrated.current.connectionString;
    const missing = await withUrl(undefined, 'status');
    expect(missing.code).toBe(78);
    expect(missing.out).toContain('DATABASE_OWNER_URL is missing');
    expect((await withUrl(url, 'rollback')).code).toBe(64);
    expect((await withUrl(url, 'rollback', '--steps', '0')).code).toBe(64);
    expect((await withUrl(url, 'migrate', '--to', '')).code).toBe(64);
    expect((await withUrl(url, 'status', 'extra')).code).toBe(64);
    const secret = 'hunter2-very-secret';
    const closed = await withUrl(`postgres://someone:${secret}@127.0.0.1:1/nowhere`, 'status');
    expect(closed.code).toBe(1);
    expect(closed.out).toMatch(/^org-data: cannot run status: could not reach the database server \(owner connection from DATABASE_URL\): .*ECONNREFUSED/);
    expect(closed.out).not.toContain(secret);
    // The real server rejects the login (unknown role, or wrong password): still no secret.
    const rejected = new URL(url);
    rejected.username = 'nobody_at_all';
    rejected.password = secret;
    const refused = await withUrl(rejected.toString(), 'status');
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/28000|28P01/);
    expect(refused.out).toContain('check DATABASE_URL');
    expect(refused.out).not.toContain(secret);
    // Many CLI processes, each compiling TypeScript with tsx: slow on a loaded 2-core machine.
  }, 90_000);
});

describe('org-data audit-partitions', () => {
  const testDb = useTestDatabase();

  it('creates this month and the next ones, is idempotent, and validates --drop-before', async () => {
    const url = testDb.current.connectionString;
    const first = await withUrl(url, 'audit-partitions', '--months-ahead', '1');
    expect(first.code).toBe(0);
    expect(first.out.match(/^created audit_logs_y\d{4}m\d{2}$/gm)).toHaveLength(2);
    const again = await withUrl(url, 'audit-partitions', '--months-ahead', '1');
    expect(again.out).toContain('all partitions exist');
    const dropped = await withUrl(url, 'audit-partitions', '--months-ahead', '0', '--drop-before', '2000-01-01');
    expect(dropped.out).toContain('nothing to drop');
    expect((await withUrl(url, 'audit-partitions', '--drop-before', 'yesterday')).code).toBe(64);
    expect((await withUrl(url, 'audit-partitions', '--drop-before', '2026-02-30')).code).toBe(64);
  }, 60_000);
});
