-- Workflows and their immutable versions (issue 14, first part). Additive and not breaking:
-- services on 0.10.0 never touch these tables.
--
-- The same version model as forms: a workflow has versions 1, 2, 3, … without gaps, each holding
-- a definition (the package's workflow-definition format, validated by its meta-schema and graph
-- checks before it is written) and the definition's sha256; at most one draft; a published
-- version never changes; the workflow points at the version new executions run
-- (`published_version`), moved by conditional UPDATEs on the version the caller expects.
CREATE TABLE workflows (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  organization_id uuid NOT NULL REFERENCES organizations (id),
  slug text NOT NULL,
  name text NOT NULL,
  description text,
  -- draft: never published; published: triggers start executions of published_version;
  -- archived: no new executions (running ones go on with their pinned version).
  status text NOT NULL DEFAULT 'draft',
  -- The number of the latest version (0 before the first); kept by workflow_versions_contiguous.
  latest_version integer NOT NULL DEFAULT 0,
  -- The published version new executions run; NULL while the workflow is a draft.
  published_version integer,
  deleted_at timestamptz,
  CONSTRAINT workflows_organization_id_id_key UNIQUE (organization_id, id),
  CONSTRAINT workflows_slug_format CHECK (length(slug) <= 63 AND slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  CONSTRAINT workflows_name_length CHECK (length(name) <= 200 AND name ~ '[^[:space:]]'),
  CONSTRAINT workflows_description_length CHECK (length(description) <= 1000),
  CONSTRAINT workflows_status_values CHECK (status IN ('draft', 'published', 'archived')),
  CONSTRAINT workflows_published_when_not_draft CHECK ((status = 'draft') = (published_version IS NULL)),
  CONSTRAINT workflows_published_version_range CHECK (published_version >= 1 AND published_version <= latest_version),
  CONSTRAINT workflows_latest_version_range CHECK (latest_version >= 0),
  CONSTRAINT workflows_deleted_after_created CHECK (deleted_at >= created_at)
);

-- A slug names one live workflow per organization; a deleted workflow's slug can be taken again.
CREATE UNIQUE INDEX workflows_organization_id_slug_key ON workflows (organization_id, slug) WHERE deleted_at IS NULL;

CREATE TRIGGER workflows_set_updated_at BEFORE UPDATE ON workflows
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CALL org_data_enable_tenant_isolation('workflows', app_privileges => 'SELECT, INSERT');
GRANT UPDATE (name, description, status, latest_version, published_version, deleted_at, updated_at) ON workflows TO org_data_app;

CREATE TABLE workflow_versions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  organization_id uuid NOT NULL,
  workflow_id uuid NOT NULL,
  version integer NOT NULL,
  -- The definition (format 1); the package validates it before writing. Bounded in size.
  definition jsonb NOT NULL,
  -- Lowercase hex sha256 of the definition's canonical JSON (sorted keys), computed by the package.
  definition_sha256 text NOT NULL,
  -- A draft's edits: 1, then + 1 per change of its definition (optimistic concurrency).
  revision integer NOT NULL DEFAULT 1,
  is_published boolean NOT NULL DEFAULT false,
  published_at timestamptz,
  published_by uuid,
  created_by uuid,
  CONSTRAINT workflow_versions_organization_id_workflow_id_version_key UNIQUE (organization_id, workflow_id, version),
  -- The target of executions' foreign key: proves a version belongs to its workflow.
  CONSTRAINT workflow_versions_organization_id_workflow_id_id_key UNIQUE (organization_id, workflow_id, id),
  CONSTRAINT workflow_versions_workflow_id_fkey FOREIGN KEY (organization_id, workflow_id) REFERENCES workflows (organization_id, id),
  CONSTRAINT workflow_versions_published_by_fkey FOREIGN KEY (organization_id, published_by) REFERENCES users (organization_id, id),
  CONSTRAINT workflow_versions_created_by_fkey FOREIGN KEY (organization_id, created_by) REFERENCES users (organization_id, id),
  CONSTRAINT workflow_versions_version_range CHECK (version >= 1),
  CONSTRAINT workflow_versions_revision_positive CHECK (revision >= 1),
  CONSTRAINT workflow_versions_definition_object CHECK (jsonb_typeof(definition) = 'object' AND pg_column_size(definition) <= 1048576),
  CONSTRAINT workflow_versions_definition_sha256_format CHECK (definition_sha256 ~ '^[0-9a-f]{64}$'),
  CONSTRAINT workflow_versions_published_at_when_published CHECK (is_published = (published_at IS NOT NULL)),
  CONSTRAINT workflow_versions_published_by_when_published CHECK (published_by IS NULL OR is_published),
  CONSTRAINT workflow_versions_published_after_created CHECK (published_at >= created_at)
);

