import type { OrganizationSettings } from '../../schema/inputs/organization-inputs.js';

/** An organization (tenant), as returned by the repository. */
export interface Organization {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly settings: OrganizationSettings;
  readonly createdAt: Date;
  readonly updatedAt: Date;
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
