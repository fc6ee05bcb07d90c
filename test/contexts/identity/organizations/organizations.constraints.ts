import type { ConstraintCoverage } from '../../../helpers/constraints.js';

/**
 * What organizations.constraints.test.ts exercises, per table; test/schema/catalog-coverage.test.ts
 * checks it against the catalog.
 */
export const coverage = {
  organizations: {
    constraints: [
      'organizations_name_length',
      'organizations_id_not_platform',
      'organizations_pkey',
      'organizations_settings_is_object',
      'organizations_slug_format',
      'organizations_slug_key',
    ],
    notNull: ['slug', 'name', 'id', 'settings', 'created_at', 'updated_at'],
    triggers: ['organizations_set_updated_at'],
  },
} as const satisfies ConstraintCoverage;
