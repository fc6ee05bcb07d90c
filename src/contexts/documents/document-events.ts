// The documents context's domain events, each declared once with the zod schema of its payload
// per version (zod only; exported through `@org/data/schemas`). The repository builds the
// payloads with exactly these fields; a contract test parses every emitted payload.
import { z } from 'zod';
import { UuidSchema } from '../../core/kernel/common-schemas.js';
import { defineEventType } from '../../core/events/event-type.js';

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

/** `document.created` v1: the document, its client and its first version's bytes. */
export const DocumentCreatedPayloadV1 = z
  .object({
    documentId: UuidSchema,
    organizationId: UuidSchema,
    clientId: UuidSchema,
    mimeType: z.string(),
    versionNumber: z.literal(1),
    storageKey: z.string(),
    checksumSha256: Sha256,
    sizeBytes: z.int().min(0),
  })
  .strict();

/** `document.version_added` v1: the document and the new version's number and bytes. */
export const DocumentVersionAddedPayloadV1 = z
  .object({
    documentId: UuidSchema,
    organizationId: UuidSchema,
    clientId: UuidSchema,
    versionNumber: z.int().min(2),
    storageKey: z.string(),
    checksumSha256: Sha256,
    sizeBytes: z.int().min(0),
  })
  .strict();

/** `document.deleted` v1: the document and when it was soft-deleted. */
export const DocumentDeletedPayloadV1 = z
  .object({ documentId: UuidSchema, organizationId: UuidSchema, clientId: UuidSchema, deletedAt: z.iso.datetime() })
  .strict();

/** A document was created. */
export const documentCreated = defineEventType({
  code: 'document.created',
  aggregateType: 'document',
  description: 'A document was created with its first version.',
  version: 1,
  payload: DocumentCreatedPayloadV1,
});

/** A version was added to a document. */
export const documentVersionAdded = defineEventType({
  code: 'document.version_added',
  aggregateType: 'document',
  description: 'A new version of a document was added.',
  version: 1,
  payload: DocumentVersionAddedPayloadV1,
});

/** A document was soft-deleted. */
export const documentDeleted = defineEventType({
  code: 'document.deleted',
  aggregateType: 'document',
  description: 'A document was soft-deleted.',
  version: 1,
  payload: DocumentDeletedPayloadV1,
});

/** Every event type of the documents context. */
export const DOCUMENT_EVENT_TYPES = Object.freeze([documentCreated, documentVersionAdded, documentDeleted] as const);
