// The statements of the webhooks handler (fan-out, in the worker's delivery transaction) and of
// the webhook sender (claim across tenants as the worker role; load and record with the tenant
// set), compiled once.
import { sql } from 'kysely';
import { compilableSql } from '../../../core/audit/audit-sql.js';
import { compiledQuery } from '../../../core/kernel/compiled-query.js';

/**
 * One delivery per active webhook of the organization subscribed to the event's type and made
 * before it (a repeat makes none). The event's exact time is read from domain_events: a JavaScript Date has only
 * milliseconds, the key has microseconds.
 */
export const fanOutToWebhooks = compiledQuery(
  (db, p: { organizationId: string; eventId: string; eventCreatedAt: Date; eventType: string }) =>
    compilableSql(
      db,
      sql`INSERT INTO webhook_deliveries (organization_id, webhook_id, event_id, event_created_at)
        SELECT w.organization_id, w.id, e.id, e.created_at
        FROM domain_events e
        JOIN webhook_event_types t ON t.organization_id = e.organization_id AND t.event_type_code = e.event_type_code
        JOIN webhooks w ON w.organization_id = t.organization_id AND w.id = t.webhook_id
        WHERE e.organization_id = ${p.organizationId}::uuid AND e.id = ${p.eventId}::uuid
          AND e.created_at > ${p.eventCreatedAt}::timestamptz - interval '1 millisecond'
          AND e.created_at < ${p.eventCreatedAt}::timestamptz + interval '1 millisecond'
          AND e.event_type_code = ${p.eventType}::text
          AND w.is_active AND w.deleted_at IS NULL AND w.created_at <= e.created_at
        ON CONFLICT ON CONSTRAINT webhook_deliveries_event_webhook_key DO NOTHING`,
    ),
);

/** A delivery claimed for sending. */
export interface ClaimedWebhookDelivery {
  id: string;
  organizationId: string;
  attempts: number;
}

/**
 * Claims due deliveries (pending or retry whose time came) and those whose lease ran out, of
 * every tenant, with `FOR UPDATE SKIP LOCKED`: in flight, attempts + 1, a lease.
 */
export const claimWebhookDeliveries = compiledQuery((db, p: { limit: number; leaseMs: number; worker: string }) =>
  compilableSql(
    db,
    sql<ClaimedWebhookDelivery>`
      UPDATE webhook_deliveries d
      SET status = 'in_flight', attempts = least(d.attempts + 1, 1000),
        leased_until = clock_timestamp() + make_interval(secs => ${p.leaseMs}::int / 1000.0), leased_by = ${p.worker}::text
      FROM (
        SELECT id FROM webhook_deliveries
        WHERE (status IN ('pending', 'retry') AND available_at <= now()) OR (status = 'in_flight' AND leased_until < now())
        ORDER BY available_at, id
        LIMIT ${p.limit}::int
        FOR UPDATE SKIP LOCKED
      ) due
      WHERE d.id = due.id
      RETURNING d.id, d.organization_id AS "organizationId", d.attempts`,
  ),
);

/** What sending a held delivery needs: the webhook (sealed secrets) and the event. */
export interface HeldWebhookDelivery {
  webhookId: string;
  url: string;
  live: boolean;
  secretEncrypted: Buffer;
  previousSecretEncrypted: Buffer | null;
  eventId: string;
  eventType: string;
  payloadVersion: number;
  eventCreatedAt: Date;
  payload: unknown;
}

/**
 * The delivery this sender still holds (same lease, same attempt, the lease not run out), its
 * lease renewed for `leaseMs` from now (so the request that follows is made within a lease,
 * however long the batch waited), with its webhook and event; nothing when the lease was lost.
 */
export const heldWebhookDelivery = compiledQuery((db, p: { id: string; worker: string; attempts: number; leaseMs: number }) =>
  compilableSql(
    db,
    sql<HeldWebhookDelivery>`
      WITH d AS (
        UPDATE webhook_deliveries SET leased_until = clock_timestamp() + make_interval(secs => ${p.leaseMs}::int / 1000.0)
        WHERE id = ${p.id}::uuid AND status = 'in_flight' AND leased_by = ${p.worker}::text AND attempts = ${p.attempts}::int
          AND leased_until > clock_timestamp()
        RETURNING organization_id, webhook_id, event_id, event_created_at
      )
      SELECT w.id AS "webhookId", w.url, (w.is_active AND w.deleted_at IS NULL) AS live, w.secret_encrypted AS "secretEncrypted",
        CASE WHEN w.previous_secret_expires_at > now() THEN w.previous_secret_encrypted END AS "previousSecretEncrypted",
        e.id AS "eventId", e.event_type_code AS "eventType", e.payload_version AS "payloadVersion", e.created_at AS "eventCreatedAt",
        e.payload
      FROM d
      JOIN webhooks w ON w.organization_id = d.organization_id AND w.id = d.webhook_id
      JOIN domain_events e ON e.organization_id = d.organization_id AND e.id = d.event_id AND e.created_at = d.event_created_at`,
  ),
);

