-- API keys (issue 12): per organization, a named key whose secret is shown once and stored only as
-- a keyed hash (HMAC-SHA256 under the service's hash key), with permissions through a junction to
-- permissions (never more than its creator holds: checked when it is made), an expiry, and a
-- revocation that records who and when. Additive and not breaking: services on 0.8.0 never touch
-- these tables.
--
-- apiKeys.resolve finds a key before the tenant is known, as the application role, through two
-- lookup policies (SELECT only, org_data_app only): the key whose secret_hash equals the
-- transaction-local setting app.api_key_lookup (hex), and that key's permission rows. The caller
-- must hold the secret to compute the hash; it sees that one key and nothing else.
CREATE TABLE api_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  organization_id uuid NOT NULL REFERENCES organizations (id),
  name text NOT NULL,
  -- The secret's visible start, e.g. pk_live_: what a leaked key is recognised by.
  prefix text NOT NULL,
  secret_hash bytea NOT NULL,
  created_by_user_id uuid NOT NULL,
  expires_at timestamptz,
  revoked_at timestamptz,
  revoked_by_user_id uuid,
  -- Updated by resolveApiKey at most every five minutes (not on every request).
  last_used_at timestamptz,
  -- The target of the permissions' tenant-scoped foreign key; leads with organization_id, so it
  -- is also the index of the organization's foreign key.
  CONSTRAINT api_keys_organization_id_id_key UNIQUE (organization_id, id),
  CONSTRAINT api_keys_secret_hash_key UNIQUE (secret_hash),
  CONSTRAINT api_keys_created_by_user_id_fkey FOREIGN KEY (organization_id, created_by_user_id) REFERENCES users (organization_id, id),
  CONSTRAINT api_keys_revoked_by_user_id_fkey FOREIGN KEY (organization_id, revoked_by_user_id) REFERENCES users (organization_id, id),
  CONSTRAINT api_keys_name_length CHECK (length(name) <= 100 AND name ~ '[^[:space:]]'),
  CONSTRAINT api_keys_prefix_format CHECK (prefix IN ('pk_live_', 'pk_test_')),
  CONSTRAINT api_keys_secret_hash_length CHECK (octet_length(secret_hash) = 32),
  -- Revoked by someone at some time, or not revoked: both or neither.
  CONSTRAINT api_keys_revoked_by_when_revoked CHECK ((revoked_at IS NULL) = (revoked_by_user_id IS NULL)),
  CONSTRAINT api_keys_revoked_after_created CHECK (revoked_at >= created_at),
  CONSTRAINT api_keys_expires_after_created CHECK (expires_at > created_at),
  CONSTRAINT api_keys_used_after_created CHECK (last_used_at >= created_at)
);

CREATE INDEX api_keys_created_by_idx ON api_keys (organization_id, created_by_user_id);
CREATE INDEX api_keys_revoked_by_idx ON api_keys (organization_id, revoked_by_user_id);

CREATE TRIGGER api_keys_set_updated_at BEFORE UPDATE ON api_keys
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CALL org_data_enable_tenant_isolation('api_keys', app_privileges => 'SELECT, INSERT');
GRANT UPDATE (revoked_at, revoked_by_user_id, last_used_at, updated_at) ON api_keys TO org_data_app;
CREATE POLICY api_key_lookup ON api_keys FOR SELECT TO org_data_app
  USING (secret_hash = decode(nullif(current_setting('app.api_key_lookup', true), ''), 'hex'));

CREATE TABLE api_key_permissions (
  organization_id uuid NOT NULL,
  api_key_id uuid NOT NULL,
  permission_id uuid NOT NULL REFERENCES permissions (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (api_key_id, permission_id),
  CONSTRAINT api_key_permissions_api_key_id_fkey FOREIGN KEY (organization_id, api_key_id) REFERENCES api_keys (organization_id, id)
);

CREATE INDEX api_key_permissions_api_key_idx ON api_key_permissions (organization_id, api_key_id);
CREATE INDEX api_key_permissions_permission_id_idx ON api_key_permissions (permission_id);

CREATE TRIGGER api_key_permissions_set_updated_at BEFORE UPDATE ON api_key_permissions
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- A key's permissions are fixed when it is made: inserted, never changed or deleted.
CALL org_data_enable_tenant_isolation('api_key_permissions', app_privileges => 'SELECT, INSERT');
CREATE POLICY api_key_permission_lookup ON api_key_permissions FOR SELECT TO org_data_app
  USING (api_key_id IN (SELECT k.id FROM api_keys k WHERE k.secret_hash = decode(nullif(current_setting('app.api_key_lookup', true), ''), 'hex')));

INSERT INTO event_types (code, description, payload_version) VALUES
  ('api_key.created', 'An API key was created for an organization, with its permissions.', 1),
  ('api_key.revoked', 'An API key was revoked.', 1)
ON CONFLICT (code) DO NOTHING;
