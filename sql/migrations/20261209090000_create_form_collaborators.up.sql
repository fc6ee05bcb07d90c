-- Form collaborators and form-scoped roles (issue 13, fourth part). Additive and not breaking:
-- services on 0.9.0 never touch what it adds. The three roles and three permissions below are
-- inserted when missing; a role of one of these names a service made is kept as it is (granted
-- nothing), and the `admin` role, when it exists, is granted the new permissions (it holds
-- every permission).
--
-- A collaborator is a user or a team of the form's organization holding a role on one form. A
-- user's permissions on a form are those of their organization roles (user_roles) and of the
-- roles they hold on the form, directly or through a live team they belong to: one query
-- (forms.hasPermission).
CREATE TABLE form_collaborators (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  organization_id uuid NOT NULL,
  form_id uuid NOT NULL,
  user_id uuid,
  team_id uuid,
  role_id uuid NOT NULL,
  created_by uuid,
  CONSTRAINT form_collaborators_form_id_fkey FOREIGN KEY (organization_id, form_id) REFERENCES forms (organization_id, id),
  CONSTRAINT form_collaborators_user_id_fkey FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id),
  CONSTRAINT form_collaborators_team_id_fkey FOREIGN KEY (organization_id, team_id) REFERENCES teams (organization_id, id),
  -- A role that still names a collaborator cannot be deleted (as for user_roles).
  CONSTRAINT form_collaborators_role_id_fkey FOREIGN KEY (role_id) REFERENCES roles (id) ON DELETE RESTRICT,
  CONSTRAINT form_collaborators_created_by_fkey FOREIGN KEY (organization_id, created_by) REFERENCES users (organization_id, id),
  CONSTRAINT form_collaborators_user_or_team CHECK (num_nonnulls(user_id, team_id) = 1)
);

-- A role once per user or team on a form.
CREATE UNIQUE INDEX form_collaborators_user_role_key ON form_collaborators (form_id, user_id, role_id) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX form_collaborators_team_role_key ON form_collaborators (form_id, team_id, role_id) WHERE team_id IS NOT NULL;
CREATE INDEX form_collaborators_form_idx ON form_collaborators (organization_id, form_id);
CREATE INDEX form_collaborators_user_idx ON form_collaborators (organization_id, user_id);
CREATE INDEX form_collaborators_team_idx ON form_collaborators (organization_id, team_id);
CREATE INDEX form_collaborators_role_idx ON form_collaborators (role_id);
CREATE INDEX form_collaborators_created_by_idx ON form_collaborators (organization_id, created_by);

CREATE TRIGGER form_collaborators_set_updated_at BEFORE UPDATE ON form_collaborators
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CALL org_data_enable_tenant_isolation('form_collaborators', app_privileges => 'SELECT, INSERT, DELETE');

INSERT INTO permissions (name, description) VALUES
  ('form:edit', 'Edit a form and its draft versions'),
  ('form:publish', 'Publish, roll back, archive and restore a form'),
  ('submission:read', 'Read the submissions of a form')
ON CONFLICT (name) DO NOTHING;

-- The roles, and their grants only when this migration made them: a role of the same name a
-- service made is left as it is (no permission added to it).
WITH made AS (
  INSERT INTO roles (name, description) VALUES
    ('form_viewer', 'Reads the submissions of the forms it is given'),
    ('form_editor', 'Edits the forms it is given and reads their submissions'),
    ('form_publisher', 'Edits, publishes and reads the forms it is given')
  ON CONFLICT (name) DO NOTHING
  RETURNING id, name
)
INSERT INTO role_permissions (role_id, permission_id)
SELECT made.id, p.id FROM made JOIN permissions p ON (made.name, p.name) IN (
  ('form_viewer', 'submission:read'),
  ('form_editor', 'form:edit'), ('form_editor', 'submission:read'),
  ('form_publisher', 'form:edit'), ('form_publisher', 'form:publish'), ('form_publisher', 'submission:read'));

-- `admin` holds every permission (seedDefaults grants it every permission there is).
INSERT INTO role_permissions (role_id, permission_id)
SELECT r.id, p.id FROM roles r JOIN permissions p ON p.name IN ('form:edit', 'form:publish', 'submission:read')
WHERE r.name = 'admin'
ON CONFLICT DO NOTHING;

INSERT INTO event_types (code, description, payload_version) VALUES
  ('form.collaborator_added', 'A user or a team was given a role on a form.', 1),
  ('form.collaborator_removed', 'A user or a team lost a role on a form.', 1)
ON CONFLICT (code) DO NOTHING;
