import type { ConstraintCoverage } from '../../../helpers/constraints.js';

/**
 * What document-versions.constraints.test.ts exercises, per table; test/schema/catalog-coverage.test.ts
 * checks it against the catalog.
 */
export const coverage = {
  document_versions: {
    constraints: [
      'document_versions_checksum_format',
      'document_versions_document_id_fkey',
      'document_versions_document_id_version_number_key',
      'document_versions_pkey',
      'document_versions_size_non_negative',
      'document_versions_storage_key_key',
      'document_versions_storage_key_length',
      'document_versions_version_number_positive',
    ],
    notNull: [
      'organization_id',
      'document_id',
      'version_number',
      'storage_key',
      'checksum_sha256',
      'size_bytes',
      'id',
      'created_at',
      'updated_at',
    ],
    triggers: ['document_versions_immutable', 'document_versions_no_truncate'],
  },
} as const satisfies ConstraintCoverage;
