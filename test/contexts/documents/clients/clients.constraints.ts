import type { ConstraintCoverage } from '../../../helpers/constraints.js';

/**
 * What clients.constraints.test.ts exercises, per table; test/schema/catalog-coverage.test.ts
 * checks it against the catalog.
 */
export const coverage = {
  clients: {
    constraints: [
      'clients_code_format',
      'clients_manager_user_id_fkey',
      'clients_metadata_is_object',
      'clients_metadata_size',
      'clients_name_length',
      'clients_organization_code_key',
      'clients_organization_id_fkey',
      'clients_organization_id_id_key',
      'clients_pkey',
    ],
    notNull: ['organization_id', 'code', 'name', 'id', 'status', 'metadata', 'created_at', 'updated_at'],
    triggers: ['clients_set_updated_at'],
  },
} as const satisfies ConstraintCoverage;
