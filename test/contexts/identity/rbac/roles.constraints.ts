import type { ConstraintCoverage } from '../../../helpers/constraints.js';

/**
 * What roles.constraints.test.ts exercises, per table; test/schema/catalog-coverage.test.ts
 * checks it against the catalog.
 */
export const coverage = {
  roles: {
    constraints: ['roles_description_length', 'roles_name_format', 'roles_name_key', 'roles_pkey'],
    notNull: ['name', 'id', 'created_at', 'updated_at'],
    triggers: ['roles_set_updated_at'],
  },
} as const satisfies ConstraintCoverage;
