-- Forms and their immutable versions (issue 13, second part). Additive and not breaking:
-- services on 0.9.0 never touch these tables.
--
-- A form has numbered versions 1, 2, 3, … without gaps; each holds a definition (the
-- package's form-definition format, validated by its meta-schema before it is written) and the
-- definition's sha256. At most one version of a form is a draft (the latest one); a draft can be
-- edited and then published, after which the database refuses any change to it. The form row
-- points at the version that accepts submissions (`published_version`): publishing and rolling
-- back are conditional UPDATEs of that pointer on the version the caller expects, so of two
-- publishers racing one wins. Counts of submissions are derived, never kept on the form row.
CREATE TABLE forms (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  organization_id uuid NOT NULL REFERENCES organizations (id),
  slug text NOT NULL,
  name text NOT NULL,
  description text,
  -- draft: never published; published: accepts submissions to published_version; archived:
  -- accepts none (its published version is kept, restoring it republishes that version).
  status text NOT NULL DEFAULT 'draft',
  -- The number of the latest version (0 before the first); kept by form_versions_contiguous.
  latest_version integer NOT NULL DEFAULT 0,
  -- The published version that accepts submissions; NULL while the form is a draft.
  published_version integer,
  deleted_at timestamptz,
  CONSTRAINT forms_organization_id_id_key UNIQUE (organization_id, id),
  CONSTRAINT forms_slug_format CHECK (length(slug) <= 63 AND slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  CONSTRAINT forms_name_length CHECK (length(name) <= 200 AND name ~ '[^[:space:]]'),
  CONSTRAINT forms_description_length CHECK (length(description) <= 1000),
  CONSTRAINT forms_status_values CHECK (status IN ('draft', 'published', 'archived')),
  CONSTRAINT forms_published_when_not_draft CHECK ((status = 'draft') = (published_version IS NULL)),
  CONSTRAINT forms_published_version_range CHECK (published_version >= 1 AND published_version <= latest_version),
  CONSTRAINT forms_latest_version_range CHECK (latest_version >= 0),
  CONSTRAINT forms_deleted_after_created CHECK (deleted_at >= created_at)
);

-- A slug names one live form per organization; a deleted form's slug can be taken again.
CREATE UNIQUE INDEX forms_organization_id_slug_key ON forms (organization_id, slug) WHERE deleted_at IS NULL;

CREATE TRIGGER forms_set_updated_at BEFORE UPDATE ON forms
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CALL org_data_enable_tenant_isolation('forms', app_privileges => 'SELECT, INSERT');
GRANT UPDATE (name, description, status, latest_version, published_version, deleted_at, updated_at) ON forms TO org_data_app;

CREATE TABLE form_versions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  organization_id uuid NOT NULL,
  form_id uuid NOT NULL,
  version integer NOT NULL,
  -- The definition (format 1); the package validates it before writing. Bounded in size.
  definition jsonb NOT NULL,
  -- Lowercase hex sha256 of the definition's canonical JSON (sorted keys), computed by the
  -- package; compiled validators are cached by it.
  definition_sha256 text NOT NULL,
  -- A draft's edits: 1, then + 1 per change of its definition; updateDraft and publish can
  -- require the revision the caller read (optimistic concurrency between editors and publishers).
  revision integer NOT NULL DEFAULT 1,
  is_published boolean NOT NULL DEFAULT false,
  published_at timestamptz,
  published_by uuid,
  created_by uuid,
  CONSTRAINT form_versions_organization_id_form_id_version_key UNIQUE (organization_id, form_id, version),
  -- The target of submissions' foreign key: proves a version belongs to its form.
  CONSTRAINT form_versions_organization_id_form_id_id_key UNIQUE (organization_id, form_id, id),
  CONSTRAINT form_versions_form_id_fkey FOREIGN KEY (organization_id, form_id) REFERENCES forms (organization_id, id),
  CONSTRAINT form_versions_published_by_fkey FOREIGN KEY (organization_id, published_by) REFERENCES users (organization_id, id),
  CONSTRAINT form_versions_created_by_fkey FOREIGN KEY (organization_id, created_by) REFERENCES users (organization_id, id),
  CONSTRAINT form_versions_version_range CHECK (version >= 1),
  CONSTRAINT form_versions_revision_positive CHECK (revision >= 1),
  CONSTRAINT form_versions_definition_object CHECK (jsonb_typeof(definition) = 'object' AND pg_column_size(definition) <= 1048576),
  CONSTRAINT form_versions_definition_sha256_format CHECK (definition_sha256 ~ '^[0-9a-f]{64}$'),
  CONSTRAINT form_versions_published_at_when_published CHECK (is_published = (published_at IS NOT NULL)),
  CONSTRAINT form_versions_published_by_when_published CHECK (published_by IS NULL OR is_published),
  CONSTRAINT form_versions_published_after_created CHECK (published_at >= created_at)
);

-- At most one draft per form.
CREATE UNIQUE INDEX form_versions_one_draft_key ON form_versions (form_id) WHERE NOT is_published;
CREATE INDEX form_versions_published_by_idx ON form_versions (organization_id, published_by);
CREATE INDEX form_versions_created_by_idx ON form_versions (organization_id, created_by);

CREATE TRIGGER form_versions_set_updated_at BEFORE UPDATE ON form_versions
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CALL org_data_enable_tenant_isolation('form_versions', app_privileges => 'SELECT, INSERT');
GRANT UPDATE (definition, definition_sha256, revision, is_published, published_at, published_by, updated_at) ON form_versions TO org_data_app;

-- Version numbers are contiguous: a new version is numbered latest_version + 1 of its live form,
-- and takes the form's row to record it (so concurrent new versions of one form serialize; the
-- loser of a race is refused here or by form_versions_one_draft_key). Refused with 23514,
-- constraint form_versions_contiguous.
CREATE FUNCTION org_data_form_version_contiguous() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
  -- A row the table's NOT NULL or CHECK constraints refuse anyway is left to them.
  IF NEW.organization_id IS NULL OR NEW.form_id IS NULL OR NEW.version IS NULL OR NEW.version < 1 THEN
    RETURN NEW;
  END IF;
  UPDATE public.forms SET latest_version = NEW.version
  WHERE id = NEW.form_id AND organization_id = NEW.organization_id AND latest_version = NEW.version - 1 AND deleted_at IS NULL;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'a form''s versions are numbered without gaps'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'form_versions_contiguous', TABLE = 'form_versions', SCHEMA = 'public';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER form_versions_contiguous BEFORE INSERT ON form_versions
  FOR EACH ROW EXECUTE FUNCTION org_data_form_version_contiguous();

