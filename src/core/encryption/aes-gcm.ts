// AES-256-GCM through node:crypto, the one place the package calls the cipher: 96-bit IVs,
// 128-bit tags, and the tag length fixed when deciphering (`authTagLength: 16`), because Node
// otherwise accepts a truncated tag and with it a far weaker check.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptionError } from '../errors/encryption-errors.js';

/** Bytes of a key (AES-256). */
export const KEY_BYTES = 32;
/** Bytes of an IV (the 96 bits GCM is made for). */
export const IV_BYTES = 12;
/** Bytes of an authentication tag (the full 128 bits; nothing shorter is accepted). */
export const TAG_BYTES = 16;

/** A sealed message: its IV, tag and ciphertext. */
export interface Sealed {
  readonly iv: Buffer;
  readonly tag: Buffer;
  readonly ciphertext: Buffer;
}

/**
 * Encrypts `plaintext` under `key` with associated data `aad` (authenticated, not encrypted), with
 * a random IV unless `iv` is given (only the published test vectors give one).
 */
export function seal(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array, iv: Uint8Array = randomBytes(IV_BYTES)): Sealed {
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv: Buffer.from(iv), tag: cipher.getAuthTag(), ciphertext };
}

/**
 * Decrypts and authenticates a sealed message.
 * @throws DecryptionError (`authentication`) when the tag does not verify, is not 16 bytes, or
 * the IV is not 12: nothing of the plaintext is returned then.
 */
export function open(key: Uint8Array, sealed: Sealed, aad: Uint8Array): Buffer {
  if (sealed.tag.length !== TAG_BYTES || sealed.iv.length !== IV_BYTES) throw new DecryptionError('authentication');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
  } catch {
    throw new DecryptionError('authentication');
  }
}
