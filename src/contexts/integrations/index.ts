// @org/data/integrations: encryption of sensitive fields with per-organization data keys, API
// keys, and signed webhooks.

export { createKeyring, type Keyring, type KeyringOptions, type KeyAdminOptions } from './encryption-keys/keyring.js';
export {
  defineEncryptedColumn,
  type KeyringScope,
  type EncryptedField,
  type BlindIndexedColumn,
  type EncryptedColumn,
  type ReencryptResult,
} from './encryption-keys/keyring-types.js';
export { encryptionKeyAggregate, KEY_PURPOSES, type EncryptionKey, type KeyPurpose } from './encryption-keys/encryption-key.js';
export {
  ENCRYPTION_KEY_STATES,
  ENCRYPTION_KEY_TRANSITIONS,
  type EncryptionKeyStatus,
  type EncryptionKeyTransition,
} from './encryption-keys/encryption-key-machine.js';
export type { KeyProvider, KeyWrapContext, WrappedKey } from '../../core/encryption/key-provider.js';
export { localKeyProvider, type LocalKeyProviderOptions } from '../../core/encryption/local-key-provider.js';
export { awsKmsKeyProvider, AWS_KMS_PACKAGE, type AwsKmsKeyProviderOptions, type KmsClientLike } from '../../core/encryption/aws-kms-key-provider.js';
export { ENVELOPE_OVERHEAD } from '../../core/encryption/envelope.js';
export { BLIND_INDEX_BYTES } from '../../core/encryption/blind-index.js';
export {
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
  INTEGRATION_EVENT_TYPES,
} from './integration-events.js';
export { createApiKeys, type ApiKeys, type ApiKeysOptions, type ApiKeyWithPermissions, type ResolvedApiKey } from './api-keys/api-keys.js';
export { apiKeyAggregate, type ApiKey } from './api-keys/api-key.js';
export { createWebhooks, WEBHOOK_SECRET_FIELD, type Webhooks, type WebhooksOptions } from './webhooks/webhooks.js';
export {
  webhookAggregate,
  webhookDeliveryAggregate,
  type Webhook,
  type WebhookDelivery,
  type WebhookDisabledReason,
} from './webhooks/webhook.js';
export {
  WEBHOOK_DELIVERY_STATES,
  WEBHOOK_DELIVERY_TRANSITIONS,
  type WebhookDeliveryStatus,
  type WebhookDeliveryTransition,
} from './webhooks/webhook-delivery-machine.js';
export { webhookFanOut, type WebhookFanOutOptions } from './webhooks/webhook-fan-out.js';
export {
  createWebhookSender,
  pruneWebhookDeliveries,
  type WebhookSender,
  type WebhookSenderOptions,
  type WebhookSenderRound,
} from './webhooks/webhook-sender.js';
export {
  generateWebhookSecret,
  signWebhook,
  verifyWebhookSignature,
  type WebhookSignedContent,
  type VerifyWebhookOptions,
} from './webhooks/webhook-signature.js';
export { WEBHOOK_ENCRYPTED_COLUMNS } from './webhooks/webhook-columns.js';
export { INTEGRATIONS_AGGREGATES } from './aggregates.js';
export * from './schemas.js';
