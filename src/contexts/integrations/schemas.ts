// The integrations context's schemas: zod only (no pg, no kysely), for `@org/data/schemas`.

// The payload contracts of the domain events (the event types are in the context's index).
export { EncryptionKeyCreatedPayloadV1, EncryptionKeyRotatedPayloadV1 } from './integration-events.js';