-- At most one draft per workflow.
CREATE UNIQUE INDEX workflow_versions_one_draft_key ON workflow_versions (workflow_id) WHERE NOT is_published;
CREATE INDEX workflow_versions_published_by_idx ON workflow_versions (organization_id, published_by);
CREATE INDEX workflow_versions_created_by_idx ON workflow_versions (organization_id, created_by);

CREATE TRIGGER workflow_versions_set_updated_at BEFORE UPDATE ON workflow_versions
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CALL org_data_enable_tenant_isolation('workflow_versions', app_privileges => 'SELECT, INSERT');
GRANT UPDATE (definition, definition_sha256, revision, is_published, published_at, published_by, updated_at) ON workflow_versions TO org_data_app;

-- Version numbers are contiguous: a new version is numbered latest_version + 1 of its live
-- workflow and takes the workflow's row to record it. Refused with 23514, constraint
-- workflow_versions_contiguous.
CREATE FUNCTION org_data_workflow_version_contiguous() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
  -- A row the table's NOT NULL or CHECK constraints refuse anyway is left to them.
  IF NEW.organization_id IS NULL OR NEW.workflow_id IS NULL OR NEW.version IS NULL OR NEW.version < 1 THEN
    RETURN NEW;
  END IF;
  UPDATE public.workflows SET latest_version = NEW.version
  WHERE id = NEW.workflow_id AND organization_id = NEW.organization_id AND latest_version = NEW.version - 1 AND deleted_at IS NULL;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'a workflow''s versions are numbered without gaps'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'workflow_versions_contiguous', TABLE = 'workflow_versions', SCHEMA = 'public';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER workflow_versions_contiguous BEFORE INSERT ON workflow_versions
  FOR EACH ROW EXECUTE FUNCTION org_data_workflow_version_contiguous();

-- A published version is immutable and no version is ever deleted (executions are pinned to
-- it): refused with 23514, constraint workflow_versions_immutable.
CREATE FUNCTION org_data_workflow_version_immutable() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
  IF TG_OP = 'DELETE' OR OLD.is_published OR NEW.id <> OLD.id OR NEW.organization_id <> OLD.organization_id
     OR NEW.workflow_id <> OLD.workflow_id OR NEW.version <> OLD.version OR NEW.created_at <> OLD.created_at
     OR NEW.created_by IS DISTINCT FROM OLD.created_by THEN
    RAISE EXCEPTION 'a published workflow version cannot change, and no workflow version is deleted'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'workflow_versions_immutable', TABLE = 'workflow_versions', SCHEMA = 'public';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER workflow_versions_immutable BEFORE UPDATE OR DELETE ON workflow_versions
  FOR EACH ROW EXECUTE FUNCTION org_data_workflow_version_immutable();

-- The workflow's published_version names a published version of its own. Refused with 23514,
-- constraint workflows_published_version_published.
CREATE FUNCTION org_data_workflow_published_version() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
  IF NEW.published_version IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM public.workflow_versions
    WHERE organization_id = NEW.organization_id AND workflow_id = NEW.id AND version = NEW.published_version AND is_published
  ) THEN
    RAISE EXCEPTION 'a workflow runs only a published version'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'workflows_published_version_published', TABLE = 'workflows', SCHEMA = 'public';
  END IF;
  RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER workflows_published_version_published AFTER INSERT OR UPDATE OF published_version ON workflows
  FOR EACH ROW EXECUTE FUNCTION org_data_workflow_published_version();

