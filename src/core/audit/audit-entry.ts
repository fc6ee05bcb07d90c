import { sql } from 'kysely';
import { PLATFORM_ORGANIZATION_ID } from './platform-organization.js';

/** One row of the audit trail, as returned by the audit queries. */
export interface AuditEntry {
  /** Monotonic event order (bigint, as a string so no precision is lost). */
  readonly eventId: string;
  /** When the transaction that made the change started. */
  readonly createdAt: Date;
  /** The tenant, or `null` for global entities. */
  readonly organizationId: string | null;
  /** Who acted, or `null` for system actions. */
  readonly actorUserId: string | null;
  /** `<entity>.<verb>`, e.g. `staff_profile.verify`. */
  readonly action: string;
  /** e.g. `staff_profile`. */
  readonly entityType: string;
  /** The entity's id. */
  readonly entityId: string;
  /** Whitelisted snapshot before the change, or `null` (creation). */
  readonly before: Record<string, unknown> | null;
  /** Whitelisted snapshot after the change, or `null` (deletion). */
  readonly after: Record<string, unknown> | null;
  /** The request id given in the audit context. */
  readonly requestId: string | null;
  /** The client IP given in the audit context. */
  readonly ip: string | null;
  /** The client user agent given in the audit context. */
  readonly userAgent: string | null;
}

/** The select list that maps an `audit_logs` row to an {@link AuditEntry}. */
export const auditEntryColumns = [
  'audit_logs.event_id as eventId',
  'audit_logs.created_at as createdAt',
  // A platform row's marker reads as `null`, as before the column was NOT NULL.
  sql<string | null>`nullif(${sql.ref('audit_logs.organization_id')}, ${sql.lit(PLATFORM_ORGANIZATION_ID)}::uuid)`.as('organizationId'),
  'audit_logs.actor_user_id as actorUserId',
  'audit_logs.action',
  'audit_logs.entity_type as entityType',
  'audit_logs.entity_id as entityId',
  'audit_logs.before',
  'audit_logs.after',
  'audit_logs.request_id as requestId',
  'audit_logs.ip',
  'audit_logs.user_agent as userAgent',
] as const;
