// org-data doctor against real databases: a healthy migrated one (owner and application login
// both configured), and a throwaway one with a problem of every class.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditPartitions } from '../../src/core/audit/audit-partitions.js';
import { rollback } from '../../src/core/migrations/rollback.js';
import { embeddedMigrations } from '../../src/core/migrations/embedded-migrations.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing/test-database.js';
import { useAppLogin } from '../core/tenancy/app-role.js';
import { useTestDatabase } from '../helpers/database.js';
import { cli } from './run-cli.js';

describe('org-data doctor on a healthy database', () => {
  const testDb = useTestDatabase();
  const appLogin = useAppLogin(testDb);

  it('reports every check ok and exits 0', async () => {
    await createAuditPartitions(testDb.current.db, { monthsAhead: 3 });
    const result = await cli(['doctor'], {
      env: { DATABASE_OWNER_URL: testDb.current.connectionString, DATABASE_URL: appLogin.current.connectionString },
    });
    expect(result.stderr).toBe('');
    expect(result.code, result.stdout).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.filter((line) => !line.startsWith('ok '))).toEqual(['doctor: no problem found (0 warnings)']);
    for (const check of ['migrations', 'tenancy', 'app-role', 'app-login', 'partitions']) {
      expect(lines.some((line) => line.startsWith(`ok       ${check}: `)), check).toBe(true);
    }
    expect(result.stdout).toContain(`${embeddedMigrations.length} applied, none pending`);
    // The application login's name and password appear nowhere.
    expect(result.stdout).not.toContain(appLogin.current.user);
    expect(result.stdout).not.toContain(new URL(appLogin.current.connectionString).password);
  }, 60_000);

  it('migrate over the application role fails with 42501 and says to set the owner connection', async () => {
    const result = await cli(['migrate'], { env: { DATABASE_URL: appLogin.current.connectionString } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^org-data: cannot run migrate: .*42501.*\(owner connection from DATABASE_URL\)/);
    expect(result.stderr).toContain('set DATABASE_OWNER_URL or DATABASE_OWNER_SECRET_ARN');
    expect(result.stderr).not.toContain(new URL(appLogin.current.connectionString).password);
  }, 60_000);
});

describe('org-data doctor on a database with problems', () => {
  let broken: TestDatabase;

  beforeAll(async () => {
    broken = await createTestDatabase();
    const { db } = broken;
    // A pending migration: the last one rolled back.
    await rollback(db, { steps: 1 });
    // A tenant table whose row-level security is enabled but not forced, and has no policy.
    await sql`CREATE TABLE doctor_notes (id uuid PRIMARY KEY, organization_id uuid NOT NULL)`.execute(db);
    await sql`ALTER TABLE doctor_notes ENABLE ROW LEVEL SECURITY`.execute(db);
    // A policy that lets every tenant read every client.
    await sql`CREATE POLICY everyone ON clients FOR SELECT USING (true)`.execute(db);
    // The application role lost a privilege a migration grants, and gained one it must not have.
    await sql`REVOKE INSERT ON users FROM org_data_app`.execute(db);
    await sql`GRANT UPDATE ON audit_logs TO org_data_app`.execute(db);
  });
  afterAll(async () => broken?.dispose());

  it('prints one problem line per finding and exits 5', async () => {
    const url = broken.connectionString;
    // The application connection is the superuser too: the app-login check flags it.
    const result = await cli(['doctor', '--months-ahead', '1'], { env: { DATABASE_OWNER_URL: url, DATABASE_URL: url } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(5);
    const problems = result.stdout.split('\n').filter((line) => line.startsWith('problem '));
    const last = embeddedMigrations.at(-1)!.name;
    expect(problems).toEqual(
      expect.arrayContaining([
        `problem  migrations: ${last} is pending (run org-data migrate)`,
        'problem  tenancy: doctor_notes: row-level security not forced (the owner bypasses it)',
        'problem  tenancy: doctor_notes: no row-level security policy',
        'problem  tenancy: clients: policy everyone is permissive and widens what a tenant sees',
        expect.stringMatching(/^problem {2}app-role: org_data_app lacks INSERT on table users \(granted by \d+_enable_row_level_security\)$/),
        'problem  app-role: org_data_app holds UPDATE on audit_logs, beyond what the migrations grant (SELECT, INSERT)',
        'problem  app-login: the login role of DATABASE_URL is SUPERUSER: row-level security does not apply to it',
        expect.stringMatching(/^problem {2}partitions: audit_logs_y\d{4}m\d{2} is missing \(run org-data audit-partitions --months-ahead 1\)$/),
      ]),
    );
    expect(problems.filter((line) => line.includes('partitions:'))).toHaveLength(2);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe(`doctor: ${problems.length} problems, 0 warnings`);
    // Without an owner variable the owner is the application connection: app-login is skipped.
    const single = await cli(['doctor'], { env: { DATABASE_URL: url } });
    expect(single.code).toBe(5);
    expect(single.stdout).toMatch(/^skip {5}app-login: DATABASE_OWNER_URL and DATABASE_OWNER_SECRET_ARN are unset/m);
  }, 90_000);

  it('reports an application connection that cannot log in, without its password', async () => {
    const url = new URL(broken.connectionString);
    url.username = 'org_data_doctor_nobody';
    url.password = 'doctor-secret-pw';
    const result = await cli(['doctor'], { env: { DATABASE_OWNER_URL: broken.connectionString, DATABASE_URL: url.toString() } });
    expect(result.code).toBe(5);
    // 28000 (role does not exist) under trust authentication, 28P01 where the server asks for a password.
    expect(result.stdout).toMatch(/^problem {2}app-login: cannot connect with DATABASE_URL: SQLSTATE 28(000|P01)/m);
    expect(result.stdout + result.stderr).not.toContain('doctor-secret-pw');
  }, 60_000);
});
