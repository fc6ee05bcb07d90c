-- Citus-ready triggers and user keys (issue 15). Not breaking: no table, column or name changes
-- for services on 0.11.0; every guarantee holds as before.
--
-- 1. The five trigger functions that read other rows now filter by organization_id as well
--    (the rows they read always belong to the row's own organization: composite foreign keys
--    say so), so that on Citus each of their queries goes to the one colocated shard instead
--    of every shard. On one server nothing changes but the index they use.
-- 2. user_roles.granted_by and user_staff_profiles.verified_by_user_id name a user of the
--    row's own organization: composite foreign keys (organization_id, …) → users
--    (organization_id, id), under the names of the single-column keys they replace (what the
--    repositories map errors by). Rows that named a user of another organization would not
--    satisfy the new keys: then the key is left NOT VALID (it holds for every new row; a
--    NOTICE says so) instead of failing the migration; docs/scaling.md says how to find them.

CREATE OR REPLACE FUNCTION public.org_data_submission_version_published()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
BEGIN
  IF NEW.form_version_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM public.form_versions
    WHERE organization_id = NEW.organization_id AND id = NEW.form_version_id AND is_published
  ) AND EXISTS (SELECT 1 FROM public.form_versions WHERE organization_id = NEW.organization_id AND id = NEW.form_version_id) THEN
    RAISE EXCEPTION 'only a published form version accepts submissions'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'submissions_form_version_published', TABLE = 'submissions', SCHEMA = 'public';
  END IF;
  RETURN NEW;
END
$function$;
CREATE OR REPLACE FUNCTION public.org_data_keep_team_owner()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
DECLARE
  live boolean;
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.role = 'owner' AND NEW.team_id = OLD.team_id THEN
    RETURN NULL;
  END IF;
  -- Serialize the owner changes of this team: the team's row is updated (not only locked), so
  -- a concurrent change in a snapshot transaction fails with 40001 instead of counting stale rows.
  UPDATE public.teams SET updated_at = now() WHERE organization_id = OLD.organization_id AND id = OLD.team_id RETURNING deleted_at IS NULL INTO live;
  IF NOT FOUND OR (live AND NOT EXISTS (SELECT 1 FROM public.team_members
    WHERE organization_id = OLD.organization_id AND team_id = OLD.team_id AND role = 'owner')) THEN
    RAISE EXCEPTION 'a team keeps at least one owner'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'team_members_last_owner', TABLE = 'team_members', SCHEMA = 'public';
  END IF;
  RETURN NULL;
END
$function$;
CREATE OR REPLACE FUNCTION public.org_data_team_has_owner()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
BEGIN
  IF NEW.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM public.team_members
    WHERE organization_id = NEW.organization_id AND team_id = NEW.id AND role = 'owner') THEN
    RAISE EXCEPTION 'a team keeps at least one owner'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'teams_has_owner', TABLE = 'teams', SCHEMA = 'public';
  END IF;
  RETURN NULL;
END
$function$;
CREATE OR REPLACE FUNCTION public.org_data_submission_attachment_rules()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
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
  UPDATE public.submissions s SET updated_at = now()
  WHERE s.organization_id = row_of.organization_id AND s.id = row_of.submission_id RETURNING s.status INTO state;
  IF FOUND AND state <> 'draft' THEN
    RAISE EXCEPTION 'attachments change only while their submission is a draft'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'submission_attachments_draft_only', TABLE = 'submission_attachments', SCHEMA = 'public';
  END IF;
  RETURN row_of;
END
$function$;
CREATE OR REPLACE FUNCTION public.org_data_submission_attachments_clean()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
BEGIN
  IF EXISTS (SELECT 1 FROM public.submission_attachments
    WHERE organization_id = NEW.organization_id AND submission_id = NEW.id AND scan_status <> 'clean') THEN
    RAISE EXCEPTION 'a submission with an attachment not scanned clean cannot be submitted'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'submissions_attachments_clean', TABLE = 'submissions', SCHEMA = 'public';
  END IF;
  RETURN NEW;
END
$function$;

ALTER TABLE user_roles DROP CONSTRAINT user_roles_granted_by_fkey;
ALTER TABLE user_roles ADD CONSTRAINT user_roles_granted_by_fkey
  FOREIGN KEY (organization_id, granted_by) REFERENCES users (organization_id, id) ON DELETE SET NULL (granted_by) NOT VALID;
ALTER TABLE user_staff_profiles DROP CONSTRAINT user_staff_profiles_verified_by_user_id_fkey;
ALTER TABLE user_staff_profiles ADD CONSTRAINT user_staff_profiles_verified_by_user_id_fkey
  FOREIGN KEY (organization_id, verified_by_user_id) REFERENCES users (organization_id, id) NOT VALID;

DO $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM user_roles ur JOIN users u ON u.id = ur.granted_by WHERE u.organization_id <> ur.organization_id
  ) THEN
    ALTER TABLE user_roles VALIDATE CONSTRAINT user_roles_granted_by_fkey;
  ELSE
    RAISE NOTICE 'user_roles_granted_by_fkey left NOT VALID: some roles were granted by a user of another organization';
  END IF;
  IF NOT EXISTS (
    SELECT 1 FROM user_staff_profiles p JOIN users u ON u.id = p.verified_by_user_id WHERE u.organization_id <> p.organization_id
  ) THEN
    ALTER TABLE user_staff_profiles VALIDATE CONSTRAINT user_staff_profiles_verified_by_user_id_fkey;
  ELSE
    RAISE NOTICE 'user_staff_profiles_verified_by_user_id_fkey left NOT VALID: some profiles were verified by a user of another organization';
  END IF;
END
$$;
