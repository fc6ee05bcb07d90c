-- Drops the worker's deliveries (pending, in flight and dead ones with them).
DROP TABLE event_deliveries;
