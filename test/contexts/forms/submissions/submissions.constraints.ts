import type { ConstraintCoverage } from '../../../helpers/constraints.js';

/**
 * What submissions.constraints.test.ts exercises; test/schema/catalog-coverage.test.ts checks it
 * against the catalog.
 */
export const coverage = {
  submissions: {
    constraints: [
      'submissions_assigned_team_id_fkey',
      'submissions_assigned_user_id_fkey',
      'submissions_created_by_fkey',
      'submissions_data_object',
      'submissions_decided_after_submitted',
      'submissions_decided_by_fkey',
      'submissions_decided_by_with_decided_at',
      'submissions_decided_when_decided',
      'submissions_form_id_number_key',
      'submissions_form_version_id_fkey',
      'submissions_number_positive',
      'submissions_number_when_submitted',
      'submissions_one_assignee',
      'submissions_organization_id_id_key',
      'submissions_pkey',
      'submissions_rejection_needs_reason',
      'submissions_rejection_reason_length',
      'submissions_sensitive_data_size',
      'submissions_status_values',
      'submissions_submitted_after_created',
      'submissions_submitted_at_when_not_draft',
      'submissions_version_positive',
    ],
    notNull: ['id', 'created_at', 'updated_at', 'organization_id', 'form_id', 'form_version_id', 'status', 'version', 'data', 'status_changed_at'],
    triggers: ['submissions_attachments_clean', 'submissions_form_version_published', 'submissions_set_updated_at'],
  },
  submission_attachments: {
    constraints: [
      'submission_attachments_file_name_length',
      'submission_attachments_mime_type_format',
      'submission_attachments_pkey',
      'submission_attachments_scan_status_values',
      'submission_attachments_scanned_at_when_scanned',
      'submission_attachments_sha256_format',
      'submission_attachments_size_range',
      'submission_attachments_storage_key_key',
      'submission_attachments_storage_key_length',
      'submission_attachments_submission_id_fkey',
    ],
    notNull: ['id', 'created_at', 'updated_at', 'organization_id', 'submission_id', 'storage_key', 'file_name', 'sha256', 'size_bytes', 'mime_type', 'scan_status'],
    triggers: ['submission_attachments_draft_only', 'submission_attachments_set_updated_at'],
  },
} as const satisfies ConstraintCoverage;
