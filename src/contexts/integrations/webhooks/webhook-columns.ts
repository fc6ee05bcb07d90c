import { defineEncryptedColumn } from '../encryption-keys/keyring-types.js';

/**
 * The encrypted columns of webhooks, for `keyring.reencrypt` after a rotation: the secret and
 * the previous secret of a rotation overlap.
 */
export const WEBHOOK_ENCRYPTED_COLUMNS = Object.freeze([
  defineEncryptedColumn({ table: 'webhooks', column: 'secret_encrypted' }),
  defineEncryptedColumn({ table: 'webhooks', column: 'previous_secret_encrypted' }),
] as const);
