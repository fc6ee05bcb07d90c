// The documents context's input schemas: zod only (no pg, no kysely), for `@org/data/schemas`.

export {
  CLIENT_STATUSES,
  ClientStatusSchema,
  ClientCodeSchema,
  CreateClientInputSchema,
  UpdateClientInputSchema,
  type CreateClientInput,
  type UpdateClientInput,
} from './clients/client.inputs.js';
export {
  StorageKeySchema,
  Sha256Schema,
  MimeTypeSchema,
  SizeBytesSchema,
  CreateDocumentInputSchema,
  AddVersionInputSchema,
  NameQuerySchema,
  type CreateDocumentInput,
  type AddVersionInput,
} from './documents/document.inputs.js';

// The payload contracts of the domain events (the event types are in the context's index).
export {
  DocumentCreatedPayloadV1,
  DocumentVersionAddedPayloadV1,
  DocumentDeletedPayloadV1,
} from './document-events.js';
