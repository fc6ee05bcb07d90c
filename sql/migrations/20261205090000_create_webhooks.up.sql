-- Webhooks (issue 12): per organization, an https endpoint subscribed to event types (a junction
-- to event_types), signed with a secret that is generated, shown once and stored encrypted (a
-- hash could not sign), rotatable with an overlap window in which both secrets sign. A webhook
-- is disabled by hand or automatically after consecutive failed attempts. Additive and not
-- breaking: services on 0.8.0 never touch these tables.
--
-- Deliveries: one per (webhook, event), made by the worker's `webhooks` handler from the outbox
-- (in the handler's transaction, so each event is fanned out once), sent by the webhook sender
-- (claimed with a lease, the HTTP request made outside any transaction), kept after they finish
-- (status, response status and a bounded excerpt) for redelivery on request and for operators.
CREATE TABLE webhooks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  organization_id uuid NOT NULL REFERENCES organizations (id),
  -- https only, no credentials in the URL (they would be stored in plaintext), at most 2,048
  -- characters. Whether its address is public is checked when a request is made (DNS can
  -- change), not here.
  url text NOT NULL,
  description text,
  -- The signing secret, sealed with the organization's field data key and bound to
  -- (webhooks, secret_encrypted, id).
  secret_encrypted bytea NOT NULL,
  -- The secret before the last rotation, which also signs until previous_secret_expires_at.
  previous_secret_encrypted bytea,
  previous_secret_expires_at timestamptz,
  is_active boolean NOT NULL DEFAULT true,
  disabled_at timestamptz,
  -- 'manual' (webhooks.disable) or 'failures' (consecutive failed attempts).
  disabled_reason text,
  -- Failed attempts since the last success; the sender disables the webhook at its threshold.
  consecutive_failures integer NOT NULL DEFAULT 0,
  created_by_user_id uuid NOT NULL,
  deleted_at timestamptz,
  -- The target of the subscriptions' and deliveries' tenant-scoped foreign keys; leads with
  -- organization_id, so it is also the index of the organization's foreign key.
  CONSTRAINT webhooks_organization_id_id_key UNIQUE (organization_id, id),
  CONSTRAINT webhooks_created_by_user_id_fkey FOREIGN KEY (organization_id, created_by_user_id) REFERENCES users (organization_id, id),
  CONSTRAINT webhooks_url_format CHECK (length(url) <= 2048 AND url ~ '^https://[^[:space:]/?#@]+([/?#][^[:space:]]*)?$'),
  CONSTRAINT webhooks_description_length CHECK (length(description) <= 500),
  CONSTRAINT webhooks_secret_encrypted_length CHECK (octet_length(secret_encrypted) BETWEEN 29 AND 1024),
  CONSTRAINT webhooks_previous_secret_encrypted_length CHECK (octet_length(previous_secret_encrypted) BETWEEN 29 AND 1024),
  -- A previous secret with the end of its overlap, or neither.
  CONSTRAINT webhooks_previous_secret_with_expiry CHECK ((previous_secret_encrypted IS NULL) = (previous_secret_expires_at IS NULL)),
  -- Active exactly when not disabled; disabled with a reason.
  CONSTRAINT webhooks_disabled_when_inactive CHECK (is_active = (disabled_at IS NULL)),
  CONSTRAINT webhooks_disabled_reason_when_disabled CHECK ((disabled_at IS NULL) = (disabled_reason IS NULL)),
  CONSTRAINT webhooks_disabled_reason_values CHECK (disabled_reason IN ('manual', 'failures')),
  CONSTRAINT webhooks_consecutive_failures_range CHECK (consecutive_failures BETWEEN 0 AND 1000000),
  CONSTRAINT webhooks_deleted_after_created CHECK (deleted_at >= created_at),
  -- A deleted webhook is also inactive (no delivery is made or sent for it).
  CONSTRAINT webhooks_inactive_when_deleted CHECK (deleted_at IS NULL OR NOT is_active)
);

CREATE INDEX webhooks_created_by_idx ON webhooks (organization_id, created_by_user_id);

CREATE TRIGGER webhooks_set_updated_at BEFORE UPDATE ON webhooks
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- The application role manages webhooks (no DELETE: deletion is soft); the worker role, a member
-- of it, records failures and disables (with the tenant set).
CALL org_data_enable_tenant_isolation('webhooks', app_privileges => 'SELECT, INSERT');
GRANT UPDATE (url, description, secret_encrypted, previous_secret_encrypted, previous_secret_expires_at, is_active,
  disabled_at, disabled_reason, consecutive_failures, deleted_at, updated_at) ON webhooks TO org_data_app;

-- The event types a webhook receives: a junction, not an array.
CREATE TABLE webhook_event_types (
  organization_id uuid NOT NULL,
  webhook_id uuid NOT NULL,
  event_type_code text NOT NULL REFERENCES event_types (code),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, webhook_id, event_type_code),
  CONSTRAINT webhook_event_types_webhook_id_fkey FOREIGN KEY (organization_id, webhook_id) REFERENCES webhooks (organization_id, id)
);

-- Leads with the event type's foreign key; the fan-out looks webhooks up by (type, organization).
CREATE INDEX webhook_event_types_type_idx ON webhook_event_types (event_type_code, organization_id, webhook_id);

CREATE TRIGGER webhook_event_types_set_updated_at BEFORE UPDATE ON webhook_event_types
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CALL org_data_enable_tenant_isolation('webhook_event_types', app_privileges => 'SELECT, INSERT, DELETE');

