-- Drops the data keys: every value they encrypted becomes unreadable. Roll back only a database
-- where nothing was encrypted yet. Events of the two types stay in domain_events (no foreign key).
DROP TABLE encryption_keys;
DELETE FROM event_types WHERE code IN ('encryption_key.created', 'encryption_key.rotated');
