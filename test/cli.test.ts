import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { embeddedMigrations } from '../src/core/migrations/embedded-migrations.js';
import { createTestDatabase } from '../src/testing/test-database.js';
import { useTestDatabase } from './helpers/database.js';

const run = promisify(execFile);
const cliPath = join(import.meta.dirname, '..', 'src', 'cli', 'index.ts');

/** Runs `org-data` from source with the given DATABASE_URL; never throws. */
async function cli(databaseUrl: string | undefined, ...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl };
  if (databaseUrl === undefined) delete env.DATABASE_URL;
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', cliPath, ...args], { env });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

describe('org-data CLI', () => {
  const migrated = useTestDatabase();

  it('status exits 3 while migrations are pending, migrate applies them, then status exits 0', async () => {
    const empty = await createTestDatabase({ migrated: false });
    try {
      const pending = await cli(empty.connectionString, 'status', '--sql');
      expect(pending.code).toBe(3);
      expect(pending.out).toMatch(/pending\s+20261121090000_create_organizations/);
      expect(pending.out).toContain('CREATE TABLE organizations');
      const applied = await cli(empty.connectionString, 'migrate');
      expect(applied.code).toBe(0);
      const last = embeddedMigrations.at(-1)!.name;
      expect(applied.out).toContain(`applied ${last}`);
      expect((await cli(empty.connectionString, 'status')).code).toBe(0);
      const seeded = await cli(empty.connectionString, 'seed');
      expect(seeded.out).toMatch(/seeded: 2 roles/);
      const rolledBack = await cli(empty.connectionString, 'rollback', '--steps', '1');
      expect(rolledBack).toEqual({ code: 0, out: `rolled back ${last}\n` });
    } finally {
      await empty.dispose();
    }
  });

  it('status exits 4 when an applied migration changed', async () => {
    const { db, connectionString } = migrated.current;
    await db.updateTable('org_data_migrations' as never).set({ checksum: 'f'.repeat(64) } as never).execute();
    const result = await cli(connectionString, 'status');
    expect(result.code).toBe(4);
    expect(result.out).toContain('MISMATCHED');
    const refused = await cli(connectionString, 'migrate');
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('MIGRATION_CHECKSUM_MISMATCH');
  });

  it('usage errors exit 64; a failed connection exits 1 without printing the password', async () => {
    expect((await cli(undefined, 'status')).code).toBe(64);
    expect((await cli(migrated.current.connectionString, 'frobnicate')).code).toBe(64);
    expect((await cli(migrated.current.connectionString, 'rollback')).code).toBe(64);
    expect((await cli(migrated.current.connectionString, 'rollback', '--steps', '0')).code).toBe(64);
    expect((await cli(migrated.current.connectionString, 'migrate', '--to', '')).code).toBe(64);
    const secret = 'hunter2-very-secret';
    const closed = await cli(`postgres://someone:${secret}@127.0.0.1:1/nowhere`, 'status');
    expect(closed.code).toBe(1);
    expect(closed.out).toMatch(/^org-data: cannot run status/);
    expect(closed.out).not.toContain(secret);
    // The real server rejects the login (unknown role, or wrong password): still no secret.
    const url = new URL(migrated.current.connectionString);
    url.username = 'nobody_at_all';
    url.password = secret;
    const rejected = await cli(url.toString(), 'status');
    expect(rejected.code).toBe(1);
    expect(rejected.out).toMatch(/28000|28P01/);
    expect(rejected.out).not.toContain(secret);
    // Seven CLI processes, each compiling TypeScript with tsx: slow on a loaded 2-core machine.
  }, 90_000);
});

describe('org-data audit-partitions', () => {
  const testDb = useTestDatabase();

  it('creates this month and the next ones, is idempotent, and validates --drop-before', async () => {
    const first = await cli(testDb.current.connectionString, 'audit-partitions', '--months-ahead', '1');
    expect(first.code).toBe(0);
    expect(first.out.match(/^created audit_logs_y\d{4}m\d{2}$/gm)).toHaveLength(2);
    const again = await cli(testDb.current.connectionString, 'audit-partitions', '--months-ahead', '1');
    expect(again.out).toContain('all partitions exist');
    const dropped = await cli(testDb.current.connectionString, 'audit-partitions', '--months-ahead', '0', '--drop-before', '2000-01-01');
    expect(dropped.out).toContain('nothing to drop');
    expect((await cli(testDb.current.connectionString, 'audit-partitions', '--drop-before', 'yesterday')).code).toBe(64);
  });
});