-- What starts a workflow (instead of the design's array of form ids): a submission of one form,
-- an event of one type, a schedule (a five-field cron expression, UTC), or a person (manual).
CREATE TABLE workflow_triggers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  organization_id uuid NOT NULL,
  workflow_id uuid NOT NULL,
  kind text NOT NULL,
  form_id uuid,
  event_type_code text,
  -- Five fields, UTC; the shape is checked here (linearly), the package parses the rest.
  cron text,
  -- A schedule's next due time (the package computes it from cron).
  next_run_at timestamptz,
  is_active boolean NOT NULL DEFAULT true,
  created_by uuid,
  -- The target of executions' foreign key: proves an execution's trigger is one of its workflow's
  -- (and, leading with the workflow, the index of the workflow's foreign key).
  CONSTRAINT workflow_triggers_organization_id_workflow_id_id_key UNIQUE (organization_id, workflow_id, id),
  CONSTRAINT workflow_triggers_workflow_id_fkey FOREIGN KEY (organization_id, workflow_id) REFERENCES workflows (organization_id, id),
  CONSTRAINT workflow_triggers_form_id_fkey FOREIGN KEY (organization_id, form_id) REFERENCES forms (organization_id, id),
  CONSTRAINT workflow_triggers_event_type_code_fkey FOREIGN KEY (event_type_code) REFERENCES event_types (code),
  CONSTRAINT workflow_triggers_created_by_fkey FOREIGN KEY (organization_id, created_by) REFERENCES users (organization_id, id),
  CONSTRAINT workflow_triggers_kind_values CHECK (kind IN ('form_submission', 'event', 'schedule', 'manual')),
  CONSTRAINT workflow_triggers_form_when_form_submission CHECK ((kind = 'form_submission') = (form_id IS NOT NULL)),
  CONSTRAINT workflow_triggers_event_type_when_event CHECK ((kind = 'event') = (event_type_code IS NOT NULL)),
  CONSTRAINT workflow_triggers_cron_when_schedule CHECK ((kind = 'schedule') = (cron IS NOT NULL)),
  CONSTRAINT workflow_triggers_next_run_when_schedule CHECK (next_run_at IS NULL OR kind = 'schedule'),
  CONSTRAINT workflow_triggers_cron_shape CHECK (length(cron) <= 200 AND cron ~ '^[0-9*/,-]+( [0-9*/,-]+){4}$')
);

-- One active trigger per workflow and form, per workflow and event type, and one manual trigger.
CREATE UNIQUE INDEX workflow_triggers_form_key ON workflow_triggers (organization_id, workflow_id, form_id)
  WHERE kind = 'form_submission' AND is_active;
CREATE UNIQUE INDEX workflow_triggers_event_key ON workflow_triggers (organization_id, workflow_id, event_type_code)
  WHERE kind = 'event' AND is_active;
CREATE UNIQUE INDEX workflow_triggers_manual_key ON workflow_triggers (organization_id, workflow_id)
  WHERE kind = 'manual' AND is_active;
-- Foreign keys' indexes (the workflow's is workflow_triggers_organization_id_workflow_id_id_key); the form one also
-- finds the triggers of a submitted form.
CREATE INDEX workflow_triggers_form_id_idx ON workflow_triggers (organization_id, form_id);
CREATE INDEX workflow_triggers_event_type_code_idx ON workflow_triggers (event_type_code, organization_id);
CREATE INDEX workflow_triggers_created_by_idx ON workflow_triggers (organization_id, created_by);
-- Due schedules, of every tenant (the worker).
CREATE INDEX workflow_triggers_due_idx ON workflow_triggers (next_run_at) WHERE kind = 'schedule' AND is_active;

CREATE TRIGGER workflow_triggers_set_updated_at BEFORE UPDATE ON workflow_triggers
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CALL org_data_enable_tenant_isolation('workflow_triggers', app_privileges => 'SELECT, INSERT');
GRANT UPDATE (is_active, next_run_at, updated_at) ON workflow_triggers TO org_data_app;
-- The worker finds due schedules of every tenant and moves them on — only outside a tenant's
-- transaction: with a tenant set (an event handler, a step), the worker sees that tenant's rows
-- only, like the application role.
CREATE POLICY worker_queue_select ON workflow_triggers FOR SELECT TO org_data_worker
  USING (kind = 'schedule' AND nullif(current_setting('app.organization_id', true), '') IS NULL);
CREATE POLICY worker_queue_update ON workflow_triggers FOR UPDATE TO org_data_worker
  USING (kind = 'schedule' AND nullif(current_setting('app.organization_id', true), '') IS NULL)
  WITH CHECK (kind = 'schedule');

