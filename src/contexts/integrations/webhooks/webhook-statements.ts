// The webhooks' statements (management, in a tenant's unit of work), compiled once.
import { sql } from 'kysely';
import { compilableSql } from '../../../core/audit/audit-sql.js';
import { compiledQuery } from '../../../core/kernel/compiled-query.js';
import type { WebhookDeliveryStatus } from './webhook-delivery-machine.js';

/** A webhook row as the statements return it (times as text from to_jsonb, or Dates from pg). */
export interface WebhookRow {
  id: string;
  organizationId: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  isActive: boolean;
  disabledAt: string | Date | null;
  disabledReason: 'manual' | 'failures' | null;
  consecutiveFailures: number;
  previousSecretExpiresAt: string | Date | null;
  createdByUserId: string;
  createdAt: string | Date;
  updatedAt: string | Date;
}

const COLUMNS = sql`w.id, w.organization_id AS "organizationId", w.url, w.description,
  ARRAY(SELECT t.event_type_code FROM webhook_event_types t WHERE t.organization_id = w.organization_id AND t.webhook_id = w.id
    ORDER BY t.event_type_code) AS "eventTypes",
  w.is_active AS "isActive", w.disabled_at AS "disabledAt", w.disabled_reason AS "disabledReason",
  w.consecutive_failures AS "consecutiveFailures", w.previous_secret_expires_at AS "previousSecretExpiresAt",
  w.created_by_user_id AS "createdByUserId", w.created_at AS "createdAt", w.updated_at AS "updatedAt"`;

/** The codes among `codes` that are not event types. */
export const unknownEventTypes = compiledQuery((db, p: { codes: string[] }) =>
  compilableSql(
    db,
    sql<{ code: string }>`SELECT c AS code FROM unnest(${p.codes}::text[]) AS c
      WHERE NOT EXISTS (SELECT 1 FROM event_types t WHERE t.code = c) ORDER BY c`,
  ),
);

/** Makes a webhook (with the id given: its secret is sealed for it) and its event types. */
export const insertWebhook = compiledQuery(
  (
    db,
    p: { id: string; organizationId: string; url: string; description: string | null; secret: Buffer; creator: string; eventTypes: string[] },
  ) =>
    compilableSql(
      db,
      sql<WebhookRow>`
        WITH w AS (
          INSERT INTO webhooks (id, organization_id, url, description, secret_encrypted, created_by_user_id)
          VALUES (${p.id}::uuid, ${p.organizationId}::uuid, ${p.url}::text, ${p.description}::text, ${p.secret}::bytea, ${p.creator}::uuid)
          RETURNING *
        ), t AS (
          INSERT INTO webhook_event_types (organization_id, webhook_id, event_type_code)
          SELECT w.organization_id, w.id, c FROM w CROSS JOIN unnest(${p.eventTypes}::text[]) AS c
          RETURNING event_type_code
        )
        SELECT w.id, w.organization_id AS "organizationId", w.url, w.description,
          ARRAY(SELECT event_type_code FROM t ORDER BY 1) AS "eventTypes",
          w.is_active AS "isActive", w.disabled_at AS "disabledAt", w.disabled_reason AS "disabledReason",
          w.consecutive_failures AS "consecutiveFailures", w.previous_secret_expires_at AS "previousSecretExpiresAt",
          w.created_by_user_id AS "createdByUserId", w.created_at AS "createdAt", w.updated_at AS "updatedAt"
        FROM w`,
    ),
);

/** A live (not deleted) webhook of the organization. */
export const getWebhook = compiledQuery((db, p: { id: string; organizationId: string }) =>
  compilableSql(
    db,
    sql<WebhookRow>`SELECT ${COLUMNS} FROM webhooks w
      WHERE w.id = ${p.id}::uuid AND w.organization_id = ${p.organizationId}::uuid AND w.deleted_at IS NULL`,
  ),
);

/** A live webhook of the organization with its sealed secret, locked for the change that follows. */
export const lockWebhook = compiledQuery((db, p: { id: string; organizationId: string }) =>
  compilableSql(
    db,
    sql<WebhookRow & { secretEncrypted: Buffer }>`SELECT ${COLUMNS}, w.secret_encrypted AS "secretEncrypted" FROM webhooks w
      WHERE w.id = ${p.id}::uuid AND w.organization_id = ${p.organizationId}::uuid AND w.deleted_at IS NULL
      FOR NO KEY UPDATE`,
  ),
);

