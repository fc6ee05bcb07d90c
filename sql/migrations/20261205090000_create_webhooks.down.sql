-- Drops the webhooks, their subscriptions and every delivery record: nothing more is sent. Events
-- of the six types stay in domain_events.
DROP TABLE webhook_deliveries;
DROP TABLE webhook_event_types;
DROP TABLE webhooks;
DELETE FROM event_types WHERE code IN ('webhook.created', 'webhook.updated', 'webhook.secret_rotated', 'webhook.disabled',
  'webhook.enabled', 'webhook.deleted');
