import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { ForeignKeyViolationError, UniqueViolationError } from '../../../../src/core/errors/constraint-errors.js';
import { NotFoundError } from '../../../../src/core/errors/not-found-error.js';
import { ValidationError } from '../../../../src/core/errors/validation-error.js';
import { createRepositories, type Repositories } from '../../../../src/repositories.js';
import { seedDefaults } from '../../../../src/contexts/identity/seeders/seed-defaults.js';
import { useTestDatabase } from '../../../helpers/database.js';
import { anOrganization, aUser, unique } from '../../../helpers/fixtures.js';

const NIL = '00000000-0000-0000-0000-000000000000';

describe('roles and access repositories', () => {
  const testDb = useTestDatabase();
  let repos: Repositories;
  let organizationId: string;
  beforeAll(async () => {
    await seedDefaults(testDb.current.db);
    repos = createRepositories(testDb.current.db);
    organizationId = (await anOrganization(repos)).id;
  });

  it('creates, finds, lists and renames roles', async () => {
    const role = await repos.roles.create({ name: `auditor-${unique()}`, description: 'Reads audit logs' });
    expect(role).toEqual({
      id: expect.any(String),
      name: role.name,
      description: 'Reads audit logs',
      createdAt: expect.any(Date),
      updatedAt: expect.any(Date),
    });
    expect(await repos.roles.findByName(role.name)).toEqual(role);
    expect(await repos.roles.findById(role.id)).toEqual(role);
    expect((await repos.roles.list()).map((r) => r.name)).toEqual(expect.arrayContaining(['admin', 'user', role.name]));
    const renamed = await repos.roles.rename(role.id, `${role.name}-2`);
    expect(renamed.name).toBe(`${role.name}-2`);
    await expect(repos.roles.rename(role.id, 'admin')).rejects.toMatchObject({
      code: 'UNIQUE_VIOLATION',
      constraint: 'roles_name_key',
    });
    await expect(repos.roles.rename(NIL, 'whatever')).rejects.toBeInstanceOf(NotFoundError);
    await expect(repos.roles.create({ name: 'Bad Name' })).rejects.toBeInstanceOf(ValidationError);
    await expect(repos.roles.create({ name: 'admin' })).rejects.toBeInstanceOf(UniqueViolationError);
  });

  it('grants and revokes permissions; deleting a role cascades to its grants', async () => {
    const role = await repos.roles.create({ name: `editor-${unique()}` });
    expect(await repos.roles.grantPermission(role.id, 'user:read')).toBe(true);
    expect(await repos.roles.grantPermission(role.id, 'user:read')).toBe(false);
    expect(await repos.roles.grantPermission(role.id, 'user:update')).toBe(true);
    expect(await repos.roles.listRolePermissions(role.id)).toEqual(['user:read', 'user:update']);
    expect(await repos.roles.revokePermission(role.id, 'user:update')).toBe(true);
    expect(await repos.roles.revokePermission(role.id, 'user:update')).toBe(false);
    await expect(repos.roles.grantPermission(role.id, 'nothing:here')).rejects.toMatchObject({ entity: 'permission' });
    await expect(repos.roles.grantPermission(NIL, 'user:read')).rejects.toMatchObject({ entity: 'role' });
    await expect(repos.roles.grantPermission(role.id, 'not a permission')).rejects.toBeInstanceOf(ValidationError);
    await repos.roles.delete(role.id);
    expect(await repos.roles.findById(role.id)).toBeUndefined();
    const left = await sql`SELECT 1 FROM role_permissions WHERE role_id = ${role.id}`.execute(testDb.current.db);
    expect(left.rows).toHaveLength(0);
    await expect(repos.roles.delete(role.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('creates permissions in resource:action form only', async () => {
    const name = `report${unique().replace(/[^a-z]/g, 'x')}:export`;
    const permission = await repos.roles.createPermission({ name, description: 'Export reports' });
    expect(permission.name).toBe(name);
    expect((await repos.roles.listPermissions()).map((p) => p.name)).toContain(name);
    await expect(repos.roles.createPermission({ name: 'no-colon' })).rejects.toBeInstanceOf(ValidationError);
    await expect(repos.roles.createPermission({ name })).rejects.toMatchObject({ constraint: 'permissions_name_key' });
  });

  it('assigns and unassigns roles; effective permissions are the union of the roles', async () => {
    const { user } = await aUser(repos, organizationId);
    const admin = (await repos.roles.findByName('admin'))!;
    const reporter = await repos.roles.create({ name: `reporter-${unique()}` });
    await repos.roles.grantPermission(reporter.id, 'user:read');
    expect(await repos.access.listEffectivePermissions(user.id)).toEqual(['profile:read', 'profile:update']);
    expect(await repos.access.assignRole(user.id, reporter.id, { grantedBy: user.id })).toBe(true);
    expect(await repos.access.assignRole(user.id, reporter.id)).toBe(false);
    expect(await repos.access.listEffectivePermissions(user.id)).toEqual(['profile:read', 'profile:update', 'user:read']);
    await repos.access.assignRole(user.id, admin.id);
    const all = (await repos.roles.listPermissions()).map((p) => p.name);
    expect(await repos.access.listEffectivePermissions(user.id)).toEqual(all);
    expect(await repos.access.listUserRoles(user.id)).toEqual(['admin', reporter.name, 'user'].sort());
    const granted = await sql<{ granted_by: string; granted_at: Date }>`
      SELECT granted_by, granted_at FROM user_roles WHERE user_id = ${user.id} AND role_id = ${reporter.id}`.execute(
      testDb.current.db,
    );
    expect(granted.rows[0]).toEqual({ granted_by: user.id, granted_at: expect.any(Date) });
    expect(await repos.access.unassignRole(user.id, admin.id)).toBe(true);
    expect(await repos.access.unassignRole(user.id, admin.id)).toBe(false);
    expect(await repos.access.listEffectivePermissions(user.id)).toEqual(['profile:read', 'profile:update', 'user:read']);
  });

  it('assignRole reports a missing user or role as NotFound', async () => {
    const { user } = await aUser(repos, organizationId);
    const role = (await repos.roles.findByName('admin'))!;
    await expect(repos.access.assignRole(NIL, role.id)).rejects.toMatchObject({ entity: 'user' });
    await expect(repos.access.assignRole(user.id, NIL)).rejects.toMatchObject({ entity: 'role' });
    await repos.users.softDelete(user.id);
    await expect(repos.access.assignRole(user.id, role.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('a role still assigned cannot be deleted: the FK error names the constraint', async () => {
    const { user } = await aUser(repos, organizationId);
    const role = await repos.roles.create({ name: `temp-${unique()}` });
    await repos.access.assignRole(user.id, role.id);
    const error = await repos.roles.delete(role.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForeignKeyViolationError);
    expect(error).toMatchObject({ constraint: 'user_roles_role_id_fkey' });
    await repos.access.unassignRole(user.id, role.id);
    await expect(repos.roles.delete(role.id)).resolves.toBeUndefined();
  });

  it('hasPermission answers in one query, and false for inactive or deleted users', async () => {
    const { user } = await aUser(repos, organizationId);
    expect(await repos.access.hasPermission(user.id, 'profile:update')).toBe(true);
    expect(await repos.access.hasPermission(user.id, 'user:delete')).toBe(false);
    expect(await repos.access.hasPermission(NIL, 'profile:update')).toBe(false);
    await repos.users.deactivate(user.id);
    expect(await repos.access.hasPermission(user.id, 'profile:update')).toBe(false);
    expect(await repos.access.listEffectivePermissions(user.id)).toEqual([]);
    await repos.users.reactivate(user.id);
    expect(await repos.access.hasPermission(user.id, 'profile:update')).toBe(true);
    await repos.users.softDelete(user.id);
    expect(await repos.access.hasPermission(user.id, 'profile:update')).toBe(false);
    // Users of a soft-deleted organization lose access too.
    const org = await anOrganization(repos);
    const { user: member } = await aUser(repos, org.id);
    expect(await repos.access.hasPermission(member.id, 'profile:read')).toBe(true);
    await repos.organizations.softDelete(org.id);
    expect(await repos.access.hasPermission(member.id, 'profile:read')).toBe(false);
    expect(await repos.access.listEffectivePermissions(member.id)).toEqual([]);
    await expect(repos.access.hasPermission(user.id, 'bad')).rejects.toBeInstanceOf(ValidationError);

    // One statement: count the queries Kysely executes.
    const statements: string[] = [];
    const { Kysely, PostgresDialect } = await import('kysely');
    const { createPool } = await import('../../../../src/core/database/create-database.js');
    const logged = new Kysely<any>({
      dialect: new PostgresDialect({ pool: createPool({ connectionString: testDb.current.connectionString, max: 1 }) }),
      log: (event) => {
        statements.push(event.query.sql);
      },
    });
    try {
      await createRepositories(logged).access.hasPermission(NIL, 'user:read');
      expect(statements).toHaveLength(1);
      expect(statements[0]).toMatch(/^select exists/);
    } finally {
      await logged.destroy();
    }
  });
});
