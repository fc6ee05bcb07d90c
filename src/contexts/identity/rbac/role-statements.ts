// The role repository's statements, compiled once per process (see `compiledQuery`).
import { sql } from 'kysely';
import { compiledQuery } from '../../../core/kernel/compiled-query.js';
import { ADMIN_ROLE } from './default-role.js';
import { permissionColumns, roleColumns } from './role.js';

/** The role with this id. */
export const roleById = compiledQuery((db, p: { id: string }) =>
  db.selectFrom('roles').select(roleColumns).where('roles.id', '=', p.id),
);

/** The role, locked until the transaction ends (`FOR UPDATE`). */
export const lockRoleById = compiledQuery((db, p: { id: string }) =>
  db.selectFrom('roles').select(roleColumns).where('id', '=', p.id).forUpdate(),
);

/** The role with this name. */
export const roleByName = compiledQuery((db, p: { name: string }) =>
  db.selectFrom('roles').select(roleColumns).where('roles.name', '=', p.name),
);

/** Every role, by name. */
export const allRoles = compiledQuery((db, _: Record<string, never>) =>
  db.selectFrom('roles').select(roleColumns).orderBy('roles.name'),
);

/** Inserts a role. */
export const insertRole = compiledQuery((db, p: { name: string; description: string | null }) =>
  db.insertInto('roles').values({ name: p.name, description: p.description }).returning(roleColumns),
);

/** Renames the role. */
export const renameRole = compiledQuery((db, p: { id: string; name: string }) =>
  db.updateTable('roles').set({ name: p.name }).where('id', '=', p.id).returning(roleColumns),
);

/** Deletes the role (its grants cascade). */
export const deleteRole = compiledQuery((db, p: { id: string }) => db.deleteFrom('roles').where('id', '=', p.id));

/** Inserts a permission. */
export const insertPermission = compiledQuery((db, p: { name: string; description: string | null }) =>
  db.insertInto('permissions').values({ name: p.name, description: p.description }).returning(permissionColumns),
);

/** Grants the permission to the `admin` role when it exists (no row otherwise). */
export const grantToAdmin = compiledQuery((db, p: { permissionId: string }) =>
  db
    .insertInto('role_permissions')
    .columns(['role_id', 'permission_id'])
    .expression(
      db
        .selectFrom('roles')
        .select(['roles.id', sql.val(p.permissionId).as('permission_id')])
        .where('roles.name', '=', ADMIN_ROLE),
    )
    .returning('role_id'),
);

/** Every permission, by name. */
export const allPermissions = compiledQuery((db, _: Record<string, never>) =>
  db.selectFrom('permissions').select(permissionColumns).orderBy('permissions.name'),
);

/** The names of the permissions the role grants, sorted. */
export const rolePermissionNames = compiledQuery((db, p: { role: string }) =>
  db
    .selectFrom('role_permissions')
    .innerJoin('permissions', 'permissions.id', 'role_permissions.permission_id')
    .select('permissions.name')
    .where('role_permissions.role_id', '=', p.role)
    .orderBy('permissions.name'),
);

/** The id of the permission with this name. */
export const permissionIdByName = compiledQuery((db, p: { name: string }) =>
  db.selectFrom('permissions').select('id').where('name', '=', p.name),
);

/** Grants the permission to the role; no row when it was already granted. */
export const insertRolePermission = compiledQuery((db, p: { role: string; permission: string }) =>
  db
    .insertInto('role_permissions')
    .values({ role_id: p.role, permission_id: p.permission })
    .onConflict((oc) => oc.doNothing())
    .returning('role_id'),
);

/** Revokes the named permission from the role; the revoked permission's id. */
export const deleteRolePermission = compiledQuery((db, p: { role: string; name: string }) =>
  db
    .deleteFrom('role_permissions')
    .where('role_id', '=', p.role)
    .where('permission_id', 'in', (eb) => eb.selectFrom('permissions').select('id').where('name', '=', p.name))
    .returning('permission_id'),
);
