-- Drops the API keys: every key stops working. Events of the two types stay in domain_events.
DROP TABLE api_key_permissions;
DROP TABLE api_keys;
DELETE FROM event_types WHERE code IN ('api_key.created', 'api_key.revoked');
