-- Submissions of forms and their attachments (issue 13, third part). Additive and not
-- breaking: services on 0.9.0 never touch these tables.
--
-- A submission is bound to the form version it was validated against, by a composite foreign
-- key that also proves the version belongs to the submission's form; a trigger admits only
-- published versions. Its status follows the machine declared in the package
-- (SUBMISSION_TRANSITIONS, docs/submission-state-machine.md), every change a conditional UPDATE
-- on the version the caller read. Non-sensitive values are in `data`; the values of fields the
-- definition marks sensitive are sealed together (AES-256-GCM, bound to the row) in
-- `sensitive_data_encrypted`, never in `data`, the audit trail or events.
--
-- Numbers: a submission is numbered 1, 2, 3, … per form when first submitted, without gaps
-- under concurrency: submitting takes the form's row (FOR NO KEY UPDATE, a lock without a write:
-- no counter on the form row) and numbers max + 1 in the next statement; a rolled-back submit
-- leaves no gap. The unique key below is the safety net.
CREATE TABLE submissions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  organization_id uuid NOT NULL,
  form_id uuid NOT NULL,
  form_version_id uuid NOT NULL,
  status text NOT NULL DEFAULT 'draft',
  -- Optimistic concurrency: every change adds 1.
  version integer NOT NULL DEFAULT 1,
  number integer,
  data jsonb NOT NULL DEFAULT '{}',
  sensitive_data_encrypted bytea,
  created_by uuid,
  assigned_user_id uuid,
  assigned_team_id uuid,
  status_changed_at timestamptz NOT NULL DEFAULT now(),
  submitted_at timestamptz,
  decided_at timestamptz,
  decided_by uuid,
  rejection_reason text,
  -- The target of the attachments' tenant-scoped foreign key.
  CONSTRAINT submissions_organization_id_id_key UNIQUE (organization_id, id),
  CONSTRAINT submissions_form_version_id_fkey FOREIGN KEY (organization_id, form_id, form_version_id)
    REFERENCES form_versions (organization_id, form_id, id),
  CONSTRAINT submissions_created_by_fkey FOREIGN KEY (organization_id, created_by) REFERENCES users (organization_id, id),
  CONSTRAINT submissions_assigned_user_id_fkey FOREIGN KEY (organization_id, assigned_user_id) REFERENCES users (organization_id, id),
  CONSTRAINT submissions_assigned_team_id_fkey FOREIGN KEY (organization_id, assigned_team_id) REFERENCES teams (organization_id, id),
  CONSTRAINT submissions_decided_by_fkey FOREIGN KEY (organization_id, decided_by) REFERENCES users (organization_id, id),
  CONSTRAINT submissions_status_values CHECK (status IN ('draft', 'submitted', 'in_review', 'approved', 'rejected', 'completed', 'archived')),
  CONSTRAINT submissions_version_positive CHECK (version >= 1),
  CONSTRAINT submissions_number_positive CHECK (number >= 1),
  -- Numbered from the first submit on (a reopened draft keeps its number).
  CONSTRAINT submissions_number_when_submitted CHECK (status = 'draft' OR number IS NOT NULL),
  CONSTRAINT submissions_submitted_at_when_not_draft CHECK ((status = 'draft') = (submitted_at IS NULL)),
  CONSTRAINT submissions_rejection_needs_reason CHECK (status <> 'rejected' OR rejection_reason IS NOT NULL),
  CONSTRAINT submissions_rejection_reason_length CHECK (length(rejection_reason) <= 2000 AND rejection_reason ~ '[^[:space:]]'),
  CONSTRAINT submissions_decided_when_decided CHECK (status NOT IN ('approved', 'rejected', 'completed') OR decided_at IS NOT NULL),
  CONSTRAINT submissions_decided_by_with_decided_at CHECK (decided_by IS NULL OR decided_at IS NOT NULL),
  CONSTRAINT submissions_one_assignee CHECK (num_nonnulls(assigned_user_id, assigned_team_id) <= 1),
  CONSTRAINT submissions_data_object CHECK (jsonb_typeof(data) = 'object' AND pg_column_size(data) <= 4194304),
  CONSTRAINT submissions_sensitive_data_size CHECK (octet_length(sensitive_data_encrypted) <= 1100000),
  CONSTRAINT submissions_submitted_after_created CHECK (submitted_at >= created_at),
  CONSTRAINT submissions_decided_after_submitted CHECK (decided_at >= submitted_at)
);

