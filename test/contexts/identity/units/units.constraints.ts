import type { ConstraintCoverage } from '../../../helpers/constraints.js';

/**
 * What units.constraints.test.ts exercises, per table; test/schema/catalog-coverage.test.ts
 * checks it against the catalog.
 */
export const coverage = {
  units: {
    constraints: [
      'units_code_format',
      'units_name_length',
      'units_not_own_parent',
      'units_organization_id_code_key',
      'units_organization_id_fkey',
      'units_organization_id_id_key',
      'units_parent_unit_id_fkey',
      'units_pkey',
    ],
    notNull: ['organization_id', 'code', 'name', 'id', 'is_active', 'created_at', 'updated_at'],
    triggers: ['units_set_updated_at'],
  },
} as const satisfies ConstraintCoverage;
