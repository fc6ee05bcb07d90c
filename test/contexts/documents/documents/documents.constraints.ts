import type { ConstraintCoverage } from '../../../helpers/constraints.js';

/**
 * What documents.constraints.test.ts exercises, per table; test/schema/catalog-coverage.test.ts
 * checks it against the catalog.
 */
export const coverage = {
  documents: {
    constraints: [
      'documents_client_id_fkey',
      'documents_client_name_key',
      'documents_current_version_positive',
      'documents_metadata_is_object',
      'documents_metadata_size',
      'documents_mime_type_format',
      'documents_organization_id_id_key',
      'documents_original_name_length',
      'documents_pkey',
      'documents_storage_key_length',
    ],
    notNull: [
      'organization_id',
      'client_id',
      'original_name',
      'storage_key',
      'mime_type',
      'id',
      'current_version',
      'metadata',
      'created_at',
      'updated_at',
    ],
    triggers: ['documents_set_updated_at'],
  },
} as const satisfies ConstraintCoverage;
