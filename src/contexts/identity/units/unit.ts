import { defineAggregate } from '../../../core/kernel/aggregate.js';

/** A unit: where people of an organization work (department, faculty, office). */
export interface Unit {
  /** Primary key (uuid). */
  readonly id: string;
  /** The organization it belongs to. */
  readonly organizationId: string;
  /** Unique within the organization. */
  readonly code: string;
  /** Display name. */
  readonly name: string;
  /** The enclosing unit of the same organization, or `null` at the top. */
  readonly parentUnitId: string | null;
  /** `false` for units no longer in use. */
  readonly isActive: boolean;
  /** When the row was created. */
  readonly createdAt: Date;
  /** When the row last changed. */
  readonly updatedAt: Date;
}

/** The select list that maps a `units` row to a {@link Unit}. */
export const unitColumns = [
  'units.id',
  'units.organization_id as organizationId',
  'units.code',
  'units.name',
  'units.parent_unit_id as parentUnitId',
  'units.is_active as isActive',
  'units.created_at as createdAt',
  'units.updated_at as updatedAt',
] as const;

/** Units of an organization. */
export const unitAggregate = defineAggregate<Unit>()({
  name: 'unit',
  table: 'units',
  tenantColumn: 'organization_id',
  columns: {
    id: 'id',
    organizationId: 'organization_id',
    code: 'code',
    name: 'name',
    parentUnitId: 'parent_unit_id',
    isActive: 'is_active',
    createdAt: 'created_at',
    updatedAt: 'updated_at',
  },
  audited: ['id', 'organizationId', 'code', 'name', 'parentUnitId', 'isActive'],
  actions: ['create'],
});
