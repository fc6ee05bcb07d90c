import type { ConstraintCoverage } from '../../../helpers/constraints.js';

/**
 * What notifications.constraints.test.ts exercises; test/schema/catalog-coverage.test.ts checks it
 * against the catalog.
 */
export const coverage = {
  notifications: {
    constraints: [
      'notifications_data_object',
      'notifications_dismissed_after_created',
      'notifications_expires_after_created',
      'notifications_message_length',
      'notifications_pkey',
      'notifications_priority_values',
      'notifications_read_after_created',
      'notifications_source_event_key',
      'notifications_title_length',
      'notifications_type_format',
      'notifications_user_id_fkey',
    ],
    notNull: ['id', 'created_at', 'updated_at', 'organization_id', 'user_id', 'type', 'title', 'message', 'data', 'priority'],
    triggers: ['notifications_set_updated_at'],
  },
} as const satisfies ConstraintCoverage;
