import type { ConstraintCoverage } from '../../../helpers/constraints.js';

/**
 * What user-staff-profiles.constraints.test.ts exercises, per table; test/schema/catalog-coverage.test.ts
 * checks it against the catalog.
 */
export const coverage = {
  user_staff_profiles: {
    constraints: [
      'user_staff_profiles_academic_title_code_fkey',
      'user_staff_profiles_academic_title_other',
      'user_staff_profiles_academic_title_other_length',
      'user_staff_profiles_employee_id_format',
      'user_staff_profiles_employee_id_key',
      'user_staff_profiles_expiry_after_verification',
      'user_staff_profiles_job_title_length',
      'user_staff_profiles_pending_requires_submitted_at',
      'user_staff_profiles_pkey',
      'user_staff_profiles_reason_only_when_rejected',
      'user_staff_profiles_rejected_requires_reason',
      'user_staff_profiles_rejection_reason_length',
      'user_staff_profiles_unit_id_fkey',
      'user_staff_profiles_unverified_clears_metadata',
      'user_staff_profiles_user_id_fkey',
      'user_staff_profiles_verified_by_user_id_fkey',
      'user_staff_profiles_verified_requires_metadata',
      'user_staff_profiles_version_positive',
    ],
    notNull: [
      'user_id',
      'organization_id',
      'profile_verification_status',
      'version',
      'created_at',
      'updated_at',
    ],
    triggers: ['user_staff_profiles_set_updated_at'],
  },
} as const satisfies ConstraintCoverage;
