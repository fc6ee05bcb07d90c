import type { ConstraintCoverage } from '../../../helpers/constraints.js';

/**
 * What forms.constraints.test.ts exercises; test/schema/catalog-coverage.test.ts checks it
 * against the catalog.
 */
export const coverage = {
  forms: {
    constraints: [
      'forms_deleted_after_created',
      'forms_description_length',
      'forms_latest_version_range',
      'forms_name_length',
      'forms_organization_id_fkey',
      'forms_organization_id_id_key',
      'forms_organization_id_slug_key',
      'forms_pkey',
      'forms_published_version_range',
      'forms_published_when_not_draft',
      'forms_slug_format',
      'forms_status_values',
    ],
    notNull: ['id', 'created_at', 'updated_at', 'organization_id', 'slug', 'name', 'status', 'latest_version'],
    triggers: ['forms_published_version_published', 'forms_set_updated_at'],
  },
  form_versions: {
    constraints: [
      'form_versions_created_by_fkey',
      'form_versions_definition_object',
      'form_versions_definition_sha256_format',
      'form_versions_form_id_fkey',
      'form_versions_one_draft_key',
      'form_versions_organization_id_form_id_id_key',
      'form_versions_organization_id_form_id_version_key',
      'form_versions_pkey',
      'form_versions_published_after_created',
      'form_versions_published_at_when_published',
      'form_versions_published_by_fkey',
      'form_versions_published_by_when_published',
      'form_versions_revision_positive',
      'form_versions_version_range',
    ],
    notNull: ['id', 'created_at', 'updated_at', 'organization_id', 'form_id', 'version', 'definition', 'definition_sha256', 'revision', 'is_published'],
    triggers: ['form_versions_contiguous', 'form_versions_immutable', 'form_versions_set_updated_at'],
  },
} as const satisfies ConstraintCoverage;
