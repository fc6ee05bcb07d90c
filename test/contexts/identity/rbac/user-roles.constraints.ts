import type { ConstraintCoverage } from '../../../helpers/constraints.js';

/**
 * What user-roles.constraints.test.ts exercises, per table; test/schema/catalog-coverage.test.ts
 * checks it against the catalog.
 */
export const coverage = {
  user_roles: {
    constraints: [
      'user_roles_granted_by_fkey',
      'user_roles_pkey',
      'user_roles_role_id_fkey',
      'user_roles_user_id_fkey',
    ],
    notNull: ['user_id', 'role_id', 'organization_id', 'granted_at', 'created_at', 'updated_at'],
    triggers: ['user_roles_set_updated_at'],
  },
} as const satisfies ConstraintCoverage;
