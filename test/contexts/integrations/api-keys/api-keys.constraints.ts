import type { ConstraintCoverage } from '../../../helpers/constraints.js';

/**
 * What api-keys.constraints.test.ts exercises; test/schema/catalog-coverage.test.ts checks it
 * against the catalog.
 */
export const coverage = {
  api_keys: {
    constraints: [
      'api_keys_created_by_user_id_fkey',
      'api_keys_expires_after_created',
      'api_keys_name_length',
      'api_keys_organization_id_fkey',
      'api_keys_organization_id_id_key',
      'api_keys_pkey',
      'api_keys_prefix_format',
      'api_keys_revoked_after_created',
      'api_keys_revoked_by_user_id_fkey',
      'api_keys_revoked_by_when_revoked',
      'api_keys_secret_hash_key',
      'api_keys_secret_hash_length',
      'api_keys_used_after_created',
    ],
    notNull: ['id', 'created_at', 'updated_at', 'organization_id', 'name', 'prefix', 'secret_hash', 'created_by_user_id'],
    triggers: ['api_keys_set_updated_at'],
  },
  api_key_permissions: {
    constraints: ['api_key_permissions_api_key_id_fkey', 'api_key_permissions_permission_id_fkey', 'api_key_permissions_pkey'],
    notNull: ['organization_id', 'api_key_id', 'permission_id', 'created_at', 'updated_at'],
    triggers: ['api_key_permissions_set_updated_at'],
  },
} as const satisfies ConstraintCoverage;