/** The organization's live webhooks, newest first (at most 1,000). */
export const listWebhooks = compiledQuery((db, p: { organizationId: string }) =>
  compilableSql(
    db,
    sql<WebhookRow>`SELECT ${COLUMNS} FROM webhooks w
      WHERE w.organization_id = ${p.organizationId}::uuid AND w.deleted_at IS NULL ORDER BY w.created_at DESC, w.id DESC LIMIT 1000`,
  ),
);

/**
 * Changes the URL and description (where `setUrl`/`setDescription`) and replaces the event types
 * (where `setTypes`) of a live webhook; the webhook after.
 */
export const updateWebhook = compiledQuery(
  (
    db,
    p: {
      id: string;
      organizationId: string;
      setUrl: boolean;
      url: string | null;
      setDescription: boolean;
      description: string | null;
      setTypes: boolean;
      eventTypes: string[];
    },
  ) =>
    compilableSql(
      db,
      sql<{ done: boolean }>`
        WITH w AS (
          UPDATE webhooks SET
            url = CASE WHEN ${p.setUrl}::boolean THEN ${p.url}::text ELSE url END,
            description = CASE WHEN ${p.setDescription}::boolean THEN ${p.description}::text ELSE description END
          WHERE id = ${p.id}::uuid AND organization_id = ${p.organizationId}::uuid AND deleted_at IS NULL
          RETURNING organization_id, id
        ), gone AS (
          DELETE FROM webhook_event_types t USING w
          WHERE ${p.setTypes}::boolean AND t.organization_id = w.organization_id AND t.webhook_id = w.id
            AND NOT (t.event_type_code = ANY (${p.eventTypes}::text[]))
          RETURNING 1
        ), added AS (
          INSERT INTO webhook_event_types (organization_id, webhook_id, event_type_code)
          SELECT w.organization_id, w.id, c FROM w CROSS JOIN unnest(${p.eventTypes}::text[]) AS c WHERE ${p.setTypes}::boolean
          ON CONFLICT (organization_id, webhook_id, event_type_code) DO NOTHING
          RETURNING 1
        )
        SELECT EXISTS (SELECT 1 FROM w) AS done, (SELECT count(*) FROM gone) + (SELECT count(*) FROM added) AS changes`,
    ),
);

/** Replaces the secret, keeping the previous one (re-sealed for its column) until `previousExpiresAt`. */
export const setWebhookSecret = compiledQuery(
  (db, p: { id: string; organizationId: string; secret: Buffer; previous: Buffer | null; previousExpiresAt: Date | null }) =>
    compilableSql(
      db,
      sql`UPDATE webhooks SET secret_encrypted = ${p.secret}::bytea, previous_secret_encrypted = ${p.previous}::bytea,
          previous_secret_expires_at = ${p.previousExpiresAt}::timestamptz
        WHERE id = ${p.id}::uuid AND organization_id = ${p.organizationId}::uuid AND deleted_at IS NULL`,
    ),
);

/**
 * Disables an active webhook (or enables a disabled one) and, when disabling or deleting,
 * cancels its pending and retrying deliveries (dead, `webhook_disabled`). `changed` is false when
 * it already was as asked. Deleting also marks it deleted.
 */
export const setWebhookState = compiledQuery(
  (db, p: { id: string; organizationId: string; active: boolean; reason: 'manual' | 'failures' | null; remove: boolean }) =>
    compilableSql(
      db,
      sql<{ changed: boolean; consecutiveFailures: number }>`
        WITH w AS (
          UPDATE webhooks SET is_active = ${p.active}::boolean,
            disabled_at = CASE WHEN ${p.active}::boolean THEN NULL ELSE coalesce(disabled_at, now()) END,
            disabled_reason = CASE WHEN ${p.active}::boolean THEN NULL ELSE coalesce(disabled_reason, ${p.reason}::text) END,
            consecutive_failures = CASE WHEN ${p.active}::boolean THEN 0 ELSE consecutive_failures END,
            deleted_at = CASE WHEN ${p.remove}::boolean THEN now() ELSE deleted_at END
          WHERE id = ${p.id}::uuid AND organization_id = ${p.organizationId}::uuid AND deleted_at IS NULL
            AND (is_active <> ${p.active}::boolean OR ${p.remove}::boolean)
          RETURNING organization_id, id, consecutive_failures
        ), cancelled AS (
          UPDATE webhook_deliveries d SET status = 'dead', dead_at = now(), last_error = 'webhook_disabled'
          FROM w WHERE NOT ${p.active}::boolean AND d.organization_id = w.organization_id AND d.webhook_id = w.id
            AND d.status IN ('pending', 'retry')
          RETURNING 1
        )
        SELECT EXISTS (SELECT 1 FROM w) AS changed, coalesce((SELECT consecutive_failures FROM w), 0) AS "consecutiveFailures",
          (SELECT count(*) FROM cancelled) AS cancelled`,
    ),
);

