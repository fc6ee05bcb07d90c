// The integrations context's domain events (data keys, API keys, webhooks), each declared once
// with the zod schema of its payload per version.
import { z } from 'zod';
import { UuidSchema } from '../../core/kernel/common-schemas.js';
import { defineEventType } from '../../core/events/event-type.js';

/** `encryption_key.created` v1: the new key's id, purpose and version (never the key). */
export const EncryptionKeyCreatedPayloadV1 = z
  .object({ keyId: UuidSchema, organizationId: UuidSchema, purpose: z.string(), version: z.int().min(1) })
  .strict();

/** `encryption_key.rotated` v1: the new active key and the one it retired. */
export const EncryptionKeyRotatedPayloadV1 = z
  .object({
    keyId: UuidSchema,
    organizationId: UuidSchema,
    purpose: z.string(),
    version: z.int().min(1),
    retiredKeyId: UuidSchema,
  })
  .strict();

/** A data key was created. */
export const encryptionKeyCreated = defineEventType({
  code: 'encryption_key.created',
  aggregateType: 'encryption_key',
  description: 'A data key was created for an organization and purpose.',
  version: 1,
  payload: EncryptionKeyCreatedPayloadV1,
});

/** A data key was rotated. */
export const encryptionKeyRotated = defineEventType({
  code: 'encryption_key.rotated',
  aggregateType: 'encryption_key',
  description: "An organization's active data key for a purpose was replaced by a new one.",
  version: 1,
  payload: EncryptionKeyRotatedPayloadV1,
});

/** `api_key.created` v1: the key (never its secret), its permissions and who made it. */
export const ApiKeyCreatedPayloadV1 = z
  .object({
    apiKeyId: UuidSchema,
    organizationId: UuidSchema,
    name: z.string(),
    prefix: z.string(),
    permissions: z.array(z.string()),
    createdByUserId: UuidSchema,
    expiresAt: z.iso.datetime().nullable(),
  })
  .strict();

/** `api_key.revoked` v1: who revoked it and when. */
export const ApiKeyRevokedPayloadV1 = z
  .object({ apiKeyId: UuidSchema, organizationId: UuidSchema, revokedByUserId: UuidSchema, revokedAt: z.iso.datetime() })
  .strict();

/** An API key was created. */
export const apiKeyCreated = defineEventType({
  code: 'api_key.created',
  aggregateType: 'api_key',
  description: 'An API key was created for an organization, with its permissions.',
  version: 1,
  payload: ApiKeyCreatedPayloadV1,
});

/** An API key was revoked. */
export const apiKeyRevoked = defineEventType({
  code: 'api_key.revoked',
  aggregateType: 'api_key',
  description: 'An API key was revoked.',
  version: 1,
  payload: ApiKeyRevokedPayloadV1,
});

/**
 * `webhook.created` v1: the webhook's host (not its whole URL, whose path or query may carry a
 * token for the receiver; never its secret), its event types and who made it.
 */
export const WebhookCreatedPayloadV1 = z
  .object({
    webhookId: UuidSchema,
    organizationId: UuidSchema,
    host: z.string(),
    eventTypes: z.array(z.string()),
    createdByUserId: UuidSchema,
  })
  .strict();

/** `webhook.updated` v1: the webhook's host and event types after the change. */
export const WebhookUpdatedPayloadV1 = z
  .object({ webhookId: UuidSchema, organizationId: UuidSchema, host: z.string(), eventTypes: z.array(z.string()) })
  .strict();

/** `webhook.secret_rotated` v1: until when the previous secret also signs (never a secret). */
export const WebhookSecretRotatedPayloadV1 = z
  .object({ webhookId: UuidSchema, organizationId: UuidSchema, previousSecretExpiresAt: z.iso.datetime().nullable() })
  .strict();

/** `webhook.disabled` v1: why (`manual`, or `failures` with the count that reached the threshold). */
export const WebhookDisabledPayloadV1 = z
  .object({
    webhookId: UuidSchema,
    organizationId: UuidSchema,
    reason: z.enum(['manual', 'failures']),
    consecutiveFailures: z.int().min(0),
  })
  .strict();

/** `webhook.enabled` v1 and `webhook.deleted` v1: which webhook. */
export const WebhookRefPayloadV1 = z.object({ webhookId: UuidSchema, organizationId: UuidSchema }).strict();

/** A webhook was created. */
export const webhookCreated = defineEventType({
  code: 'webhook.created',
  aggregateType: 'webhook',
  description: 'A webhook was created for an organization, with its event types.',
  version: 1,
  payload: WebhookCreatedPayloadV1,
});

/** A webhook's URL, description or event types changed. */
export const webhookUpdated = defineEventType({
  code: 'webhook.updated',
  aggregateType: 'webhook',
  description: "A webhook's URL, description or event types changed.",
  version: 1,
  payload: WebhookUpdatedPayloadV1,
});

/** A webhook's signing secret was rotated. */
export const webhookSecretRotated = defineEventType({
  code: 'webhook.secret_rotated',
  aggregateType: 'webhook',
  description: "A webhook's signing secret was replaced; the previous one signs until the overlap ends.",
  version: 1,
  payload: WebhookSecretRotatedPayloadV1,
});

/** A webhook was disabled. */
export const webhookDisabled = defineEventType({
  code: 'webhook.disabled',
  aggregateType: 'webhook',
  description: 'A webhook was disabled, by hand or after consecutive failed deliveries.',
  version: 1,
  payload: WebhookDisabledPayloadV1,
});

/** A webhook was enabled again. */
export const webhookEnabled = defineEventType({
  code: 'webhook.enabled',
  aggregateType: 'webhook',
  description: 'A disabled webhook was enabled again.',
  version: 1,
  payload: WebhookRefPayloadV1,
});

/** A webhook was deleted. */
export const webhookDeleted = defineEventType({
  code: 'webhook.deleted',
  aggregateType: 'webhook',
  description: 'A webhook was deleted.',
  version: 1,
  payload: WebhookRefPayloadV1,
});

/** Every event type of the integrations context. */
export const INTEGRATION_EVENT_TYPES = Object.freeze([
  encryptionKeyCreated,
  encryptionKeyRotated,
  apiKeyCreated,
  apiKeyRevoked,
  webhookCreated,
  webhookUpdated,
  webhookSecretRotated,
  webhookDisabled,
  webhookEnabled,
  webhookDeleted,
] as const);
