import type { ConstraintCoverage } from '../../../helpers/constraints.js';

/**
 * What user-profiles.constraints.test.ts exercises, per table; test/schema/catalog-coverage.test.ts
 * checks it against the catalog.
 */
export const coverage = {
  user_profiles: {
    constraints: [
      'user_profiles_birthdate_range',
      'user_profiles_full_name_length',
      'user_profiles_locale_format',
      'user_profiles_pkey',
      'user_profiles_time_zone_format',
      'user_profiles_user_id_fkey',
    ],
    notNull: ['user_id', 'organization_id', 'full_name', 'locale', 'time_zone', 'created_at', 'updated_at'],
    triggers: ['user_profiles_set_updated_at'],
  },
} as const satisfies ConstraintCoverage;
