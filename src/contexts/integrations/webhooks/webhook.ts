import { defineAggregate } from '../../../core/kernel/aggregate.js';
import type { WebhookDeliveryStatus } from './webhook-delivery-machine.js';

/** Why a webhook is disabled: by hand, or by the sender after consecutive failed attempts. */
export type WebhookDisabledReason = 'manual' | 'failures';

/** A webhook as the package shows it: never its secret. */
export interface Webhook {
  /** Primary key (uuid). */
  readonly id: string;
  /** The organization (tenant) whose events it receives. */
  readonly organizationId: string;
  /** The https endpoint requests are posted to. */
  readonly url: string;
  /** What it is for; `null`: none given. */
  readonly description: string | null;
  /** The event type codes it receives, sorted. */
  readonly eventTypes: readonly string[];
  /** Whether deliveries are made and sent. */
  readonly isActive: boolean;
  /** When it was disabled; `null` while active. */
  readonly disabledAt: Date | null;
  /** Why it was disabled; `null` while active. */
  readonly disabledReason: WebhookDisabledReason | null;
  /** Failed attempts since the last success. */
  readonly consecutiveFailures: number;
  /** Until when the secret before the last rotation also signs; `null`: only the current one signs. */
  readonly previousSecretExpiresAt: Date | null;
  /** Who made it. */
  readonly createdByUserId: string;
  /** When it was made. */
  readonly createdAt: Date;
  /** When it last changed. */
  readonly updatedAt: Date;
}

/** One delivery of an event to a webhook. */
export interface WebhookDelivery {
  /** Primary key (uuid). */
  readonly id: string;
  /** The organization. */
  readonly organizationId: string;
  /** The webhook. */
  readonly webhookId: string;
  /** The event (its public id: the `webhook-id` header). */
  readonly eventId: string;
  /** The event's type code. */
  readonly eventType: string;
  /** Where it is (see `WEBHOOK_DELIVERY_TRANSITIONS`). */
  readonly status: WebhookDeliveryStatus;
  /** Attempts so far (reset by a redelivery). */
  readonly attempts: number;
  /** When it is next due (pending, retry). */
  readonly availableAt: Date;
  /** When it was last attempted; `null`: never. */
  readonly lastAttemptAt: Date | null;
  /** The last response's HTTP status; `null`: no response. */
  readonly responseStatus: number | null;
  /** The start of the last response's body (at most 1,024 characters). */
  readonly responseExcerpt: string | null;
  /** Why the last attempt failed, e.g. `http_status`, `timeout`, `address_refused`. */
  readonly lastError: string | null;
  /** When it succeeded. */
  readonly succeededAt: Date | null;
  /** When it became dead. */
  readonly deadAt: Date | null;
  /** When it was made. */
  readonly createdAt: Date;
}

/** Webhooks: per tenant, audited without their secrets. */
export const webhookAggregate = defineAggregate<Webhook>()({
  name: 'webhook',
  table: 'webhooks',
  tenantColumn: 'organization_id',
  columns: {
    id: 'id',
    organizationId: 'organization_id',
    url: 'url',
    description: 'description',
    isActive: 'is_active',
    disabledAt: 'disabled_at',
    disabledReason: 'disabled_reason',
    consecutiveFailures: 'consecutive_failures',
    previousSecretExpiresAt: 'previous_secret_expires_at',
    createdByUserId: 'created_by_user_id',
    createdAt: 'created_at',
    updatedAt: 'updated_at',
  },
  audited: ['id', 'url', 'description', 'eventTypes', 'isActive', 'disabledAt', 'disabledReason', 'previousSecretExpiresAt'],
  actions: ['create', 'update', 'rotate_secret', 'disable', 'enable', 'delete'],
});

/** The event types of a webhook (a junction to `event_types`). */
export const webhookEventTypeTable = defineAggregate<{ organizationId: string; webhookId: string; eventTypeCode: string }>()({
  name: 'webhook_event_type',
  table: 'webhook_event_types',
  tenantColumn: 'organization_id',
  columns: { organizationId: 'organization_id', webhookId: 'webhook_id', eventTypeCode: 'event_type_code' },
  audited: [],
  actions: [],
});

/** Deliveries: made and sent by the worker; a redelivery on request is audited. */
export const webhookDeliveryAggregate = defineAggregate<WebhookDelivery>()({
  name: 'webhook_delivery',
  table: 'webhook_deliveries',
  tenantColumn: 'organization_id',
  columns: {
    id: 'id',
    organizationId: 'organization_id',
    webhookId: 'webhook_id',
    eventId: 'event_id',
    status: 'status',
    attempts: 'attempts',
    availableAt: 'available_at',
    lastAttemptAt: 'last_attempt_at',
    responseStatus: 'response_status',
    lastError: 'last_error',
    succeededAt: 'succeeded_at',
    deadAt: 'dead_at',
    createdAt: 'created_at',
  },
  audited: ['id', 'webhookId', 'eventId', 'status', 'attempts'],
  actions: ['redeliver'],
});
