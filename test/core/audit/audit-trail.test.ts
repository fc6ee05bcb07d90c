import { randomUUID } from 'node:crypto';
import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditPartitions } from '../../../src/core/audit/audit-partitions.js';
import { PLATFORM_ORGANIZATION_ID } from '../../../src/core/audit/platform-organization.js';
import { AUDITED_FIELDS } from '../../../src/aggregates.js';
import { createPool } from '../../../src/core/database/create-database.js';
import { DataError } from '../../../src/core/errors/data-error.js';
import { NotFoundError } from '../../../src/core/errors/not-found-error.js';
import { ValidationError } from '../../../src/core/errors/validation-error.js';
import { createRepositories, type Repositories } from '../../../src/repositories.js';
import type { DB } from '../../../src/schema/db.js';
import { useTestDatabase } from '../../helpers/database.js';
import { anOrganization, aUser, unique } from '../../helpers/fixtures.js';
import { aStaffWorld, anotherApplicant, type StaffWorld } from '../../helpers/staff.js';

// The audit trail: written in the transaction of the change, append-only, whitelisted
// snapshots, written by every identity/RBAC mutation, keyset-paginated reads, and the history
// query's plan over monthly partitions.

interface AuditRow {
  event_id: string;
  created_at: Date;
  organization_id: string | null;
  actor_user_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  request_id: string | null;
  ip: string | null;
  user_agent: string | null;
}

/** The highest event_id so far (0 when empty). */
async function lastEventId(db: Kysely<DB>): Promise<string> {
  const { rows } = await sql<{ id: string }>`SELECT coalesce(max(event_id), 0)::text AS id FROM audit_logs`.execute(db);
  return rows[0]!.id;
}

/** Audit rows written after `mark`, in event order. */
async function rowsSince(db: Kysely<DB>, mark: string): Promise<AuditRow[]> {
  const { rows } = await sql<AuditRow>`
    SELECT event_id::text AS event_id, created_at, organization_id, actor_user_id, action, entity_type, entity_id,
           before, after, request_id, host(ip) AS ip, user_agent
    FROM audit_logs WHERE event_id > ${mark}::bigint ORDER BY event_id`.execute(db);
  return rows;
}

/** Runs `fn` and returns the audit rows it wrote. */
async function audited(db: Kysely<DB>, fn: () => Promise<unknown>): Promise<AuditRow[]> {
  const mark = await lastEventId(db);
  await fn();
  return rowsSince(db, mark);
}

/** Runs `fn`, expects it to fail, and returns the error and the audit rows written meanwhile. */
async function auditedFailure(db: Kysely<DB>, fn: () => Promise<unknown>): Promise<{ error: unknown; rows: AuditRow[] }> {
  const mark = await lastEventId(db);
  const error = await fn().then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
  return { error, rows: await rowsSince(db, mark) };
}

/** Every node of an EXPLAIN (FORMAT JSON) plan. */
function planNodes(plan: Record<string, unknown>): Record<string, unknown>[] {
  const children = (plan['Plans'] as Record<string, unknown>[] | undefined) ?? [];
  return [plan, ...children.flatMap(planNodes)];
}

