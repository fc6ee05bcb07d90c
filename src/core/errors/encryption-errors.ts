import { DataError } from './data-error.js';

/** Why a value could not be decrypted (never the value, never the key). */
export type DecryptionFailure =
  /** Not a value this package wrote: too short, or an unknown format version. */
  | 'malformed'
  /** Its key is not among the organization's keys (another tenant's, or deleted). */
  | 'unknown_key'
  /** The authentication tag did not verify: the value was altered, or it belongs to another row, column or tenant. */
  | 'authentication';

/**
 * An encrypted value could not be decrypted. The message says why in general terms; it never
 * holds the value, the plaintext or any key.
 */
export class DecryptionError extends DataError {
  /** Why (see {@link DecryptionFailure}). */
  readonly reason: DecryptionFailure;

  constructor(reason: DecryptionFailure) {
    super(
      'DECRYPTION_FAILED',
      reason === 'malformed'
        ? 'Encrypted value is malformed: not a value written by @org/data encryption'
        : reason === 'unknown_key'
          ? 'Encrypted value names a key the organization does not have'
          : 'Encrypted value could not be authenticated: it was altered, or belongs to another row, column or organization',
    );
    this.reason = reason;
  }
}

/**
 * A key provider (the local master keys, AWS KMS) failed to wrap or unwrap a data key. The
 * message keeps the provider's name, the step and the name of the provider's error (such as
 * `AccessDeniedException`), nothing else: no key material, no request.
 */
export class KeyProviderError extends DataError {
  /** The provider's name, e.g. `aws-kms`. */
  readonly provider: string;

  constructor(provider: string, step: 'wrap' | 'unwrap', reason: string) {
    super('KEY_PROVIDER', `Key provider ${provider} could not ${step} a data key: ${reason}`);
    this.provider = provider;
  }
}
