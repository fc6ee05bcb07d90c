-- Users: the narrow, hot identity row. Authentication lives in the external identity
-- provider; auth_subject is its subject. No passwords, no verification or session state.
CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id),
  auth_subject text NOT NULL,
  email text NOT NULL,
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz,
  CONSTRAINT users_auth_subject_key UNIQUE (auth_subject),
  -- Lets tenant-owned children reference (organization_id, user_id) so a child row can never
  -- name a user of another organization; also the index behind the organization_id FK.
  CONSTRAINT users_organization_id_id_key UNIQUE (organization_id, id),
  CONSTRAINT users_auth_subject_length CHECK (length(auth_subject) BETWEEN 1 AND 255),
  -- A linear shape check, not an RFC 5322 regex: one '@', no whitespace, a dotted domain.
  -- Each class excludes the separator that follows it, so matching never backtracks.
  CONSTRAINT users_email_format CHECK (
    length(email) <= 254 AND email ~ '^[^@[:space:]]+@[^@[:space:].]+(\.[^@[:space:].]+)+$'
  )
);

-- Case-insensitive, per organization, among non-deleted users.
CREATE UNIQUE INDEX users_organization_email_key ON users (organization_id, lower(email))
  WHERE deleted_at IS NULL;

CREATE TRIGGER users_set_updated_at BEFORE UPDATE ON users
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- 1:1 profile data, kept off the hot users row.
CREATE TABLE user_profiles (
  user_id uuid PRIMARY KEY,
  organization_id uuid NOT NULL,
  full_name text NOT NULL,
  birthdate date,
  locale text NOT NULL DEFAULT 'en',
  time_zone text NOT NULL DEFAULT 'UTC',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT user_profiles_user_id_fkey FOREIGN KEY (organization_id, user_id)
    REFERENCES users (organization_id, id) ON DELETE CASCADE,
  CONSTRAINT user_profiles_full_name_length CHECK (length(full_name) <= 200 AND full_name ~ '[^[:space:]]'),
  CONSTRAINT user_profiles_birthdate_range CHECK (birthdate >= DATE '1900-01-01'),
  CONSTRAINT user_profiles_locale_format CHECK (
    length(locale) <= 35 AND locale ~ '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$'
  ),
  CONSTRAINT user_profiles_time_zone_format CHECK (
    length(time_zone) <= 64 AND time_zone ~ '^[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*$'
  )
);

CREATE INDEX user_profiles_organization_id_user_id_idx ON user_profiles (organization_id, user_id);

CREATE TRIGGER user_profiles_set_updated_at BEFORE UPDATE ON user_profiles
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
