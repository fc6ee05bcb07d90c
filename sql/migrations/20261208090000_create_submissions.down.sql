-- Drops submissions and their attachments. Events of the thirteen submission.* types stay in
-- domain_events.
DROP TABLE submission_attachments;
DROP FUNCTION org_data_submission_attachment_rules();
DROP TABLE submissions;
DROP FUNCTION org_data_submission_version_published();
DROP FUNCTION org_data_submission_attachments_clean();
DELETE FROM event_types WHERE code IN ('submission.created', 'submission.updated', 'submission.submitted', 'submission.review_started',
  'submission.approved', 'submission.rejected', 'submission.reopened', 'submission.completed', 'submission.archived',
  'submission.assigned', 'submission.attachment_added', 'submission.attachment_scanned', 'submission.attachment_removed');
