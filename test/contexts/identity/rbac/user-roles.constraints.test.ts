// Integrity rules of user_roles, from sql/migrations/20261121090200_create_rbac.up.sql, exercised
// with raw SQL. The harness, and how coverage is checked: test/helpers/constraints.ts.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  client,
  count,
  create,
  createOrganization,
  createRole,
  createUser,
  expectRejected,
  expectUpdatedAtTrigger,
  FOREIGN_KEY,
  insert,
  NOT_NULL,
  OLD,
  RESTRICT,
  type Row,
  UNIQUE,
  useConstraintHarness,
  type UserKey,
} from '../../../helpers/constraints.js';
import { coverage } from './user-roles.constraints.js';

useConstraintHarness(coverage);

const userRoleRow = (user: UserKey, roleId: string, overrides: Row = {}): Row => ({
  user_id: user.id,
  organization_id: user.organization_id,
  role_id: roleId,
  ...overrides,
});

describe('user_roles', () => {
  let user: UserKey;
  let roleId: string;
  beforeAll(async () => {
    user = await createUser();
    roleId = await createRole();
  });

  it('accepts a row with only the required columns; defaults fill the rest', async () => {
    const row = await create('user_roles', userRoleRow(await createUser(), roleId));
    expect(row).toMatchObject({ granted_by: null });
    expect(row.granted_at).toEqual(row.created_at);
  });

  it.each(['user_id', 'role_id', 'organization_id', 'granted_at', 'created_at', 'updated_at'])(
    'NOT NULL %s',
    (column) =>
      expectRejected(
        insert('user_roles', userRoleRow(user, roleId, { [column]: null })),
        NOT_NULL,
        `user_roles.${column}`,
      ),
  );

  it('user_roles_pkey rejects assigning the same role to a user twice', async () => {
    const member = await createUser();
    await create('user_roles', userRoleRow(member, roleId));
    await expectRejected(insert('user_roles', userRoleRow(member, roleId)), UNIQUE, 'user_roles_pkey');
    // Near misses: another role for the same user, the same role for another user.
    await create('user_roles', userRoleRow(member, await createRole()));
    await create('user_roles', userRoleRow(await createUser(member.organization_id), roleId));
  });

  it('user_roles_user_id_fkey rejects an unknown user', () =>
    expectRejected(
      insert('user_roles', userRoleRow({ ...user, id: randomUUID() }, roleId)),
      FOREIGN_KEY,
      'user_roles_user_id_fkey',
    ));

  it("user_roles_user_id_fkey rejects an organization_id other than the user's", async () => {
    const member = await createUser();
    await expectRejected(
      insert('user_roles', userRoleRow({ ...member, organization_id: await createOrganization() }, roleId)),
      FOREIGN_KEY,
      'user_roles_user_id_fkey',
    );
    await create('user_roles', userRoleRow(member, roleId));
  });

  it('user_roles_user_id_fkey keeps a user with roles from moving to another organization', async () => {
    const member = await createUser();
    await create('user_roles', userRoleRow(member, roleId));
    await expectRejected(
      { text: 'UPDATE users SET organization_id = $1 WHERE id = $2', values: [await createOrganization(), member.id] },
      FOREIGN_KEY,
      'user_roles_user_id_fkey',
    );
  });

  it('user_roles_user_id_fkey cascades: deleting a user deletes their role assignments', async () => {
    const member = await createUser();
    const bystander = await createUser(member.organization_id);
    await create('user_roles', userRoleRow(member, roleId));
    await create('user_roles', userRoleRow(member, await createRole()));
    await create('user_roles', userRoleRow(bystander, roleId));
    await client.query({ text: 'DELETE FROM users WHERE id = $1', values: [member.id] });
    expect(await count('user_roles WHERE user_id = $1', [member.id])).toBe(0);
    expect(await count('user_roles WHERE user_id = $1', [bystander.id])).toBe(1);
  });

  it('user_roles_role_id_fkey rejects an unknown role', () =>
    expectRejected(insert('user_roles', userRoleRow(user, randomUUID())), FOREIGN_KEY, 'user_roles_role_id_fkey'));

  it('user_roles_role_id_fkey restricts: an assigned role cannot be deleted until it is unassigned', async () => {
    const role = await createRole();
    const member = await createUser();
    await create('user_roles', userRoleRow(member, role));
    const { rows } = await client.query<{ version: number }>(
      `SELECT current_setting('server_version_num')::int AS version`,
    );
    const code = rows[0]!.version >= 180000 ? RESTRICT : FOREIGN_KEY;
    await expectRejected({ text: 'DELETE FROM roles WHERE id = $1', values: [role] }, code, 'user_roles_role_id_fkey');
    expect(await count('user_roles WHERE role_id = $1', [role])).toBe(1);
    await client.query({ text: 'DELETE FROM user_roles WHERE role_id = $1', values: [role] });
    await client.query({ text: 'DELETE FROM roles WHERE id = $1', values: [role] });
    expect(await count('roles WHERE id = $1', [role])).toBe(0);
  });

  it('user_roles_granted_by_fkey rejects an unknown granter and accepts a known one or NULL', async () => {
    await expectRejected(
      insert('user_roles', userRoleRow(user, roleId, { granted_by: randomUUID() })),
      FOREIGN_KEY,
      'user_roles_granted_by_fkey',
    );
    const admin = await createUser(user.organization_id);
    await create('user_roles', userRoleRow(await createUser(user.organization_id), roleId, { granted_by: admin.id }));
    await create('user_roles', userRoleRow(await createUser(user.organization_id), roleId, { granted_by: null }));
    // (organization_id, granted_by): a granter of another organization is refused.
    const stranger = await createUser();
    expect(stranger.organization_id).not.toBe(user.organization_id);
    await expectRejected(
      insert('user_roles', userRoleRow(await createUser(user.organization_id), roleId, { granted_by: stranger.id })),
      FOREIGN_KEY,
      'user_roles_granted_by_fkey',
    );
  });

  it('user_roles_granted_by_fkey sets granted_by to NULL when the granter is deleted, keeping the assignment', async () => {
    const admin = await createUser();
    const member = await createUser(admin.organization_id);
    await create('user_roles', userRoleRow(member, roleId, { granted_by: admin.id }));
    await client.query({ text: 'DELETE FROM users WHERE id = $1', values: [admin.id] });
    const { rows } = await client.query({
      text: 'SELECT granted_by FROM user_roles WHERE user_id = $1',
      values: [member.id],
    });
    expect(rows).toEqual([{ granted_by: null }]);
  });

  it('user_roles_set_updated_at sets updated_at on UPDATE', async () => {
    const member = await createUser();
    await create('user_roles', userRoleRow(member, roleId, { created_at: OLD, updated_at: OLD }));
    await expectUpdatedAtTrigger('user_roles', { user_id: member.id, role_id: roleId });
  });
});