-- An execution of a workflow, pinned to the version it started with. Its status is a declared
-- state machine (EXECUTION_TRANSITIONS in the package); `version` for optimistic concurrency.
-- Exactly one execution per (trigger, triggering event): workflow_executions_trigger_key.
CREATE TABLE workflow_executions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  organization_id uuid NOT NULL,
  workflow_id uuid NOT NULL,
  workflow_version_id uuid NOT NULL,
  trigger_id uuid,
  -- What fired the trigger: the event's id, the schedule's due time, or a caller's key.
  trigger_key text,
  submission_id uuid,
  status text NOT NULL DEFAULT 'pending',
  version integer NOT NULL DEFAULT 1,
  -- The definition state the execution is in.
  current_state text NOT NULL,
  input jsonb NOT NULL DEFAULT '{}',
  context jsonb NOT NULL DEFAULT '{}',
  output jsonb,
  -- Why it failed or timed out: an error class and code, never a message with row values.
  error text,
  started_at timestamptz,
  finished_at timestamptz,
  -- The execution's timeout: it is timed out when still unfinished then.
  deadline_at timestamptz,
  started_by uuid,
  CONSTRAINT workflow_executions_organization_id_id_key UNIQUE (organization_id, id),
  -- Leads with the trigger's foreign key, so it is its index too.
  CONSTRAINT workflow_executions_trigger_key UNIQUE (organization_id, workflow_id, trigger_id, trigger_key),
  CONSTRAINT workflow_executions_workflow_version_id_fkey FOREIGN KEY (organization_id, workflow_id, workflow_version_id)
    REFERENCES workflow_versions (organization_id, workflow_id, id),
  CONSTRAINT workflow_executions_trigger_id_fkey FOREIGN KEY (organization_id, workflow_id, trigger_id)
    REFERENCES workflow_triggers (organization_id, workflow_id, id),
  CONSTRAINT workflow_executions_submission_id_fkey FOREIGN KEY (organization_id, submission_id) REFERENCES submissions (organization_id, id),
  CONSTRAINT workflow_executions_started_by_fkey FOREIGN KEY (organization_id, started_by) REFERENCES users (organization_id, id),
  CONSTRAINT workflow_executions_status_values CHECK (status IN ('pending', 'running', 'waiting', 'completed', 'failed', 'cancelled', 'timed_out')),
  CONSTRAINT workflow_executions_version_positive CHECK (version >= 1),
  CONSTRAINT workflow_executions_current_state_format CHECK (current_state ~ '^[a-z][a-z0-9_]{0,62}$'),
  CONSTRAINT workflow_executions_trigger_key_with_trigger CHECK ((trigger_id IS NULL) = (trigger_key IS NULL)),
  CONSTRAINT workflow_executions_trigger_key_length CHECK (length(trigger_key) BETWEEN 1 AND 200),
  CONSTRAINT workflow_executions_input_object CHECK (jsonb_typeof(input) = 'object' AND pg_column_size(input) <= 65536),
  CONSTRAINT workflow_executions_context_object CHECK (jsonb_typeof(context) = 'object' AND pg_column_size(context) <= 65536),
  CONSTRAINT workflow_executions_output_object CHECK (jsonb_typeof(output) = 'object' AND pg_column_size(output) <= 65536),
  CONSTRAINT workflow_executions_error_length CHECK (length(error) BETWEEN 1 AND 500),
  -- Started (its first step claimed) in every state but pending; cancelled or timed out maybe never.
  CONSTRAINT workflow_executions_started_when_running CHECK (
    CASE status WHEN 'pending' THEN started_at IS NULL WHEN 'cancelled' THEN true WHEN 'timed_out' THEN true ELSE started_at IS NOT NULL END
  ),
  CONSTRAINT workflow_executions_finished_when_final CHECK ((status IN ('completed', 'failed', 'cancelled', 'timed_out')) = (finished_at IS NOT NULL)),
  CONSTRAINT workflow_executions_error_when_failed CHECK ((status IN ('failed', 'timed_out')) = (error IS NOT NULL)),
  CONSTRAINT workflow_executions_output_when_completed CHECK (output IS NULL OR status = 'completed'),
  CONSTRAINT workflow_executions_started_after_created CHECK (started_at >= created_at),
  CONSTRAINT workflow_executions_finished_after_created CHECK (finished_at >= created_at),
  CONSTRAINT workflow_executions_deadline_after_created CHECK (deadline_at > created_at)
);

