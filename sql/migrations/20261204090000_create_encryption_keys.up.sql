-- Per-organization data keys for field encryption and blind indexes (issue 12, release 0.9.0).
-- Additive: services on 0.8.0 never touch it.
--
-- Envelope encryption: each organization has data keys, one active per purpose (new values are
-- encrypted with it), older ones retired (kept to decrypt what they encrypted until the
-- re-encryption job has moved it to the active key). A data key is stored only wrapped by a key
-- provider's master key (local master keys from configuration, or AWS KMS); the master key and
-- the plaintext data key are never in the database. The key's state machine (active → retired)
-- is declared in src/contexts/integrations/encryption-keys/encryption-key-machine.ts.
CREATE TABLE encryption_keys (
  -- Also written into every value it encrypts (bytes 1–16 of the value).
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  organization_id uuid NOT NULL REFERENCES organizations (id),
  -- What it encrypts: `field` (encrypted columns), `blind_index` (the keys of blind indexes).
  purpose text NOT NULL,
  -- 1, 2, … per organization and purpose, in the order the keys were made.
  version integer NOT NULL,
  status text NOT NULL DEFAULT 'active',
  -- The key provider that wrapped it (KeyProvider.name) and its master key there.
  provider text NOT NULL,
  master_key_id text NOT NULL,
  wrapped_key bytea NOT NULL,
  retired_at timestamptz,
  -- Leads with organization_id, so it is also the foreign key's index.
  CONSTRAINT encryption_keys_organization_purpose_version_key UNIQUE (organization_id, purpose, version),
  CONSTRAINT encryption_keys_purpose_format CHECK (length(purpose) <= 64 AND purpose ~ '^[a-z][a-z0-9_]*$'),
  CONSTRAINT encryption_keys_version_range CHECK (version BETWEEN 1 AND 1000000),
  CONSTRAINT encryption_keys_status_values CHECK (status IN ('active', 'retired')),
  CONSTRAINT encryption_keys_retired_at_when_retired CHECK ((status = 'retired') = (retired_at IS NOT NULL)),
  CONSTRAINT encryption_keys_retired_after_created CHECK (retired_at >= created_at),
  CONSTRAINT encryption_keys_provider_format CHECK (length(provider) <= 64 AND provider ~ '^[a-z][a-z0-9-]*$'),
  CONSTRAINT encryption_keys_master_key_id_length CHECK (length(master_key_id) BETWEEN 1 AND 2048),
  CONSTRAINT encryption_keys_wrapped_key_length CHECK (octet_length(wrapped_key) BETWEEN 32 AND 4096)
);

-- One active key per organization and purpose: two first writes racing to create it make one.
CREATE UNIQUE INDEX encryption_keys_one_active_key ON encryption_keys (organization_id, purpose) WHERE status = 'active';

CREATE TRIGGER encryption_keys_set_updated_at BEFORE UPDATE ON encryption_keys
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- The application role reads and creates its tenant's keys, retires them and re-wraps them: it
-- may change only those columns; a key is never deleted (values may still need it).
CALL org_data_enable_tenant_isolation('encryption_keys', app_privileges => 'SELECT, INSERT');
GRANT UPDATE (status, retired_at, provider, master_key_id, wrapped_key, updated_at) ON encryption_keys TO org_data_app;

-- The events of key management (idempotent, like the first seed).
INSERT INTO event_types (code, description, payload_version) VALUES
  ('encryption_key.created', 'A data key was created for an organization and purpose.', 1),
  ('encryption_key.rotated', 'An organization''s active data key for a purpose was replaced by a new one.', 1)
ON CONFLICT (code) DO NOTHING;
