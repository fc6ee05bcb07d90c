-- Notifications to users (issue 11): the worker's first consumer writes them when a staff
-- profile is verified or rejected. Additive: services on 0.7.0 never touch it.
--
-- No counters, no arrays: one row per notification of one user. Read and dismissed are set
-- once (a conditional UPDATE only while NULL; the CHECKs keep them after created_at).
CREATE TABLE notifications (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  organization_id uuid NOT NULL,
  user_id uuid NOT NULL,
  -- What it is about, like an event type: `staff_profile.verified`.
  type text NOT NULL,
  title text NOT NULL,
  message text NOT NULL,
  data jsonb NOT NULL DEFAULT '{}'::jsonb,
  priority text NOT NULL DEFAULT 'normal',
  read_at timestamptz,
  dismissed_at timestamptz,
  expires_at timestamptz,
  -- The domain event it was made from, if any: one notification per (event, user).
  source_event_id uuid,
  CONSTRAINT notifications_user_id_fkey FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id),
  CONSTRAINT notifications_type_format CHECK (length(type) <= 100 AND type ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$'),
  CONSTRAINT notifications_title_length CHECK (length(title) <= 200 AND title ~ '[^[:space:]]'),
  CONSTRAINT notifications_message_length CHECK (length(message) <= 2000),
  CONSTRAINT notifications_data_object CHECK (jsonb_typeof(data) = 'object' AND octet_length(data::text) <= 16384),
  CONSTRAINT notifications_priority_values CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  CONSTRAINT notifications_read_after_created CHECK (read_at >= created_at),
  CONSTRAINT notifications_dismissed_after_created CHECK (dismissed_at >= created_at),
  CONSTRAINT notifications_expires_after_created CHECK (expires_at > created_at)
);

-- A user's notifications, newest first (keyset on created_at, id); also the foreign key's index.
CREATE INDEX notifications_user_created_idx ON notifications (organization_id, user_id, created_at, id);
-- One notification per (event, user) when made from an event.
CREATE UNIQUE INDEX notifications_source_event_key ON notifications (organization_id, source_event_id, user_id)
  WHERE source_event_id IS NOT NULL;
-- Purging expired ones.
CREATE INDEX notifications_expires_idx ON notifications (expires_at) WHERE expires_at IS NOT NULL;

CREATE TRIGGER notifications_set_updated_at BEFORE UPDATE ON notifications
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CALL org_data_enable_tenant_isolation('notifications');