-- Foreign keys' indexes (the trigger's is workflow_executions_trigger_key).
CREATE INDEX workflow_executions_workflow_idx ON workflow_executions (organization_id, workflow_id, workflow_version_id);
CREATE INDEX workflow_executions_submission_id_idx ON workflow_executions (organization_id, submission_id);
CREATE INDEX workflow_executions_started_by_idx ON workflow_executions (organization_id, started_by);
-- A workflow's executions by status (keyset pages, newest first).
CREATE INDEX workflow_executions_status_idx ON workflow_executions (organization_id, workflow_id, status, created_at, id);

CREATE TRIGGER workflow_executions_set_updated_at BEFORE UPDATE ON workflow_executions
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CALL org_data_enable_tenant_isolation('workflow_executions', app_privileges => 'SELECT, INSERT');
GRANT UPDATE (status, version, current_state, context, output, error, started_at, finished_at, updated_at)
  ON workflow_executions TO org_data_app;

-- An execution's steps: its history (append-only: a finished step never changes, none is
-- deleted) and the worker's work items at once. A step runs one action of a state; it is
-- claimed with SKIP LOCKED and a lease, and finished with a conditional UPDATE in the
-- transaction that inserts the next one. At most one unfinished step per execution.
CREATE TABLE workflow_execution_steps (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  organization_id uuid NOT NULL,
  execution_id uuid NOT NULL,
  number integer NOT NULL,
  -- The definition state and the index of its action.
  state text NOT NULL,
  action_index integer NOT NULL,
  action_type text NOT NULL,
  status text NOT NULL DEFAULT 'pending',
  -- Not before this (a wait step: when the wait ends).
  run_after timestamptz NOT NULL DEFAULT now(),
  -- Claims so far.
  attempts integer NOT NULL DEFAULT 0,
  leased_by text,
  leased_until timestamptz,
  timeout_seconds integer NOT NULL,
  started_at timestamptz,
  finished_at timestamptz,
  output jsonb,
  error text,
  CONSTRAINT workflow_execution_steps_number_key UNIQUE (organization_id, execution_id, number),
  CONSTRAINT workflow_execution_steps_execution_id_fkey FOREIGN KEY (organization_id, execution_id)
    REFERENCES workflow_executions (organization_id, id),
  CONSTRAINT workflow_execution_steps_number_positive CHECK (number >= 1),
  CONSTRAINT workflow_execution_steps_state_format CHECK (state ~ '^[a-z][a-z0-9_]{0,62}$'),
  CONSTRAINT workflow_execution_steps_action_index_range CHECK (action_index BETWEEN 0 AND 19),
  CONSTRAINT workflow_execution_steps_action_type_values CHECK (action_type IN ('set_submission_status', 'notify', 'webhook', 'assign', 'wait')),
  CONSTRAINT workflow_execution_steps_status_values CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled', 'timed_out')),
  CONSTRAINT workflow_execution_steps_attempts_range CHECK (attempts BETWEEN 0 AND 1000),
  CONSTRAINT workflow_execution_steps_timeout_range CHECK (timeout_seconds BETWEEN 1 AND 86400),
  CONSTRAINT workflow_execution_steps_lease_when_running CHECK ((status = 'running') = (leased_by IS NOT NULL AND leased_until IS NOT NULL)),
  CONSTRAINT workflow_execution_steps_leased_by_length CHECK (length(leased_by) <= 200),
  CONSTRAINT workflow_execution_steps_started_when_claimed CHECK ((attempts >= 1) = (started_at IS NOT NULL)),
  CONSTRAINT workflow_execution_steps_running_claimed CHECK (status <> 'running' OR attempts >= 1),
  CONSTRAINT workflow_execution_steps_finished_when_final CHECK ((status IN ('completed', 'failed', 'cancelled', 'timed_out')) = (finished_at IS NOT NULL)),
  CONSTRAINT workflow_execution_steps_error_when_failed CHECK ((status IN ('failed', 'timed_out')) = (error IS NOT NULL)),
  CONSTRAINT workflow_execution_steps_error_length CHECK (length(error) BETWEEN 1 AND 500),
  CONSTRAINT workflow_execution_steps_output_object CHECK (jsonb_typeof(output) = 'object' AND pg_column_size(output) <= 65536),
  CONSTRAINT workflow_execution_steps_finished_after_created CHECK (finished_at >= created_at)
);

-- One unfinished step per execution: an execution advances one step at a time.
CREATE UNIQUE INDEX workflow_execution_steps_one_open_key ON workflow_execution_steps (organization_id, execution_id)
  WHERE status IN ('pending', 'running');
