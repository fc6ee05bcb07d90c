// Tenant isolation as the application role: a login role that inherits org_data_app (no
// SUPERUSER, no BYPASSRLS), connected with createDatabase. The data is written by the test
// database's superuser, which row-level security does not apply to.
import { sql, Kysely, PostgresDialect, type Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLATFORM_ORGANIZATION_ID } from '../../../src/core/audit/platform-organization.js';
import { createPool } from '../../../src/core/database/create-database.js';
import { UniqueViolationError } from '../../../src/core/errors/constraint-errors.js';
import { ForbiddenError } from '../../../src/core/errors/forbidden-error.js';
import { NotFoundError } from '../../../src/core/errors/not-found-error.js';
import { ValidationError } from '../../../src/core/errors/validation-error.js';
import { TransactionScopeError } from '../../../src/core/errors/transaction-scope-error.js';
import { createRepositories, type Repositories } from '../../../src/repositories.js';
import type { DB } from '../../../src/schema/db.js';
import { seedDefaults } from '../../../src/contexts/identity/seeders/seed-defaults.js';
import { currentTenant } from '../../../src/core/tenancy/current-tenant.js';
import { withTenant } from '../../../src/with-tenant.js';
import { useTestDatabase } from '../../helpers/database.js';
import { aClient, aDocument } from '../../helpers/documents.js';
import { anOrganization, aUser, unique } from '../../helpers/fixtures.js';
import { sqlStateOf, useAppLogin } from './app-role.js';

/** Every tenant-owned table, and the column holding its tenant. */
const TENANT_TABLES = {
  organizations: 'id',
  users: 'organization_id',
  user_profiles: 'organization_id',
  user_roles: 'organization_id',
  units: 'organization_id',
  user_staff_profiles: 'organization_id',
  audit_logs: 'organization_id',
  clients: 'organization_id',
  documents: 'organization_id',
  document_versions: 'organization_id',
} as const;
type TenantTable = keyof typeof TENANT_TABLES;
const tenantTables = Object.keys(TENANT_TABLES) as TenantTable[];
const GLOBAL_TABLES = ['roles', 'permissions', 'role_permissions', 'academic_titles'] as const;

interface Tenant {
  organizationId: string;
  userId: string;
  authSubject: string;
  unitId: string;
  clientId: string;
  clientCode: string;
  documentId: string;
}

