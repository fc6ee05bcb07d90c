import { mapDatabaseError } from '../errors/map-database-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { databaseArgument } from '../kernel/database-type.js';
import type { Kysely } from 'kysely';
import { compiledShapes } from '../kernel/compiled-query.js';
import type { DB } from '../../schema/db.js';
import type { ResolvedAuditContext } from './audit-context.js';
import type { AuditRecord } from './audit-event.js';
import type { DomainEventRecord } from '../events/domain-event.js';
import { PLATFORM_ORGANIZATION_ID } from './platform-organization.js';

/** Rows per statement: one compiled statement per count of audit rows and of events; more rows take several. */
const MAX_ROWS = 8;

/** `<audit rows>` or `<audit rows>e<events>`: counts only, so at most 8 + 36 statements. */
type RowShape = `${number}` | `${number}e${number}`;

const auditValues = (p: Record<string, unknown>, count: number) =>
  Array.from({ length: count }, (_, k) => ({
    organization_id: p[`organization_id_${k}`] as string,
    actor_user_id: p[`actor_user_id_${k}`] as string | null,
    action: p[`action_${k}`] as string,
    entity_type: p[`entity_type_${k}`] as string,
    entity_id: p[`entity_id_${k}`] as string,
    before: p[`before_${k}`] as string | null,
    after: p[`after_${k}`] as string | null,
    request_id: p[`request_id_${k}`] as string | null,
    ip: p[`ip_${k}`] as string | null,
    user_agent: p[`user_agent_${k}`] as string | null,
  }));

/**
 * `insert into "audit_logs" (…) values (…), …` of the shape's audit rows (row k's values are
 * `<column>_k`); with events, the same INSERT as a CTE, then the events (event j's values are
 * `event_<column>_j`) and one outbox message per event, all ONE statement.
 */
const insertAudit = compiledShapes((db, p: Record<string, unknown>, shape: RowShape) => {
  const [audits, events = '0'] = shape.split('e');
  if (events === '0') return db.insertInto('audit_logs').values(auditValues(p, Number(audits)));
  return db
    .with('audit', (w) => w.insertInto('audit_logs').values(auditValues(p, Number(audits))))
    .with('domain_event', (w) =>
      w
        .insertInto('domain_events')
        .values(
          Array.from({ length: Number(events) }, (_, j) => ({
            organization_id: p[`event_organization_id_${j}`] as string,
            event_type_code: p[`event_type_${j}`] as string,
            payload_version: p[`event_payload_version_${j}`] as number,
            aggregate_type: p[`event_aggregate_type_${j}`] as string,
            aggregate_id: p[`event_aggregate_id_${j}`] as string,
            aggregate_version: p[`event_aggregate_version_${j}`] as number | null,
            payload: p[`event_payload_${j}`] as string,
            actor_user_id: p.actorUserId as string | null,
            correlation_id: p.correlationId as string | null,
            causation_id: p.causationId as string | null,
            request_id: p.requestId as string | null,
          })),
        )
        .returning(['organization_id', 'id', 'created_at']),
    )
    .insertInto('outbox_messages')
    .columns(['organization_id', 'event_id', 'event_created_at'])
    .expression((e) => e.selectFrom('domain_event').select(['organization_id', 'id', 'created_at']));
});

const isText = (value: unknown) => typeof value === 'string' && value !== '';

/** Whether `event` has the shape of a {@link DomainEventRecord}. */
function isEventRecord(event: DomainEventRecord): boolean {
  return (
    event !== null &&
    typeof event === 'object' &&
    isText(event.eventType) &&
    Number.isInteger(event.payloadVersion) &&
    isText(event.aggregateType) &&
    isText(event.aggregateId) &&
    (event.aggregateVersion === null || Number.isInteger(event.aggregateVersion)) &&
    event.payload !== null &&
    typeof event.payload === 'object' &&
    !Array.isArray(event.payload)
  );
}

/**
 * Appends audit rows (made with `auditEvent`). Call it with the transaction of the change it
 * records, so a failing audit insert rolls the change back. Records that carry a domain event
 * (`auditEvent(…, { event: domainEvent(…) })`) also write the event and its outbox message, in
 * the same statement as their audit rows. A record of a global entity (`organizationId: null`)
 * is stored under {@link PLATFORM_ORGANIZATION_ID}. Compiled once per count of rows and events (up to 8
 * records per statement).
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
    if (record.event !== undefined && (record.organizationId === null || !isEventRecord(record.event))) {
      throw new ValidationError([{ path: `records.${i}.event`, message: 'must be a domain event of a tenant entity (domainEvent)' }]);
    }
  });
  for (let start = 0; start < records.length; start += MAX_ROWS) {
    const chunk = records.slice(start, start + MAX_ROWS);
    const params: Record<string, unknown> = {
      actorUserId: context.actorUserId ?? null,
      correlationId: context.correlationId ?? null,
      causationId: context.causationId ?? null,
      requestId: context.requestId ?? null,
    };
    let events = 0;
    chunk.forEach((record, k) => {
      params[`organization_id_${k}`] = record.organizationId ?? PLATFORM_ORGANIZATION_ID;
      params[`actor_user_id_${k}`] = context.actorUserId ?? null;
      params[`action_${k}`] = record.action;
      params[`entity_type_${k}`] = record.entityType;
      params[`entity_id_${k}`] = record.entityId;
      params[`before_${k}`] = record.before === null ? null : JSON.stringify(record.before);
      params[`after_${k}`] = record.after === null ? null : JSON.stringify(record.after);
      params[`request_id_${k}`] = context.requestId ?? null;
      params[`ip_${k}`] = context.ip ?? null;
      params[`user_agent_${k}`] = context.userAgent ?? null;
      const event = record.event;
      if (event) {
        params[`event_organization_id_${events}`] = record.organizationId;
        params[`event_type_${events}`] = event.eventType;
        params[`event_payload_version_${events}`] = event.payloadVersion;
        params[`event_aggregate_type_${events}`] = event.aggregateType;
        params[`event_aggregate_id_${events}`] = event.aggregateId;
        params[`event_aggregate_version_${events}`] = event.aggregateVersion;
        params[`event_payload_${events}`] = JSON.stringify(event.payload);
        events += 1;
      }
    });
    const shape: RowShape = events === 0 ? `${chunk.length}` : `${chunk.length}e${events}`;
    try {
      await insertAudit(trx, shape, params);
    } catch (error) {
      throw mapDatabaseError(error);
    }
  }
}
