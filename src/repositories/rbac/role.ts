/** A role (global: shared by every organization). */
export interface Role {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A permission `resource:action` (global). */
export interface Permission {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly createdAt: Date;
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