-- Claiming: what is due, and what a crashed worker left running.
CREATE INDEX workflow_execution_steps_due_idx ON workflow_execution_steps (run_after) WHERE status = 'pending';
CREATE INDEX workflow_execution_steps_lease_idx ON workflow_execution_steps (leased_until) WHERE status = 'running';

CREATE TRIGGER workflow_execution_steps_set_updated_at BEFORE UPDATE ON workflow_execution_steps
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Append-only history: a finished step never changes, no step is deleted, and a step's identity
-- never changes. Refused with 23514, constraint workflow_execution_steps_append_only.
CREATE FUNCTION org_data_workflow_step_append_only() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
  IF TG_OP = 'DELETE' OR OLD.status IN ('completed', 'failed', 'cancelled', 'timed_out')
     OR NEW.id <> OLD.id OR NEW.organization_id <> OLD.organization_id OR NEW.execution_id <> OLD.execution_id
     OR NEW.number <> OLD.number OR NEW.state <> OLD.state OR NEW.action_index <> OLD.action_index
     OR NEW.action_type <> OLD.action_type OR NEW.created_at <> OLD.created_at THEN
    RAISE EXCEPTION 'a workflow execution''s history is append-only'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'workflow_execution_steps_append_only', TABLE = 'workflow_execution_steps', SCHEMA = 'public';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER workflow_execution_steps_append_only BEFORE UPDATE OR DELETE ON workflow_execution_steps
  FOR EACH ROW EXECUTE FUNCTION org_data_workflow_step_append_only();

ALTER TABLE workflow_execution_steps SET (
  autovacuum_vacuum_scale_factor = 0.01,
  autovacuum_vacuum_threshold = 1000
);

-- The application role starts executions (first step) and cancels; the worker claims steps of
-- every tenant through the worker_queue policies (outside a tenant's transaction only), then
-- advances each in a transaction with the step's tenant set, where it sees that tenant's rows only.
CALL org_data_enable_tenant_isolation('workflow_execution_steps', app_privileges => 'SELECT, INSERT');
GRANT UPDATE (status, run_after, attempts, leased_by, leased_until, started_at, finished_at, output, error, updated_at)
  ON workflow_execution_steps TO org_data_app;
CREATE POLICY worker_queue_select ON workflow_execution_steps FOR SELECT TO org_data_worker
  USING (nullif(current_setting('app.organization_id', true), '') IS NULL);
CREATE POLICY worker_queue_update ON workflow_execution_steps FOR UPDATE TO org_data_worker
  USING (nullif(current_setting('app.organization_id', true), '') IS NULL) WITH CHECK (true);

INSERT INTO event_types (code, description, payload_version) VALUES
  ('workflow.created', 'A workflow was created with its first draft version.', 1),
  ('workflow.updated', 'A workflow''s name or description changed.', 1),
  ('workflow.draft_saved', 'A draft version of a workflow was created or its definition changed.', 1),
  ('workflow.published', 'A draft version of a workflow was published; new executions run it.', 1),
  ('workflow.rolled_back', 'A workflow was pointed back at an older published version.', 1),
  ('workflow.archived', 'A workflow stopped starting executions.', 1),
  ('workflow.restored', 'An archived workflow starts executions again.', 1),
  ('workflow.deleted', 'A workflow was deleted.', 1),
  ('workflow_trigger.added', 'A trigger was added to a workflow.', 1),
  ('workflow_trigger.deactivated', 'A workflow trigger was turned off.', 1),
  ('workflow_execution.started', 'An execution of a workflow version was started by a trigger or a person.', 1),
  ('workflow_execution.advanced', 'A step of an execution finished and the next one was queued.', 1),
  ('workflow_execution.waiting', 'An execution waits until a time.', 1),
  ('workflow_execution.resumed', 'An execution''s wait ended.', 1),
  ('workflow_execution.completed', 'An execution reached an end state that completes it.', 1),
  ('workflow_execution.failed', 'An execution failed: an action failed, or it reached an end state that fails it.', 1),
  ('workflow_execution.cancelled', 'An execution was cancelled.', 1),
  ('workflow_execution.timed_out', 'An execution or one of its steps ran past its timeout.', 1),
  ('workflow.signal', 'A workflow''s webhook action: a named signal with data, for the organization''s webhooks.', 1)
ON CONFLICT (code) DO NOTHING;
