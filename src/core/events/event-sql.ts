// Domain events written by the statement that makes the change: the CTEs that insert the event
// from the change's RETURNING and enqueue its outbox message, so the event exists exactly when
// the change (and its audit row) applied: one statement, one transaction.
import { sql, type RawBuilder } from 'kysely';
import type { AuditContextParams } from '../audit/audit-sql.js';
import type { EventTypeDescriptor } from './event-type.js';

/** One event written by a statement, from a relation of that statement (a CTE's RETURNING). */
export interface EventRowSql {
  /** The event type (its code, version and aggregate type become literals of the statement). */
  readonly type: EventTypeDescriptor<string, object>;
  /** The relations the event comes from: one event per row of them. */
  readonly from: RawBuilder<unknown>;
  /** Which of those rows emit it (absent: all). */
  readonly where?: RawBuilder<unknown>;
  /** The tenant. */
  readonly organizationId: RawBuilder<unknown>;
  /** The aggregate's id. */
  readonly aggregateId: RawBuilder<unknown>;
  /** The aggregate's version after the change; absent: `NULL`. */
  readonly aggregateVersion?: RawBuilder<unknown>;
  /**
   * The payload: `jsonb_build_object(…)` with exactly the fields of the type's current payload
   * schema (timestamps as `isoTimestamp`), so that it parses under that schema.
   */
  readonly payload: RawBuilder<unknown>;
}

/**
 * Two CTEs for a statement's `WITH` list (written after the change's): `domain_event` inserts
 * `rows` (one per row of each one's relation) with the audit context's actor, request,
 * correlation and causation ids bound once; `outbox` enqueues a message per event inserted.
 * A relation without rows (a refused conditional UPDATE) writes neither.
 */
export function eventInsertCtes(rows: readonly EventRowSql[], context: AuditContextParams): RawBuilder<unknown> {
  const selects = rows.map(
    (row) => sql`SELECT ${row.organizationId} AS organization_id, ${sql.lit(row.type.code)} AS event_type_code,
      ${sql.lit(row.type.version)}::int AS payload_version, ${sql.lit(row.type.aggregateType)} AS aggregate_type,
      ${row.aggregateId} AS aggregate_id, ${row.aggregateVersion ?? sql`NULL::int`} AS aggregate_version,
      ${row.payload} AS payload FROM ${row.from}${row.where ? sql` WHERE ${row.where}` : sql``}`,
  );
  return sql`domain_event AS (
      INSERT INTO domain_events (organization_id, event_type_code, payload_version, aggregate_type, aggregate_id,
        aggregate_version, payload, actor_user_id, correlation_id, causation_id, request_id)
      SELECT e.organization_id, e.event_type_code, e.payload_version, e.aggregate_type, e.aggregate_id,
        e.aggregate_version, e.payload, ${context.actorUserId}::uuid, ${context.correlationId}::text,
        ${context.causationId}::uuid, ${context.requestId}::text
      FROM (${sql.join(selects, sql` UNION ALL `)}) AS e
      RETURNING organization_id, id, created_at
    ), outbox AS (
      INSERT INTO outbox_messages (organization_id, event_id, event_created_at)
      SELECT organization_id, id, created_at FROM domain_event
    )`;
}
