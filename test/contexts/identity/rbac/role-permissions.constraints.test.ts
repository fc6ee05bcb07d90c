// Integrity rules of role_permissions, from sql/migrations/20261121090200_create_rbac.up.sql,
// exercised with raw SQL. The harness, and how coverage is checked: test/helpers/constraints.ts.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  client,
  count,
  create,
  createPermission,
  createRole,
  expectRejected,
  expectUpdatedAtTrigger,
  FOREIGN_KEY,
  insert,
  NOT_NULL,
  OLD,
  UNIQUE,
  useConstraintHarness,
} from '../../../helpers/constraints.js';
import { coverage } from './role-permissions.constraints.js';

useConstraintHarness(coverage);

describe('role_permissions', () => {
  let roleId: string;
  let permissionId: string;
  beforeAll(async () => {
    roleId = await createRole();
    permissionId = await createPermission();
  });

  it.each(['role_id', 'permission_id', 'created_at', 'updated_at'])('NOT NULL %s', (column) =>
    expectRejected(
      insert('role_permissions', { role_id: roleId, permission_id: permissionId, [column]: null }),
      NOT_NULL,
      `role_permissions.${column}`,
    ),
  );

  it('role_permissions_pkey rejects granting the same permission to a role twice', async () => {
    const role = await createRole();
    await create('role_permissions', { role_id: role, permission_id: permissionId });
    await expectRejected(
      insert('role_permissions', { role_id: role, permission_id: permissionId }),
      UNIQUE,
      'role_permissions_pkey',
    );
    // Near misses: the same role with another permission, the same permission on another role.
    await create('role_permissions', { role_id: role, permission_id: await createPermission() });
    await create('role_permissions', { role_id: await createRole(), permission_id: permissionId });
  });

  it('role_permissions_role_id_fkey rejects an unknown role', () =>
    expectRejected(
      insert('role_permissions', { role_id: randomUUID(), permission_id: permissionId }),
      FOREIGN_KEY,
      'role_permissions_role_id_fkey',
    ));

  it('role_permissions_permission_id_fkey rejects an unknown permission', () =>
    expectRejected(
      insert('role_permissions', { role_id: roleId, permission_id: randomUUID() }),
      FOREIGN_KEY,
      'role_permissions_permission_id_fkey',
    ));

  it('role_permissions_role_id_fkey cascades: deleting a role deletes its grants, not the permissions', async () => {
    const role = await createRole();
    const [read, write] = [await createPermission(), await createPermission()];
    await create('role_permissions', { role_id: role, permission_id: read });
    await create('role_permissions', { role_id: role, permission_id: write });
    await create('role_permissions', { role_id: roleId, permission_id: read });
    await client.query({ text: 'DELETE FROM roles WHERE id = $1', values: [role] });
    expect(await count('role_permissions WHERE role_id = $1', [role])).toBe(0);
    expect(await count('role_permissions WHERE role_id = $1 AND permission_id = $2', [roleId, read])).toBe(1);
    expect(await count('permissions WHERE id = ANY($1::uuid[])', [[read, write]])).toBe(2);
  });

  it('role_permissions_permission_id_fkey cascades: deleting a permission deletes its grants, not the roles', async () => {
    const permission = await createPermission();
    const role = await createRole();
    await create('role_permissions', { role_id: role, permission_id: permission });
    await create('role_permissions', { role_id: role, permission_id: permissionId });
    await client.query({ text: 'DELETE FROM permissions WHERE id = $1', values: [permission] });
    expect(await count('role_permissions WHERE permission_id = $1', [permission])).toBe(0);
    expect(await count('role_permissions WHERE role_id = $1', [role])).toBe(1);
  });

  it('role_permissions_set_updated_at sets updated_at on UPDATE', async () => {
    const role = await createRole();
    await create('role_permissions', { role_id: role, permission_id: permissionId, created_at: OLD, updated_at: OLD });
    await expectUpdatedAtTrigger('role_permissions', { role_id: role, permission_id: permissionId });
  });
});
