-- Staff profiles: HR data that an admin verifies. A 1:1 child of users, so the hot users row
-- stays narrow. The verification state machine's invariants are CHECK constraints: an
-- impossible state cannot be committed, not even by a one-off SQL fix.
CREATE TYPE profile_verification_status AS ENUM ('draft', 'pending', 'verified', 'rejected');

CREATE TABLE user_staff_profiles (
  user_id uuid PRIMARY KEY,
  organization_id uuid NOT NULL,
  employee_id text,
  academic_title_code text REFERENCES academic_titles (code),
  academic_title_other text,
  unit_id uuid,
  job_title text,
  profile_verification_status profile_verification_status NOT NULL DEFAULT 'draft',
  verification_submitted_at timestamptz,
  verified_at timestamptz,
  verified_by_user_id uuid REFERENCES users (id),
  rejection_reason text,
  verification_expires_at timestamptz,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT user_staff_profiles_user_id_fkey FOREIGN KEY (organization_id, user_id)
    REFERENCES users (organization_id, id) ON DELETE CASCADE,
  CONSTRAINT user_staff_profiles_unit_id_fkey FOREIGN KEY (organization_id, unit_id)
    REFERENCES units (organization_id, id),
  CONSTRAINT user_staff_profiles_employee_id_format CHECK (employee_id ~ '^[A-Z0-9-]{3,32}$'),
  -- 'other' exactly when a non-blank free-text title is given.
  CONSTRAINT user_staff_profiles_academic_title_other CHECK (
    (academic_title_code IS NOT DISTINCT FROM 'other')
      = (academic_title_other IS NOT NULL AND academic_title_other ~ '[^[:space:]]')
  ),
  CONSTRAINT user_staff_profiles_academic_title_other_length CHECK (length(academic_title_other) <= 120),
  CONSTRAINT user_staff_profiles_job_title_length CHECK (length(job_title) <= 120),
  CONSTRAINT user_staff_profiles_version_positive CHECK (version >= 1),
  -- The state machine's invariants.
  CONSTRAINT user_staff_profiles_verified_requires_metadata CHECK (
    profile_verification_status <> 'verified' OR (verified_at IS NOT NULL AND verified_by_user_id IS NOT NULL)
  ),
  CONSTRAINT user_staff_profiles_unverified_clears_metadata CHECK (
    profile_verification_status = 'verified'
      OR (verified_at IS NULL AND verified_by_user_id IS NULL AND verification_expires_at IS NULL)
  ),
  -- coalesce: a NULL reason must fail the CHECK (a CHECK that evaluates to NULL passes).
  CONSTRAINT user_staff_profiles_rejected_requires_reason CHECK (
    profile_verification_status <> 'rejected' OR coalesce(rejection_reason, '') ~ '[^[:space:]]'
  ),
  CONSTRAINT user_staff_profiles_reason_only_when_rejected CHECK (
    profile_verification_status = 'rejected' OR rejection_reason IS NULL
  ),
  CONSTRAINT user_staff_profiles_rejection_reason_length CHECK (length(rejection_reason) <= 1000),
  CONSTRAINT user_staff_profiles_pending_requires_submitted_at CHECK (
    profile_verification_status <> 'pending' OR verification_submitted_at IS NOT NULL
  ),
  CONSTRAINT user_staff_profiles_expiry_after_verification CHECK (verification_expires_at > verified_at)
);

-- Globally unique when present.
CREATE UNIQUE INDEX user_staff_profiles_employee_id_key ON user_staff_profiles (employee_id)
  WHERE employee_id IS NOT NULL;
-- The admin pending queue of an organization, oldest first (user_id breaks ties for keyset
-- pagination). Partial: only pending rows, a small fraction of the table.
CREATE INDEX user_staff_profiles_pending_queue_idx
  ON user_staff_profiles (organization_id, verification_submitted_at, user_id)
  WHERE profile_verification_status = 'pending';
CREATE INDEX user_staff_profiles_unit_status_idx
  ON user_staff_profiles (unit_id, profile_verification_status, verification_submitted_at);
-- "What did admin X verify recently"; also supports the verified_by_user_id FK.
CREATE INDEX user_staff_profiles_verified_by_idx
  ON user_staff_profiles (verified_by_user_id, verified_at DESC, user_id DESC)
  WHERE verified_by_user_id IS NOT NULL;
-- Verifications expiring before a date.
CREATE INDEX user_staff_profiles_expiry_idx ON user_staff_profiles (verification_expires_at, user_id)
  WHERE verification_expires_at IS NOT NULL;
CREATE INDEX user_staff_profiles_organization_id_unit_id_idx ON user_staff_profiles (organization_id, unit_id);
CREATE INDEX user_staff_profiles_academic_title_code_idx ON user_staff_profiles (academic_title_code);

CREATE TRIGGER user_staff_profiles_set_updated_at BEFORE UPDATE ON user_staff_profiles
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
