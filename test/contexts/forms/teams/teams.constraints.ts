import type { ConstraintCoverage } from '../../../helpers/constraints.js';

/**
 * What teams.constraints.test.ts exercises; test/schema/catalog-coverage.test.ts checks it
 * against the catalog.
 */
export const coverage = {
  teams: {
    constraints: [
      'teams_deleted_after_created',
      'teams_description_length',
      'teams_name_length',
      'teams_organization_id_fkey',
      'teams_organization_id_id_key',
      'teams_organization_id_slug_key',
      'teams_pkey',
      'teams_slug_format',
    ],
    notNull: ['id', 'created_at', 'updated_at', 'organization_id', 'slug', 'name'],
    triggers: ['teams_has_owner', 'teams_set_updated_at'],
  },
  team_members: {
    constraints: ['team_members_pkey', 'team_members_role_values', 'team_members_team_id_fkey', 'team_members_user_id_fkey'],
    notNull: ['organization_id', 'team_id', 'user_id', 'role', 'created_at', 'updated_at'],
    triggers: ['team_members_last_owner', 'team_members_set_updated_at'],
  },
} as const satisfies ConstraintCoverage;