-- A published version is immutable and no version is ever deleted (submissions were validated
-- against it; the numbering stays contiguous): refused with 23514, constraint
-- form_versions_immutable. A draft may change its definition and be published (once);
-- its identity (form, number) never changes.
CREATE FUNCTION org_data_form_version_immutable() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
  IF TG_OP = 'DELETE' OR OLD.is_published OR NEW.id <> OLD.id OR NEW.organization_id <> OLD.organization_id
     OR NEW.form_id <> OLD.form_id OR NEW.version <> OLD.version OR NEW.created_at <> OLD.created_at
     OR NEW.created_by IS DISTINCT FROM OLD.created_by THEN
    RAISE EXCEPTION 'a published form version cannot change, and no form version is deleted'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'form_versions_immutable', TABLE = 'form_versions', SCHEMA = 'public';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER form_versions_immutable BEFORE UPDATE OR DELETE ON form_versions
  FOR EACH ROW EXECUTE FUNCTION org_data_form_version_immutable();

-- The form's published_version names a published version of the form (checked when it is set:
-- published versions never change back). Refused with 23514, constraint
-- forms_published_version_published.
CREATE FUNCTION org_data_form_published_version() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
  IF NEW.published_version IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM public.form_versions
    WHERE organization_id = NEW.organization_id AND form_id = NEW.id AND version = NEW.published_version AND is_published
  ) THEN
    RAISE EXCEPTION 'a form accepts submissions only to a published version'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'forms_published_version_published', TABLE = 'forms', SCHEMA = 'public';
  END IF;
  RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER forms_published_version_published AFTER INSERT OR UPDATE OF published_version ON forms
  FOR EACH ROW EXECUTE FUNCTION org_data_form_published_version();

INSERT INTO event_types (code, description, payload_version) VALUES
  ('form.created', 'A form was created with its first draft version.', 1),
  ('form.updated', 'A form''s name or description changed.', 1),
  ('form.draft_saved', 'A draft version of a form was created or its definition changed.', 1),
  ('form.published', 'A draft version of a form was published and accepts submissions.', 1),
  ('form.rolled_back', 'A form was pointed back at an older published version.', 1),
  ('form.archived', 'A form stopped accepting submissions.', 1),
  ('form.restored', 'An archived form accepts submissions again.', 1),
  ('form.deleted', 'A form was deleted.', 1)
ON CONFLICT (code) DO NOTHING;
