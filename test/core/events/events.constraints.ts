import type { ConstraintCoverage } from '../../helpers/constraints.js';

/**
 * What events.constraints.test.ts exercises, per table; test/schema/catalog-coverage.test.ts
 * checks it against the catalog.
 */
export const coverage = {
  event_types: {
    constraints: ['event_types_code_format', 'event_types_description_length', 'event_types_payload_version_range', 'event_types_pkey'],
    notNull: ['code', 'description', 'payload_version', 'created_at', 'updated_at'],
    triggers: ['event_types_set_updated_at'],
  },
  domain_events: {
    constraints: [
      'domain_events_aggregate_type_format',
      'domain_events_aggregate_version_positive',
      'domain_events_correlation_id_length',
      'domain_events_event_type_code_format',
      'domain_events_payload_object',
      'domain_events_payload_version_range',
      'domain_events_pkey',
      'domain_events_request_id_length',
    ],
    notNull: [
      'id',
      'created_at',
      'updated_at',
      'organization_id',
      'event_type_code',
      'payload_version',
      'aggregate_type',
      'aggregate_id',
      'payload',
    ],
    triggers: ['domain_events_append_only', 'domain_events_no_truncate'],
  },
  domain_events_default: {
    constraints: [],
    notNull: [],
    triggers: ['domain_events_default_no_truncate'],
  },
  outbox_messages: {
    constraints: ['outbox_messages_pkey'],
    notNull: ['event_id', 'created_at', 'updated_at', 'organization_id', 'event_created_at'],
    triggers: ['outbox_messages_set_updated_at'],
  },
  event_subscriptions: {
    constraints: [
      'event_subscriptions_consumer_format',
      'event_subscriptions_event_type_code_fkey',
      'event_subscriptions_pkey',
      'event_subscriptions_type_consumer_key',
    ],
    notNull: ['id', 'created_at', 'updated_at', 'event_type_code', 'consumer'],
    triggers: ['event_subscriptions_set_updated_at'],
  },
  event_deliveries: {
    constraints: [
      'event_deliveries_attempts_range',
      'event_deliveries_consumer_format',
      'event_deliveries_dead_at_when_dead',
      'event_deliveries_event_consumer_key',
      'event_deliveries_event_fkey',
      'event_deliveries_last_error_length',
      'event_deliveries_lease_when_in_flight',
      'event_deliveries_leased_by_length',
      'event_deliveries_pkey',
      'event_deliveries_status_values',
    ],
    notNull: ['id', 'created_at', 'updated_at', 'organization_id', 'event_id', 'event_created_at', 'consumer', 'status', 'attempts', 'available_at'],
    triggers: ['event_deliveries_set_updated_at'],
  },
} as const satisfies ConstraintCoverage;
