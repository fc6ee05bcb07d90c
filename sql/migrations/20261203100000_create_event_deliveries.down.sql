-- Drops the worker's deliveries (pending, in flight and dead ones with them) and the queue
-- status function; the outbox loses its owner_queue_status policy.
DROP FUNCTION org_data_event_queue_status();
DROP POLICY owner_queue_status ON outbox_messages;
DROP TABLE event_deliveries;
DROP TABLE event_subscriptions;
