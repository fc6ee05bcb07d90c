// The worker's statements, compiled once. Timestamps of events never travel through JavaScript
// (a JS Date keeps milliseconds, PostgreSQL microseconds): every statement joins on the stored
// values instead.
import { sql } from 'kysely';
import { compilableSql } from '../audit/audit-sql.js';
import { compiledQuery } from '../kernel/compiled-query.js';
import { TENANT_SETTING } from '../tenancy/tenant-setting.js';

/** Sets the tenant for the rest of the transaction (after the messages of one organization were claimed). */
export const setTenant = compiledQuery((db, p: { tenant: string }) =>
  compilableSql(db, sql`SELECT set_config(${sql.lit(TENANT_SETTING)}, ${p.tenant}::text, true)`),
);

/**
 * The oldest queued message's organization and up to `limit` of that organization's messages,
 * oldest first, locked (`FOR UPDATE SKIP LOCKED`: messages another dispatcher holds are
 * skipped, never waited for). Needs the worker role's policies (no tenant is set yet). Each
 * message's key comes back as the server prints it (`createdAt` as text keeps its microseconds).
 */
export const claimOutbox = compiledQuery((db, p: { limit: number }) =>
  compilableSql(
    db,
    sql<{ id: string; createdAt: string; organizationId: string }>`
      WITH first AS (
        SELECT organization_id FROM outbox_messages ORDER BY event_created_at, event_id LIMIT 1 FOR UPDATE SKIP LOCKED
      )
      SELECT m.event_id AS id, m.event_created_at::text AS "createdAt", m.organization_id AS "organizationId"
      FROM outbox_messages m JOIN first ON m.organization_id = first.organization_id
      ORDER BY m.event_created_at, m.event_id
      LIMIT ${p.limit}::int
      FOR UPDATE OF m SKIP LOCKED`,
  ),
);

/** Registers consumers for event types (`types[k]` for `consumers[k]`); those registered are left alone. */
export const subscribe = compiledQuery((db, p: { types: string[]; consumers: string[] }) =>
  compilableSql(
    db,
    sql`
      INSERT INTO event_subscriptions (event_type_code, consumer)
      SELECT * FROM unnest(${p.types}::text[], ${p.consumers}::text[])
      ON CONFLICT (event_type_code, consumer) DO NOTHING`,
  ),
);

/**
 * Fans the claimed messages out (found by the keys the claim returned), with the tenant set:
 * deletes them and inserts one delivery per (event, consumer subscribed to its type in
 * event_subscriptions, whichever worker registered it); a delivery that exists is left alone
 * (the unique key makes a repeated dispatch harmless).
 */
export const fanOut = compiledQuery((db, p: { createdAts: string[]; ids: string[] }) =>
  compilableSql(
    db,
    sql<{ dispatched: number; deliveries: number }>`
      WITH claimed AS (
        DELETE FROM outbox_messages m
        USING unnest(${p.createdAts}::timestamptz[], ${p.ids}::uuid[]) AS k (event_created_at, event_id)
        WHERE m.event_created_at = k.event_created_at AND m.event_id = k.event_id
        RETURNING m.organization_id, m.event_id, m.event_created_at
      ), made AS (
        INSERT INTO event_deliveries (organization_id, event_id, event_created_at, consumer)
        SELECT c.organization_id, c.event_id, c.event_created_at, s.consumer
        FROM claimed c
        JOIN domain_events e ON e.organization_id = c.organization_id AND e.id = c.event_id AND e.created_at = c.event_created_at
        JOIN event_subscriptions s ON s.event_type_code = e.event_type_code
        ON CONFLICT (organization_id, event_id, event_created_at, consumer) DO NOTHING
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM claimed)::int AS dispatched, (SELECT count(*) FROM made)::int AS deliveries`,
  ),
);

/** A claimed delivery. */
export interface ClaimedDelivery {
  readonly id: string;
  readonly organizationId: string;
  readonly consumer: string;
  readonly attempts: number;
}

/**
 * Claims up to `limit` deliveries of every tenant for `consumers` (this worker's handlers) that
 * are due, or in flight with a lease that ran out: in flight under this worker's lease,
 * attempts + 1.
 */
export const claimDeliveries = compiledQuery((db, p: { limit: number; leaseMs: number; worker: string; consumers: string[] }) =>
  compilableSql(
    db,
    sql<ClaimedDelivery>`
      UPDATE event_deliveries d
      SET status = 'in_flight', attempts = d.attempts + 1,
        leased_until = clock_timestamp() + make_interval(secs => ${p.leaseMs}::int / 1000.0), leased_by = ${p.worker}::text
      FROM (
        SELECT id FROM event_deliveries
        WHERE ((status = 'pending' AND available_at <= now()) OR (status = 'in_flight' AND leased_until < now()))
          AND consumer = ANY (${p.consumers}::text[])
        ORDER BY available_at, id
        LIMIT ${p.limit}::int
        FOR UPDATE SKIP LOCKED
      ) due
      WHERE d.id = due.id
      RETURNING d.id, d.organization_id AS "organizationId", d.consumer, d.attempts`,
  ),
);