-- One number per form (drafts have none yet).
CREATE UNIQUE INDEX submissions_form_id_number_key ON submissions (organization_id, form_id, number);
-- The queues: a form's submissions in a status, longest in it first (keyset pagination).
CREATE INDEX submissions_queue_idx ON submissions (organization_id, form_id, status, status_changed_at, id);
CREATE INDEX submissions_form_version_idx ON submissions (organization_id, form_id, form_version_id);
CREATE INDEX submissions_created_by_idx ON submissions (organization_id, created_by);
CREATE INDEX submissions_assigned_user_idx ON submissions (organization_id, assigned_user_id);
CREATE INDEX submissions_assigned_team_idx ON submissions (organization_id, assigned_team_id);
CREATE INDEX submissions_decided_by_idx ON submissions (organization_id, decided_by);

CREATE TRIGGER submissions_set_updated_at BEFORE UPDATE ON submissions
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CALL org_data_enable_tenant_isolation('submissions', app_privileges => 'SELECT, INSERT');
GRANT UPDATE (status, version, number, data, sensitive_data_encrypted, assigned_user_id, assigned_team_id, status_changed_at,
  submitted_at, decided_at, decided_by, rejection_reason, updated_at) ON submissions TO org_data_app;

-- Only a published version accepts submissions (published versions never change back, so the
-- check when the row is made holds for good). Refused with 23514, constraint
-- submissions_form_version_published.
CREATE FUNCTION org_data_submission_version_published() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
  IF NEW.form_version_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM public.form_versions WHERE id = NEW.form_version_id AND is_published
  ) AND EXISTS (SELECT 1 FROM public.form_versions WHERE id = NEW.form_version_id) THEN
    RAISE EXCEPTION 'only a published form version accepts submissions'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'submissions_form_version_published', TABLE = 'submissions', SCHEMA = 'public';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER submissions_form_version_published BEFORE INSERT OR UPDATE OF form_version_id ON submissions
  FOR EACH ROW EXECUTE FUNCTION org_data_submission_version_published();

CREATE TABLE submission_attachments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  organization_id uuid NOT NULL,
  submission_id uuid NOT NULL,
  -- Where the file is stored (object storage key); the package never reads the file.
  storage_key text NOT NULL,
  file_name text NOT NULL,
  sha256 text NOT NULL,
  size_bytes bigint NOT NULL,
  mime_type text NOT NULL,
  -- Virus scan: pending → clean | infected (declared in ATTACHMENT_SCAN_TRANSITIONS).
  scan_status text NOT NULL DEFAULT 'pending',
  scanned_at timestamptz,
  CONSTRAINT submission_attachments_storage_key_key UNIQUE (storage_key),
  CONSTRAINT submission_attachments_submission_id_fkey FOREIGN KEY (organization_id, submission_id) REFERENCES submissions (organization_id, id),
  CONSTRAINT submission_attachments_storage_key_length CHECK (length(storage_key) BETWEEN 1 AND 1024 AND storage_key ~ '^[^[:space:][:cntrl:]]+$'),
  CONSTRAINT submission_attachments_file_name_length CHECK (length(file_name) BETWEEN 1 AND 255 AND file_name !~ '[[:cntrl:]/\\]'),
  CONSTRAINT submission_attachments_sha256_format CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  CONSTRAINT submission_attachments_size_range CHECK (size_bytes >= 0 AND size_bytes <= 5368709120),
  -- type/subtype, lowercase; each part a bounded run of token characters without '/' (linear).
  CONSTRAINT submission_attachments_mime_type_format CHECK (mime_type ~ '^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$'),
  CONSTRAINT submission_attachments_scan_status_values CHECK (scan_status IN ('pending', 'clean', 'infected')),
  CONSTRAINT submission_attachments_scanned_at_when_scanned CHECK ((scan_status = 'pending') = (scanned_at IS NULL))
);

CREATE INDEX submission_attachments_submission_idx ON submission_attachments (organization_id, submission_id);

