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
