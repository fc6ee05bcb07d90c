// The integrations context's schemas: zod only (no pg, no kysely), for `@org/data/schemas`.

// The payload contracts of the domain events (the event types are in the context's index).
export {
  EncryptionKeyCreatedPayloadV1,
  EncryptionKeyRotatedPayloadV1,
  ApiKeyCreatedPayloadV1,
  ApiKeyRevokedPayloadV1,
  WebhookCreatedPayloadV1,
  WebhookUpdatedPayloadV1,
  WebhookSecretRotatedPayloadV1,
  WebhookDisabledPayloadV1,
  WebhookRefPayloadV1,
} from './integration-events.js';
export { CreateApiKeyInputSchema, API_KEY_ENVIRONMENTS, type CreateApiKeyInput } from './api-keys/api-key.inputs.js';
export {
  CreateWebhookInputSchema,
  UpdateWebhookInputSchema,
  RotateWebhookSecretOptionsSchema,
  ListWebhookDeliveriesOptionsSchema,
  WebhookUrlSchema,
  type CreateWebhookInput,
  type UpdateWebhookInput,
  type RotateWebhookSecretOptions,
  type ListWebhookDeliveriesOptions,
} from './webhooks/webhook.inputs.js';
