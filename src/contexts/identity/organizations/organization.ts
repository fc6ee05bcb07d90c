import { defineAggregate } from '../../../core/kernel/aggregate.js';
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

/** The organization aggregate: the tenant row itself (its tenant key is its own id). */
export const organizationAggregate = defineAggregate<Organization>()({
  name: 'organization',
  table: 'organizations',
  tenantColumn: 'id',
  columns: {
    id: 'id',
    slug: 'slug',
    name: 'name',
    settings: 'settings',
    createdAt: 'created_at',
    updatedAt: 'updated_at',
    deletedAt: 'deleted_at',
  },
  audited: ['id', 'slug', 'name', 'settings', 'deletedAt'],
  actions: ['create', 'update_settings', 'delete'],
});
