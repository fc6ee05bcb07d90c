// Key providers wrap (encrypt) and unwrap the organizations' data keys under a master key that
// never leaves them: the local provider's keys come from configuration (development and tests),
// AWS KMS keeps its keys in the service.

/** What a data key is bound to when wrapped: unwrapping it for anything else fails. */
export interface KeyWrapContext {
  /** The organization the data key belongs to. */
  readonly organizationId: string;
  /** The data key's id (its encryption_keys row). */
  readonly keyId: string;
  /** What the data key is for, e.g. `field` or `blind_index`. */
  readonly purpose: string;
}

/** A wrapped data key, and which master key wrapped it. */
export interface WrappedKey {
  /** The wrapped key, as stored in `encryption_keys.wrapped_key`. */
  readonly wrapped: Uint8Array;
  /** The master key's id at the provider (a local key's name, a KMS key ARN). */
  readonly masterKeyId: string;
}

/**
 * Wraps and unwraps data keys. Implementations: {@link localKeyProvider},
 * {@link awsKmsKeyProvider}; a service may bring its own (e.g. HashiCorp Vault's transit engine).
 */
export interface KeyProvider {
  /** Stored with each key it wraps (`encryption_keys.provider`): which provider unwraps it. Lowercase letters, digits and `-`. */
  readonly name: string;
  /** The master key new data keys are wrapped with; keys wrapped by another are re-wrapped by `keyring.rewrap`. */
  readonly currentMasterKeyId: string;
  /** Wraps a 32-byte data key under the current master key, bound to `context`. */
  wrap(dataKey: Uint8Array, context: KeyWrapContext): Promise<WrappedKey>;
  /** Unwraps a data key wrapped by master key `masterKeyId` for the same `context`. */
  unwrap(wrapped: Uint8Array, masterKeyId: string, context: KeyWrapContext): Promise<Uint8Array>;
}