/** A delivery row as listed. */
export interface WebhookDeliveryRow {
  id: string;
  organizationId: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  availableAt: Date;
  lastAttemptAt: Date | null;
  responseStatus: number | null;
  responseExcerpt: string | null;
  lastError: string | null;
  succeededAt: Date | null;
  deadAt: Date | null;
  createdAt: Date;
}

const DELIVERY_COLUMNS = sql`d.id, d.organization_id AS "organizationId", d.webhook_id AS "webhookId", d.event_id AS "eventId",
  e.event_type_code AS "eventType", d.status, d.attempts, d.available_at AS "availableAt", d.last_attempt_at AS "lastAttemptAt",
  d.response_status AS "responseStatus", d.response_excerpt AS "responseExcerpt", d.last_error AS "lastError",
  d.succeeded_at AS "succeededAt", d.dead_at AS "deadAt", d.created_at AS "createdAt"`;

const DELIVERY_EVENT = sql`JOIN domain_events e ON e.organization_id = d.organization_id AND e.id = d.event_id AND e.created_at = d.event_created_at`;

/** A webhook's deliveries, newest first, of one status or all (`status` null). */
export const listDeliveries = compiledQuery((db, p: { organizationId: string; webhookId: string; status: string | null; limit: number }) =>
  compilableSql(
    db,
    sql<WebhookDeliveryRow>`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d ${DELIVERY_EVENT}
      WHERE d.organization_id = ${p.organizationId}::uuid AND d.webhook_id = ${p.webhookId}::uuid
        AND (${p.status}::text IS NULL OR d.status = ${p.status}::text)
      ORDER BY d.created_at DESC, d.id DESC LIMIT ${p.limit}::int`,
  ),
);

/**
 * Puts a finished delivery (succeeded or dead) of an active webhook back to pending, due now,
 * attempts reset; `changed` false (and the row as it is) when it is not finished or the
 * webhook is not active.
 */
export const redeliverDelivery = compiledQuery((db, p: { organizationId: string; id: string }) =>
  compilableSql(
    db,
    sql<WebhookDeliveryRow & { changed: boolean; webhookActive: boolean; before: { status: string; attempts: number } }>`
      WITH current AS (
        SELECT d.id, d.status, d.attempts, w.is_active AS active FROM webhook_deliveries d
        JOIN webhooks w ON w.organization_id = d.organization_id AND w.id = d.webhook_id
        WHERE d.organization_id = ${p.organizationId}::uuid AND d.id = ${p.id}::uuid
        FOR NO KEY UPDATE OF d
      ), r AS (
        UPDATE webhook_deliveries d SET status = 'pending', attempts = 0, available_at = now(), succeeded_at = NULL, dead_at = NULL
        FROM current c WHERE d.id = c.id AND d.organization_id = ${p.organizationId}::uuid AND c.active AND c.status IN ('succeeded', 'dead')
        RETURNING d.*
      )
      SELECT ${DELIVERY_COLUMNS}, true AS changed, true AS "webhookActive",
        (SELECT jsonb_build_object('status', c.status, 'attempts', c.attempts) FROM current c) AS before
      FROM r d ${DELIVERY_EVENT}
      UNION ALL
      SELECT ${DELIVERY_COLUMNS}, false AS changed, c.active AS "webhookActive", jsonb_build_object('status', c.status, 'attempts', c.attempts) AS before
      FROM current c JOIN webhook_deliveries d ON d.id = c.id AND d.organization_id = ${p.organizationId}::uuid ${DELIVERY_EVENT}
      WHERE NOT EXISTS (SELECT 1 FROM r)`,
  ),
);
