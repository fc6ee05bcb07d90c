// Webhooks of a tenant: made, changed, rotated, disabled and deleted in its unit of work
// (audited, with events); their deliveries listed and redelivered on request. The secret is
// generated here, shown once, and stored sealed by the keyring (bound to the row), because
// signing needs the secret itself.
import { randomUUID } from 'node:crypto';
import { auditEvent } from '../../../core/audit/audit-event.js';
import { writeAudit } from '../../../core/audit/write-audit.js';
import { ForbiddenError } from '../../../core/errors/forbidden-error.js';
import { NotFoundError } from '../../../core/errors/not-found-error.js';
import { TransitionConflictError } from '../../../core/errors/transition-conflict-error.js';
import { ValidationError } from '../../../core/errors/validation-error.js';
import { domainEvent } from '../../../core/events/domain-event.js';
import { UuidSchema } from '../../../core/kernel/common-schemas.js';
import { parseInput } from '../../../core/kernel/parse-input.js';
import { withErrorMapping } from '../../../core/kernel/with-error-mapping.js';
import type { Keyring } from '../encryption-keys/keyring.js';
import { scopeTenant, type KeyringScope } from '../encryption-keys/keyring-types.js';
import {
  webhookCreated,
  webhookDeleted,
  webhookDisabled,
  webhookEnabled,
  webhookSecretRotated,
  webhookUpdated,
} from '../integration-events.js';
import { isoTimestampOf } from '../api-keys/iso.js';
import { webhookAggregate, webhookDeliveryAggregate, type Webhook, type WebhookDelivery } from './webhook.js';
import {
  CreateWebhookInputSchema,
  ListWebhookDeliveriesOptionsSchema,
  RotateWebhookSecretOptionsSchema,
  UpdateWebhookInputSchema,
  type CreateWebhookInput,
  type ListWebhookDeliveriesOptions,
  type RotateWebhookSecretOptions,
  type UpdateWebhookInput,
} from './webhook.inputs.js';
import { generateWebhookSecret } from './webhook-signature.js';
import {
  getWebhook,
  insertWebhook,
  listDeliveries,
  listWebhooks,
  lockWebhook,
  redeliverDelivery,
  setWebhookSecret,
  setWebhookState,
  unknownEventTypes,
  updateWebhook,
  type WebhookDeliveryRow,
  type WebhookRow,
} from './webhook-statements.js';

/** Where a webhook's secrets are sealed (the keyring binds each value to its table, column and row). */
export const WEBHOOK_SECRET_FIELD = Object.freeze({ table: 'webhooks', column: 'secret_encrypted' });
const PREVIOUS_SECRET_FIELD = Object.freeze({ table: 'webhooks', column: 'previous_secret_encrypted' });

/** Webhooks of a service (see {@link createWebhooks}). Every method runs in a tenant's unit of work. */
export interface Webhooks {
  /**
   * Makes a webhook for the tenant, receiving `eventTypes`, made by the acting user
   * (`context.actorUserId`); audited (`webhook.create`), event `webhook.created`. Returns it and
   * its secret (`whsec_…`): shown this once, stored only sealed.
   * @throws ValidationError for bad input or unknown event types; ForbiddenError without an acting user.
   */
  create(scope: KeyringScope, input: CreateWebhookInput): Promise<{ readonly webhook: Webhook; readonly secret: string }>;
  /** A webhook of the tenant, or `undefined`. */
  find(scope: KeyringScope, id: string): Promise<Webhook | undefined>;
  /** The tenant's webhooks, newest first (at most 1,000); deleted ones are not listed. */
  list(scope: KeyringScope): Promise<readonly Webhook[]>;
  /**
   * Changes the URL, description or event types (replaced as a whole); audited (`webhook.update`),
   * event `webhook.updated`.
   * @throws ValidationError for bad input or unknown event types; NotFoundError.
   */
  update(scope: KeyringScope, id: string, input: UpdateWebhookInput): Promise<Webhook>;
  /**
   * A new secret; the previous one also signs for `overlapSeconds` (requests carry both
   * signatures), so receivers can switch without losing a delivery. Audited
   * (`webhook.rotate_secret`), event `webhook.secret_rotated`. Returns the new secret, shown once.
   * @throws NotFoundError; DecryptionError when the stored secret cannot be opened.
   */
  rotateSecret(scope: KeyringScope, id: string, options?: RotateWebhookSecretOptions): Promise<{ readonly webhook: Webhook; readonly secret: string }>;
  /**
   * Disables a webhook (by hand): no delivery is made or sent for it, and its pending ones become
   * dead. Audited (`webhook.disable`), event `webhook.disabled`; a disabled one is returned as it is.
   * @throws NotFoundError.
   */
  disable(scope: KeyringScope, id: string): Promise<Webhook>;
  /**
   * Enables a disabled webhook (its failure count back to 0); audited (`webhook.enable`), event
   * `webhook.enabled`; an active one is returned as it is. Dead deliveries stay dead until redelivered.
   * @throws NotFoundError.
   */
  enable(scope: KeyringScope, id: string): Promise<Webhook>;
  /**
   * Deletes a webhook (soft: kept with its deliveries, never listed or sent to again); audited
   * (`webhook.delete`), event `webhook.deleted`.
   * @throws NotFoundError.
   */
  delete(scope: KeyringScope, id: string): Promise<void>;
  /** A webhook's deliveries, newest first. @throws ValidationError for bad options. */
  listDeliveries(scope: KeyringScope, webhookId: string, options?: ListWebhookDeliveriesOptions): Promise<readonly WebhookDelivery[]>;
  /**
   * Sends a finished delivery (succeeded or dead) again: pending, due now, attempts reset;
   * audited (`webhook_delivery.redeliver`). The receiver gets the same `webhook-id`.
   * @throws NotFoundError; TransitionConflictError when it is not finished or its webhook is not active.
   */
  redeliver(scope: KeyringScope, deliveryId: string): Promise<WebhookDelivery>;
}

