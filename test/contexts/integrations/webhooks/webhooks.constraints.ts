import type { ConstraintCoverage } from '../../../helpers/constraints.js';

/**
 * What webhooks.constraints.test.ts exercises; test/schema/catalog-coverage.test.ts checks it
 * against the catalog.
 */
export const coverage = {
  webhooks: {
    constraints: [
      'webhooks_consecutive_failures_range',
      'webhooks_created_by_user_id_fkey',
      'webhooks_deleted_after_created',
      'webhooks_description_length',
      'webhooks_disabled_reason_values',
      'webhooks_disabled_reason_when_disabled',
      'webhooks_disabled_when_inactive',
      'webhooks_inactive_when_deleted',
      'webhooks_organization_id_fkey',
      'webhooks_organization_id_id_key',
      'webhooks_pkey',
      'webhooks_previous_secret_encrypted_length',
      'webhooks_previous_secret_with_expiry',
      'webhooks_secret_encrypted_length',
      'webhooks_url_format',
    ],
    notNull: ['id', 'created_at', 'updated_at', 'organization_id', 'url', 'secret_encrypted', 'is_active', 'consecutive_failures', 'created_by_user_id'],
    triggers: ['webhooks_set_updated_at'],
  },
  webhook_event_types: {
    constraints: ['webhook_event_types_event_type_code_fkey', 'webhook_event_types_pkey', 'webhook_event_types_webhook_id_fkey'],
    notNull: ['organization_id', 'webhook_id', 'event_type_code', 'created_at', 'updated_at'],
    triggers: ['webhook_event_types_set_updated_at'],
  },
  webhook_deliveries: {
    constraints: [
      'webhook_deliveries_attempted_when_finished',
      'webhook_deliveries_attempts_range',
      'webhook_deliveries_dead_at_when_dead',
      'webhook_deliveries_event_fkey',
      'webhook_deliveries_event_webhook_key',
      'webhook_deliveries_last_error_length',
      'webhook_deliveries_lease_when_in_flight',
      'webhook_deliveries_leased_by_length',
      'webhook_deliveries_pkey',
      'webhook_deliveries_response_excerpt_length',
      'webhook_deliveries_response_status_range',
      'webhook_deliveries_status_values',
      'webhook_deliveries_succeeded_at_when_succeeded',
      'webhook_deliveries_webhook_id_fkey',
    ],
    notNull: ['id', 'created_at', 'updated_at', 'organization_id', 'webhook_id', 'event_id', 'event_created_at', 'status', 'attempts', 'available_at'],
    triggers: ['webhook_deliveries_set_updated_at'],
  },
} as const satisfies ConstraintCoverage;
