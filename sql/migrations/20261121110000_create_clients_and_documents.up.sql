-- Clients and their documents. Bytes live in object storage: rows hold object keys and
-- checksums only. Versions are immutable; soft delete keeps uniqueness for live rows only.

-- Fuzzy name search (trigram), and plain columns inside a GIN index (client_id + trigrams).
-- Both are trusted extensions: the database owner may create them.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;

CREATE TYPE client_status AS ENUM ('active', 'inactive', 'suspended');

CREATE TABLE clients (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id),
  code text NOT NULL,
  name text NOT NULL,
  status client_status NOT NULL DEFAULT 'active',
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  manager_user_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- Actor columns are informational (no FK): the audit trail is the record of who did what.
  created_by uuid,
  updated_by uuid,
  deleted_at timestamptz,
  CONSTRAINT clients_organization_id_id_key UNIQUE (organization_id, id),
  CONSTRAINT clients_manager_user_id_fkey FOREIGN KEY (organization_id, manager_user_id)
    REFERENCES users (organization_id, id),
  CONSTRAINT clients_code_format CHECK (length(code) <= 64 AND code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]*$'),
  CONSTRAINT clients_name_length CHECK (length(name) <= 200 AND name ~ '[^[:space:]]'),
  CONSTRAINT clients_metadata_is_object CHECK (jsonb_typeof(metadata) = 'object'),
  CONSTRAINT clients_metadata_size CHECK (octet_length(metadata::text) <= 16384)
);

-- A deleted client's code can be reused; restoring it then conflicts.
CREATE UNIQUE INDEX clients_organization_code_key ON clients (organization_id, code) WHERE deleted_at IS NULL;
-- Listing by organization and status, keyset on code.
CREATE INDEX clients_organization_status_code_idx ON clients (organization_id, status, code, id)
  WHERE deleted_at IS NULL;
-- Metadata containment search (@>).
CREATE INDEX clients_metadata_idx ON clients USING gin (metadata jsonb_path_ops) WHERE deleted_at IS NULL;
CREATE INDEX clients_organization_id_manager_user_id_idx ON clients (organization_id, manager_user_id);

CREATE TRIGGER clients_set_updated_at BEFORE UPDATE ON clients
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE documents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL,
  client_id uuid NOT NULL,
  original_name text NOT NULL,
  -- The object key of the current version.
  storage_key text NOT NULL,
  mime_type text NOT NULL,
  current_version integer NOT NULL DEFAULT 1,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid,
  updated_by uuid,
  deleted_at timestamptz,
  CONSTRAINT documents_organization_id_id_key UNIQUE (organization_id, id),
  CONSTRAINT documents_client_id_fkey FOREIGN KEY (organization_id, client_id)
    REFERENCES clients (organization_id, id),
  -- No 255 cap: up to 1024 characters. The 2048-byte bound keeps every name within what the
  -- btree of documents_client_name_key can hold (2704 bytes), whatever the script.
  CONSTRAINT documents_original_name_length CHECK (
    length(original_name) <= 1024 AND octet_length(original_name) <= 2048 AND original_name ~ '[^[:space:]]'
  ),
  -- Object stores limit keys to 1024 bytes (S3).
  CONSTRAINT documents_storage_key_length CHECK (octet_length(storage_key) BETWEEN 1 AND 1024),
  -- type/subtype; '/' separates two classes that cannot contain it, so no backtracking.
  CONSTRAINT documents_mime_type_format CHECK (
    length(mime_type) <= 255 AND mime_type ~ '^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$'
  ),
  CONSTRAINT documents_current_version_positive CHECK (current_version >= 1),
  CONSTRAINT documents_metadata_is_object CHECK (jsonb_typeof(metadata) = 'object'),
  CONSTRAINT documents_metadata_size CHECK (octet_length(metadata::text) <= 16384)
);

