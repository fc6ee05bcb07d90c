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

/**
 * The parameter names of audit row `k` and of event `j`, built once (not a template string per
 * field per call: ~17 fresh strings, each hashed and looked up again as a property key).
 */
const AUDIT_KEYS = Array.from({ length: MAX_ROWS }, (_, k) => ({
  organizationId: `organization_id_${k}`,
  actorUserId: `actor_user_id_${k}`,
  action: `action_${k}`,
  entityType: `entity_type_${k}`,
  entityId: `entity_id_${k}`,
  before: `before_${k}`,
  after: `after_${k}`,
  requestId: `request_id_${k}`,
  ip: `ip_${k}`,
  userAgent: `user_agent_${k}`,
}));
const EVENT_KEYS = Array.from({ length: MAX_ROWS }, (_, j) => ({
  organizationId: `event_organization_id_${j}`,
  eventType: `event_type_${j}`,
  payloadVersion: `event_payload_version_${j}`,
  aggregateType: `event_aggregate_type_${j}`,
  aggregateId: `event_aggregate_id_${j}`,
  aggregateVersion: `event_aggregate_version_${j}`,
  payload: `event_payload_${j}`,
}));
/** The shape of `rows` audit rows with `events` events (`SHAPES[rows][events]`), built once. */
const SHAPES: readonly (readonly RowShape[])[] = Array.from({ length: MAX_ROWS + 1 }, (_, rows) =>
  Array.from({ length: rows + 1 }, (_, events): RowShape => (events === 0 ? `${rows}` : `${rows}e${events}`)),
);

const auditValues = (p: Record<string, unknown>, count: number) =>
  AUDIT_KEYS.slice(0, count).map((key) => ({
    organization_id: p[key.organizationId] as string,
    actor_user_id: p[key.actorUserId] as string | null,
    action: p[key.action] as string,
    entity_type: p[key.entityType] as string,
    entity_id: p[key.entityId] as string,
    before: p[key.before] as string | null,
    after: p[key.after] as string | null,
    request_id: p[key.requestId] as string | null,
    ip: p[key.ip] as string | null,
    user_agent: p[key.userAgent] as string | null,
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
          EVENT_KEYS.slice(0, Number(events)).map((key) => ({
            organization_id: p[key.organizationId] as string,
            event_type_code: p[key.eventType] as string,
            payload_version: p[key.payloadVersion] as number,
            aggregate_type: p[key.aggregateType] as string,
            aggregate_id: p[key.aggregateId] as string,
            aggregate_version: p[key.aggregateVersion] as number | null,
            payload: p[key.payload] as string,
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

/** The parameter names, in the order {@link writeAudit} gives the values, of `rows` audit rows with `events` events. */
function positionsOf(rows: number, events: number): string[] {
  const names: string[] = [];
  for (let k = 0; k < rows; k += 1) {
    const key = AUDIT_KEYS[k]!;
    names.push(key.organizationId, key.actorUserId, key.action, key.entityType, key.entityId, key.before, key.after, key.requestId, key.ip, key.userAgent);
  }
  for (let j = 0; j < events; j += 1) {
    const key = EVENT_KEYS[j]!;
    names.push(key.organizationId, key.eventType, key.payloadVersion, key.aggregateType, key.aggregateId, key.aggregateVersion, key.payload);
    names.push('actorUserId', 'correlationId', 'causationId', 'requestId');
  }
  return names;
}

/** Shapes whose compiled parameter order was checked against {@link positionsOf}. */
const checkedShapes = new Set<RowShape>();

/**
 * The statement of `shape`, run with its values by position (no object of ~20 named values per
 * call, each stored and read back by name: measured at ~3 µs of an addVersion between its round
 * trips). Its compiled order is checked once against {@link positionsOf}.
 * @throws Error when the compiled order differs (a programming error here, found by every test that writes an audit row).
 */
function positionalStatement(shape: RowShape, rows: number, events: number) {
  const statement = insertAudit.statement(shape);
  if (!checkedShapes.has(shape)) {
    const expected = positionsOf(rows, events);
    const slots = statement.slots;
    if (slots.length !== expected.length || slots.some((slot, k) => slot !== expected[k])) {
      throw new Error(`writeAudit: the audit insert of shape ${shape} takes its parameters in another order`);
    }
    checkedShapes.add(shape);
  }
  return statement;
}

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
  for (let i = 0; i < records.length; i += 1) {
    const record = records[i]!;
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
  }
  for (let start = 0; start < records.length; start += MAX_ROWS) {
    const end = Math.min(records.length, start + MAX_ROWS);
    const actorUserId = context.actorUserId ?? null;
    const requestId = context.requestId ?? null;
    const ip = context.ip ?? null;
    const userAgent = context.userAgent ?? null;
    // The values by position, in the order positionsOf checked against the compiled statement:
    // each audit row's, then each event's (its values, then the context's).
    const parameters: unknown[] = [];
    let events = 0;
    for (let k = start; k < end; k += 1) {
      const record = records[k]!;
      parameters.push(
        record.organizationId ?? PLATFORM_ORGANIZATION_ID,
        actorUserId,
        record.action,
        record.entityType,
        record.entityId,
        record.before === null ? null : JSON.stringify(record.before),
        record.after === null ? null : JSON.stringify(record.after),
        requestId,
        ip,
        userAgent,
      );
      if (record.event) events += 1;
    }
    for (let k = start; k < end; k += 1) {
      const { organizationId, event } = records[k]!;
      if (!event) continue;
      parameters.push(
        organizationId,
        event.eventType,
        event.payloadVersion,
        event.aggregateType,
        event.aggregateId,
        event.aggregateVersion,
        JSON.stringify(event.payload),
        actorUserId,
        context.correlationId ?? null,
        context.causationId ?? null,
        requestId,
      );
    }
    const statement = positionalStatement(SHAPES[end - start]![events]!, end - start, events);
    try {
      await statement.positional(trx, parameters);
    } catch (error) {
      throw mapDatabaseError(error);
    }
  }
}
