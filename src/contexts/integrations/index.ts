// @org/data/integrations: encryption of sensitive fields with per-organization data keys (and,
// next, webhooks and API keys).

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
export { encryptionKeyCreated, encryptionKeyRotated, INTEGRATION_EVENT_TYPES } from './integration-events.js';
export { INTEGRATIONS_AGGREGATES } from './aggregates.js';
export * from './schemas.js';
