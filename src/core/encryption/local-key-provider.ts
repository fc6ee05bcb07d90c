import { KEY_BYTES, open, seal } from './aes-gcm.js';
import { associatedData } from './associated-data.js';
import { DecryptionError, KeyProviderError } from '../errors/encryption-errors.js';
import { ValidationError } from '../errors/validation-error.js';
import type { KeyProvider, KeyWrapContext } from './key-provider.js';

/** Options of {@link localKeyProvider}. */
export interface LocalKeyProviderOptions {
  /**
   * The master keys by id: 32 random bytes each, base64-encoded (`openssl rand -base64 32`).
   * Keep the old ones after switching `current`: they unwrap the data keys not yet re-wrapped.
   */
  readonly masterKeys: Readonly<Record<string, string>>;
  /** The id of the master key that wraps new data keys. */
  readonly current: string;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;
const BASE64 = /^[A-Za-z0-9+/]{43}=$/;

function wrapAad(masterKeyId: string, context: KeyWrapContext): Buffer {
  return associatedData('org-data/data-key/v1', masterKeyId, context.organizationId, context.keyId, context.purpose);
}

/**
 * A key provider whose master keys come from configuration (an environment variable, a secret):
 * for development, tests, and deployments without a KMS. Each data key is wrapped with
 * AES-256-GCM under the current master key, bound to its organization, id and purpose.
 *
 * @throws ValidationError when a master key is not 32 bytes of base64 or `current` is not one of them.
 */
export function localKeyProvider(options: LocalKeyProviderOptions): KeyProvider {
  const issues: { path: string; message: string }[] = [];
  const keys = new Map<string, Buffer>();
  if (options === null || typeof options !== 'object' || options.masterKeys === null || typeof options.masterKeys !== 'object') {
    throw new ValidationError([{ path: 'options.masterKeys', message: 'must be an object of base64 master keys by id' }]);
  }
  for (const [id, value] of Object.entries(options.masterKeys)) {
    if (!ID.test(id)) issues.push({ path: 'options.masterKeys', message: 'ids must be 1–100 letters, digits, _ . : -' });
    else if (typeof value !== 'string' || !BASE64.test(value)) {
      issues.push({ path: `options.masterKeys.${id}`, message: 'must be 32 bytes, base64-encoded' });
    } else keys.set(id, Buffer.from(value, 'base64'));
  }
  if (typeof options.current !== 'string' || !keys.has(options.current)) {
    issues.push({ path: 'options.current', message: 'must be the id of one of the master keys' });
  }
  if (issues.length > 0) throw new ValidationError(issues);
  const current = options.current;
  return Object.freeze({
    name: 'local',
    currentMasterKeyId: current,
    async wrap(dataKey: Uint8Array, context: KeyWrapContext) {
      if (!(dataKey instanceof Uint8Array) || dataKey.length !== KEY_BYTES) throw new KeyProviderError('local', 'wrap', 'a data key is 32 bytes');
      const sealed = seal(keys.get(current)!, dataKey, wrapAad(current, context));
      return { wrapped: Buffer.concat([sealed.iv, sealed.tag, sealed.ciphertext]), masterKeyId: current };
    },
    async unwrap(wrapped: Uint8Array, masterKeyId: string, context: KeyWrapContext) {
      const key = keys.get(masterKeyId);
      if (!key) throw new KeyProviderError('local', 'unwrap', 'its master key is not configured');
      const bytes = Buffer.from(wrapped);
      try {
        return open(key, { iv: bytes.subarray(0, 12), tag: bytes.subarray(12, 28), ciphertext: bytes.subarray(28) }, wrapAad(masterKeyId, context));
      } catch (error) {
        if (error instanceof DecryptionError) throw new KeyProviderError('local', 'unwrap', 'the wrapped key does not verify');
        throw error;
      }
    },
  });
}
