-- Drops the forms and their versions. Events of the eight form.* types stay in domain_events.
DROP TABLE form_versions;
DROP FUNCTION org_data_form_version_contiguous();
DROP FUNCTION org_data_form_version_immutable();
DROP TABLE forms;
DROP FUNCTION org_data_form_published_version();
DELETE FROM event_types WHERE code IN ('form.created', 'form.updated', 'form.draft_saved', 'form.published', 'form.rolled_back',
  'form.archived', 'form.restored', 'form.deleted');
