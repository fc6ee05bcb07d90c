-- org-data:no-transaction
-- Back to the 0.11.0 keys (without organization_id), built CONCURRENTLY and swapped in the same way.
DROP INDEX CONCURRENTLY IF EXISTS user_staff_profiles_verified_by_organization_idx;
DROP INDEX CONCURRENTLY IF EXISTS user_roles_granted_by_idx_swap;
CREATE INDEX CONCURRENTLY IF NOT EXISTS user_roles_granted_by_idx_swap ON user_roles (granted_by);
DROP INDEX CONCURRENTLY IF EXISTS user_roles_granted_by_idx;
ALTER INDEX user_roles_granted_by_idx_swap RENAME TO user_roles_granted_by_idx;

DROP INDEX CONCURRENTLY IF EXISTS api_key_permissions_pkey_swap;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS api_key_permissions_pkey_swap ON api_key_permissions (api_key_id, permission_id);
ALTER TABLE api_key_permissions DROP CONSTRAINT api_key_permissions_pkey, ADD CONSTRAINT api_key_permissions_pkey PRIMARY KEY USING INDEX api_key_permissions_pkey_swap;

DROP INDEX CONCURRENTLY IF EXISTS api_keys_pkey_swap;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS api_keys_pkey_swap ON api_keys (id);
ALTER TABLE api_keys DROP CONSTRAINT api_keys_pkey, ADD CONSTRAINT api_keys_pkey PRIMARY KEY USING INDEX api_keys_pkey_swap;

DROP INDEX CONCURRENTLY IF EXISTS clients_pkey_swap;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS clients_pkey_swap ON clients (id);
ALTER TABLE clients DROP CONSTRAINT clients_pkey, ADD CONSTRAINT clients_pkey PRIMARY KEY USING INDEX clients_pkey_swap;

DROP INDEX CONCURRENTLY IF EXISTS document_versions_pkey_swap;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS document_versions_pkey_swap ON document_versions (id);
ALTER TABLE document_versions DROP CONSTRAINT document_versions_pkey, ADD CONSTRAINT document_versions_pkey PRIMARY KEY USING INDEX document_versions_pkey_swap;

DROP INDEX CONCURRENTLY IF EXISTS documents_pkey_swap;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS documents_pkey_swap ON documents (id);
ALTER TABLE documents DROP CONSTRAINT documents_pkey, ADD CONSTRAINT documents_pkey PRIMARY KEY USING INDEX documents_pkey_swap;

DROP INDEX CONCURRENTLY IF EXISTS encryption_keys_pkey_swap;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS encryption_keys_pkey_swap ON encryption_keys (id);
ALTER TABLE encryption_keys DROP CONSTRAINT encryption_keys_pkey, ADD CONSTRAINT encryption_keys_pkey PRIMARY KEY USING INDEX encryption_keys_pkey_swap;

DROP INDEX CONCURRENTLY IF EXISTS event_deliveries_pkey_swap;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS event_deliveries_pkey_swap ON event_deliveries (id);
ALTER TABLE event_deliveries DROP CONSTRAINT event_deliveries_pkey, ADD CONSTRAINT event_deliveries_pkey PRIMARY KEY USING INDEX event_deliveries_pkey_swap;

DROP INDEX CONCURRENTLY IF EXISTS form_collaborators_pkey_swap;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS form_collaborators_pkey_swap ON form_collaborators (id);
ALTER TABLE form_collaborators DROP CONSTRAINT form_collaborators_pkey, ADD CONSTRAINT form_collaborators_pkey PRIMARY KEY USING INDEX form_collaborators_pkey_swap;

DROP INDEX CONCURRENTLY IF EXISTS form_versions_pkey_swap;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS form_versions_pkey_swap ON form_versions (id);
ALTER TABLE form_versions DROP CONSTRAINT form_versions_pkey, ADD CONSTRAINT form_versions_pkey PRIMARY KEY USING INDEX form_versions_pkey_swap;

DROP INDEX CONCURRENTLY IF EXISTS forms_pkey_swap;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS forms_pkey_swap ON forms (id);
ALTER TABLE forms DROP CONSTRAINT forms_pkey, ADD CONSTRAINT forms_pkey PRIMARY KEY USING INDEX forms_pkey_swap;

