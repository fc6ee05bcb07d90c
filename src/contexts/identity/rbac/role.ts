import { defineAggregate } from '../../../core/kernel/aggregate.js';

/** A role (global: shared by every organization). */
export interface Role {
  /** Primary key (uuid). */
  readonly id: string;
  /** Unique name, e.g. `admin`. */
  readonly name: string;
  /** Free text, or `null`. */
  readonly description: string | null;
  /** When the row was created. */
  readonly createdAt: Date;
  /** When the row last changed. */
  readonly updatedAt: Date;
}

/** A permission `resource:action` (global). */
export interface Permission {
  /** Primary key (uuid). */
  readonly id: string;
  /** Unique `resource:action`. */
  readonly name: string;
  /** Free text, or `null`. */
  readonly description: string | null;
  /** When the row was created. */
  readonly createdAt: Date;
  /** When the row last changed. */
  readonly updatedAt: Date;
}

/** The select list that maps a `roles` row to a {@link Role}. */
export const roleColumns = [
  'roles.id',
  'roles.name',
  'roles.description',
  'roles.created_at as createdAt',
  'roles.updated_at as updatedAt',
] as const;

/** The select list that maps a `permissions` row to a {@link Permission}. */
export const permissionColumns = [
  'permissions.id',
  'permissions.name',
  'permissions.description',
  'permissions.created_at as createdAt',
  'permissions.updated_at as updatedAt',
] as const;

/** A role granted to a user (a row of `user_roles`), as the audit trail records it. */
export interface UserRoleGrant {
  /** The user holding the role. */
  readonly userId: string;
  /** The role. */
  readonly roleId: string;
  /** Who granted it, or `null`. */
  readonly grantedBy: string | null;
}

/** A permission granted to a role (a row of `role_permissions`), as the audit trail records it. */
export interface RolePermissionGrant {
  /** The role. */
  readonly roleId: string;
  /** The permission. */
  readonly permissionId: string;
  /** The permission's name. */
  readonly permission: string;
}

/** Roles (global). */
export const roleAggregate = defineAggregate<Role>()({
  name: 'role',
  table: 'roles',
  tenantColumn: null,
  columns: { id: 'id', name: 'name', description: 'description', createdAt: 'created_at', updatedAt: 'updated_at' },
  audited: ['id', 'name', 'description'],
  actions: ['create', 'rename', 'delete'],
});

/** Permissions (global). */
export const permissionAggregate = defineAggregate<Permission>()({
  name: 'permission',
  table: 'permissions',
  tenantColumn: null,
  columns: { id: 'id', name: 'name', description: 'description', createdAt: 'created_at', updatedAt: 'updated_at' },
  audited: ['id', 'name', 'description'],
  actions: ['create'],
});

/** Which permissions each role grants (global). */
export const rolePermissionAggregate = defineAggregate<RolePermissionGrant>()({
  name: 'role_permission',
  table: 'role_permissions',
  tenantColumn: null,
  columns: { roleId: 'role_id', permissionId: 'permission_id' },
  audited: ['roleId', 'permissionId', 'permission'],
  actions: ['grant', 'revoke'],
});

/** Which roles each user holds (per tenant). */
export const userRoleAggregate = defineAggregate<UserRoleGrant>()({
  name: 'user_role',
  table: 'user_roles',
  tenantColumn: 'organization_id',
  columns: { userId: 'user_id', roleId: 'role_id', grantedBy: 'granted_by' },
  audited: ['userId', 'roleId', 'grantedBy'],
  actions: ['assign', 'unassign'],
});