/**
 * Records an attempt of a delivery this sender still holds: succeeded, retry after `delayMs`, or
 * dead. The webhook's consecutive failures: reset (`reset`, a success), counted (`add`, the
 * endpoint failed) or left alone (`keep`: the fault was not the endpoint's). `pending` gives the
 * attempt back (the sender could not make the request: its key provider failed), due after
 * `delayMs`. `recorded` false (nothing changed) when the lease was lost.
 */
export const recordWebhookAttempt = compiledQuery(
  (
    db,
    p: {
      id: string;
      worker: string;
      attempts: number;
      outcome: 'succeeded' | 'retry' | 'dead' | 'pending';
      delayMs: number;
      status: number | null;
      excerpt: string | null;
      error: string | null;
      failures: 'reset' | 'add' | 'keep';
    },
  ) =>
    compilableSql(
      db,
      sql<{ recorded: boolean; webhookId: string | null; failures: number | null; active: boolean | null }>`
        WITH d AS (
          UPDATE webhook_deliveries SET status = ${p.outcome}::text, leased_until = NULL, leased_by = NULL,
            attempts = CASE WHEN ${p.outcome}::text = 'pending' THEN attempts - 1 ELSE attempts END,
            last_attempt_at = CASE WHEN ${p.outcome}::text = 'pending' THEN last_attempt_at ELSE now() END,
            response_status = ${p.status}::int, response_excerpt = ${p.excerpt}::text,
            last_error = ${p.error}::text,
            available_at = CASE WHEN ${p.outcome}::text IN ('retry', 'pending') THEN now() + make_interval(secs => ${p.delayMs}::int / 1000.0) ELSE available_at END,
            succeeded_at = CASE WHEN ${p.outcome}::text = 'succeeded' THEN now() END,
            dead_at = CASE WHEN ${p.outcome}::text = 'dead' THEN now() END
          WHERE id = ${p.id}::uuid AND status = 'in_flight' AND leased_by = ${p.worker}::text AND attempts = ${p.attempts}::int
          RETURNING organization_id, webhook_id
        ), w AS (
          UPDATE webhooks w SET consecutive_failures = CASE WHEN ${p.failures}::text = 'add'
              THEN least(w.consecutive_failures + 1, 1000000) ELSE 0 END
          FROM d WHERE w.organization_id = d.organization_id AND w.id = d.webhook_id
            AND (${p.failures}::text = 'add' OR (${p.failures}::text = 'reset' AND w.consecutive_failures <> 0))
          RETURNING w.id, w.consecutive_failures, w.is_active
        )
        SELECT EXISTS (SELECT 1 FROM d) AS recorded, (SELECT webhook_id FROM d) AS "webhookId",
          (SELECT consecutive_failures FROM w) AS failures, (SELECT is_active FROM w) AS active`,
    ),
);

/** Gives back deliveries claimed and not sent (a stopping sender): pending, due now, the claim not counted. */
export const releaseWebhookDeliveries = compiledQuery((db, p: { ids: string[]; worker: string }) =>
  compilableSql(
    db,
    sql`UPDATE webhook_deliveries SET status = 'pending', attempts = attempts - 1, available_at = now(), leased_until = NULL, leased_by = NULL
      WHERE id = ANY (${p.ids}::uuid[]) AND status = 'in_flight' AND leased_by = ${p.worker}::text`,
  ),
);

/** Deletes finished deliveries (succeeded or dead) made before `before`, at most `limit`; the number deleted. */
export const pruneWebhookDeliveries = compiledQuery((db, p: { before: Date; limit: number }) =>
  compilableSql(
    db,
    sql<{ deleted: number }>`WITH gone AS (
        DELETE FROM webhook_deliveries WHERE id IN (
          SELECT id FROM webhook_deliveries WHERE status IN ('succeeded', 'dead') AND created_at < ${p.before}::timestamptz
          LIMIT ${p.limit}::int)
        RETURNING 1)
      SELECT count(*)::int AS deleted FROM gone`,
  ),
);
