import type { ConstraintCoverage } from '../../../helpers/constraints.js';

/**
 * What role-permissions.constraints.test.ts exercises, per table; test/schema/catalog-coverage.test.ts
 * checks it against the catalog.
 */
export const coverage = {
  role_permissions: {
    constraints: [
      'role_permissions_permission_id_fkey',
      'role_permissions_pkey',
      'role_permissions_role_id_fkey',
    ],
    notNull: ['role_id', 'permission_id', 'created_at', 'updated_at'],
    triggers: ['role_permissions_set_updated_at'],
  },
} as const satisfies ConstraintCoverage;
