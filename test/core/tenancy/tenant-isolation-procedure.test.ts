// org_data_enable_tenant_isolation (migration 20261201090000) on scratch tables of this file's
// database: what it does to the catalog, and what the application role can then do.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { enableTenantIsolation, TENANT_ISOLATION_PROCEDURE } from '../../../src/core/tenancy/tenant-isolation.js';
import { APPLICATION_ROLE, TENANT_SETTING } from '../../../src/core/tenancy/tenant-setting.js';
import { useTestDatabase } from '../../helpers/database.js';
import { sqlStateOf, useAppLogin } from './app-role.js';

const PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'];

/** The policy expression as PostgreSQL deparses it, for a table whose tenant is `column`. */
const deparsed = (column: string) =>
  `(${column} = (NULLIF(current_setting('${TENANT_SETTING}'::text, true), ''::text))::uuid)`;

interface PolicyRow {
  name: string;
  permissive: string;
  roles: string[];
  cmd: string;
  qual: string | null;
  withCheck: string | null;
}

describe('org_data_enable_tenant_isolation', () => {
  const testDb = useTestDatabase();
  const login = useAppLogin(testDb);
  const db = () => testDb.current.db as Kysely<any>;
  let app: Kysely<any>;
  const a = randomUUID();
  const b = randomUUID();

  const call = (args: RawBuilder<unknown>) => sql`CALL ${sql.id(TENANT_ISOLATION_PROCEDURE)}(${args})`;

  const policiesOf = async (table: string): Promise<PolicyRow[]> =>
    (
      await sql<PolicyRow>`
        SELECT policyname AS name, permissive, roles::text[] AS roles, cmd, qual, with_check AS "withCheck"
        FROM pg_policies WHERE schemaname = 'public' AND tablename = ${table} ORDER BY policyname`.execute(db())
    ).rows;

  const rowSecurityOf = async (table: string) =>
    (
      await sql<{ enabled: boolean; forced: boolean }>`
        SELECT relrowsecurity AS enabled, relforcerowsecurity AS forced FROM pg_class WHERE oid = ${table}::regclass`.execute(db())
    ).rows[0];

  const privilegesOf = async (table: string): Promise<string[]> =>
    (
      await sql<{ p: string }>`
        SELECT p FROM unnest(${sql.val(PRIVILEGES)}::text[]) WITH ORDINALITY AS x(p, n)
        WHERE has_table_privilege(${APPLICATION_ROLE}, ${table}::regclass, p) ORDER BY n`.execute(db())
    ).rows.map((r) => r.p);

  /** Runs `statement` as the app login with the tenant set; its SQLSTATE, or `ok`. */
  const stateAsTenant = (tenant: string, statement: RawBuilder<unknown>) =>
    app.transaction().execute(async (trx) => {
      await sql`SELECT set_config(${TENANT_SETTING}, ${tenant}, true)`.execute(trx);
      return sqlStateOf(trx, statement);
    });

  /** The notes the app login sees with the tenant set. */
  const notesAsTenant = (tenant: string) =>
    app.transaction().execute(async (trx) => {
      await sql`SELECT set_config(${TENANT_SETTING}, ${tenant}, true)`.execute(trx);
      const { rows } = await sql<{ body: string; organization_id: string }>`
        SELECT body, organization_id FROM scratch_notes ORDER BY body`.execute(trx);
      return rows;
    });

  beforeAll(async () => {
    await sql`CREATE TABLE scratch_notes (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(), organization_id uuid NOT NULL, body text NOT NULL)`.execute(db());
    // The owner's default privileges gave the application role DML on the new table: take it
    // away first, so the grants asserted below are the procedure's own.
    await sql`REVOKE ALL ON scratch_notes FROM ${sql.id(APPLICATION_ROLE)}`.execute(db());
    expect(await privilegesOf('scratch_notes')).toEqual([]);
    await call(sql`'scratch_notes'`).execute(db());
    // Written by the superuser, which row-level security does not apply to.
    await sql`INSERT INTO scratch_notes (organization_id, body) VALUES
      (${a}, 'a1'), (${a}, 'a2'), (${b}, 'b1')`.execute(db());
    app = login.current.connect();
  });

  it('enables and forces row-level security', async () => {
    expect(await rowSecurityOf('scratch_notes')).toEqual({ enabled: true, forced: true });
  });

  it('writes the same policy as the existing tenant tables, in USING and WITH CHECK', async () => {
    const [users] = await policiesOf('users');
    const scratch = await policiesOf('scratch_notes');
    expect(scratch).toEqual([users]);
    expect(scratch).toEqual([
      {
        name: 'tenant_isolation',
        permissive: 'PERMISSIVE',
        roles: ['public'],
        cmd: 'ALL',
        qual: deparsed('organization_id'),
        withCheck: deparsed('organization_id'),
      },
    ]);
    // Another tenant column: the same policy as organizations (whose tenant key is id).
    await sql`CREATE TABLE scratch_tenants (id uuid PRIMARY KEY)`.execute(db());
    await call(sql`'scratch_tenants', 'id'`).execute(db());
    expect(await policiesOf('scratch_tenants')).toEqual(await policiesOf('organizations'));
    expect((await policiesOf('scratch_tenants'))[0]?.qual).toBe(deparsed('id'));
  });

  it('grants the application role exactly SELECT, INSERT, UPDATE, DELETE by default', async () => {
    expect(await privilegesOf('scratch_notes')).toEqual(['SELECT', 'INSERT', 'UPDATE', 'DELETE']);
  });

  it('as the application role: only the tenant’s rows are visible, none without a tenant', async () => {
    expect(await notesAsTenant(a)).toEqual([
      { body: 'a1', organization_id: a },
      { body: 'a2', organization_id: a },
    ]);
    expect(await notesAsTenant(b)).toEqual([{ body: 'b1', organization_id: b }]);
    const { rows } = await sql`SELECT * FROM scratch_notes`.execute(app);
    expect(rows).toEqual([]);
    // Updates and deletes cannot reach another tenant's rows either.
    expect(await stateAsTenant(a, sql`DELETE FROM scratch_notes WHERE organization_id = ${b}`)).toBe('ok');
    expect(await notesAsTenant(b)).toHaveLength(1);
  });

  it('as the application role: writing a row of another tenant, or moving one there, fails with 42501', async () => {
    expect(await stateAsTenant(a, sql`INSERT INTO scratch_notes (organization_id, body) VALUES (${b}, 'x')`)).toBe('42501');
    expect(await stateAsTenant(a, sql`UPDATE scratch_notes SET organization_id = ${b} WHERE body = 'a1'`)).toBe('42501');
    // No tenant set: nothing may be written at all.
    expect(await sqlStateOf(app, sql`INSERT INTO scratch_notes (organization_id, body) VALUES (${a}, 'x')`)).toBe('42501');
    // Its own tenant: accepted (rolled back below, so the other tests' rows stay as they are).
    const own = await app
      .transaction()
      .execute(async (trx) => {
        await sql`SELECT set_config(${TENANT_SETTING}, ${a}, true)`.execute(trx);
        const state = await sqlStateOf(trx, sql`INSERT INTO scratch_notes (organization_id, body) VALUES (${a}, 'a3')`);
        throw Object.assign(new Error('rollback'), { state });
      })
      .catch((error: { state?: string }) => error.state);
    expect(own).toBe('ok');
  });

  it('cannot be used by the application role to change a table it does not own', async () => {
    expect(await sqlStateOf(app, call(sql`'scratch_notes', app_privileges => 'NONE'`))).toBe('42501');
    expect(await privilegesOf('scratch_notes')).toEqual(['SELECT', 'INSERT', 'UPDATE', 'DELETE']);
  });

  it('NONE revokes every privilege of the application role (partitions): direct access is refused', async () => {
    await sql`CREATE TABLE scratch_parts (organization_id uuid NOT NULL, body text NOT NULL)`.execute(db());
    await sql`INSERT INTO scratch_parts VALUES (${a}, 'a1')`.execute(db());
    expect(await privilegesOf('scratch_parts')).toEqual(['SELECT', 'INSERT', 'UPDATE', 'DELETE']); // default privileges
    await enableTenantIsolation(db(), 'scratch_parts', { appPrivileges: 'NONE' });
    expect(await privilegesOf('scratch_parts')).toEqual([]);
    expect(await rowSecurityOf('scratch_parts')).toEqual({ enabled: true, forced: true });
    expect(await policiesOf('scratch_parts')).toEqual(await policiesOf('units'));
    expect(await stateAsTenant(a, sql`SELECT * FROM scratch_parts`)).toBe('42501');
    expect(await stateAsTenant(a, sql`INSERT INTO scratch_parts VALUES (${a}, 'a2')`)).toBe('42501');
  });

  it('a second call replaces the policy and resets the privileges to exactly the list given', async () => {
    await sql`CREATE TABLE scratch_twice (organization_id uuid NOT NULL, body text NOT NULL)`.execute(db());
    await enableTenantIsolation(db(), 'scratch_twice');
    const first = await policiesOf('scratch_twice');
    // Tampered with: a policy that lets every tenant see everything, extra privileges.
    await sql`ALTER POLICY tenant_isolation ON scratch_twice USING (true) WITH CHECK (true)`.execute(db());
    await sql`GRANT TRUNCATE, TRIGGER ON scratch_twice TO ${sql.id(APPLICATION_ROLE)}`.execute(db());
    await sql`ALTER TABLE scratch_twice NO FORCE ROW LEVEL SECURITY`.execute(db());
    await enableTenantIsolation(db(), 'scratch_twice', { appPrivileges: ['SELECT', 'INSERT'] });
    expect(await policiesOf('scratch_twice')).toEqual(first);
    expect(await rowSecurityOf('scratch_twice')).toEqual({ enabled: true, forced: true });
    expect(await privilegesOf('scratch_twice')).toEqual(['SELECT', 'INSERT']);
    // The same call again changes nothing.
    const acl = async () =>
      (await sql<{ acl: string }>`SELECT relacl::text AS acl FROM pg_class WHERE oid = 'scratch_twice'::regclass`.execute(db()))
        .rows[0]?.acl;
    const aclBefore = await acl();
    await call(sql`'scratch_twice', app_privileges => 'insert,select'`).execute(db());
    expect(await acl()).toBe(aclBefore);
    expect(await policiesOf('scratch_twice')).toEqual(first);
    // Other policies are left alone (the catalog test flags them).
    await sql`CREATE POLICY scratch_extra ON scratch_twice FOR SELECT USING (false)`.execute(db());
    await enableTenantIsolation(db(), 'scratch_twice');
    expect((await policiesOf('scratch_twice')).map((p) => p.name)).toEqual(['scratch_extra', 'tenant_isolation']);
  });

  describe('bad arguments are refused, before any change', () => {
    beforeAll(async () => {
      await sql`CREATE TABLE scratch_bad (id uuid PRIMARY KEY, label text, organization_id uuid)`.execute(db());
      await sql`CREATE VIEW scratch_bad_view AS SELECT * FROM scratch_bad`.execute(db());
    });

    const refusal = async (args: RawBuilder<unknown>) => {
      const error = await call(args)
        .execute(db())
        .then(
          () => null,
          (e: { code?: string; message?: string; table?: string; column?: string }) => e,
        );
      expect(error, 'expected the call to fail').not.toBeNull();
      return { code: error!.code, message: error!.message, table: error!.table, column: error!.column };
    };

    it.each([
      ["'scratch_bad', 'org_id'", '42703', 'org_data_enable_tenant_isolation: table public.scratch_bad has no column org_id'],
      ["'scratch_bad', 'label'", '42804', 'org_data_enable_tenant_isolation: tenant column public.scratch_bad.label is text, not uuid'],
      ["'scratch_bad_view'", '42809', 'org_data_enable_tenant_isolation: public.scratch_bad_view is not a table (relkind v)'],
      ["'scratch_bad', app_privileges => 'SELECT, TRUNCATE'", '22023', "app_privileges 'SELECT, TRUNCATE' is not a list of"],
      ["'scratch_bad', app_privileges => ''", '22023', "app_privileges '' is not a list of"],
      ["'scratch_bad', app_privileges => 'SELECT; DROP TABLE users'", '22023', 'is not a list of'],
      ["'scratch_bad', app_privileges => NULL", '22004', "app_privileges must not be NULL (pass 'NONE'"],
      ["'scratch_bad', NULL", '22004', 'tenant_column must not be NULL'],
      ['NULL', '22004', 'target must not be NULL'],
    ])('CALL …(%s) fails with %s', async (args, code, message) => {
      const error = await refusal(sql.raw(args));
      expect(error.code).toBe(code);
      expect(error.message).toContain(message);
      expect(await rowSecurityOf('scratch_bad')).toEqual({ enabled: false, forced: false });
      expect(await policiesOf('scratch_bad')).toEqual([]);
      expect(await privilegesOf('scratch_bad')).toEqual(['SELECT', 'INSERT', 'UPDATE', 'DELETE']);
    });

    it('an unknown column names the table and the column in the error fields too', async () => {
      expect(await refusal(sql`'scratch_bad', 'org_id'`)).toMatchObject({ table: 'scratch_bad', column: 'org_id' });
    });

    it('an unknown table fails when the name is read, as regclass does (42P01)', async () => {
      expect((await refusal(sql`'scratch_missing'`)).code).toBe('42P01');
    });
  });
});
