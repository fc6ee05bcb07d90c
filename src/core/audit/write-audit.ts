import type { Kysely } from 'kysely';
import type { DB } from '../../schema/db.js';
import type { ResolvedAuditContext } from './audit-context.js';
import { auditSnapshot, type AuditEntityType } from './audit-snapshots.js';

/** One change to record. */
export interface AuditEvent {
  /** `<entity>.<verb>`, e.g. `user.register`, `staff_profile.verify`. */
  readonly action: string;
  readonly entityType: AuditEntityType;
  readonly entityId: string;
  /** The tenant, or `null` for global entities (roles, permissions). */
  readonly organizationId: string | null;
  /** The entity before the change (whitelisted on write); absent for creations. */
  readonly before?: object | null;
  /** The entity after the change (whitelisted on write); absent for deletions. */
  readonly after?: object | null;
}

/**
 * Appends audit rows. Call it with the transaction of the change it records, so a failing
 * audit insert rolls the change back.
 */
export async function writeAudit(
  trx: Kysely<DB>,
  context: ResolvedAuditContext,
  ...events: readonly AuditEvent[]
): Promise<void> {
  if (events.length === 0) return;
  await trx
    .insertInto('audit_logs')
    .values(
      events.map((event) => {
        const before = auditSnapshot(event.entityType, event.before);
        const after = auditSnapshot(event.entityType, event.after);
        return {
          organization_id: event.organizationId,
          actor_user_id: context.actorUserId ?? null,
          action: event.action,
          entity_type: event.entityType,
          entity_id: event.entityId,
          before: before === null ? null : JSON.stringify(before),
          after: after === null ? null : JSON.stringify(after),
          request_id: context.requestId ?? null,
          ip: context.ip ?? null,
          user_agent: context.userAgent ?? null,
        };
      }),
    )
    .execute();
}
