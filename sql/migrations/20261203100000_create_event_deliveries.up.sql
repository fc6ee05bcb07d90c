-- The worker's work items (issue 11): one delivery per (event, consumer), made when the worker
-- dispatches an outbox message, so each event is fanned out once per consumer however often a
-- dispatch is retried (the unique key below). Additive: services on 0.7.0 never touch it.
--
-- A delivery is a small state machine (declared in src/core/events/delivery-machine.ts):
-- pending → in_flight (claimed with a lease) → deleted when its handler succeeded, or back to
-- pending with a later available_at (retry, bounded exponential backoff), or dead after the
-- configured attempts; an in_flight delivery whose lease ran out is claimed again; a dead one
-- goes back to pending on request.
-- Who consumes which event types: a worker registers its handlers here when it starts, and a
-- dispatch fans each event out to every consumer registered for its type, whichever worker
-- dispatches it (so a service whose worker runs other handlers never swallows an event meant for
-- yours). Events dispatched before a consumer registered are not delivered to it. Global, like
-- event_types: the application role reads it, the worker role registers.
CREATE TABLE event_subscriptions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  event_type_code text NOT NULL REFERENCES event_types (code),
  -- The handler's name (EventHandler.name).
  consumer text NOT NULL,
  -- Leads with the foreign key's column, so it is also its index.
  CONSTRAINT event_subscriptions_type_consumer_key UNIQUE (event_type_code, consumer),
  CONSTRAINT event_subscriptions_consumer_format CHECK (length(consumer) <= 100 AND consumer ~ '^[a-z][a-z0-9_.-]*$')
);

CREATE TRIGGER event_subscriptions_set_updated_at BEFORE UPDATE ON event_subscriptions
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

REVOKE ALL ON event_subscriptions FROM org_data_app;
GRANT SELECT ON event_subscriptions TO org_data_app;
GRANT SELECT, INSERT ON event_subscriptions TO org_data_worker;

CREATE TABLE event_deliveries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  organization_id uuid NOT NULL,
  event_id uuid NOT NULL,
  event_created_at timestamptz NOT NULL,
  -- The handler's name (EventHandler.name).
  consumer text NOT NULL,
  status text NOT NULL DEFAULT 'pending',
  -- Claims so far, the current one included.
  attempts integer NOT NULL DEFAULT 0,
  available_at timestamptz NOT NULL DEFAULT now(),
  leased_until timestamptz,
  leased_by text,
  -- The error class and code of the last failure (never its message: it may hold row values).
  last_error text,
  dead_at timestamptz,
  CONSTRAINT event_deliveries_event_consumer_key UNIQUE (organization_id, event_id, event_created_at, consumer),
  CONSTRAINT event_deliveries_event_fkey FOREIGN KEY (organization_id, event_id, event_created_at)
    REFERENCES domain_events (organization_id, id, created_at),
  CONSTRAINT event_deliveries_consumer_format CHECK (length(consumer) <= 100 AND consumer ~ '^[a-z][a-z0-9_.-]*$'),
  CONSTRAINT event_deliveries_status_values CHECK (status IN ('pending', 'in_flight', 'dead')),
  CONSTRAINT event_deliveries_attempts_range CHECK (attempts BETWEEN 0 AND 1000),
  -- A lease exactly while in flight; a dead time exactly while dead.
  CONSTRAINT event_deliveries_lease_when_in_flight CHECK (
    (status = 'in_flight') = (leased_until IS NOT NULL AND leased_by IS NOT NULL)
  ),
  CONSTRAINT event_deliveries_dead_at_when_dead CHECK ((status = 'dead') = (dead_at IS NOT NULL)),
  CONSTRAINT event_deliveries_leased_by_length CHECK (length(leased_by) <= 200),
  CONSTRAINT event_deliveries_last_error_length CHECK (length(last_error) <= 500)
);

-- Claiming: what is due, and what a crashed worker left in flight.
CREATE INDEX event_deliveries_due_idx ON event_deliveries (available_at) WHERE status = 'pending';
CREATE INDEX event_deliveries_lease_idx ON event_deliveries (leased_until) WHERE status = 'in_flight';
-- Dead letters, for operators.
CREATE INDEX event_deliveries_dead_idx ON event_deliveries (organization_id, dead_at) WHERE status = 'dead';

CREATE TRIGGER event_deliveries_set_updated_at BEFORE UPDATE ON event_deliveries
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- A queue table, vacuumed like outbox_messages.
ALTER TABLE event_deliveries SET (
  autovacuum_vacuum_scale_factor = 0,
  autovacuum_vacuum_threshold = 1000,
  autovacuum_vacuum_insert_scale_factor = 0,
  autovacuum_vacuum_insert_threshold = 1000,
  autovacuum_vacuum_cost_delay = 0
);

-- The application role may read its tenant's deliveries (to show what happened); only the
-- worker writes them.
CALL org_data_enable_tenant_isolation('event_deliveries', app_privileges => 'SELECT');

-- The worker: inserts deliveries for the tenant set (the tenant policy's WITH CHECK), claims,
-- updates and deletes those of every tenant. It may update only the delivery's progress
-- columns (column privileges), so no update moves a delivery to another tenant or event.
GRANT SELECT, INSERT, DELETE ON event_deliveries TO org_data_worker;
GRANT UPDATE (status, attempts, available_at, leased_until, leased_by, last_error, dead_at, updated_at)
  ON event_deliveries TO org_data_worker;
CREATE POLICY worker_queue_select ON event_deliveries FOR SELECT TO org_data_worker USING (true);
CREATE POLICY worker_queue_update ON event_deliveries FOR UPDATE TO org_data_worker USING (true) WITH CHECK (true);
CREATE POLICY worker_queue_delete ON event_deliveries FOR DELETE TO org_data_worker USING (true);

-- The queues' state for health checks (checkHealth as the application role, doctor as the
-- owner), across tenants. The queue tables hold ids, times, consumer names and error classes,
-- no tenant data; this function returns only counts and the oldest message's age. It runs as
-- its owner (SECURITY DEFINER), who reads the queue tables through one more policy of its own
-- (FOR SELECT, TO the owner only: CURRENT_USER here is the role that runs the migrations).
CREATE POLICY owner_queue_status ON outbox_messages FOR SELECT TO CURRENT_USER USING (true);
CREATE POLICY owner_queue_status ON event_deliveries FOR SELECT TO CURRENT_USER USING (true);

CREATE FUNCTION org_data_event_queue_status(
  OUT outbox_depth bigint,
  OUT oldest_message_seconds double precision,
  OUT pending bigint,
  OUT in_flight bigint,
  OUT dead bigint
)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
  SELECT (SELECT count(*) FROM public.outbox_messages),
    (SELECT extract(epoch FROM now() - min(event_created_at))::double precision FROM public.outbox_messages),
    count(*) FILTER (WHERE status = 'pending'),
    count(*) FILTER (WHERE status = 'in_flight'),
    count(*) FILTER (WHERE status = 'dead')
  FROM public.event_deliveries
$$;

REVOKE ALL ON FUNCTION org_data_event_queue_status() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION org_data_event_queue_status() TO org_data_app;
