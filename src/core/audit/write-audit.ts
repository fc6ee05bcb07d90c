import { mapDatabaseError } from '../errors/map-database-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { databaseArgument } from '../kernel/database-type.js';
import type { Kysely } from 'kysely';
import { compiledShapes } from '../kernel/compiled-query.js';
import type { DB } from '../../schema/db.js';
import type { ResolvedAuditContext } from './audit-context.js';
import type { AuditRecord } from './audit-event.js';

/** Rows per audit INSERT: one compiled statement per count 1 … MAX_ROWS; more rows take several. */
const MAX_ROWS = 8;
type RowCount = '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8';

/** `insert into "audit_logs" (…) values (…), …` of `count` rows, compiled once per count; row k's values are `<column>_k`. */
const insertAudit = compiledShapes((db, p: Record<string, unknown>, count: RowCount) =>
  db.insertInto('audit_logs').values(
    Array.from({ length: Number(count) }, (_, k) => ({
      organization_id: p[`organization_id_${k}`] as string | null,
      actor_user_id: p[`actor_user_id_${k}`] as string | null,
      action: p[`action_${k}`] as string,
      entity_type: p[`entity_type_${k}`] as string,
      entity_id: p[`entity_id_${k}`] as string,
      before: p[`before_${k}`] as string | null,
      after: p[`after_${k}`] as string | null,
      request_id: p[`request_id_${k}`] as string | null,
      ip: p[`ip_${k}`] as string | null,
      user_agent: p[`user_agent_${k}`] as string | null,
    })),
  ),
);

/**
 * Appends audit rows (made with `auditEvent`). Call it with the transaction of the change it
 * records, so a failing audit insert rolls the change back. The INSERT is compiled once per row
 * count (up to 8 rows per statement).
 */
export async function writeAudit(
  trx: Kysely<DB>,
  context: ResolvedAuditContext,
  ...records: readonly AuditRecord[]
): Promise<void> {
  databaseArgument(trx);
  if (context === null || typeof context !== 'object') throw new ValidationError([{ path: 'context', message: 'must be an audit context object' }]);
  records.forEach((record, i) => {
    if (
      record === null ||
      typeof record !== 'object' ||
      typeof record.action !== 'string' ||
      typeof record.entityType !== 'string' ||
      typeof record.entityId !== 'string'
    ) {
      throw new ValidationError([{ path: `records.${i}`, message: 'must be an audit record (auditEvent)' }]);
    }
  });
  for (let start = 0; start < records.length; start += MAX_ROWS) {
    const chunk = records.slice(start, start + MAX_ROWS);
    const params: Record<string, unknown> = {};
    chunk.forEach((record, k) => {
      params[`organization_id_${k}`] = record.organizationId;
      params[`actor_user_id_${k}`] = context.actorUserId ?? null;
      params[`action_${k}`] = record.action;
      params[`entity_type_${k}`] = record.entityType;
      params[`entity_id_${k}`] = record.entityId;
      params[`before_${k}`] = record.before === null ? null : JSON.stringify(record.before);
      params[`after_${k}`] = record.after === null ? null : JSON.stringify(record.after);
      params[`request_id_${k}`] = context.requestId ?? null;
      params[`ip_${k}`] = context.ip ?? null;
      params[`user_agent_${k}`] = context.userAgent ?? null;
    });
    try {
      await insertAudit(trx, String(chunk.length) as RowCount, params);
    } catch (error) {
      throw mapDatabaseError(error);
    }
  }
}
