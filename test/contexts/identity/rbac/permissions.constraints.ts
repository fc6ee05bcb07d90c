import type { ConstraintCoverage } from '../../../helpers/constraints.js';

/**
 * What permissions.constraints.test.ts exercises, per table; test/schema/catalog-coverage.test.ts
 * checks it against the catalog.
 */
export const coverage = {
  permissions: {
    constraints: [
      'permissions_description_length',
      'permissions_name_format',
      'permissions_name_key',
      'permissions_pkey',
    ],
    notNull: ['name', 'id', 'created_at', 'updated_at'],
    triggers: ['permissions_set_updated_at'],
  },
} as const satisfies ConstraintCoverage;
