// Walks pg_catalog and fails when tenant isolation has a gap: every table with organization_id
// (partitioned tables and partitions included) and organizations must FORCE row-level
// security with exactly the tenant policy; every other table must be a declared global table.
// New migrations are checked without editing this file: the global tables are those the
// aggregates declare with `tenantColumn: null` (src/aggregates.ts).
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { APPLICATION_ROLE } from '../../../src/core/tenancy/tenant-setting.js';
import { TENANT_TABLES } from '../../../src/aggregates.js';
import { useTestDatabase } from '../../helpers/database.js';
import { isolationProblems } from './isolation-problems.js';

describe('tenant isolation in the catalog', () => {
  const testDb = useTestDatabase();

  it('finds the tenant tables, the partitions and the global tables it checks', async () => {
    const { rows } = await sql<{ name: string }>`
      SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relrowsecurity AND c.relforcerowsecurity ORDER BY 1`.execute(testDb.current.db);
    // The tenant tables are those of the aggregates declared with a tenant column.
    expect(TENANT_TABLES.map((t) => t.table)).toEqual(
      expect.arrayContaining(['organizations', 'users', 'user_staff_profiles', 'audit_logs', 'clients', 'document_versions']),
    );
    expect(rows.map((r) => r.name)).toEqual(expect.arrayContaining([...TENANT_TABLES.map((t) => t.table), 'audit_logs_default']));
  });

  it('every table with organization_id forces row-level security with the tenant policy; the rest are global', async () => {
    expect(await isolationProblems(testDb.current.db)).toEqual([]);
  });

  it('the application role can skip nothing and owns nothing', async () => {
    const { rows } = await sql<Record<string, unknown>>`
      SELECT r.rolsuper AS super, r.rolbypassrls AS bypass, r.rolcreaterole AS createrole,
             r.rolcreatedb AS createdb, r.rolreplication AS replication,
             (SELECT count(*)::int FROM pg_class c WHERE c.relowner = r.oid) AS owned,
             has_schema_privilege(r.oid, 'public', 'CREATE') AS "createInPublic",
             has_database_privilege(r.oid, current_database(), 'CREATE') AS "createSchemas"
      FROM pg_roles r WHERE r.rolname = ${APPLICATION_ROLE}`.execute(testDb.current.db);
    expect(rows).toEqual([
      {
        super: false,
        bypass: false,
        createrole: false,
        createdb: false,
        replication: false,
        owned: 0,
        createInPublic: false,
        createSchemas: false,
      },
    ]);
  });

  it('no role or database carries a session default for the tenant setting', async () => {
    // ALTER ROLE … SET / ALTER DATABASE … SET app.organization_id would scope every session.
    const { rows } = await sql`
      SELECT 1 FROM pg_db_role_setting s, unnest(s.setconfig) AS c(setting)
      WHERE s.setdatabase IN (0, (SELECT oid FROM pg_database WHERE datname = current_database()))
        AND c.setting LIKE 'app.organization\\_id=%'`.execute(testDb.current.db);
    expect(rows).toEqual([]);
  });

  it('detects a tenant table without FORCE or policy, a widening policy, an undeclared table, a granted partition', async () => {
    const problems = await testDb.current.db
      .transaction()
      .execute(async (trx) => {
        await sql`CREATE TABLE bad_notes (id uuid PRIMARY KEY, organization_id uuid NOT NULL)`.execute(trx);
        await sql`CREATE TABLE bad_unforced (id uuid PRIMARY KEY, organization_id uuid NOT NULL)`.execute(trx);
        await sql`ALTER TABLE bad_unforced ENABLE ROW LEVEL SECURITY`.execute(trx);
        await sql`CREATE POLICY tenant_isolation ON bad_unforced
          USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid)
          WITH CHECK (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid)`.execute(trx);
        await sql`CREATE POLICY everyone ON clients FOR SELECT USING (true)`.execute(trx);
        await sql`CREATE TABLE bad_lookups (code text PRIMARY KEY)`.execute(trx);
        await sql`GRANT SELECT ON audit_logs_default TO org_data_app`.execute(trx);
        // Tables created later by the owner get the application role's DML by default privileges.
        const { rows } = await sql<{ granted: boolean }>`
          SELECT has_table_privilege('org_data_app', 'bad_notes', 'SELECT, INSERT, UPDATE, DELETE') AS granted`.execute(trx);
        expect(rows[0]?.granted).toBe(true);
        const found = await isolationProblems(trx);
        throw Object.assign(new Error('rollback'), { found });
      })
      .catch((error: Error & { found?: string[] }) => {
        if (!error.found) throw error;
        return error.found;
      });
    expect(problems).toEqual(
      expect.arrayContaining([
        'bad_notes: row-level security not enabled',
        'bad_notes: row-level security not forced',
        expect.stringMatching(/^bad_notes: no tenant policy/),
        'bad_unforced: row-level security not forced',
        'clients: unexpected policy everyone',
        'bad_lookups: neither tenant-owned (no organization_id) nor a declared global table',
        'audit_logs_default: partition, but org_data_app holds SELECT on it',
      ]),
    );
    expect(problems.filter((p) => p.startsWith('bad_unforced:'))).toEqual(['bad_unforced: row-level security not forced']);
    expect(await isolationProblems(testDb.current.db)).toEqual([]);
  });
});
