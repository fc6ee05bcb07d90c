// The stored form of an encrypted value: one bytea.
//
//   byte 0        format version (1)
//   bytes 1–16    the data key's id (the uuid of its encryption_keys row)
//   bytes 17–28   IV (12 bytes)
//   bytes 29–44   tag (16 bytes)
//   bytes 45–     ciphertext
//
// The first 17 bytes (the header) are also part of the associated data, so the key id cannot be
// swapped without the tag failing.
import { DecryptionError } from '../errors/encryption-errors.js';
import { IV_BYTES, TAG_BYTES, type Sealed } from './aes-gcm.js';

/** The format version this package writes. */
const ENVELOPE_VERSION = 1;
/** Bytes before the IV: version and key id. */
const HEADER_BYTES = 17;
/** Bytes an encrypted value adds to its plaintext. */
export const ENVELOPE_OVERHEAD = HEADER_BYTES + IV_BYTES + TAG_BYTES;

/** A decoded envelope. */
export interface Envelope extends Sealed {
  /** The data key's id (uuid). */
  readonly keyId: string;
  /** Version and key id, as stored (part of the associated data). */
  readonly header: Buffer;
}

/** The 16 bytes of a uuid. */
export function uuidBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

function uuidText(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The header of a value sealed under key `keyId`. */
export function envelopeHeader(keyId: string): Buffer {
  return Buffer.concat([Buffer.of(ENVELOPE_VERSION), uuidBytes(keyId)]);
}

/** The stored bytes of a sealed value. */
export function encodeEnvelope(header: Buffer, sealed: Sealed): Buffer {
  return Buffer.concat([header, sealed.iv, sealed.tag, sealed.ciphertext]);
}

/**
 * Splits stored bytes into header, key id, IV, tag and ciphertext.
 * @throws DecryptionError (`malformed`) for something too short or of another format version.
 */
export function decodeEnvelope(value: unknown): Envelope {
  if (!(value instanceof Uint8Array) || value.length < ENVELOPE_OVERHEAD || value[0] !== ENVELOPE_VERSION) {
    throw new DecryptionError('malformed');
  }
  const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  const header = Buffer.from(bytes.subarray(0, HEADER_BYTES));
  return {
    header,
    keyId: uuidText(header.subarray(1)),
    iv: Buffer.from(bytes.subarray(HEADER_BYTES, HEADER_BYTES + IV_BYTES)),
    tag: Buffer.from(bytes.subarray(HEADER_BYTES + IV_BYTES, ENVELOPE_OVERHEAD)),
    ciphertext: Buffer.from(bytes.subarray(ENVELOPE_OVERHEAD)),
  };
}