DROP INDEX CONCURRENTLY IF EXISTS notifications_pkey_swap;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS notifications_pkey_swap ON notifications (id);
ALTER TABLE notifications DROP CONSTRAINT notifications_pkey, ADD CONSTRAINT notifications_pkey PRIMARY KEY USING INDEX notifications_pkey_swap;

DROP INDEX CONCURRENTLY IF EXISTS outbox_messages_pkey_swap;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS outbox_messages_pkey_swap ON outbox_messages (event_created_at, event_id);
ALTER TABLE outbox_messages DROP CONSTRAINT outbox_messages_pkey, ADD CONSTRAINT outbox_messages_pkey PRIMARY KEY USING INDEX outbox_messages_pkey_swap;

DROP INDEX CONCURRENTLY IF EXISTS submission_attachments_pkey_swap;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS submission_attachments_pkey_swap ON submission_attachments (id);
ALTER TABLE submission_attachments DROP CONSTRAINT submission_attachments_pkey, ADD CONSTRAINT submission_attachments_pkey PRIMARY KEY USING INDEX submission_attachments_pkey_swap;

DROP INDEX CONCURRENTLY IF EXISTS submissions_pkey_swap;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS submissions_pkey_swap ON submissions (id);
ALTER TABLE submissions DROP CONSTRAINT submissions_pkey, ADD CONSTRAINT submissions_pkey PRIMARY KEY USING INDEX submissions_pkey_swap;

DROP INDEX CONCURRENTLY IF EXISTS team_members_pkey_swap;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS team_members_pkey_swap ON team_members (team_id, user_id);
ALTER TABLE team_members DROP CONSTRAINT team_members_pkey, ADD CONSTRAINT team_members_pkey PRIMARY KEY USING INDEX team_members_pkey_swap;

DROP INDEX CONCURRENTLY IF EXISTS teams_pkey_swap;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS teams_pkey_swap ON teams (id);
ALTER TABLE teams DROP CONSTRAINT teams_pkey, ADD CONSTRAINT teams_pkey PRIMARY KEY USING INDEX teams_pkey_swap;

DROP INDEX CONCURRENTLY IF EXISTS units_pkey_swap;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS units_pkey_swap ON units (id);
ALTER TABLE units DROP CONSTRAINT units_pkey, ADD CONSTRAINT units_pkey PRIMARY KEY USING INDEX units_pkey_swap;

DROP INDEX CONCURRENTLY IF EXISTS user_profiles_pkey_swap;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS user_profiles_pkey_swap ON user_profiles (user_id);
ALTER TABLE user_profiles DROP CONSTRAINT user_profiles_pkey, ADD CONSTRAINT user_profiles_pkey PRIMARY KEY USING INDEX user_profiles_pkey_swap;

DROP INDEX CONCURRENTLY IF EXISTS user_staff_profiles_pkey_swap;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS user_staff_profiles_pkey_swap ON user_staff_profiles (user_id);
ALTER TABLE user_staff_profiles DROP CONSTRAINT user_staff_profiles_pkey, ADD CONSTRAINT user_staff_profiles_pkey PRIMARY KEY USING INDEX user_staff_profiles_pkey_swap;

DROP INDEX CONCURRENTLY IF EXISTS users_pkey_swap;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_pkey_swap ON users (id);
ALTER TABLE users DROP CONSTRAINT users_pkey, ADD CONSTRAINT users_pkey PRIMARY KEY USING INDEX users_pkey_swap;

DROP INDEX CONCURRENTLY IF EXISTS webhook_deliveries_pkey_swap;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS webhook_deliveries_pkey_swap ON webhook_deliveries (id);
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_pkey, ADD CONSTRAINT webhook_deliveries_pkey PRIMARY KEY USING INDEX webhook_deliveries_pkey_swap;

DROP INDEX CONCURRENTLY IF EXISTS webhooks_pkey_swap;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS webhooks_pkey_swap ON webhooks (id);
ALTER TABLE webhooks DROP CONSTRAINT webhooks_pkey, ADD CONSTRAINT webhooks_pkey PRIMARY KEY USING INDEX webhooks_pkey_swap;

