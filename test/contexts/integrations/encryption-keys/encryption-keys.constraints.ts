import type { ConstraintCoverage } from '../../../helpers/constraints.js';

/**
 * What encryption-keys.constraints.test.ts exercises; test/schema/catalog-coverage.test.ts checks
 * it against the catalog.
 */
export const coverage = {
  encryption_keys: {
    constraints: [
      'encryption_keys_master_key_id_length',
      'encryption_keys_one_active_key',
      'encryption_keys_organization_id_fkey',
      'encryption_keys_organization_purpose_version_key',
      'encryption_keys_pkey',
      'encryption_keys_provider_format',
      'encryption_keys_purpose_format',
      'encryption_keys_retired_after_created',
      'encryption_keys_retired_at_when_retired',
      'encryption_keys_status_values',
      'encryption_keys_version_range',
      'encryption_keys_wrapped_key_length',
    ],
    notNull: ['id', 'created_at', 'updated_at', 'organization_id', 'purpose', 'version', 'status', 'provider', 'master_key_id', 'wrapped_key'],
    triggers: ['encryption_keys_set_updated_at'],
  },
} as const satisfies ConstraintCoverage;
