-- Back to the 0.11.0 trigger functions (no organization_id filter) and single-column user keys.
CREATE OR REPLACE FUNCTION public.org_data_submission_version_published()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
BEGIN
  IF NEW.form_version_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM public.form_versions WHERE id = NEW.form_version_id AND is_published
  ) AND EXISTS (SELECT 1 FROM public.form_versions WHERE id = NEW.form_version_id) THEN
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
  UPDATE public.teams SET updated_at = now() WHERE id = OLD.team_id RETURNING deleted_at IS NULL INTO live;
  IF NOT FOUND OR (live AND NOT EXISTS (SELECT 1 FROM public.team_members WHERE team_id = OLD.team_id AND role = 'owner')) THEN
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
  IF NEW.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM public.team_members WHERE team_id = NEW.id AND role = 'owner') THEN
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
  UPDATE public.submissions s SET updated_at = now() WHERE s.id = row_of.submission_id RETURNING s.status INTO state;
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
  IF EXISTS (SELECT 1 FROM public.submission_attachments WHERE submission_id = NEW.id AND scan_status <> 'clean') THEN
    RAISE EXCEPTION 'a submission with an attachment not scanned clean cannot be submitted'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'submissions_attachments_clean', TABLE = 'submissions', SCHEMA = 'public';
  END IF;
  RETURN NEW;
END
$function$;

ALTER TABLE user_roles DROP CONSTRAINT user_roles_granted_by_fkey;
ALTER TABLE user_roles ADD CONSTRAINT user_roles_granted_by_fkey FOREIGN KEY (granted_by) REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE user_staff_profiles DROP CONSTRAINT user_staff_profiles_verified_by_user_id_fkey;
ALTER TABLE user_staff_profiles ADD CONSTRAINT user_staff_profiles_verified_by_user_id_fkey FOREIGN KEY (verified_by_user_id) REFERENCES users (id);