/** Options of {@link createWebhooks}. */
export interface WebhooksOptions {
  /** The keyring that seals the secrets (the same one the webhook sender opens them with). */
  readonly keyring: Keyring;
}

const dateOrNull = (value: string | Date | null): Date | null => (value === null ? null : new Date(value));

/** A webhook from its row (internal: the sender's audit of an automatic disable uses it too). */
export const webhookFromRow = (row: WebhookRow): Webhook =>
  Object.freeze({
    id: row.id,
    organizationId: row.organizationId,
    url: row.url,
    description: row.description,
    eventTypes: Object.freeze([...row.eventTypes]),
    isActive: row.isActive,
    disabledAt: dateOrNull(row.disabledAt),
    disabledReason: row.disabledReason,
    consecutiveFailures: row.consecutiveFailures,
    previousSecretExpiresAt: dateOrNull(row.previousSecretExpiresAt),
    createdByUserId: row.createdByUserId,
    createdAt: new Date(row.createdAt),
    updatedAt: new Date(row.updatedAt),
  });

const deliveryFromRow = (row: WebhookDeliveryRow): WebhookDelivery =>
  Object.freeze({
    id: row.id,
    organizationId: row.organizationId,
    webhookId: row.webhookId,
    eventId: row.eventId,
    eventType: row.eventType,
    status: row.status,
    attempts: row.attempts,
    availableAt: new Date(row.availableAt),
    lastAttemptAt: dateOrNull(row.lastAttemptAt),
    responseStatus: row.responseStatus,
    responseExcerpt: row.responseExcerpt,
    lastError: row.lastError,
    succeededAt: dateOrNull(row.succeededAt),
    deadAt: dateOrNull(row.deadAt),
    createdAt: new Date(row.createdAt),
  });

function keyringArgument(options: WebhooksOptions): Keyring {
  const keyring = options !== null && typeof options === 'object' ? options.keyring : undefined;
  if (keyring === null || typeof keyring !== 'object' || typeof keyring.encrypt !== 'function' || typeof keyring.decryptText !== 'function') {
    throw new ValidationError([{ path: 'options.keyring', message: 'must be a keyring (createKeyring)' }]);
  }
  return keyring;
}

/**
 * Webhooks for a service, their secrets sealed by `keyring`. Deliveries are made by the worker's
 * {@link webhookFanOut} handler and sent by a webhook sender.
 * @throws ValidationError when `keyring` is missing.
 */
