import type { ConstraintCoverage } from '../../../helpers/constraints.js';

/**
 * What collaborators.constraints.test.ts exercises; test/schema/catalog-coverage.test.ts checks
 * it against the catalog.
 */
export const coverage = {
  form_collaborators: {
    constraints: [
      'form_collaborators_created_by_fkey',
      'form_collaborators_form_id_fkey',
      'form_collaborators_pkey',
      'form_collaborators_role_id_fkey',
      'form_collaborators_team_id_fkey',
      'form_collaborators_team_role_key',
      'form_collaborators_user_id_fkey',
      'form_collaborators_user_or_team',
      'form_collaborators_user_role_key',
    ],
    notNull: ['id', 'created_at', 'updated_at', 'organization_id', 'form_id', 'role_id'],
    triggers: ['form_collaborators_set_updated_at'],
  },
} as const satisfies ConstraintCoverage;