CREATE TRIGGER submission_attachments_set_updated_at BEFORE UPDATE ON submission_attachments
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CALL org_data_enable_tenant_isolation('submission_attachments', app_privileges => 'SELECT, INSERT, DELETE');
GRANT UPDATE (scan_status, scanned_at, updated_at) ON submission_attachments TO org_data_app;

-- Attachments are added and removed only while their submission is a draft; the submission's
-- row is updated (updated_at), not only locked, so a concurrent submit waits for it and then
-- sees the attachment (READ COMMITTED) or fails with a serialization failure (REPEATABLE READ,
-- SERIALIZABLE: 40001) instead of checking a snapshot without it. A scan result is recorded
-- once (pending → clean | infected). Refused with 23514, constraint
-- submission_attachments_draft_only or submission_attachments_scan_once.
CREATE FUNCTION org_data_submission_attachment_rules() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
  row_of submission_attachments := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  state text;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF OLD.scan_status <> 'pending' AND NEW.scan_status IS DISTINCT FROM OLD.scan_status THEN
      RAISE EXCEPTION 'an attachment''s scan result is recorded once'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'submission_attachments_scan_once', TABLE = 'submission_attachments', SCHEMA = 'public';
    END IF;
    IF NEW.submission_id IS DISTINCT FROM OLD.submission_id OR NEW.storage_key IS DISTINCT FROM OLD.storage_key
       OR NEW.sha256 IS DISTINCT FROM OLD.sha256 OR NEW.size_bytes IS DISTINCT FROM OLD.size_bytes THEN
      RAISE EXCEPTION 'an attachment''s file does not change'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'submission_attachments_scan_once', TABLE = 'submission_attachments', SCHEMA = 'public';
    END IF;
    RETURN NEW;
  END IF;
  IF row_of.submission_id IS NULL THEN
    RETURN row_of;
  END IF;
  UPDATE public.submissions s SET updated_at = now() WHERE s.id = row_of.submission_id RETURNING s.status INTO state;
  IF FOUND AND state <> 'draft' THEN
    RAISE EXCEPTION 'attachments change only while their submission is a draft'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'submission_attachments_draft_only', TABLE = 'submission_attachments', SCHEMA = 'public';
  END IF;
  RETURN row_of;
END
$$;

CREATE TRIGGER submission_attachments_draft_only BEFORE INSERT OR UPDATE OR DELETE ON submission_attachments
  FOR EACH ROW EXECUTE FUNCTION org_data_submission_attachment_rules();

-- A submission leaves `draft` only when every attachment is scanned clean. Refused with 23514,
-- constraint submissions_attachments_clean.
CREATE FUNCTION org_data_submission_attachments_clean() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM public.submission_attachments WHERE submission_id = NEW.id AND scan_status <> 'clean') THEN
    RAISE EXCEPTION 'a submission with an attachment not scanned clean cannot be submitted'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'submissions_attachments_clean', TABLE = 'submissions', SCHEMA = 'public';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER submissions_attachments_clean BEFORE UPDATE OF status ON submissions
  FOR EACH ROW WHEN (OLD.status = 'draft' AND NEW.status <> 'draft') EXECUTE FUNCTION org_data_submission_attachments_clean();

INSERT INTO event_types (code, description, payload_version) VALUES
  ('submission.created', 'A draft submission of a form was created.', 1),
  ('submission.updated', 'A draft submission''s values changed.', 1),
  ('submission.submitted', 'A submission was submitted (and numbered, the first time).', 1),
  ('submission.review_started', 'A reviewer started reviewing a submission.', 1),
  ('submission.approved', 'A submission was approved.', 1),
  ('submission.rejected', 'A submission was rejected, with a reason.', 1),
  ('submission.reopened', 'A rejected submission went back to draft for resubmission.', 1),
  ('submission.completed', 'An approved submission was completed.', 1),
  ('submission.archived', 'A submission was archived.', 1),
  ('submission.assigned', 'A submission was assigned to a user or a team, or unassigned.', 1),
  ('submission.attachment_added', 'A file was attached to a draft submission.', 1),
  ('submission.attachment_scanned', 'An attachment''s virus scan result was recorded.', 1),
  ('submission.attachment_removed', 'A file was removed from a draft submission.', 1)
ON CONFLICT (code) DO NOTHING;
