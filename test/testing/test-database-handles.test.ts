// @org/data/testing: the owner and application-role handles of a test database, seeding,
// `await using`, and the line that says which PostgreSQL was chosen.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/core/config/configuration-error.js';
import { createRepositories, unitOfWork } from '../../src/repositories.js';
import { embeddedMigrations } from '../../src/core/migrations/index.js';
import { ensureTemplate } from '../../src/testing/template-database.js';
import { createTestDatabase, TEST_SERVER_ENV } from '../../src/testing/test-database.js';
import { startPostgresServer } from '../../src/testing/postgres-server.js';
import { databaseExists, withAdmin } from '../helpers/run-server.js';

const roleExists = (name: string) =>
  withAdmin(async (admin) => (await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name])).rowCount === 1);

describe('createTestDatabase: owner and application-role handles', () => {
  it('a template another run dropped as stale in the meantime is built again (two migration sets on one server)', async () => {
    // A migration set of its own (the first three migrations), so its template is this test's.
    const migrations = embeddedMigrations.slice(0, 3);
    await using first = await createTestDatabase({ migrations });
    const template = await ensureTemplate(process.env[TEST_SERVER_ENV]!, migrations);
    expect(await databaseExists(template)).toBe(true);
    // What another run's startTestServer does to the templates of other migration sets.
    await withAdmin((admin) => admin.query(`DROP DATABASE "${template}"`));
    await using second = await createTestDatabase({ migrations });
    expect(await databaseExists(template)).toBe(true);
    expect(first.name).not.toBe(second.name);
  });

  it('app connects as a login role granted org_data_app, without superuser or BYPASSRLS', async () => {
    await using t = await createTestDatabase();
    const { rows } = await sql<{ super: boolean; bypass: boolean; member: boolean; user: string }>`
      select r.rolsuper as super, r.rolbypassrls as bypass, pg_has_role(current_user, 'org_data_app', 'member') as member,
             current_user as user
        from pg_roles r where r.rolname = current_user`.execute(t.app);
    expect(rows[0]).toEqual({ super: false, bypass: false, member: true, user: `${t.name}_app` });
    expect(t.appConnectionString).toContain(`/${t.name}`);
  });

  it('row-level security applies to app: no tenant, no rows; the tenant unit of work sees its own', async () => {
    await using t = await createTestDatabase();
    const org = await createRepositories(t.db).organizations.create({ slug: 'rls-handle', name: 'RLS' });
    expect(await createRepositories(t.app).organizations.findById(org.id)).toBeUndefined();
    const seen = await unitOfWork(t.app, { tenant: org.id }, (uow) => uow.organizations.findById(org.id));
    expect(seen?.id).toBe(org.id);
    // The owner handle bypasses it (the server's administrative user): fixtures across tenants.
    expect((await createRepositories(t.db).organizations.findById(org.id))?.id).toBe(org.id);
  });

  it('seed: true seeds the default roles so register works at once (as the application role)', async () => {
    await using seeded = await createTestDatabase({ seed: true });
    await using bare = await createTestDatabase();
    // The default roles (the migrations themselves make only the form-scoped ones).
    const count = async (db: typeof seeded.db) =>
      Number((await sql<{ n: string }>`select count(*) as n from roles where name in ('admin', 'user')`.execute(db)).rows[0]!.n);
    expect(await count(seeded.db)).toBe(2);
    expect(await count(bare.db)).toBe(0);
    const org = await createRepositories(seeded.db).organizations.create({ slug: 'seeded', name: 'Seeded' });
    const registered = await unitOfWork(seeded.app, { tenant: org.id }, (uow) =>
      uow.users.register({ organizationId: org.id, authSubject: 'sub-1', email: 'a@example.com', fullName: 'A' }),
    );
    expect(registered.roles).toEqual(['user']);
  });

  it('dispose (and await using) drops the database and its application role; a second call does nothing', async () => {
    let name = '';
    {
      await using t = await createTestDatabase();
      name = t.name;
      await t.app.selectFrom('roles').select('id').execute();
      expect(await roleExists(`${name}_app`)).toBe(true);
    }
    expect(await databaseExists(name)).toBe(false);
    expect(await roleExists(`${name}_app`)).toBe(false);

    const t = await createTestDatabase();
    await t.dispose();
    await t.dispose();
    expect(await databaseExists(t.name)).toBe(false);
  });

  it('dispose({ keep: true }) keeps the database and its role', async () => {
    const t = await createTestDatabase();
    await t.dispose({ keep: true });
    try {
      expect(await databaseExists(t.name)).toBe(true);
      expect(await roleExists(`${t.name}_app`)).toBe(true);
    } finally {
      await withAdmin(async (admin) => {
        await admin.query(`DROP DATABASE IF EXISTS "${t.name}" WITH (FORCE)`);
        await admin.query(`DROP ROLE IF EXISTS "${t.name}_app"`);
      });
    }
  });

  it('seed on an unmigrated database, and options that are not an object: ConfigurationError', async () => {
    await expect(createTestDatabase({ migrated: false, seed: true })).rejects.toBeInstanceOf(ConfigurationError);
    await expect(createTestDatabase(null as never)).rejects.toBeInstanceOf(ConfigurationError);
  });
});

describe('startPostgresServer says once which PostgreSQL it chose', () => {
  it('one line with the version and where it came from, never the password', async () => {
    const lines: string[] = [];
    const url = process.env[TEST_SERVER_ENV]!;
    const server = await startPostgresServer({ url, announce: (line) => lines.push(line) });
    await startPostgresServer({ url, announce: (line) => lines.push(line) });
    await server.stop();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^@org\/data\/testing: PostgreSQL \d+(\.\d+)?.*, from DATABASE_URL, at /);
    const password = new URL(url).password;
    if (password) expect(lines[0]).not.toContain(decodeURIComponent(password));
  });
});