/**
 * The event of a delivery this worker still holds (same lease, same attempt), its row locked
 * for the handler's transaction; nothing when the lease was lost to another worker.
 */
export const heldEvent = compiledQuery((db, p: { id: string; worker: string; attempts: number }) =>
  compilableSql(
    db,
    sql<Record<string, unknown>>`
      SELECT e.id, e.created_at AS "createdAt", e.organization_id AS "organizationId", e.event_type_code AS "eventType",
        e.payload_version AS "payloadVersion", e.aggregate_type AS "aggregateType", e.aggregate_id AS "aggregateId",
        e.aggregate_version AS "aggregateVersion", e.payload, e.actor_user_id AS "actorUserId",
        e.correlation_id AS "correlationId", e.causation_id AS "causationId", e.request_id AS "requestId"
      FROM event_deliveries d
      JOIN domain_events e ON e.organization_id = d.organization_id AND e.id = d.event_id AND e.created_at = d.event_created_at
      WHERE d.id = ${p.id}::uuid AND d.status = 'in_flight' AND d.leased_by = ${p.worker}::text AND d.attempts = ${p.attempts}::int
      FOR UPDATE OF d`,
  ),
);

/** Deletes a delivery whose handler succeeded (in the handler's transaction). */
export const completeDelivery = compiledQuery((db, p: { id: string }) =>
  compilableSql(db, sql`DELETE FROM event_deliveries WHERE id = ${p.id}::uuid`),
);

/**
 * A failed attempt of a delivery this worker holds: dead when `dead`, else pending again after
 * `delayMs`; the error's class and code kept. Nothing when the lease was lost meanwhile.
 */
export const failDelivery = compiledQuery(
  (db, p: { id: string; worker: string; attempts: number; dead: boolean; delayMs: number; error: string }) =>
    compilableSql(
      db,
      sql<{ status: string }>`
        UPDATE event_deliveries
        SET status = CASE WHEN ${p.dead}::boolean THEN 'dead' ELSE 'pending' END,
          available_at = CASE WHEN ${p.dead}::boolean THEN available_at ELSE now() + make_interval(secs => ${p.delayMs}::int / 1000.0) END,
          dead_at = CASE WHEN ${p.dead}::boolean THEN now() END,
          leased_until = NULL, leased_by = NULL, last_error = ${p.error}::text
        WHERE id = ${p.id}::uuid AND status = 'in_flight' AND leased_by = ${p.worker}::text AND attempts = ${p.attempts}::int
        RETURNING status`,
    ),
);

/** Gives back deliveries this worker claimed and did not start (a stopping worker): due now, the claim not counted. */
export const releaseDeliveries = compiledQuery((db, p: { ids: string[]; worker: string }) =>
  compilableSql(
    db,
    sql`
      UPDATE event_deliveries
      SET status = 'pending', attempts = attempts - 1, available_at = now(), leased_until = NULL, leased_by = NULL
      WHERE id = ANY (${p.ids}::uuid[]) AND status = 'in_flight' AND leased_by = ${p.worker}::text`,
  ),
);

/** Dead deliveries back to pending, attempts reset (of the tenant set, or every tenant as the worker role). */
export const redeliverDead = compiledQuery((db, p: { consumer: string | null }) =>
  compilableSql(
    db,
    sql<{ id: string }>`
      UPDATE event_deliveries
      SET status = 'pending', attempts = 0, available_at = now(), dead_at = NULL
      WHERE status = 'dead' AND (${p.consumer}::text IS NULL OR consumer = ${p.consumer}::text)
      RETURNING id`,
  ),
);

/**
 * The outbox's depth and the age of its oldest message (seconds), and the deliveries by state,
 * across tenants: through `org_data_event_queue_status()` (SECURITY DEFINER), which the
 * application role may execute.
 */
export const queueStatus = compiledQuery((db, _: Record<string, never>) =>
  compilableSql(
    db,
    sql<{ outboxDepth: number; oldestSeconds: number | null; pending: number; inFlight: number; dead: number }>`
      SELECT outbox_depth::int AS "outboxDepth", oldest_message_seconds AS "oldestSeconds", pending::int AS pending,
        in_flight::int AS "inFlight", dead::int AS dead
      FROM org_data_event_queue_status()`,
  ),
);