const count = async (db: Kysely<any>, table: string, where = sql`true`) =>
  Number(
    (await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)} WHERE ${where}`.execute(db)).rows[0]?.n,
  );
const ofTenant = (table: TenantTable, organizationId: string) =>
  sql`${sql.ref(TENANT_TABLES[table])} = ${organizationId}::uuid`;

describe('row-level security, connected as the application role', () => {
  const testDb = useTestDatabase();
  const login = useAppLogin(testDb);
  let app: Kysely<DB>;
  let a: Tenant;
  let b: Tenant;

  async function aTenant(system: Repositories): Promise<Tenant> {
    const organizationId = (await anOrganization(system)).id;
    const registered = await aUser(system, organizationId);
    const unit = await system.units.create({ organizationId, code: `U-${unique()}`, name: 'Unit' });
    const client = await aClient(system, organizationId, 'SAME-CODE');
    const { document } = await aDocument(system, client.id);
    return {
      organizationId,
      userId: registered.user.id,
      authSubject: registered.user.authSubject,
      unitId: unit.id,
      clientId: client.id,
      clientCode: client.code,
      documentId: document.id,
    };
  }

  beforeAll(async () => {
    // Superuser: bypasses row-level security, so it can set up both tenants.
    await seedDefaults(testDb.current.db);
    const system = createRepositories(testDb.current.db);
    a = await aTenant(system);
    b = await aTenant(system);
    app = login.current.connect();
  });

  it('connects as a role without SUPERUSER or BYPASSRLS that inherits org_data_app', async () => {
    const { rows } = await sql<{ user: string; super: boolean; bypass: boolean; member: boolean }>`
      SELECT current_user AS user, r.rolsuper AS super, r.rolbypassrls AS bypass,
             pg_has_role(current_user, 'org_data_app', 'USAGE') AS member
      FROM pg_roles r WHERE r.rolname = current_user`.execute(app);
    expect(rows).toEqual([{ user: login.current.user, super: false, bypass: false, member: true }]);
  });

  it('every tenant table has rows of both tenants (as the superuser sees it)', async () => {
    for (const table of tenantTables) {
      expect(await count(testDb.current.db, table, ofTenant(table, a.organizationId)), table).toBeGreaterThan(0);
      expect(await count(testDb.current.db, table, ofTenant(table, b.organizationId)), table).toBeGreaterThan(0);
    }
  });

  it('with no tenant set, every tenant table reads as empty, in or out of a transaction', async () => {
    for (const table of tenantTables) {
      expect(await count(app, table), table).toBe(0);
    }
    await app.transaction().execute(async (trx) => {
      for (const table of tenantTables) expect(await count(trx, table), table).toBe(0);
    });
    // Set, then reset to '' within the transaction: still no rows, and no cast error.
    await app.transaction().execute(async (trx) => {
      await sql`SELECT set_config('app.organization_id', ${a.organizationId}, true)`.execute(trx);
      expect(await count(trx, 'clients')).toBeGreaterThan(0);
      await sql`SELECT set_config('app.organization_id', '', true)`.execute(trx);
      for (const table of tenantTables) expect(await count(trx, table), table).toBe(0);
    });
    // The repositories see nothing either.
    const repos = createRepositories(app);
    expect(await repos.clients.findById(a.clientId)).toBeUndefined();
    expect(await repos.users.findById(a.userId)).toBeUndefined();
    expect(await repos.organizations.findById(a.organizationId)).toBeUndefined();
  });

  it("tenant A sees every one of its rows and none of B's", async () => {
    await withTenant(app, a.organizationId, async (repos, trx) => {
      for (const table of tenantTables) {
        const own = await count(testDb.current.db, table, ofTenant(table, a.organizationId));
        expect(await count(trx, table), table).toBe(own);
        expect(await count(trx, table, ofTenant(table, b.organizationId)), table).toBe(0);
      }
      expect(await repos.clients.findById(a.clientId)).toMatchObject({ id: a.clientId });
      expect(await repos.clients.findById(b.clientId)).toBeUndefined();
      expect(await repos.users.findByAuthSubject(b.authSubject)).toBeUndefined();
      expect(await repos.organizations.findById(b.organizationId)).toBeUndefined();
      expect((await repos.clients.pageByOrganization(b.organizationId)).items).toEqual([]);
      expect((await repos.audit.pageEntityHistory('client', b.clientId)).items).toEqual([]);
      expect((await repos.audit.pageEntityHistory('client', a.clientId)).items.length).toBeGreaterThan(0);
      expect(await repos.access.listEffectivePermissions(a.userId)).not.toEqual([]);
      expect(await repos.access.listEffectivePermissions(b.userId)).toEqual([]);
      // Audit rows of global entities (roles, permissions) belong to no tenant.
      expect(await count(trx, 'audit_logs', sql`organization_id IS NULL`)).toBe(0);
    });
  });

  it("tenant A cannot update or delete B's rows: 0 rows, and B's data is unchanged", async () => {
    const before = await Promise.all(
      tenantTables.map((table) => count(testDb.current.db, table, ofTenant(table, b.organizationId))),
    );
    await withTenant(app, a.organizationId, async (repos, trx) => {
      for (const table of tenantTables) {
        const where = ofTenant(table, b.organizationId);
        if (table === 'audit_logs') {
          // Append-only: org_data_app holds no UPDATE or DELETE on it at all.
          continue;
        }
        const updated = await sql`UPDATE ${sql.table(table)} SET updated_at = updated_at WHERE ${where}`.execute(trx);
        expect(updated.numAffectedRows, `update ${table}`).toBe(0n);
        const deleted = await sql`DELETE FROM ${sql.table(table)} WHERE ${where}`.execute(trx);
        expect(deleted.numAffectedRows, `delete ${table}`).toBe(0n);
      }
      const renamed = await trx.updateTable('clients').set({ name: 'Taken over' }).where('id', '=', b.clientId).executeTakeFirst();
      expect(renamed.numUpdatedRows).toBe(0n);
      await expect(repos.clients.update(b.clientId, { name: 'Taken over' })).rejects.toBeInstanceOf(NotFoundError);
      await expect(repos.clients.softDelete(b.clientId)).rejects.toBeInstanceOf(NotFoundError);
      await expect(repos.users.deactivate(b.userId)).rejects.toBeInstanceOf(NotFoundError);
      await expect(repos.documents.softDelete(b.documentId)).rejects.toBeInstanceOf(NotFoundError);
      await expect(repos.organizations.updateSettings(b.organizationId, {})).rejects.toBeInstanceOf(NotFoundError);
    });
    const after = await Promise.all(
      tenantTables.map((table) => count(testDb.current.db, table, ofTenant(table, b.organizationId))),
    );
    expect(after).toEqual(before);
    const client = await createRepositories(testDb.current.db).clients.findById(b.clientId);
    expect(client?.name).not.toBe('Taken over');
  });

  it('tenant A cannot insert a row for B: raw SQL fails with 42501, a repository with ForbiddenError', async () => {
    const clientsOfB = await count(testDb.current.db, 'clients', ofTenant('clients', b.organizationId));
    const insertForB = sql`INSERT INTO clients (organization_id, code, name) VALUES (${b.organizationId}, 'INTRUDER', 'x')`;
    // In a tenant transaction for A, and with no tenant at all.
    await expect(
      withTenant(app, a.organizationId, async (_repos, trx) => sqlStateOf(trx, insertForB)),
    ).resolves.toBe('42501');
    expect(await sqlStateOf(app, insertForB)).toBe('42501');
    // Moving one's own row to B is the same: the new row fails WITH CHECK.
    await expect(
      withTenant(app, a.organizationId, (_repos, trx) =>
        sqlStateOf(trx, sql`UPDATE clients SET organization_id = ${b.organizationId} WHERE id = ${a.clientId}`),
      ),
    ).resolves.toBe('42501');

    const forbidden = await withTenant(app, a.organizationId, (repos) =>
      repos.clients.create({ organizationId: b.organizationId, code: 'INTRUDER', name: 'x' }),
    ).catch((error: unknown) => error);
    expect(forbidden).toBeInstanceOf(ForbiddenError);
    expect(forbidden).toMatchObject({ code: 'TENANT_ISOLATION', sqlState: '42501' });
    expect(String((forbidden as Error).message)).not.toContain(b.organizationId);
    await expect(
      withTenant(app, a.organizationId, (repos) =>
        repos.units.create({ organizationId: b.organizationId, code: 'INTRUDER', name: 'x' }),
      ),
    ).rejects.toBeInstanceOf(ForbiddenError);
    // A user for B: the organization is invisible to A, so it is reported as not found.
    await expect(
      withTenant(app, a.organizationId, (repos) =>
        repos.users.register({
          organizationId: b.organizationId,
          authSubject: `sub|${unique()}`,
          email: `x.${unique()}@example.com`,
          fullName: 'Intruder',
        }),
      ),
    ).rejects.toMatchObject({ code: 'NOT_FOUND', entity: 'organization' });
    expect(await count(testDb.current.db, 'clients', ofTenant('clients', b.organizationId))).toBe(clientsOfB);
  });

  it('repositories work for the own tenant as the application role, and commit', async () => {
    const created = await withTenant(
      app,
      a.organizationId,
      async (repos) => {
        const user = await repos.users.register({
          organizationId: a.organizationId,
          authSubject: `sub|${unique()}`,
          email: `new.${unique()}@example.com`,
          fullName: 'New Person',
        });
        const client = await repos.clients.create({ organizationId: a.organizationId, code: `N-${unique()}`, name: 'New' });
        const { document } = await aDocument(repos, client.id);
        await repos.documents.addVersion(document.id, {
          expectedVersion: 1,
          storageKey: `objects/${unique()}-${unique()}`,
          checksumSha256: 'a'.repeat(64),
          sizeBytes: 1,
        });
        return { user, client };
      },
      { context: { actorUserId: a.userId, requestId: 'rls-test' } },
    );
    const system = createRepositories(testDb.current.db);
    expect(await system.clients.findById(created.client.id)).toMatchObject({ organizationId: a.organizationId });
    const history = await system.audit.pageEntityHistory('client', created.client.id);
    expect(history.items.map((entry) => [entry.action, entry.actorUserId, entry.requestId])).toEqual([
      ['client.create', a.userId, 'rls-test'],
    ]);
  });

  it('global tables are readable by the application role, with or without a tenant, and not writable', async () => {
    for (const table of GLOBAL_TABLES) {
      expect(await count(app, table), table).toBeGreaterThan(0);
      await withTenant(app, a.organizationId, async (_repos, trx) => {
        expect(await count(trx, table), table).toBeGreaterThan(0);
      });
    }
    expect((await createRepositories(app).roles.list()).map((role) => role.name)).toEqual(
      expect.arrayContaining(['admin', 'user']),
    );
    expect(await sqlStateOf(app, sql`INSERT INTO roles (name) VALUES ('intruder')`)).toBe('42501');
    expect(await sqlStateOf(app, sql`UPDATE academic_titles SET label_en = label_en`)).toBe('42501');
    expect(await sqlStateOf(app, sql`DELETE FROM role_permissions`)).toBe('42501');
    await expect(createRepositories(app).roles.create({ name: 'intruder' })).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('platform audit rows (roles, permissions): the application role reads and writes none, even with the tenant set to the platform marker; the owner reads them so', async () => {
    const role = await createRepositories(testDb.current.db).roles.create({ name: `platform-${unique()}` });
    const isRole = sql`entity_type = 'role' AND entity_id = ${role.id}`;
    expect(await count(testDb.current.db, 'audit_logs', isRole)).toBe(1);
    await withTenant(app, PLATFORM_ORGANIZATION_ID, async (_repos, trx) => {
      expect(await count(trx, 'audit_logs', isRole)).toBe(0);
      expect(await count(trx, 'audit_logs', sql`organization_id = ${PLATFORM_ORGANIZATION_ID}`)).toBe(0);
    });
    for (const organization of [PLATFORM_ORGANIZATION_ID, null]) {
      const forged = sql`INSERT INTO audit_logs (organization_id, action, entity_type, entity_id)
        VALUES (${organization}, 'role.delete', 'role', ${role.id})`;
      await expect(
        withTenant(app, PLATFORM_ORGANIZATION_ID, (_repos, trx) => sqlStateOf(trx, forged)),
      ).resolves.toBe('42501');
    }
    expect(await count(testDb.current.db, 'audit_logs', isRole)).toBe(1);
    // Through the audit queries the platform row reads as `organizationId: null`. (Read here as
    // the test's superuser, which row-level security does not confine: this does not show the
    // owner's read under FORCE, only the mapping.)
    await withTenant(testDb.current.db, PLATFORM_ORGANIZATION_ID, async (repos) => {
      expect((await repos.audit.pageEntityHistory('role', role.id)).items.map((e) => [e.action, e.organizationId])).toEqual([
        ['role.create', null],
      ]);
    });
  });

  it('the application role reaches audit rows only through the parent table, never a partition', async () => {
    expect(await sqlStateOf(app, sql`SELECT count(*) FROM audit_logs_default`)).toBe('42501');
    await expect(
      withTenant(app, a.organizationId, (_repos, trx) => sqlStateOf(trx, sql`SELECT count(*) FROM audit_logs_default`)),
    ).resolves.toBe('42501');
    expect(await sqlStateOf(app, sql`UPDATE audit_logs SET action = action`)).toBe('42501');
    expect(await sqlStateOf(app, sql`DELETE FROM audit_logs`)).toBe('42501');
    expect(await sqlStateOf(app, sql`TRUNCATE clients`)).toBe('42501');
  });

  it('no leak across pooled connections: with a pool of 1, a transaction for A then one without a tenant sees nothing', async () => {
    const single = login.current.connect({ max: 1 });
    const pid = async (db: Kysely<any>) => (await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(db)).rows[0]?.pid;
    const first = await withTenant(single, a.organizationId, async (_repos, trx) => ({
      pid: await pid(trx),
      clients: await count(trx, 'clients'),
    }));
    expect(first.clients).toBeGreaterThan(0);

    expect(await pid(single)).toBe(first.pid);
    expect(await currentTenant(single)).toBeUndefined();
    for (const table of tenantTables) expect(await count(single, table), table).toBe(0);
    await single.transaction().execute(async (trx) => {
      expect(await pid(trx)).toBe(first.pid);
      for (const table of tenantTables) expect(await count(trx, table), table).toBe(0);
    });

    // A rolled-back tenant transaction leaves nothing behind either.
    await expect(
      withTenant(single, a.organizationId, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await pid(single)).toBe(first.pid);
    expect(await count(single, 'clients')).toBe(0);
    // And the next tenant gets only its own rows on the same connection.
    await withTenant(single, b.organizationId, async (_repos, trx) => {
      expect(await pid(trx)).toBe(first.pid);
      expect(await count(trx, 'clients', ofTenant('clients', a.organizationId))).toBe(0);
      expect(await count(trx, 'clients')).toBeGreaterThan(0);
    });
  });

  it('per-tenant unique keys: the same client code in two tenants is no conflict; a duplicate names only the constraint', async () => {
    // B already has a live client with code SAME-CODE, and so has A: both were created above.
    expect(a.clientCode).toBe(b.clientCode);
    const code = `DUP-${unique()}`;
    await withTenant(app, b.organizationId, (repos) =>
      repos.clients.create({ organizationId: b.organizationId, code, name: 'B' }),
    );
    await expect(
      withTenant(app, a.organizationId, (repos) => repos.clients.create({ organizationId: a.organizationId, code, name: 'A' })),
    ).resolves.toMatchObject({ code, organizationId: a.organizationId });

    const duplicate = await withTenant(app, a.organizationId, (repos) =>
      repos.clients.create({ organizationId: a.organizationId, code, name: 'A again' }),
    ).catch((error: unknown) => error);
    expect(duplicate).toBeInstanceOf(UniqueViolationError);
    expect(duplicate).toMatchObject({ constraint: 'clients_organization_code_key', table: 'clients' });
    expect((duplicate as Error).message).toBe('Unique constraint violated: clients_organization_code_key on clients');
  });

  it('a global unique key (users.auth_subject) conflicts across tenants, but its error holds no value', async () => {
    const error = await withTenant(app, a.organizationId, (repos) =>
      repos.users.register({
        organizationId: a.organizationId,
        authSubject: b.authSubject,
        email: `other.${unique()}@example.com`,
        fullName: 'Same subject',
      }),
    ).catch((e: unknown) => e);
    // It does reveal that the subject exists somewhere: see the README on global keys.
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect((error as Error).message).toBe('Unique constraint violated: users_auth_subject_key on users');
    expect(JSON.stringify(error)).not.toContain(b.authSubject);
    expect(JSON.stringify(error)).not.toContain(b.organizationId);
  });
});

describe('withTenant', () => {
  const testDb = useTestDatabase();
  const login = useAppLogin(testDb);
  let organizationId: string;
  let other: string;

  /** A Kysely as the application role that records every statement sent to the server. */
  function recording(): { db: Kysely<DB>; statements: { text: string; values: unknown[] }[] } {
    const statements: { text: string; values: unknown[] }[] = [];
    const pool = createPool({ connectionString: login.current.connectionString, max: 1 });
    pool.on('connect', (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        const [first, values] = args;
        const text = typeof first === 'string' ? first : String((first as { text?: unknown }).text);
        statements.push({ text, values: Array.isArray(values) ? values : [] });
        return query(...args);
      };
    });
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    disposables.push(db);
    return { db, statements };
  }
  const disposables: Kysely<DB>[] = [];

  beforeAll(async () => {
    await seedDefaults(testDb.current.db);
    const system = createRepositories(testDb.current.db);
    organizationId = (await anOrganization(system)).id;
    other = (await anOrganization(system)).id;
    await aClient(system, organizationId);
  });
  // Registered after useAppLogin's, so it runs before the login role is dropped.
  afterAll(async () => {
    await Promise.all(disposables.splice(0).map((db) => db.destroy()));
  });

  it('validates the organization id before any SQL', async () => {
    const { db, statements } = recording();
    for (const bad of ['not-a-uuid', '', "x' OR true --", 42 as unknown as string, undefined as unknown as string]) {
      await expect(withTenant(db, bad, async () => 1)).rejects.toBeInstanceOf(ValidationError);
    }
    await expect(
      withTenant(db, organizationId, async () => 1, { context: { ip: 'nowhere' } }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      withTenant(db, organizationId, async () => 1, { isolationLevel: 'snapshot' as never }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(statements).toEqual([]);
  });

  it("opens a transaction whose first statement is set_config('app.organization_id', $1, true)", async () => {
    const { db, statements } = recording();
    const seen = await withTenant(db, organizationId, async (repos, trx) => {
      expect(trx.isTransaction).toBe(true);
      return (await repos.clients.pageByOrganization(organizationId)).items.length;
    });
    expect(seen).toBe(1);
    expect(statements[0]?.text).toBe('begin');
    expect(statements[1]).toEqual({
      text: "select set_config('app.organization_id', $1, true)",
      values: [organizationId],
    });
    expect(statements.at(-1)?.text).toBe('commit');
    // Never a session-level setting: no SET, no set_config(…, false).
    expect(statements.filter((s) => /\bset\s+(session\s+)?app\.|set_config\([^)]*false\)/i.test(s.text))).toEqual([]);

    statements.length = 0;
    await withTenant(db, organizationId, async () => undefined, { isolationLevel: 'serializable', accessMode: 'read only' });
    expect(statements.map((s) => s.text).slice(0, 2)).toEqual([
      'start transaction isolation level serializable read only',
      "select set_config('app.organization_id', $1, true)",
    ]);
  });

  it('rolls back when fn throws, and maps database errors', async () => {
    const app = login.current.connect();
    const code = `RB-${unique()}`;
    await expect(
      withTenant(app, organizationId, async (repos) => {
        await repos.clients.create({ organizationId, code, name: 'Rolled back' });
        throw new Error('after the insert');
      }),
    ).rejects.toThrow('after the insert');
    expect(await createRepositories(testDb.current.db).clients.findByCode(organizationId, code)).toBeUndefined();
    const raw = await withTenant(app, organizationId, async (_repos, trx) => {
      await sql`INSERT INTO clients (organization_id, code, name) VALUES (${other}, 'X', 'x')`.execute(trx);
    }).catch((error: unknown) => error);
    expect(raw).toBeInstanceOf(ForbiddenError);
  });

  it('joins a transaction already scoped to the same organization; refuses any other transaction', async () => {
    const app = login.current.connect();
    const txid = async (db: Kysely<any>) => (await sql<{ id: string }>`SELECT txid_current()::text AS id`.execute(db)).rows[0]?.id;
    await withTenant(app, organizationId, async (_repos, outer) => {
      const outerId = await txid(outer);
      const innerId = await withTenant(outer, organizationId.toUpperCase(), async (repos, inner) => {
        expect(await repos.clients.pageByOrganization(organizationId)).toMatchObject({ items: [expect.anything()] });
        return txid(inner);
      });
      expect(innerId).toBe(outerId);
      await expect(withTenant(outer, other, async () => 1)).rejects.toThrow(TransactionScopeError);
      // The refusal changed nothing: still scoped to the first organization.
      expect(await currentTenant(outer)).toBe(organizationId);
    });
    await app.transaction().execute(async (trx: Transaction<DB>) => {
      await expect(withTenant(trx, organizationId, async () => 1)).rejects.toThrow(TransactionScopeError);
      expect(await currentTenant(trx)).toBeUndefined();
    });
  });
});
