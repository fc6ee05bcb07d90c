-- Domain events written in the same transaction as the change they describe, and the outbox
-- the worker dispatches them from (issue 11, release 0.8.0). Adds tables, one function and one
-- role; changes nothing that exists, so services on 0.7.0 keep working while it is applied.
--
-- - event_types: a global lookup of the event types and their current payload version.
-- - domain_events: append-only, partitioned by month like audit_logs (old months are dropped
--   whole), isolated per tenant. `id` is the public id receivers deduplicate by.
-- - outbox_messages: one row per event not yet dispatched; the worker deletes it in the
--   transaction that fans the event out. A queue, not a log: nobody reads it "after my cursor".
-- - org_data_worker: the worker's role. It may claim outbox rows of every tenant; everything
--   else it reaches as org_data_app does (it is a member), only with a tenant set.

CREATE TABLE event_types (
  code text PRIMARY KEY,
  description text NOT NULL,
  -- The payload version new events of this type are written with.
  payload_version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT event_types_code_format CHECK (
    length(code) <= 100 AND code ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$'
  ),
  CONSTRAINT event_types_description_length CHECK (length(description) <= 500 AND description ~ '[^[:space:]]'),
  CONSTRAINT event_types_payload_version_range CHECK (payload_version BETWEEN 1 AND 1000)
);

CREATE TRIGGER event_types_set_updated_at BEFORE UPDATE ON event_types
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Idempotent seed: rows that exist are left as they are (a later migration that bumps a
-- payload version says so with an UPDATE of its own).
INSERT INTO event_types (code, description, payload_version) VALUES
  ('user.registered', 'A user was registered in an organization, with a profile and the default role.', 1),
  ('staff_profile.submitted', 'A staff profile was submitted for verification.', 1),
  ('staff_profile.verified', 'A staff profile was verified by a verifier.', 1),
  ('staff_profile.rejected', 'A staff profile was rejected by a verifier, with a reason.', 1),
  ('document.created', 'A document was created with its first version.', 1),
  ('document.version_added', 'A new version of a document was added.', 1),
  ('document.deleted', 'A document was soft-deleted.', 1)
ON CONFLICT (code) DO NOTHING;

-- A global table: the application role reads it and writes nothing (the default privileges
-- of 20261121120000 granted it DML on tables created later).
REVOKE ALL ON event_types FROM org_data_app;
GRANT SELECT ON event_types TO org_data_app;

CREATE TABLE domain_events (
  -- The public id, sent to receivers so that they can deduplicate.
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Set when the row is written and never changed (rows are never updated).
  updated_at timestamptz NOT NULL DEFAULT now(),
  organization_id uuid NOT NULL,
  -- A code of event_types, by construction (the package's catalogue; a test compares the two).
  -- Not a foreign key: a key to a handful of rows makes every event lock (FOR KEY SHARE) the
  -- same event_types row, a MultiXact per row under concurrency, and cost ~60 µs per event here.
  event_type_code text NOT NULL,
  payload_version integer NOT NULL,
  aggregate_type text NOT NULL,
  aggregate_id uuid NOT NULL,
  -- The aggregate's version after the change, where the aggregate has one.
  aggregate_version integer,
  payload jsonb NOT NULL,
  actor_user_id uuid,
  correlation_id text,
  causation_id uuid,
  request_id text,
  -- The tenant first: lookups always know it (row-level security sets it), and it is the key a
  -- distributed table would be sharded by. Then the time: a tenant's new events go to the end of
  -- its range of the index (a random id second spread them over its pages), and a tenant's
  -- events in a time range are one index range.
  PRIMARY KEY (organization_id, created_at, id),
  CONSTRAINT domain_events_event_type_code_format CHECK (
    length(event_type_code) <= 100 AND event_type_code ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$'
  ),
  CONSTRAINT domain_events_payload_version_range CHECK (payload_version BETWEEN 1 AND 1000),
  CONSTRAINT domain_events_aggregate_type_format CHECK (
    length(aggregate_type) <= 64 AND aggregate_type ~ '^[a-z][a-z0-9_]*$'
  ),
  CONSTRAINT domain_events_aggregate_version_positive CHECK (aggregate_version >= 1),
  -- A JSON object of at most 64 KiB in its stored (binary, uncompressed) form: events carry
  -- facts and ids, not documents. Measured by pg_column_size, not as text: printing the
  -- payload to measure it cost ~11 µs per event here.
  CONSTRAINT domain_events_payload_object CHECK (
    jsonb_typeof(payload) = 'object' AND pg_column_size(payload) <= 65536
  ),
  CONSTRAINT domain_events_correlation_id_length CHECK (length(correlation_id) <= 200),
  CONSTRAINT domain_events_request_id_length CHECK (length(request_id) <= 200)
) PARTITION BY RANGE (created_at);

-- Rows for a month without its partition land here; creating that month's partition moves them.
CREATE TABLE domain_events_default PARTITION OF domain_events DEFAULT;

-- No index besides the primary key: every index is paid by every write that emits an event
-- (one by aggregate, (organization_id, aggregate_type, aggregate_id, created_at), was
-- considered). The worker reads events by key; a tenant's events in a time range are a range
-- of the key, in the months the range prunes to (test/core/events). A release that adds a
-- query by aggregate adds its index then, with the query.

-- Append-only, as audit_logs: UPDATE, DELETE and TRUNCATE are rejected; retention detaches
-- and drops whole partitions. One function for every append-only table from here on.
CREATE FUNCTION org_data_reject_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER domain_events_append_only BEFORE UPDATE OR DELETE ON domain_events
  FOR EACH ROW EXECUTE FUNCTION org_data_reject_change();
CREATE TRIGGER domain_events_no_truncate BEFORE TRUNCATE ON domain_events
  FOR EACH STATEMENT EXECUTE FUNCTION org_data_reject_change();
CREATE TRIGGER domain_events_default_no_truncate BEFORE TRUNCATE ON domain_events_default
  FOR EACH STATEMENT EXECUTE FUNCTION org_data_reject_change();

-- The application role writes and reads its tenant's events through the parent only.
CALL org_data_enable_tenant_isolation('domain_events', app_privileges => 'SELECT, INSERT');
CALL org_data_enable_tenant_isolation('domain_events_default', app_privileges => 'NONE');

CREATE TABLE outbox_messages (
  -- The event's key within the queue: when it was written (its transaction's time) and its
  -- public id. One message per event, and the order the worker claims in (oldest first), from
  -- one index: a message costs one heap row and one index entry, whose key only grows (new
  -- entries go to the rightmost leaf). A second index for the claim order cost ~8 µs per event.
  event_created_at timestamptz NOT NULL,
  event_id uuid NOT NULL,
  organization_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- Not a bare uuid key, by exception: this is a queue's order, and the event id stays the
  -- event's key in domain_events.
  PRIMARY KEY (event_created_at, event_id)
  -- No foreign key to domain_events: written by the same statement as its event, and its check
  -- (a lookup into the partitioned table, and a row lock) cost ~30 µs per event. Retention
  -- refuses to drop a month with messages still queued (domainEventPartitions.dropBefore).
);

