import { defineAggregate } from '../kernel/aggregate.js';
import type { AuditEntry } from './audit-entry.js';

/** The audit trail's table (partitioned by month; per tenant, with global rows for no tenant). */
export const auditLogTable = defineAggregate<AuditEntry>()({
  name: 'audit_log',
  table: 'audit_logs',
  tenantColumn: 'organization_id',
  columns: {
    eventId: 'event_id',
    createdAt: 'created_at',
    organizationId: 'organization_id',
    actorUserId: 'actor_user_id',
    action: 'action',
    entityType: 'entity_type',
    entityId: 'entity_id',
    before: 'before',
    after: 'after',
    requestId: 'request_id',
    ip: 'ip',
    userAgent: 'user_agent',
  },
  audited: [],
  actions: [],
});
