import type { Kysely } from 'kysely';
import type { DB } from '../../schema/db.js';
import type { ResolvedAuditContext } from './audit-context.js';
import type { AuditRecord } from './audit-event.js';

/**
 * Appends audit rows (made with `auditEvent`). Call it with the transaction of the change it
 * records, so a failing audit insert rolls the change back.
 */
export async function writeAudit(
  trx: Kysely<DB>,
  context: ResolvedAuditContext,
  ...records: readonly AuditRecord[]
): Promise<void> {
  if (records.length === 0) return;
  await trx
    .insertInto('audit_logs')
    .values(
      records.map((record) => ({
        organization_id: record.organizationId,
        actor_user_id: context.actorUserId ?? null,
        action: record.action,
        entity_type: record.entityType,
        entity_id: record.entityId,
        before: record.before === null ? null : JSON.stringify(record.before),
        after: record.after === null ? null : JSON.stringify(record.after),
        request_id: context.requestId ?? null,
        ip: context.ip ?? null,
        user_agent: context.userAgent ?? null,
      })),
    )
    .execute();
}