DROP INDEX CONCURRENTLY IF EXISTS workflow_execution_steps_pkey_swap;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS workflow_execution_steps_pkey_swap ON workflow_execution_steps (id);
ALTER TABLE workflow_execution_steps DROP CONSTRAINT workflow_execution_steps_pkey, ADD CONSTRAINT workflow_execution_steps_pkey PRIMARY KEY USING INDEX workflow_execution_steps_pkey_swap;

DROP INDEX CONCURRENTLY IF EXISTS workflow_executions_pkey_swap;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS workflow_executions_pkey_swap ON workflow_executions (id);
ALTER TABLE workflow_executions DROP CONSTRAINT workflow_executions_pkey, ADD CONSTRAINT workflow_executions_pkey PRIMARY KEY USING INDEX workflow_executions_pkey_swap;

DROP INDEX CONCURRENTLY IF EXISTS workflow_triggers_pkey_swap;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS workflow_triggers_pkey_swap ON workflow_triggers (id);
ALTER TABLE workflow_triggers DROP CONSTRAINT workflow_triggers_pkey, ADD CONSTRAINT workflow_triggers_pkey PRIMARY KEY USING INDEX workflow_triggers_pkey_swap;

DROP INDEX CONCURRENTLY IF EXISTS workflow_versions_pkey_swap;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS workflow_versions_pkey_swap ON workflow_versions (id);
ALTER TABLE workflow_versions DROP CONSTRAINT workflow_versions_pkey, ADD CONSTRAINT workflow_versions_pkey PRIMARY KEY USING INDEX workflow_versions_pkey_swap;

DROP INDEX CONCURRENTLY IF EXISTS workflows_pkey_swap;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS workflows_pkey_swap ON workflows (id);
ALTER TABLE workflows DROP CONSTRAINT workflows_pkey, ADD CONSTRAINT workflows_pkey PRIMARY KEY USING INDEX workflows_pkey_swap;

DROP INDEX CONCURRENTLY IF EXISTS document_versions_document_id_version_number_key_swap;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS document_versions_document_id_version_number_key_swap ON document_versions (document_id, version_number);
ALTER TABLE document_versions DROP CONSTRAINT document_versions_document_id_version_number_key, ADD CONSTRAINT document_versions_document_id_version_number_key UNIQUE USING INDEX document_versions_document_id_version_number_key_swap;

DROP INDEX CONCURRENTLY IF EXISTS documents_client_name_key_swap;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS documents_client_name_key_swap ON documents (client_id, original_name) WHERE deleted_at IS NULL;
DROP INDEX CONCURRENTLY IF EXISTS documents_client_name_key;
ALTER INDEX documents_client_name_key_swap RENAME TO documents_client_name_key;

DROP INDEX CONCURRENTLY IF EXISTS form_collaborators_user_role_key_swap;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS form_collaborators_user_role_key_swap ON form_collaborators (form_id, user_id, role_id) WHERE user_id IS NOT NULL;
DROP INDEX CONCURRENTLY IF EXISTS form_collaborators_user_role_key;
ALTER INDEX form_collaborators_user_role_key_swap RENAME TO form_collaborators_user_role_key;

DROP INDEX CONCURRENTLY IF EXISTS form_collaborators_team_role_key_swap;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS form_collaborators_team_role_key_swap ON form_collaborators (form_id, team_id, role_id) WHERE team_id IS NOT NULL;
DROP INDEX CONCURRENTLY IF EXISTS form_collaborators_team_role_key;
ALTER INDEX form_collaborators_team_role_key_swap RENAME TO form_collaborators_team_role_key;

DROP INDEX CONCURRENTLY IF EXISTS form_versions_one_draft_key_swap;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS form_versions_one_draft_key_swap ON form_versions (form_id) WHERE NOT is_published;
DROP INDEX CONCURRENTLY IF EXISTS form_versions_one_draft_key;
ALTER INDEX form_versions_one_draft_key_swap RENAME TO form_versions_one_draft_key;

DROP INDEX CONCURRENTLY IF EXISTS workflow_versions_one_draft_key_swap;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS workflow_versions_one_draft_key_swap ON workflow_versions (workflow_id) WHERE NOT is_published;
DROP INDEX CONCURRENTLY IF EXISTS workflow_versions_one_draft_key;
ALTER INDEX workflow_versions_one_draft_key_swap RENAME TO workflow_versions_one_draft_key;
