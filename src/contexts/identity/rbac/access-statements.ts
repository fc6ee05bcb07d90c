// The access repository's statements, compiled once per process (see `compiledQuery`).
import { sql, type Kysely } from 'kysely';
import { compiledQuery } from '../../../core/kernel/compiled-query.js';
import type { DB } from '../../../schema/db.js';

/** The user's role grants joined to the permissions they give, for a live, active user of a live organization. */
const effectivePermissions = (db: Kysely<DB>, userId: string) =>
  db
    .selectFrom('user_roles')
    .innerJoin('users', 'users.id', 'user_roles.user_id')
    .innerJoin('organizations', 'organizations.id', 'user_roles.organization_id')
    .innerJoin('role_permissions', 'role_permissions.role_id', 'user_roles.role_id')
    .innerJoin('permissions', 'permissions.id', 'role_permissions.permission_id')
    .where('user_roles.user_id', '=', userId)
    .where('users.is_active', '=', true)
    .where('users.deleted_at', 'is', null)
    .where('organizations.deleted_at', 'is', null);

/** Whether the user holds the permission (one EXISTS). */
export const permissionCheck = compiledQuery((db, p: { user: string; permission: string }) =>
  db.selectNoFrom((eb) =>
    eb
      .exists(effectivePermissions(db, p.user).select(sql.lit(1).as('one')).where('permissions.name', '=', p.permission))
      .as('allowed'),
  ),
);

/** The distinct names of the permissions the user holds, sorted. */
export const effectivePermissionNames = compiledQuery((db, p: { user: string }) =>
  effectivePermissions(db, p.user).select('permissions.name').distinct().orderBy('permissions.name'),
);

/** The names of the roles the user holds, sorted. */
export const userRoleNames = compiledQuery((db, p: { user: string }) =>
  db
    .selectFrom('user_roles')
    .innerJoin('roles', 'roles.id', 'user_roles.role_id')
    .select('roles.name')
    .where('user_roles.user_id', '=', p.user)
    .orderBy('roles.name'),
);

/**
 * Grants the role to the live user (INSERT … SELECT from `users`: a missing or deleted user
 * inserts nothing); no row when the user already held it.
 */
export const insertUserRole = compiledQuery((db, p: { user: string; role: string; grantedBy: string | null }) =>
  db
    .insertInto('user_roles')
    .columns(['user_id', 'role_id', 'organization_id', 'granted_by'])
    .expression(
      db
        .selectFrom('users')
        .select(['users.id', sql.val(p.role).as('role_id'), 'users.organization_id', sql.val(p.grantedBy).as('granted_by')])
        .where('users.id', '=', p.user)
        .where('users.deleted_at', 'is', null),
    )
    // By the key's name, not its columns: the key gains organization_id (Citus, docs/scaling.md)
    // once no service runs 0.11, whose grants name the columns.
    .onConflict((oc) => oc.constraint('user_roles_pkey').doNothing())
    .returning(['user_roles.organization_id']),
);

/** The live user's id. */
export const liveUserId = compiledQuery((db, p: { user: string }) =>
  db.selectFrom('users').select('id').where('id', '=', p.user).where('deleted_at', 'is', null),
);

/** Removes the role from the user; the removed grant's tenant and grantor. */
export const deleteUserRole = compiledQuery((db, p: { user: string; role: string }) =>
  db
    .deleteFrom('user_roles')
    .where('user_id', '=', p.user)
    .where('role_id', '=', p.role)
    .returning(['organization_id', 'granted_by']),
);