describe('audit trail', () => {
  const testDb = useTestDatabase();
  const db = () => testDb.current.db;
  let world: StaffWorld;

  beforeAll(async () => {
    world = await aStaffWorld(db(), { verification: { validityDays: 30 } });
  });

  describe('written in the same transaction as the change', () => {
    const FAILING = 'force-audit-failure';

    beforeAll(async () => {
      // Any audit insert carrying this request id fails, whatever repository writes it.
      await sql`CREATE FUNCTION test_fail_audit_insert() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.request_id = 'force-audit-failure' THEN RAISE EXCEPTION 'audit insert forced to fail'; END IF;
          RETURN NEW;
        END $$`.execute(db());
      await sql`CREATE TRIGGER test_fail_audit_insert BEFORE INSERT ON audit_logs
        FOR EACH ROW EXECUTE FUNCTION test_fail_audit_insert()`.execute(db());
    });
    afterAll(async () => {
      await sql`DROP TRIGGER IF EXISTS test_fail_audit_insert ON audit_logs`.execute(db());
      await sql`DROP FUNCTION IF EXISTS test_fail_audit_insert()`.execute(db());
    });

    const failing = (actorUserId?: string): Repositories =>
      createRepositories(db(), { ...(actorUserId ? { actorUserId } : {}), requestId: FAILING });

    it('a staff-profile transition rolls back entirely when its audit insert fails', async () => {
      const { userId, repos } = await anotherApplicant(db(), world);
      const before = await world.system.staffProfiles.getByUserId(userId);

      const edit = await auditedFailure(db(), () => failing(userId).staffProfiles.edit(userId, { jobTitle: 'Never saved' }));
      expect(edit.error).toBeInstanceOf(DataError);
      expect(edit.rows).toEqual([]);
      expect(await world.system.staffProfiles.getByUserId(userId)).toEqual(before);

      const submitted = await repos.staffProfiles.submit(userId);
      const verify = await auditedFailure(db(), () =>
        failing(world.verifierId).staffProfiles.verify(userId, { expectedVersion: submitted.version }),
      );
      expect(verify.error).toBeInstanceOf(DataError);
      expect(verify.rows).toEqual([]);
      expect(await world.system.staffProfiles.getByUserId(userId)).toEqual(submitted);

      // Control: the same calls with a normal context succeed, at the same versions.
      const rows = await audited(db(), () =>
        world.asVerifier.staffProfiles.verify(userId, { expectedVersion: submitted.version }),
      );
      expect(rows.map((r) => r.action)).toEqual(['staff_profile.verify']);
    });

    it('identity and RBAC mutations roll back entirely when their audit insert fails', async () => {
      const { userId } = await anotherApplicant(db(), world);
      const repos = failing(world.verifierId);

      const deactivate = await auditedFailure(db(), () => repos.users.deactivate(userId));
      expect(deactivate.rows).toEqual([]);
      expect((await world.system.users.getById(userId)).isActive).toBe(true);

      const roleName = `role-${unique()}`;
      const role = await auditedFailure(db(), () => repos.roles.create({ name: roleName }));
      expect(role.rows).toEqual([]);
      expect(await world.system.roles.findByName(roleName)).toBeUndefined();

      // register writes four rows and four audit rows: all or nothing.
      const subject = `sub|${unique()}`;
      const register = await auditedFailure(db(), () =>
        repos.users.register({
          organizationId: world.organizationId,
          authSubject: subject,
          email: `${unique()}@example.com`,
          fullName: 'Never Registered',
        }),
      );
      expect(register.rows).toEqual([]);
      expect(await world.system.users.findByAuthSubject(subject)).toBeUndefined();
      const { rows: orphans } = await sql`SELECT 1 FROM user_profiles WHERE full_name = 'Never Registered'`.execute(db());
      expect(orphans).toHaveLength(0);

      const settings = await auditedFailure(db(), () =>
        repos.organizations.updateSettings(world.organizationId, { defaultLocale: 'vi' }),
      );
      expect(settings.rows).toEqual([]);
      expect((await world.system.organizations.findById(world.organizationId))!.settings).toEqual({
        verification: { validityDays: 30 },
      });

      const admin = (await world.system.roles.findByName('admin'))!;
      const assign = await auditedFailure(db(), () => repos.access.assignRole(userId, admin.id));
      expect(assign.rows).toEqual([]);
      expect(await world.system.access.listUserRoles(userId)).toEqual(['user']);

      // Control: the same mutations succeed with a normal context.
      const ok = createRepositories(db(), { actorUserId: world.verifierId });
      const rows = await audited(db(), async () => {
        await ok.users.deactivate(userId);
        await ok.roles.create({ name: roleName });
      });
      expect(rows.map((r) => r.action)).toEqual(['user.deactivate', 'role.create']);
    });

    it('the audit row and the change share one database transaction (same transaction id)', async () => {
      // Record the transaction id of every audit insert and of every change to the audited
      // tables; a repository that wrote its audit row on another connection (or after commit)
      // would show two different ids, even though a forced failure would still roll it back.
      await sql`CREATE TABLE test_xact_log (source text NOT NULL, entity_id uuid, xid bigint NOT NULL)`.execute(db());
      await sql`CREATE FUNCTION test_log_xact() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO test_xact_log VALUES (TG_TABLE_NAME, NULL, txid_current()); RETURN NULL; END $$`.execute(db());
      await sql`CREATE FUNCTION test_log_audit_xact() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO test_xact_log VALUES ('audit_logs', NEW.entity_id, txid_current()); RETURN NULL; END $$`.execute(db());
      const tables = ['users', 'user_staff_profiles', 'roles', 'organizations', 'user_roles'];
      for (const table of tables) {
        await sql`CREATE TRIGGER test_log_xact AFTER INSERT OR UPDATE OR DELETE ON ${sql.table(table)}
          FOR EACH ROW EXECUTE FUNCTION test_log_xact()`.execute(db());
      }
      await sql`CREATE TRIGGER test_log_xact AFTER INSERT ON audit_logs FOR EACH ROW EXECUTE FUNCTION test_log_audit_xact()`.execute(db());
      try {
        const { userId, repos } = await anotherApplicant(db(), world);
        const submitted = await repos.staffProfiles.submit(userId);
        const role = await createRepositories(db(), { actorUserId: world.verifierId }).roles.create({ name: `xact-${unique()}` });
        const calls: [string, string, () => Promise<unknown>][] = [
          ['user_staff_profiles', userId, () => world.asVerifier.staffProfiles.verify(userId, { expectedVersion: submitted.version })],
          ['users', userId, () => world.system.users.deactivate(userId)],
          ['organizations', world.organizationId, () => world.system.organizations.updateSettings(world.organizationId, { verification: { validityDays: 30 } })],
          ['roles', role.id, () => world.system.roles.rename(role.id, `xact-${unique()}`)],
          ['user_roles', userId, () => world.system.access.assignRole(userId, role.id)],
        ];
        for (const [table, entityId, call] of calls) {
          await sql`TRUNCATE test_xact_log`.execute(db());
          await call();
          const { rows } = await sql<{ source: string; entity_id: string | null; xid: string }>`
            SELECT source, entity_id, xid::text AS xid FROM test_xact_log`.execute(db());
          const change = rows.filter((r) => r.source === table);
          const audit = rows.filter((r) => r.source === 'audit_logs' && r.entity_id === entityId);
          expect(change.length, table).toBeGreaterThanOrEqual(1);
          expect(audit, table).toHaveLength(1);
          expect(new Set([...change, ...audit].map((r) => r.xid)).size, table).toBe(1);
        }
      } finally {
        for (const table of [...tables, 'audit_logs']) {
          await sql`DROP TRIGGER IF EXISTS test_log_xact ON ${sql.table(table)}`.execute(db());
        }
        await sql`DROP FUNCTION IF EXISTS test_log_xact()`.execute(db());
        await sql`DROP FUNCTION IF EXISTS test_log_audit_xact()`.execute(db());
        await sql`DROP TABLE IF EXISTS test_xact_log`.execute(db());
      }
    });

    it('inside a caller transaction, a failing audit insert rolls back the caller’s earlier work too', async () => {
      const slug = `audit-uow-${unique()}`;
      const error = await createRepositories(db(), { requestId: FAILING })
        .transaction(async (tx) => {
          await tx.organizations.create({ slug, name: 'Never' });
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DataError);
      expect(await world.system.organizations.findBySlug(slug)).toBeUndefined();
    });
  });

  describe('append-only', () => {
    it('UPDATE, DELETE and TRUNCATE through raw SQL are rejected by the database', async () => {
      const rows = await audited(db(), () => world.system.roles.create({ name: `append-${unique()}` }));
      const eventId = rows[0]!.event_id;
      const statements = [
        sql`UPDATE audit_logs SET action = 'role.tampered' WHERE event_id = ${eventId}::bigint`,
        sql`UPDATE audit_logs SET after = NULL`,
        sql`DELETE FROM audit_logs WHERE event_id = ${eventId}::bigint`,
        sql`DELETE FROM audit_logs`,
        sql`UPDATE audit_logs_default SET action = 'role.tampered' WHERE event_id = ${eventId}::bigint`,
        sql`DELETE FROM audit_logs_default WHERE event_id = ${eventId}::bigint`,
        sql`TRUNCATE audit_logs`,
      ];
      for (const statement of statements) {
        await expect(statement.execute(db())).rejects.toMatchObject({
          code: '42501',
          message: expect.stringContaining('append-only'),
        });
      }
      const after = await sql<{ action: string }>`SELECT action FROM audit_logs WHERE event_id = ${eventId}::bigint`.execute(db());
      expect(after.rows).toEqual([{ action: 'role.create' }]);
    });

    it('TRUNCATE of a partition itself is rejected too (statement triggers are not cloned to partitions)', async () => {
      await createAuditPartitions(db(), { monthsAhead: 0 });
      const { rows } = await sql<{ name: string }>`
        SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'audit_logs'::regclass ORDER BY 1`.execute(db());
      expect(rows.map((r) => r.name)).toContain('audit_logs_default');
      expect(rows.length).toBeGreaterThanOrEqual(2);
      for (const { name } of rows) {
        // In a transaction that is always rolled back: a missing guard must not wipe the trail.
        const outcome = await db()
          .transaction()
          .execute(async (trx) => {
            const result = await sql`TRUNCATE ${sql.table(name)}`.execute(trx).then(
              () => 'truncated',
              (error: { code?: string }) => error.code,
            );
            throw Object.assign(new Error('roll back'), { result });
          })
          .catch((error: { result?: string }) => error.result);
        expect(outcome, name).toBe('42501');
      }
    });
  });

  describe('snapshots are whitelisted', () => {
    it('a user_profile snapshot never contains the birthdate', async () => {
      const org = await anOrganization(world.system);
      const repos = createRepositories(db(), { actorUserId: world.verifierId });
      let userId = '';
      const rows = await audited(db(), async () => {
        const registered = await repos.users.register({
          organizationId: org.id,
          authSubject: `sub|${unique()}`,
          email: `${unique()}@example.com`,
          fullName: 'Born Somewhen',
          birthdate: '1987-06-05',
        });
        userId = registered.user.id;
        await repos.users.updateProfile(userId, { birthdate: '1988-07-06', fullName: 'Born Elsewhen' });
      });
      const profileRows = rows.filter((r) => r.entity_type === 'user_profile');
      expect(profileRows.map((r) => r.action)).toEqual(['user_profile.create', 'user_profile.update']);
      for (const row of profileRows) {
        for (const snapshot of [row.before, row.after]) {
          if (snapshot === null) continue;
          expect(Object.keys(snapshot).sort()).toEqual([...AUDITED_FIELDS.user_profile].sort());
          expect(snapshot).not.toHaveProperty('birthdate');
        }
      }
      expect(profileRows[1]!.before).toMatchObject({ fullName: 'Born Somewhen' });
      expect(profileRows[1]!.after).toMatchObject({ fullName: 'Born Elsewhen' });
      const { rows: leaks } = await sql`
        SELECT 1 FROM audit_logs WHERE (before::text LIKE '%1987-06-05%' OR after::text LIKE '%1987-06-05%'
          OR before::text LIKE '%1988-07-06%' OR after::text LIKE '%1988-07-06%')`.execute(db());
      expect(leaks).toHaveLength(0);
    });

    it('every snapshot in the trail holds only the AUDITED_FIELDS of its entity type', async () => {
      const { rows } = await sql<{ entity_type: string; keys: string[] | null }>`
        SELECT entity_type, array_agg(DISTINCT k ORDER BY k) AS keys
        FROM audit_logs, LATERAL (
          SELECT jsonb_object_keys(before) AS k UNION SELECT jsonb_object_keys(after)
        ) keys
        GROUP BY entity_type`.execute(db());
      expect(rows.length).toBeGreaterThanOrEqual(5);
      for (const { entity_type, keys } of rows) {
        const allowed = (AUDITED_FIELDS as Record<string, readonly string[]>)[entity_type];
        expect(allowed, `unknown entity type ${entity_type}`).toBeDefined();
        for (const key of keys ?? []) expect(allowed, `${entity_type}.${key}`).toContain(key);
      }
      // Columns that exist on the tables but are not whitelisted never appear.
      const { rows: unexpected } = await sql`
        SELECT 1 FROM audit_logs WHERE before ? 'createdAt' OR after ? 'createdAt' OR before ? 'updatedAt'
          OR after ? 'updatedAt' OR (entity_type = 'staff_profile' AND (after ? 'organizationId' OR before ? 'organizationId'))`.execute(
        db(),
      );
      expect(unexpected).toHaveLength(0);
    });
  });

  describe('every identity/RBAC mutation writes its audit rows', () => {
    const context = { requestId: 'req-audit-trail', ip: '203.0.113.7', userAgent: 'vitest audit-trail' } as const;
    let repos: Repositories;
    let actorId: string;

    beforeAll(async () => {
      actorId = world.verifierId;
      repos = createRepositories(db(), { actorUserId: actorId, ...context });
    });

    /** Expects the rows to carry the acting user and the request context. */
    const expectContext = (rows: AuditRow[]) => {
      for (const row of rows) {
        expect(row).toMatchObject({
          actor_user_id: actorId,
          request_id: context.requestId,
          ip: context.ip,
          user_agent: context.userAgent,
        });
      }
    };

    it('organizations: create, update_settings, delete; failures write nothing', async () => {
      const slug = `audited-${unique()}`;
      let orgId = '';
      const created = await audited(db(), async () => {
        orgId = (await repos.organizations.create({ slug, name: 'Audited' })).id;
      });
      expect(created).toMatchObject([
        { action: 'organization.create', entity_type: 'organization', entity_id: orgId, organization_id: orgId, before: null },
      ]);
      expect(created[0]!.after).toMatchObject({ id: orgId, slug, name: 'Audited', settings: {}, deletedAt: null });
      expectContext(created);

      const updated = await audited(db(), () => repos.organizations.updateSettings(orgId, { defaultLocale: 'vi' }));
      expect(updated).toMatchObject([{ action: 'organization.update_settings', entity_id: orgId, organization_id: orgId }]);
      expect(updated[0]!.before).toMatchObject({ settings: {} });
      expect(updated[0]!.after).toMatchObject({ settings: { defaultLocale: 'vi' } });
      expectContext(updated);

      const duplicate = await auditedFailure(db(), () => repos.organizations.create({ slug, name: 'Again' }));
      expect(duplicate.error).toMatchObject({ code: 'UNIQUE_VIOLATION' });
      expect(duplicate.rows).toEqual([]);

      const deleted = await audited(db(), () => repos.organizations.softDelete(orgId));
      expect(deleted).toMatchObject([{ action: 'organization.delete', entity_id: orgId }]);
      expect(deleted[0]!.before).toMatchObject({ deletedAt: null });
      expect(deleted[0]!.after!['deletedAt']).toEqual(expect.any(String));
      expectContext(deleted);

      const again = await auditedFailure(db(), () => repos.organizations.softDelete(orgId));
      expect(again.error).toBeInstanceOf(NotFoundError);
      expect(again.rows).toEqual([]);
      const missing = await auditedFailure(db(), () => repos.organizations.updateSettings(orgId, {}));
      expect(missing.error).toBeInstanceOf(NotFoundError);
      expect(missing.rows).toEqual([]);
    });

    it('users: register (+ profile, role, staff profile), update profile, deactivate, reactivate, delete', async () => {
      const subject = `sub|${unique()}`;
      let userId = '';
      const registered = await audited(db(), async () => {
        userId = (
          await repos.users.register({
            organizationId: world.organizationId,
            authSubject: subject,
            email: `${unique()}@example.com`,
            fullName: 'Audited Person',
          })
        ).user.id;
      });
      expect(registered.map((r) => r.action)).toEqual([
        'user.register',
        'user_profile.create',
        'user_role.assign',
        'staff_profile.create',
      ]);
      for (const row of registered) {
        expect(row).toMatchObject({ entity_id: userId, organization_id: world.organizationId, before: null });
      }
      expect(registered[0]!.after).toMatchObject({ id: userId, authSubject: subject, isActive: true });
      expect(registered[2]!.after).toMatchObject({ userId });
      expect(registered[3]!.after).toMatchObject({ userId, status: 'draft', version: 1 });
      expectContext(registered);

      const duplicate = await auditedFailure(db(), () =>
        repos.users.register({
          organizationId: world.organizationId,
          authSubject: subject,
          email: `${unique()}@example.com`,
          fullName: 'Same Subject',
        }),
      );
      expect(duplicate.error).toMatchObject({ code: 'UNIQUE_VIOLATION' });
      expect(duplicate.rows).toEqual([]);

      const profile = await audited(db(), () => repos.users.updateProfile(userId, { locale: 'vi-VN' }));
      expect(profile).toMatchObject([{ action: 'user_profile.update', entity_type: 'user_profile', entity_id: userId }]);
      expect(profile[0]!.before).toMatchObject({ locale: 'en' });
      expect(profile[0]!.after).toMatchObject({ locale: 'vi-VN' });

      const deactivated = await audited(db(), () => repos.users.deactivate(userId));
      expect(deactivated).toMatchObject([
        { action: 'user.deactivate', entity_type: 'user', before: { isActive: true }, after: { isActive: false } },
      ]);
      const reactivated = await audited(db(), () => repos.users.reactivate(userId));
      expect(reactivated).toMatchObject([
        { action: 'user.reactivate', before: { isActive: false }, after: { isActive: true } },
      ]);
      const deleted = await audited(db(), () => repos.users.softDelete(userId));
      expect(deleted).toMatchObject([{ action: 'user.delete', before: { deletedAt: null, isActive: true } }]);
      expect(deleted[0]!.after).toMatchObject({ isActive: false, deletedAt: expect.any(String) });
      expectContext([...profile, ...deactivated, ...reactivated, ...deleted]);

      // A deleted or unknown user: NotFound and no audit row.
      for (const call of [
        () => repos.users.deactivate(userId),
        () => repos.users.softDelete(userId),
        () => repos.users.updateProfile(userId, { locale: 'en' }),
        () => repos.users.reactivate(randomUUID()),
      ]) {
        const failed = await auditedFailure(db(), call);
        expect(failed.error).toBeInstanceOf(NotFoundError);
        expect(failed.rows).toEqual([]);
      }
    });

    it('roles and permissions: create, rename, grant, revoke, delete, permission.create; no-ops write nothing', async () => {
      const name = `audited-${unique()}`;
      let roleId = '';
      const created = await audited(db(), async () => {
        roleId = (await repos.roles.create({ name, description: 'Audited role' })).id;
      });
      expect(created).toMatchObject([
        { action: 'role.create', entity_type: 'role', entity_id: roleId, organization_id: PLATFORM_ORGANIZATION_ID, before: null },
      ]);
      expect(created[0]!.after).toEqual({ id: roleId, name, description: 'Audited role' });
      // Read through the audit queries, a platform row has no organization, as before 0.12.
      const history = await repos.audit.pageEntityHistory('role', roleId);
      expect(history.items.map((e) => [e.action, e.organizationId])).toEqual([['role.create', null]]);

      const duplicate = await auditedFailure(db(), () => repos.roles.create({ name }));
      expect(duplicate.error).toMatchObject({ code: 'UNIQUE_VIOLATION' });
      expect(duplicate.rows).toEqual([]);

      const renamed = await audited(db(), () => repos.roles.rename(roleId, `${name}-x`));
      expect(renamed).toMatchObject([{ action: 'role.rename', before: { name }, after: { name: `${name}-x` } }]);
      const renameMissing = await auditedFailure(db(), () => repos.roles.rename(randomUUID(), `${name}-y`));
      expect(renameMissing.error).toBeInstanceOf(NotFoundError);
      expect(renameMissing.rows).toEqual([]);

      const permissionName = `audit${unique().replace(/[^a-z]/g, 'x')}:read`;
      let permissionId = '';
      const permission = await audited(db(), async () => {
        permissionId = (await repos.roles.createPermission({ name: permissionName })).id;
      });
      const admin = (await repos.roles.findByName('admin'))!;
      expect(permission).toMatchObject([
        { action: 'permission.create', entity_type: 'permission', entity_id: permissionId, after: { name: permissionName } },
        {
          action: 'role_permission.grant',
          entity_type: 'role_permission',
          entity_id: admin.id,
          after: { roleId: admin.id, permissionId, permission: permissionName },
        },
      ]);
      const permissionAgain = await auditedFailure(db(), () => repos.roles.createPermission({ name: permissionName }));
      expect(permissionAgain.rows).toEqual([]);

      const granted = await audited(db(), async () => expect(await repos.roles.grantPermission(roleId, permissionName)).toBe(true));
      expect(granted).toMatchObject([
        { action: 'role_permission.grant', entity_id: roleId, before: null, after: { roleId, permissionId, permission: permissionName } },
      ]);
      expect(await audited(db(), async () => expect(await repos.roles.grantPermission(roleId, permissionName)).toBe(false))).toEqual(
        [],
      );
      const unknownPermission = await auditedFailure(db(), () => repos.roles.grantPermission(roleId, 'nothing:here'));
      expect(unknownPermission.error).toBeInstanceOf(NotFoundError);
      expect(unknownPermission.rows).toEqual([]);

      const revoked = await audited(db(), async () => expect(await repos.roles.revokePermission(roleId, permissionName)).toBe(true));
      expect(revoked).toMatchObject([
        { action: 'role_permission.revoke', entity_id: roleId, after: null, before: { roleId, permissionId, permission: permissionName } },
      ]);
      expect(await audited(db(), async () => expect(await repos.roles.revokePermission(roleId, permissionName)).toBe(false))).toEqual(
        [],
      );

      const deleted = await audited(db(), () => repos.roles.delete(roleId));
      expect(deleted).toMatchObject([{ action: 'role.delete', entity_id: roleId, after: null, before: { id: roleId, name: `${name}-x` } }]);
      const deleteAgain = await auditedFailure(db(), () => repos.roles.delete(roleId));
      expect(deleteAgain.error).toBeInstanceOf(NotFoundError);
      expect(deleteAgain.rows).toEqual([]);
      for (const row of [...created, ...renamed, ...permission, ...granted, ...revoked, ...deleted]) {
        expect(row.organization_id).toBe(PLATFORM_ORGANIZATION_ID);
      }
      expectContext([...created, ...renamed, ...permission, ...granted, ...revoked, ...deleted]);
    });

    it('role assignments: assign, unassign; repeated or unknown ones write nothing', async () => {
      const { user } = await aUser(world.system, world.organizationId);
      const role = await world.system.roles.create({ name: `assignable-${unique()}` });
      const assigned = await audited(db(), async () =>
        expect(await repos.access.assignRole(user.id, role.id, { grantedBy: actorId })).toBe(true),
      );
      expect(assigned).toMatchObject([
        {
          action: 'user_role.assign',
          entity_type: 'user_role',
          entity_id: user.id,
          organization_id: world.organizationId,
          after: { userId: user.id, roleId: role.id, grantedBy: actorId },
        },
      ]);
      expect(await audited(db(), async () => expect(await repos.access.assignRole(user.id, role.id)).toBe(false))).toEqual([]);
      const unknownRole = await auditedFailure(db(), () => repos.access.assignRole(user.id, randomUUID()));
      expect(unknownRole.error).toMatchObject({ code: 'NOT_FOUND', entity: 'role' });
      expect(unknownRole.rows).toEqual([]);
      const unknownUser = await auditedFailure(db(), () => repos.access.assignRole(randomUUID(), role.id));
      expect(unknownUser.error).toBeInstanceOf(NotFoundError);
      expect(unknownUser.rows).toEqual([]);

      const unassigned = await audited(db(), async () => expect(await repos.access.unassignRole(user.id, role.id)).toBe(true));
      expect(unassigned).toMatchObject([
        {
          action: 'user_role.unassign',
          entity_id: user.id,
          organization_id: world.organizationId,
          before: { userId: user.id, roleId: role.id, grantedBy: actorId },
          after: null,
        },
      ]);
      expect(await audited(db(), async () => expect(await repos.access.unassignRole(user.id, role.id)).toBe(false))).toEqual([]);
      expectContext([...assigned, ...unassigned]);
    });

    it('units: create; a duplicate code or a foreign parent writes nothing', async () => {
      const code = `U-${unique()}`;
      let unitId = '';
      const created = await audited(db(), async () => {
        unitId = (await repos.units.create({ organizationId: world.organizationId, code, name: 'Audited Unit' })).id;
      });
      expect(created).toMatchObject([
        {
          action: 'unit.create',
          entity_type: 'unit',
          entity_id: unitId,
          organization_id: world.organizationId,
          after: { id: unitId, code, name: 'Audited Unit', parentUnitId: null, isActive: true },
        },
      ]);
      expectContext(created);
      const duplicate = await auditedFailure(db(), () =>
        repos.units.create({ organizationId: world.organizationId, code, name: 'Again' }),
      );
      expect(duplicate.error).toMatchObject({ code: 'UNIQUE_VIOLATION' });
      expect(duplicate.rows).toEqual([]);
      const other = await anOrganization(world.system);
      const foreignParent = await auditedFailure(db(), () =>
        repos.units.create({ organizationId: other.id, code: `P-${unique()}`, name: 'Child', parentUnitId: unitId }),
      );
      expect(foreignParent.error).toMatchObject({ code: 'NOT_FOUND' });
      expect(foreignParent.rows).toEqual([]);
    });

    it('without an acting user the row records a system action (null actor)', async () => {
      const rows = await audited(db(), () => createRepositories(db()).roles.create({ name: `system-${unique()}` }));
      expect(rows).toMatchObject([{ action: 'role.create', actor_user_id: null, request_id: null, ip: null, user_agent: null }]);
    });
  });

  describe('keyset pagination of the audit queries', () => {
    let applicantId: string;
    let applicant: Repositories;
    let otherId: string;

    beforeAll(async () => {
      const first = await anotherApplicant(db(), world);
      const second = await anotherApplicant(db(), world);
      applicantId = first.userId;
      applicant = first.repos;
      otherId = second.userId;
      // Interleave two entities' events so the pages have to skip the other one's.
      for (let i = 0; i < 11; i += 1) {
        await applicant.staffProfiles.edit(applicantId, { jobTitle: `Title ${i}` });
        await second.repos.staffProfiles.edit(otherId, { jobTitle: `Other ${i}` });
      }
    });

    const expectedHistory = async (entityId: string) =>
      (
        await sql<{ id: string }>`SELECT event_id::text AS id FROM audit_logs
          WHERE entity_type = 'staff_profile' AND entity_id = ${entityId}::uuid ORDER BY event_id`.execute(db())
      ).rows.map((r) => r.id);

    it.each([5, 4, 1, 500])('listEntityHistory walks every event once, in order (limit %i)', async (limit) => {
      const expected = await expectedHistory(applicantId);
      expect(expected).toHaveLength(12); // staff_profile.create + 11 edits
      const seen: string[] = [];
      let after: string | null = null;
      let pages = 0;
      do {
        const page = await world.system.audit.pageEntityHistory('staff_profile', applicantId, { limit, after });
        expect(page.items.length).toBeGreaterThan(0);
        expect(page.items.length).toBeLessThanOrEqual(limit);
        for (const item of page.items) expect(item.entityId).toBe(applicantId);
        seen.push(...page.items.map((item) => item.eventId));
        after = page.nextCursor;
        pages += 1;
        expect(pages).toBeLessThanOrEqual(12);
      } while (after !== null);
      expect(seen).toEqual(expected);
      expect(pages).toBe(Math.ceil(expected.length / limit));
    });

    it('an event appended while paging shows up on a later page, once', async () => {
      const firstPage = await world.system.audit.pageEntityHistory('staff_profile', applicantId, { limit: 5 });
      await applicant.staffProfiles.edit(applicantId, { jobTitle: 'Appended while paging' });
      const seen = firstPage.items.map((i) => i.eventId);
      let after = firstPage.nextCursor;
      while (after !== null) {
        const page = await world.system.audit.pageEntityHistory('staff_profile', applicantId, { limit: 5, after });
        seen.push(...page.items.map((i) => i.eventId));
        after = page.nextCursor;
      }
      expect(seen).toEqual(await expectedHistory(applicantId));
      expect(new Set(seen).size).toBe(seen.length);
    });

    it('listActorActivity walks the actor’s events newest first, once each', async () => {
      const { rows } = await sql<{ id: string }>`
        SELECT event_id::text AS id FROM audit_logs WHERE actor_user_id = ${applicantId}::uuid ORDER BY event_id DESC`.execute(db());
      const expected = rows.map((r) => r.id);
      expect(expected.length).toBeGreaterThanOrEqual(12);
      const seen: string[] = [];
      let after: string | null = null;
      do {
        const page = await world.system.audit.pageActorActivity(applicantId, { limit: 3, after });
        for (const item of page.items) expect(item.actorUserId).toBe(applicantId);
        seen.push(...page.items.map((i) => i.eventId));
        after = page.nextCursor;
      } while (after !== null);
      expect(seen).toEqual(expected);
      // Nothing of the other applicant.
      expect(seen.some((id) => !expected.includes(id))).toBe(false);
    });

    it.each(['abc', '-1', '1.5', ' 12', '12345678901234567890', 'eyJhIjoxfQ'])(
      'rejects the malformed cursor %j with ValidationError',
      async (cursor) => {
        await expect(
          world.system.audit.pageEntityHistory('staff_profile', applicantId, { after: cursor }),
        ).rejects.toBeInstanceOf(ValidationError);
        await expect(world.system.audit.pageActorActivity(applicantId, { after: cursor })).rejects.toBeInstanceOf(
          ValidationError,
        );
      },
    );

    it(
      'a 19-digit cursor beyond bigint is a ValidationError, not a database error',
      async () => {
        await expect(
          world.system.audit.pageEntityHistory('staff_profile', applicantId, { after: '9999999999999999999' }),
        ).rejects.toBeInstanceOf(ValidationError);
      },
    );

    it('rejects unknown entity types, bad ids and bad limits with ValidationError', async () => {
      await expect(world.system.audit.pageEntityHistory('secret_table', applicantId)).rejects.toBeInstanceOf(ValidationError);
      await expect(world.system.audit.pageEntityHistory('staff_profile', 'not-a-uuid')).rejects.toBeInstanceOf(ValidationError);
      await expect(world.system.audit.pageActorActivity(applicantId, { limit: 0 })).rejects.toBeInstanceOf(ValidationError);
      await expect(
        world.system.audit.pageEntityHistory('staff_profile', applicantId, { from: new Date('x') }),
      ).rejects.toBeInstanceOf(ValidationError);
    });
  });

  describe('EXPLAIN of the history query over monthly partitions', () => {
    const target = randomUUID();
    let captured: CompiledQuery[] = [];
    let logging: Kysely<DB>;
    let entityIndexes: Set<string>;

    beforeAll(async () => {
      // Six monthly partitions, September 2025 to February 2026.
      await createAuditPartitions(db(), { monthsAhead: 5, from: new Date('2025-09-01T00:00:00Z') });
      // 400 entities × 3 events in each month, plus the target entity's 4 events a month.
      await sql`
        INSERT INTO audit_logs (created_at, updated_at, action, entity_type, entity_id)
        SELECT t, t, 'staff_profile.edit', 'staff_profile', e.id
        FROM generate_series(0, 5) AS m,
             LATERAL (SELECT gen_random_uuid() AS id FROM generate_series(1, 400)) e,
             generate_series(1, 3) AS k,
             LATERAL (SELECT timestamptz '2025-09-01 00:00:00+00' + make_interval(months => m) + make_interval(days => k * 7) AS t) ts`.execute(
        db(),
      );
      await sql`
        INSERT INTO audit_logs (created_at, updated_at, action, entity_type, entity_id)
        SELECT timestamptz '2025-09-01 00:00:00+00' + make_interval(months => m) + make_interval(days => k * 6, hours => 5),
               timestamptz '2025-09-01 00:00:00+00' + make_interval(months => m) + make_interval(days => k * 6, hours => 5),
               'staff_profile.edit', 'staff_profile', ${target}::uuid
        FROM generate_series(0, 5) AS m, generate_series(1, 4) AS k`.execute(db());
      await sql`ANALYZE audit_logs`.execute(db());

      logging = new Kysely<DB>({
        dialect: new PostgresDialect({ pool: createPool({ connectionString: testDb.current.connectionString, max: 1 }) }),
        log: (event) => {
          if (event.level === 'query') captured.push(event.query);
        },
      });
      const { rows } = await sql<{ name: string }>`
        SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'audit_logs_entity_idx'::regclass`.execute(db());
      entityIndexes = new Set(['audit_logs_entity_idx', ...rows.map((r) => r.name)]);
    });
    afterAll(async () => {
      await logging?.destroy();
    });

    /** Runs the history query through the repository and EXPLAINs exactly the SQL it sent. */
    async function explainHistory(options: { from?: Date; to?: Date; limit?: number }) {
      captured = [];
      const page = await createRepositories(logging).audit.pageEntityHistory('staff_profile', target, options);
      expect(captured).toHaveLength(1);
      const query = captured[0]!;
      const { rows } = await logging.executeQuery<{ 'QUERY PLAN': [{ Plan: Record<string, unknown> }] }>(
        CompiledQuery.raw(`EXPLAIN (FORMAT JSON) ${query.sql}`, [...query.parameters]),
      );
      const nodes = planNodes(rows[0]!['QUERY PLAN'][0].Plan);
      const relations = new Set(nodes.flatMap((n) => (typeof n['Relation Name'] === 'string' ? [n['Relation Name']] : [])));
      const indexes = nodes.flatMap((n) => (typeof n['Index Name'] === 'string' ? [n['Index Name']] : []));
      return { page, nodes, relations, indexes, sql: query.sql };
    }

    it('with from/to, only the months in range are scanned, through the (entity_type, entity_id, event_id) index', async () => {
      const { page, nodes, relations, indexes, sql: text } = await explainHistory({
        from: new Date('2025-11-01T00:00:00Z'),
        to: new Date('2026-01-01T00:00:00Z'),
        limit: 50,
      });
      expect(text).toContain('"created_at" >=');
      expect(text).toContain('"created_at" <');
      expect([...relations].sort()).toEqual(['audit_logs_y2025m11', 'audit_logs_y2025m12']);
      // Every scan of a partition goes through a child of audit_logs_entity_idx.
      const scans = nodes.filter((n) => typeof n['Relation Name'] === 'string' || typeof n['Index Name'] === 'string');
      expect(scans.length).toBeGreaterThan(0);
      for (const scan of scans) expect(String(scan['Node Type'])).toMatch(/Index/);
      expect(indexes.length).toBeGreaterThanOrEqual(2);
      for (const index of indexes) expect(entityIndexes).toContain(index);
      // And the rows are right: the target's 4 events in each of the two months, in order.
      expect(page.items).toHaveLength(8);
      const ids = page.items.map((i) => BigInt(i.eventId));
      expect([...ids].sort((a, b) => (a < b ? -1 : 1))).toEqual(ids);
      for (const item of page.items) {
        expect(item.createdAt.getTime()).toBeGreaterThanOrEqual(Date.parse('2025-11-01T00:00:00Z'));
        expect(item.createdAt.getTime()).toBeLessThan(Date.parse('2026-01-01T00:00:00Z'));
      }
    });

    it('a range inside one month scans that month only', async () => {
      const { relations, indexes, page } = await explainHistory({
        from: new Date('2026-02-03T00:00:00Z'),
        to: new Date('2026-02-20T00:00:00Z'),
      });
      expect([...relations]).toEqual(['audit_logs_y2026m02']);
      for (const index of indexes) expect(entityIndexes).toContain(index);
      expect(page.items.length).toBeGreaterThan(0);
    });

    it('control: without a range every partition, DEFAULT included, is in the plan', async () => {
      const { relations, page } = await explainHistory({});
      for (const month of ['09', '10', '11', '12']) expect(relations).toContain(`audit_logs_y2025m${month}`);
      for (const month of ['01', '02']) expect(relations).toContain(`audit_logs_y2026m${month}`);
      expect(relations).toContain('audit_logs_default');
      expect(page.items).toHaveLength(24);
    });
  });
});