export function createWebhooks(options: WebhooksOptions): Webhooks {
  const keyring = keyringArgument(options);
  const tenantOf = (scope: KeyringScope) => scopeTenant(scope, 'webhooks need');
  const idOf = (id: string, path = 'id') => parseInput(UuidSchema, id, path);

  const checkEventTypes = async (scope: KeyringScope, codes: readonly string[], path: string) => {
    const unknown = await unknownEventTypes(scope.trx, { codes: [...new Set(codes)] });
    if (unknown.length > 0) {
      throw new ValidationError(unknown.map((u) => ({ path, message: `${u.code} is not an event type` })));
    }
  };

  const load = async (scope: KeyringScope, organizationId: string, id: string) => {
    const [row] = await lockWebhook(scope.trx, { id, organizationId });
    if (!row) throw new NotFoundError(webhookAggregate.name);
    return row;
  };

  const reread = async (scope: KeyringScope, organizationId: string, id: string) => {
    const [row] = await getWebhook(scope.trx, { id, organizationId });
    if (!row) throw new NotFoundError(webhookAggregate.name);
    return webhookFromRow(row);
  };

  /** Disables or enables: the webhook after; audited with an event when it changed. */
  const changeState = async (scope: KeyringScope, id: string, active: boolean): Promise<Webhook> => {
    const organizationId = tenantOf(scope);
    const webhookId = idOf(id);
    const before = webhookFromRow(await load(scope, organizationId, webhookId));
    const [result] = await setWebhookState(scope.trx, { id: webhookId, organizationId, active, reason: active ? null : 'manual', remove: false });
    const after = await reread(scope, organizationId, webhookId);
    if (result?.changed) {
      await writeAudit(
        scope.trx,
        scope.context ?? {},
        auditEvent(webhookAggregate, active ? 'enable' : 'disable', {
          entityId: webhookId,
          organizationId,
          before,
          after,
          event: active
            ? domainEvent(webhookEnabled, webhookId, { webhookId, organizationId })
            : domainEvent(webhookDisabled, webhookId, { webhookId, organizationId, reason: 'manual', consecutiveFailures: before.consecutiveFailures }),
        }),
      );
    }
    return after;
  };

  return withErrorMapping({
    async create(scope: KeyringScope, input: CreateWebhookInput) {
      const organizationId = tenantOf(scope);
      const data = parseInput(CreateWebhookInputSchema, input, 'input');
      const creator = scope.context?.actorUserId;
      if (!creator) throw new ForbiddenError('create webhook', 'needs an acting user (actorUserId)');
      const eventTypes = [...new Set(data.eventTypes)].sort();
      await checkEventTypes(scope, eventTypes, 'input.eventTypes');
      const id = randomUUID();
      const secret = generateWebhookSecret();
      const sealed = await keyring.encrypt(scope, { ...WEBHOOK_SECRET_FIELD, rowId: id }, secret);
      const [row] = await insertWebhook(scope.trx, {
        id,
        organizationId,
        url: data.url,
        description: data.description ?? null,
        secret: sealed,
        creator,
        eventTypes,
      });
      const webhook = webhookFromRow(row!);
      await writeAudit(
        scope.trx,
        scope.context ?? {},
        auditEvent(webhookAggregate, 'create', {
          entityId: id,
          organizationId,
          after: webhook,
          event: domainEvent(webhookCreated, id, {
            webhookId: id,
            organizationId,
            host: new URL(webhook.url).host,
            eventTypes: [...webhook.eventTypes],
            createdByUserId: creator,
          }),
        }),
      );
      return { webhook, secret };
    },
    async find(scope: KeyringScope, id: string) {
      const organizationId = tenantOf(scope);
      const [row] = await getWebhook(scope.trx, { id: idOf(id), organizationId });
      return row ? webhookFromRow(row) : undefined;
    },
    async list(scope: KeyringScope) {
      const organizationId = tenantOf(scope);
      return (await listWebhooks(scope.trx, { organizationId })).map(webhookFromRow);
    },
    async update(scope: KeyringScope, id: string, input: UpdateWebhookInput) {
      const organizationId = tenantOf(scope);
      const webhookId = idOf(id);
      const data = parseInput(UpdateWebhookInputSchema, input, 'input');
      const eventTypes = data.eventTypes === undefined ? [] : [...new Set(data.eventTypes)].sort();
      if (data.eventTypes !== undefined) await checkEventTypes(scope, eventTypes, 'input.eventTypes');
      const before = webhookFromRow(await load(scope, organizationId, webhookId));
      await updateWebhook(scope.trx, {
        id: webhookId,
        organizationId,
        setUrl: data.url !== undefined,
        url: data.url ?? null,
        setDescription: data.description !== undefined,
        description: data.description ?? null,
        setTypes: data.eventTypes !== undefined,
        eventTypes,
      });
      const after = await reread(scope, organizationId, webhookId);
      await writeAudit(
        scope.trx,
        scope.context ?? {},
        auditEvent(webhookAggregate, 'update', {
          entityId: webhookId,
          organizationId,
          before,
          after,
          event: domainEvent(webhookUpdated, webhookId, { webhookId, organizationId, host: new URL(after.url).host, eventTypes: [...after.eventTypes] }),
        }),
      );
      return after;
    },
    async rotateSecret(scope: KeyringScope, id: string, rotateOptions: RotateWebhookSecretOptions = {}) {
      const organizationId = tenantOf(scope);
      const webhookId = idOf(id);
      const { overlapSeconds = 86_400 } = parseInput(RotateWebhookSecretOptionsSchema, rotateOptions, 'options');
      const row = await load(scope, organizationId, webhookId);
      const before = webhookFromRow(row);
      const secret = generateWebhookSecret();
      const sealed = await keyring.encrypt(scope, { ...WEBHOOK_SECRET_FIELD, rowId: webhookId }, secret);
      let previous: Buffer | null = null;
      let previousExpiresAt: Date | null = null;
      if (overlapSeconds > 0) {
        const current = await keyring.decryptText(scope, { ...WEBHOOK_SECRET_FIELD, rowId: webhookId }, row.secretEncrypted);
        previous = await keyring.encrypt(scope, { ...PREVIOUS_SECRET_FIELD, rowId: webhookId }, current);
        previousExpiresAt = new Date(Date.now() + overlapSeconds * 1000);
      }
      await setWebhookSecret(scope.trx, { id: webhookId, organizationId, secret: sealed, previous, previousExpiresAt });
      const webhook = await reread(scope, organizationId, webhookId);
      await writeAudit(
        scope.trx,
        scope.context ?? {},
        auditEvent(webhookAggregate, 'rotate_secret', {
          entityId: webhookId,
          organizationId,
          before,
          after: webhook,
          event: domainEvent(webhookSecretRotated, webhookId, {
            webhookId,
            organizationId,
            previousSecretExpiresAt: isoTimestampOf(webhook.previousSecretExpiresAt),
          }),
        }),
      );
      return { webhook, secret };
    },
    disable: (scope: KeyringScope, id: string) => changeState(scope, id, false),
    enable: (scope: KeyringScope, id: string) => changeState(scope, id, true),
    async delete(scope: KeyringScope, id: string) {
      const organizationId = tenantOf(scope);
      const webhookId = idOf(id);
      const before = webhookFromRow(await load(scope, organizationId, webhookId));
      await setWebhookState(scope.trx, { id: webhookId, organizationId, active: false, reason: 'manual', remove: true });
      await writeAudit(
        scope.trx,
        scope.context ?? {},
        auditEvent(webhookAggregate, 'delete', {
          entityId: webhookId,
          organizationId,
          before,
          event: domainEvent(webhookDeleted, webhookId, { webhookId, organizationId }),
        }),
      );
    },
    async listDeliveries(scope: KeyringScope, webhookId: string, listOptions: ListWebhookDeliveriesOptions = {}) {
      const organizationId = tenantOf(scope);
      const webhook = idOf(webhookId, 'webhookId');
      const { status, limit = 50 } = parseInput(ListWebhookDeliveriesOptionsSchema, listOptions, 'options');
      return (await listDeliveries(scope.trx, { organizationId, webhookId: webhook, status: status ?? null, limit })).map(deliveryFromRow);
    },
    async redeliver(scope: KeyringScope, deliveryId: string) {
      const organizationId = tenantOf(scope);
      const id = idOf(deliveryId, 'deliveryId');
      const [row] = await redeliverDelivery(scope.trx, { organizationId, id });
      if (!row) throw new NotFoundError(webhookDeliveryAggregate.name);
      const { changed, webhookActive, before, ...rest } = row;
      const delivery = deliveryFromRow(rest);
      if (!changed) {
        // The row as locked (a redelivery that committed while this one waited shows here).
        throw new TransitionConflictError(
          webhookDeliveryAggregate.name.replace('_', ' '),
          webhookActive ? 'redeliver' : 'redeliver (its webhook is not active)',
          before.status,
          before.attempts,
        );
      }
      await writeAudit(
        scope.trx,
        scope.context ?? {},
        auditEvent(webhookDeliveryAggregate, 'redeliver', {
          entityId: id,
          organizationId,
          before: { ...delivery, status: before.status as WebhookDelivery['status'], attempts: before.attempts },
          after: delivery,
        }),
      );
      return delivery;
    },
  });
}
