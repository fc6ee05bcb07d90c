-- Drops the outbox, the events (every partition with them) and the event types. The role
-- org_data_worker is kept, as org_data_app is (roles are cluster-wide; other databases may use
-- it): a DBA drops it with `DROP ROLE org_data_worker` once no database references it.
DROP TABLE outbox_messages;
DROP TABLE domain_events;
DROP FUNCTION org_data_reject_change();
DROP TABLE event_types;
