import type { ConstraintCoverage } from '../../../helpers/constraints.js';

/**
 * What users.constraints.test.ts exercises, per table; test/schema/catalog-coverage.test.ts
 * checks it against the catalog.
 */
export const coverage = {
  users: {
    constraints: [
      'users_auth_subject_key',
      'users_auth_subject_length',
      'users_email_format',
      'users_organization_email_key',
      'users_organization_id_fkey',
      'users_organization_id_id_key',
      'users_pkey',
    ],
    notNull: ['organization_id', 'auth_subject', 'email', 'id', 'is_active', 'created_at', 'updated_at'],
    triggers: ['users_set_updated_at'],
  },
} as const satisfies ConstraintCoverage;
