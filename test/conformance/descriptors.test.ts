// Driven by the aggregates' declarations: every descriptor names a table and columns that exist,
// every table of the schema is declared exactly once, tenant tables force row-level security with
// the tenant policy on their declared column, global tables are read-only for the application role.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { AGGREGATES, GLOBAL_TABLES, TENANT_TABLES } from '../../src/aggregates.js';
import type { AggregateDescriptor } from '../../src/core/kernel/aggregate.js';
import { TRACKING_TABLE } from '../../src/core/migrations/tracking-table.js';
import { APPLICATION_ROLE } from '../../src/core/tenancy/tenant-setting.js';
import { useTestDatabase } from '../helpers/database.js';
import { aWorld } from '../helpers/world.js';

const tenantExpression = (column: string) =>
  `(${column} = (NULLIF(current_setting('app.organization_id'::text, true), ''::text))::uuid)`;

describe('aggregate descriptors against the catalog', () => {
  const testDb = useTestDatabase();
  const aggregates = AGGREGATES as readonly AggregateDescriptor[];

  it('every descriptor table and column exists; every table is declared once', async () => {
    const { rows } = await sql<{ table: string; column: string }>`
      SELECT c.relname AS table, a.attname AS column
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition`.execute(testDb.current.db);
    const catalog = new Map<string, Set<string>>();
    for (const row of rows) catalog.set(row.table, (catalog.get(row.table) ?? new Set()).add(row.column));
    const missing: string[] = [];
    for (const aggregate of aggregates) {
      const columns = catalog.get(aggregate.table);
      if (!columns) {
        missing.push(`${aggregate.name}: table ${aggregate.table}`);
        continue;
      }
      for (const column of Object.values(aggregate.columns) as string[]) {
        if (!columns.has(column)) missing.push(`${aggregate.name}: column ${aggregate.table}.${column}`);
      }
      if (aggregate.tenantColumn && !columns.has(aggregate.tenantColumn)) {
        missing.push(`${aggregate.name}: tenant column ${aggregate.tenantColumn}`);
      }
      // Audited fields are columns, except those read from a junction: the permission's name that
      // a grant's audit row carries, a webhook's event types, a form collaborator's role name.
      for (const field of aggregate.audited) {
        if (!(field in aggregate.columns) && !['role_permission.permission', 'webhook.eventTypes', 'form_collaborator.role'].includes(`${aggregate.name}.${field}`)) {
          missing.push(`${aggregate.name}: audited field ${field} has no column`);
        }
      }
    }
    expect(missing).toEqual([]);
    const declared = aggregates.map((a) => a.table);
    expect(new Set(declared).size).toBe(declared.length);
    const undeclared = [...catalog.keys()].filter((table) => table !== TRACKING_TABLE && !declared.includes(table));
    expect(undeclared, 'tables without a descriptor').toEqual([]);
    expect(new Set(aggregates.map((a) => a.name)).size).toBe(aggregates.length);
  });

  it('every tenant table enables and forces row-level security with the tenant policy on its declared column', async () => {
    const { rows } = await sql<{ table: string; enabled: boolean; forced: boolean; qual: string | null; check: string | null }>`
      SELECT c.relname AS table, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced, p.qual, p.with_check AS check
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_policies p ON p.schemaname = 'public' AND p.tablename = c.relname AND p.policyname = 'tenant_isolation'
      WHERE n.nspname = 'public'`.execute(testDb.current.db);
    const byTable = new Map(rows.map((row) => [row.table, row]));
    expect(TENANT_TABLES.length).toBeGreaterThanOrEqual(10);
    for (const { table, tenantColumn } of TENANT_TABLES) {
      expect(byTable.get(table), table).toEqual({
        table,
        enabled: true,
        forced: true,
        qual: tenantExpression(tenantColumn),
        check: tenantExpression(tenantColumn),
      });
    }
  });

  it('every entity a repository returns has exactly the fields its descriptor maps to columns', async () => {
    const db = testDb.current.db;
    const world = await aWorld(db);
    const repos = world.system;
    const { document } = await repos.documents.create({
      clientId: world.clientId,
      originalName: `conformance-${Date.now()}.pdf`,
      mimeType: 'application/pdf',
      storageKey: `objects/conformance-${Date.now()}`,
      checksumSha256: 'a'.repeat(64),
      sizeBytes: 1,
    });
    const role = await repos.roles.create({ name: `conformance-${Date.now()}` });
    const permission = (await repos.roles.listPermissions())[0]!;
    const returned: Record<string, object | undefined> = {
      organization: await repos.organizations.getById(world.organizationId),
      user: await repos.users.getById(world.applicantId),
      user_profile: await repos.users.findProfile(world.applicantId),
      role,
      permission,
      unit: await repos.units.getById(world.unitId),
      staff_profile: await repos.staffProfiles.getById(world.applicantId),
      client: await repos.clients.getById(world.clientId),
      document: await repos.documents.getById(document.id),
      document_version: (await repos.documents.listVersions(document.id))[0],
    };
    for (const [name, entity] of Object.entries(returned)) {
      const aggregate = aggregates.find((a) => a.name === name)!;
      expect(entity, name).toBeDefined();
      expect(Object.keys(entity!).sort(), name).toEqual(Object.keys(aggregate.columns).sort());
    }
  });

  it('global tables have no row-level security and are read-only for the application role', async () => {
    expect(GLOBAL_TABLES.length).toBeGreaterThanOrEqual(4);
    for (const table of GLOBAL_TABLES) {
      const { rows } = await sql<{ enabled: boolean; select: boolean; write: boolean }>`
        SELECT c.relrowsecurity AS enabled,
               has_table_privilege(${APPLICATION_ROLE}, c.oid, 'SELECT') AS select,
               has_table_privilege(${APPLICATION_ROLE}, c.oid, 'INSERT, UPDATE, DELETE') AS write
        FROM pg_class c WHERE c.oid = ${table}::regclass`.execute(testDb.current.db);
      expect(rows[0], table).toEqual({ enabled: false, select: true, write: false });
    }
  });
});
