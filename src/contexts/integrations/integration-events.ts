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

/** Every event type of the integrations context. */
export const INTEGRATION_EVENT_TYPES = Object.freeze([encryptionKeyCreated, encryptionKeyRotated] as const);