CREATE TABLE webhook_deliveries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  organization_id uuid NOT NULL,
  webhook_id uuid NOT NULL,
  event_id uuid NOT NULL,
  event_created_at timestamptz NOT NULL,
  -- The state machine declared in src/contexts/integrations/webhooks/webhook-delivery-machine.ts.
  status text NOT NULL DEFAULT 'pending',
  -- Claims so far, the current one included (reset by a redelivery).
  attempts integer NOT NULL DEFAULT 0,
  available_at timestamptz NOT NULL DEFAULT now(),
  leased_until timestamptz,
  leased_by text,
  last_attempt_at timestamptz,
  -- The last response's HTTP status (null: no response: refused address, timeout, connection error).
  response_status integer,
  -- The start of the last response's body, at most 1,024 characters.
  response_excerpt text,
  -- Why the last attempt failed: a short code such as http_status, timeout, address_refused.
  last_error text,
  succeeded_at timestamptz,
  dead_at timestamptz,
  -- One delivery per (webhook, event); leads with the event's foreign key, so it is its index.
  CONSTRAINT webhook_deliveries_event_webhook_key UNIQUE (organization_id, event_id, event_created_at, webhook_id),
  CONSTRAINT webhook_deliveries_event_fkey FOREIGN KEY (organization_id, event_id, event_created_at)
    REFERENCES domain_events (organization_id, id, created_at),
  CONSTRAINT webhook_deliveries_webhook_id_fkey FOREIGN KEY (organization_id, webhook_id) REFERENCES webhooks (organization_id, id),
  CONSTRAINT webhook_deliveries_status_values CHECK (status IN ('pending', 'in_flight', 'retry', 'succeeded', 'dead')),
  CONSTRAINT webhook_deliveries_attempts_range CHECK (attempts BETWEEN 0 AND 1000),
  -- A lease exactly while in flight; a success time exactly when succeeded; a dead time exactly when dead.
  CONSTRAINT webhook_deliveries_lease_when_in_flight CHECK (
    (status = 'in_flight') = (leased_until IS NOT NULL AND leased_by IS NOT NULL)
  ),
  CONSTRAINT webhook_deliveries_succeeded_at_when_succeeded CHECK ((status = 'succeeded') = (succeeded_at IS NOT NULL)),
  CONSTRAINT webhook_deliveries_dead_at_when_dead CHECK ((status = 'dead') = (dead_at IS NOT NULL)),
  -- Only an attempted delivery can have succeeded or be retried.
  CONSTRAINT webhook_deliveries_attempted_when_finished CHECK (status NOT IN ('succeeded', 'retry') OR attempts >= 1),
  CONSTRAINT webhook_deliveries_response_status_range CHECK (response_status BETWEEN 100 AND 599),
  CONSTRAINT webhook_deliveries_response_excerpt_length CHECK (length(response_excerpt) <= 1024),
  CONSTRAINT webhook_deliveries_leased_by_length CHECK (length(leased_by) <= 200),
  CONSTRAINT webhook_deliveries_last_error_length CHECK (length(last_error) <= 200)
);

-- A webhook's deliveries, newest first; leads with the webhook's foreign key.
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (organization_id, webhook_id, created_at);
-- Claiming: what is due, and what a crashed sender left in flight.
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (available_at) WHERE status IN ('pending', 'retry');
CREATE INDEX webhook_deliveries_lease_idx ON webhook_deliveries (leased_until) WHERE status = 'in_flight';

CREATE TRIGGER webhook_deliveries_set_updated_at BEFORE UPDATE ON webhook_deliveries
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

ALTER TABLE webhook_deliveries SET (
  autovacuum_vacuum_scale_factor = 0.01,
  autovacuum_vacuum_threshold = 1000,
  autovacuum_vacuum_insert_scale_factor = 0.01,
  autovacuum_vacuum_insert_threshold = 1000
);

-- The application role reads its tenant's deliveries and asks for redelivery (status back to
-- pending); the worker makes them (the handler, with the tenant set) and prunes finished ones.
-- The sender claims and records across tenants through the worker_queue policies, and may
-- update only the progress columns.
CALL org_data_enable_tenant_isolation('webhook_deliveries', app_privileges => 'SELECT');
GRANT UPDATE (status, attempts, available_at, leased_until, leased_by, last_attempt_at, response_status, response_excerpt,
  last_error, succeeded_at, dead_at, updated_at) ON webhook_deliveries TO org_data_app;
GRANT INSERT, DELETE ON webhook_deliveries TO org_data_worker;
CREATE POLICY worker_queue_select ON webhook_deliveries FOR SELECT TO org_data_worker USING (true);
CREATE POLICY worker_queue_update ON webhook_deliveries FOR UPDATE TO org_data_worker USING (true) WITH CHECK (true);
CREATE POLICY worker_queue_delete ON webhook_deliveries FOR DELETE TO org_data_worker
  USING (status IN ('succeeded', 'dead'));

INSERT INTO event_types (code, description, payload_version) VALUES
  ('webhook.created', 'A webhook was created for an organization, with its event types.', 1),
  ('webhook.updated', 'A webhook''s URL, description or event types changed.', 1),
  ('webhook.secret_rotated', 'A webhook''s signing secret was replaced; the previous one signs until the overlap ends.', 1),
  ('webhook.disabled', 'A webhook was disabled, by hand or after consecutive failed deliveries.', 1),
  ('webhook.enabled', 'A disabled webhook was enabled again.', 1),
  ('webhook.deleted', 'A webhook was deleted.', 1)
ON CONFLICT (code) DO NOTHING;
