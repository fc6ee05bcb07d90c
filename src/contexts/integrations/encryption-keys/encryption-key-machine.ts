// The state machine of a data key, declared once: the keyring's statements use these states and
// the CHECK constraint encryption_keys_status_values lists them (a test compares the two).

/** Data key states (`encryption_keys.status`). */
export const ENCRYPTION_KEY_STATES = Object.freeze(['active', 'retired'] as const);

/** A data key state. */
export type EncryptionKeyStatus = (typeof ENCRYPTION_KEY_STATES)[number];

/** One row of the data key transition table; `from: null` creates the key. */
export interface EncryptionKeyTransition {
  readonly event: 'create' | 'retire' | 'rewrap';
  readonly from: EncryptionKeyStatus | null;
  readonly to: EncryptionKeyStatus;
  /** When it happens. */
  readonly when: string;
}

/** The data key transitions. A retired key never becomes active again, and no key is deleted. */
export const ENCRYPTION_KEY_TRANSITIONS: readonly EncryptionKeyTransition[] = Object.freeze([
  { event: 'create', from: null, to: 'active', when: 'the first value of an organization and purpose is encrypted, or a rotation' },
  { event: 'retire', from: 'active', to: 'retired', when: 'a rotation makes a new active key; the retired one still decrypts' },
  { event: 'rewrap', from: 'active', to: 'active', when: 'the provider’s master key changed: the same key, wrapped anew' },
  { event: 'rewrap', from: 'retired', to: 'retired', when: 'the same, for a retired key' },
] satisfies EncryptionKeyTransition[]);