-- One live document of a name per client.
CREATE UNIQUE INDEX documents_client_name_key ON documents (client_id, original_name) WHERE deleted_at IS NULL;
CREATE INDEX documents_organization_id_client_id_idx ON documents (organization_id, client_id);
-- Fuzzy search by name within a client: client_id and the name's trigrams in one GIN index.
CREATE INDEX documents_client_name_trgm_idx ON documents USING gin (client_id, original_name gin_trgm_ops)
  WHERE deleted_at IS NULL;
CREATE INDEX documents_metadata_idx ON documents USING gin (metadata jsonb_path_ops) WHERE deleted_at IS NULL;
-- Retention: soft-deleted documents by deletion time.
CREATE INDEX documents_deleted_at_idx ON documents (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TRIGGER documents_set_updated_at BEFORE UPDATE ON documents
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE document_versions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL,
  document_id uuid NOT NULL,
  version_number integer NOT NULL,
  storage_key text NOT NULL,
  checksum_sha256 text NOT NULL,
  size_bytes bigint NOT NULL,
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Set when the row is written and never changed (versions are immutable).
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT document_versions_document_id_version_number_key UNIQUE (document_id, version_number),
  -- An object belongs to one version, so purging it cannot delete another version's bytes.
  CONSTRAINT document_versions_storage_key_key UNIQUE (storage_key),
  CONSTRAINT document_versions_document_id_fkey FOREIGN KEY (organization_id, document_id)
    REFERENCES documents (organization_id, id),
  CONSTRAINT document_versions_version_number_positive CHECK (version_number >= 1),
  CONSTRAINT document_versions_storage_key_length CHECK (octet_length(storage_key) BETWEEN 1 AND 1024),
  CONSTRAINT document_versions_checksum_format CHECK (checksum_sha256 ~ '^[0-9a-f]{64}$'),
  CONSTRAINT document_versions_size_non_negative CHECK (size_bytes >= 0)
);

CREATE INDEX document_versions_organization_id_document_id_idx ON document_versions (organization_id, document_id);

-- Versions are immutable: UPDATE is always rejected, DELETE only inside purge_deleted_documents,
-- which opens the gate for its own transaction id only (a session-level SET cannot keep it
-- open). This guards against mistakes; the privilege to delete is the role's (see the README).
CREATE FUNCTION document_versions_reject_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE'
     AND current_setting('org_data.purging_documents', true) = txid_current()::text THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'document_versions is immutable: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER document_versions_immutable BEFORE UPDATE OR DELETE ON document_versions
  FOR EACH ROW EXECUTE FUNCTION document_versions_reject_change();
CREATE TRIGGER document_versions_no_truncate BEFORE TRUNCATE ON document_versions
  FOR EACH STATEMENT EXECUTE FUNCTION document_versions_reject_change();

-- The one way to remove versions: hard-deletes up to p_limit documents soft-deleted before
-- p_deleted_before, with all their versions, and returns every version's object key so the
-- caller can delete the bytes. The transaction-local flag it sets is the only thing the
-- immutability trigger lets through.
CREATE FUNCTION purge_deleted_documents(p_deleted_before timestamptz, p_limit integer)
RETURNS TABLE (document_id uuid, organization_id uuid, storage_key text)
LANGUAGE plpgsql AS $$
DECLARE
  doomed uuid[];
BEGIN
  SELECT coalesce(array_agg(d.id), '{}') INTO doomed FROM (
    SELECT id FROM documents
    WHERE deleted_at < p_deleted_before
    ORDER BY deleted_at, id
    LIMIT p_limit
    FOR UPDATE SKIP LOCKED
  ) AS d;
  PERFORM set_config('org_data.purging_documents', txid_current()::text, true);
  RETURN QUERY
    DELETE FROM document_versions v WHERE v.document_id = ANY (doomed)
    RETURNING v.document_id, v.organization_id, v.storage_key;
  PERFORM set_config('org_data.purging_documents', '', true);
  DELETE FROM documents d WHERE d.id = ANY (doomed);
END
$$;
