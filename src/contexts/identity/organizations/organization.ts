import type { OrganizationSettings } from './organization.inputs.js';

/** An organization (tenant), as returned by the repository. */
export interface Organization {
  /** Primary key (uuid). */
  readonly id: string;
  /** URL-safe unique name among live organizations. */
  readonly slug: string;
  /** Display name. */
  readonly name: string;
  /** Validated settings document. */
  readonly settings: OrganizationSettings;
  /** When the row was created. */
  readonly createdAt: Date;
  /** When the row last changed (kept by the database). */
  readonly updatedAt: Date;
  /** When it was soft-deleted; `null` while live. */
  readonly deletedAt: Date | null;
}

/** The select list that maps an `organizations` row to an {@link Organization}. */
export const organizationColumns = [
  'organizations.id',
  'organizations.slug',
  'organizations.name',
  'organizations.settings',
  'organizations.created_at as createdAt',
  'organizations.updated_at as updatedAt',
  'organizations.deleted_at as deletedAt',
] as const;