CREATE TRIGGER outbox_messages_set_updated_at BEFORE UPDATE ON outbox_messages
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- A queue table: rows are inserted and soon deleted. Vacuum it after a fixed number of dead
-- rows, not a fraction of a table that is usually nearly empty, and without cost-based delay,
-- so that dead tuples do not pile up in front of the claim index.
ALTER TABLE outbox_messages SET (
  autovacuum_vacuum_scale_factor = 0,
  autovacuum_vacuum_threshold = 1000,
  autovacuum_vacuum_insert_scale_factor = 0,
  autovacuum_vacuum_insert_threshold = 1000,
  autovacuum_vacuum_cost_delay = 0
);

-- The application role only enqueues, for its tenant (INSERT without RETURNING).
CALL org_data_enable_tenant_isolation('outbox_messages', app_privileges => 'INSERT');

-- The worker role, cluster-wide like org_data_app: created only when missing; refused when it
-- exists with SUPERUSER or BYPASSRLS.
DO $$
DECLARE
  existing record;
BEGIN
  SELECT rolsuper, rolbypassrls INTO existing FROM pg_roles WHERE rolname = 'org_data_worker';
  IF NOT FOUND THEN
    BEGIN
      CREATE ROLE org_data_worker NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL; -- created meanwhile by the same migration in another database
    END;
  ELSIF existing.rolsuper OR existing.rolbypassrls THEN
    RAISE EXCEPTION 'role org_data_worker exists with SUPERUSER or BYPASSRLS; row-level security would not apply to it'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  -- Tenant data as the application role sees it: only with the tenant set.
  IF NOT pg_has_role('org_data_worker', 'org_data_app', 'MEMBER') THEN
    BEGIN
      GRANT org_data_app TO org_data_worker;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL; -- granted meanwhile by the same migration in another database
    END;
  END IF;
END
$$;

-- The worker claims (SELECT … FOR UPDATE SKIP LOCKED, which needs UPDATE) and deletes messages
-- of every tenant: permissive policies for this role only, one per command. It enqueues as the
-- application role does (INSERT, through its membership): for the tenant set only. Its UPDATE
-- policy lets it lock any message and change none (WITH CHECK false). Services' application
-- login roles are members of org_data_app, not of org_data_worker, and stay confined to their
-- tenant.
GRANT SELECT, UPDATE, DELETE ON outbox_messages TO org_data_worker;
CREATE POLICY worker_queue_select ON outbox_messages FOR SELECT TO org_data_worker USING (true);
CREATE POLICY worker_queue_update ON outbox_messages FOR UPDATE TO org_data_worker USING (true) WITH CHECK (false);
CREATE POLICY worker_queue_delete ON outbox_messages FOR DELETE TO org_data_worker USING (true);
