-- The audit trail shared by every aggregate: append-only, written in the same transaction as
-- the change it records, partitioned by month so old months are dropped whole.
--
-- organization_id, actor_user_id and entity_id carry no foreign keys on purpose: an audit row
-- must outlive what it describes (a purged document, a deleted user) and must never block or
-- be removed by such a deletion.
CREATE TABLE audit_logs (
  event_id bigint GENERATED ALWAYS AS IDENTITY,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Set when the row is written and never changed (rows are never updated); kept for the
  -- every-table convention.
  updated_at timestamptz NOT NULL DEFAULT now(),
  organization_id uuid,
  actor_user_id uuid,
  action text NOT NULL,
  entity_type text NOT NULL,
  entity_id uuid NOT NULL,
  before jsonb,
  after jsonb,
  request_id text,
  ip inet,
  user_agent text,
  PRIMARY KEY (event_id, created_at),
  CONSTRAINT audit_logs_action_format CHECK (
    length(action) <= 100 AND action ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$'
  ),
  CONSTRAINT audit_logs_entity_type_format CHECK (
    length(entity_type) <= 64 AND entity_type ~ '^[a-z][a-z0-9_]*$'
  ),
  CONSTRAINT audit_logs_snapshots_are_objects CHECK (
    (before IS NULL OR jsonb_typeof(before) = 'object') AND (after IS NULL OR jsonb_typeof(after) = 'object')
  ),
  CONSTRAINT audit_logs_request_id_length CHECK (length(request_id) <= 200),
  CONSTRAINT audit_logs_user_agent_length CHECK (length(user_agent) <= 1000)
) PARTITION BY RANGE (created_at);

-- Rows for a month without its partition land here; creating that month's partition moves them.
CREATE TABLE audit_logs_default PARTITION OF audit_logs DEFAULT;

-- An entity's history in event order.
CREATE INDEX audit_logs_entity_idx ON audit_logs (entity_type, entity_id, event_id);
-- An actor's recent activity.
CREATE INDEX audit_logs_actor_idx ON audit_logs (actor_user_id, event_id) WHERE actor_user_id IS NOT NULL;

-- Append-only: the database rejects UPDATE, DELETE and TRUNCATE. Retention detaches and drops
-- whole partitions, which these triggers do not (and should not) prevent.
CREATE FUNCTION audit_logs_reject_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_logs is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_logs_append_only BEFORE UPDATE OR DELETE ON audit_logs
  FOR EACH ROW EXECUTE FUNCTION audit_logs_reject_change();
CREATE TRIGGER audit_logs_no_truncate BEFORE TRUNCATE ON audit_logs
  FOR EACH STATEMENT EXECUTE FUNCTION audit_logs_reject_change();
-- Statement triggers are not cloned to partitions, so each partition gets its own TRUNCATE
-- guard (createAuditPartitions adds it to the monthly partitions it creates).
CREATE TRIGGER audit_logs_default_no_truncate BEFORE TRUNCATE ON audit_logs_default
  FOR EACH STATEMENT EXECUTE FUNCTION audit_logs_reject_change();
