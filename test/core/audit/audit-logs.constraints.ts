import type { ConstraintCoverage } from '../../helpers/constraints.js';

/**
 * What audit-logs.constraints.test.ts exercises, per table; test/schema/catalog-coverage.test.ts
 * checks it against the catalog.
 */
export const coverage = {
  audit_logs: {
    constraints: [
      'audit_logs_action_format',
      'audit_logs_entity_type_format',
      'audit_logs_pkey',
      'audit_logs_request_id_length',
      'audit_logs_snapshots_are_objects',
      'audit_logs_user_agent_length',
    ],
    notNull: ['event_id', 'organization_id', 'action', 'entity_type', 'entity_id', 'created_at', 'updated_at'],
    triggers: ['audit_logs_append_only', 'audit_logs_no_truncate', 'audit_logs_platform_row'],
  },
  audit_logs_default: {
    constraints: [],
    notNull: [],
    triggers: ['audit_logs_default_no_truncate'],
  },
} as const satisfies ConstraintCoverage;
