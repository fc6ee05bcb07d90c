// The integrations context's domain events (key management here; webhooks and API keys join
// them), each declared once with the zod schema of its payload per version.
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

/** Every event type of the integrations context. */
export const INTEGRATION_EVENT_TYPES = Object.freeze([encryptionKeyCreated, encryptionKeyRotated, apiKeyCreated, apiKeyRevoked] as const);
