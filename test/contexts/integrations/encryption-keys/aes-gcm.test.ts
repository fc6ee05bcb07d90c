// AES-256-GCM as the package calls it: the published test vectors (GCM specification, McGrew &
// Viega, test cases 13–16: the AES-256 ones, also in NIST's gcmEncryptExtIV256 files) in both
// directions, and the truncated-tag trap of Node's decipher.
import { createDecipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { open, seal, TAG_BYTES } from '../../../../src/core/encryption/aes-gcm.js';
import { DecryptionError } from '../../../../src/core/errors/encryption-errors.js';

const hex = (text: string) => Buffer.from(text, 'hex');
const K = 'feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308';
const IV = 'cafebabefacedbaddecaf888';
const P64 =
  'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255';
const C64 =
  '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad';

const VECTORS = [
  { name: 'test case 13 (empty plaintext)', key: '00'.repeat(32), iv: '00'.repeat(12), plaintext: '', aad: '', ciphertext: '', tag: '530f8afbc74536b9a963b4f1c4cb738b' },
  {
    name: 'test case 14 (one zero block)',
    key: '00'.repeat(32),
    iv: '00'.repeat(12),
    plaintext: '00'.repeat(16),
    aad: '',
    ciphertext: 'cea7403d4d606b6e074ec5d3baf39d18',
    tag: 'd0d1c8a799996bf0265b98b5d48ab919',
  },
  { name: 'test case 15 (64 bytes)', key: K, iv: IV, plaintext: P64, aad: '', ciphertext: C64, tag: 'b094dac5d93471bdec1a502270e3cc6c' },
  {
    name: 'test case 16 (60 bytes, associated data)',
    key: K,
    iv: IV,
    plaintext: P64.slice(0, 120),
    aad: 'feedfacedeadbeeffeedfacedeadbeefabaddad2',
    ciphertext: C64.slice(0, 120),
    tag: '76fc6ece0f4e1768cddf8853bb2d551b',
  },
];

describe('AES-256-GCM', () => {
  it.each(VECTORS)('$name: seals to the published ciphertext and tag, and opens it', (v) => {
    const sealed = seal(hex(v.key), hex(v.plaintext), hex(v.aad), hex(v.iv));
    expect(sealed.ciphertext.toString('hex')).toBe(v.ciphertext);
    expect(sealed.tag.toString('hex')).toBe(v.tag);
    expect(open(hex(v.key), { iv: hex(v.iv), tag: hex(v.tag), ciphertext: hex(v.ciphertext) }, hex(v.aad)).toString('hex')).toBe(v.plaintext);
  });

  it.each(VECTORS)('$name: a changed tag, ciphertext or associated data does not open', (v) => {
    const base = { iv: hex(v.iv), tag: hex(v.tag), ciphertext: hex(v.ciphertext) };
    const flip = (bytes: Buffer, i: number) => Buffer.from(bytes.map((b, j) => (j === i ? b ^ 1 : b)));
    expect(() => open(hex(v.key), { ...base, tag: flip(base.tag, 0) }, hex(v.aad))).toThrow(DecryptionError);
    if (base.ciphertext.length > 0) expect(() => open(hex(v.key), { ...base, ciphertext: flip(base.ciphertext, 0) }, hex(v.aad))).toThrow(DecryptionError);
    expect(() => open(hex(v.key), base, Buffer.concat([hex(v.aad), Buffer.of(0)]))).toThrow(DecryptionError);
  });

  it('a truncated tag is refused, though Node alone would accept it', () => {
    const v = VECTORS[3]!;
    const short = hex(v.tag).subarray(0, 4);
    // The trap: without authTagLength, Node checks only the 4 bytes it was given.
    const lax = createDecipheriv('aes-256-gcm', hex(v.key), hex(v.iv));
    lax.setAAD(hex(v.aad));
    lax.setAuthTag(short);
    expect(Buffer.concat([lax.update(hex(v.ciphertext)), lax.final()]).toString('hex')).toBe(v.plaintext);
    // The package: every length but 16 is refused.
    for (const length of [0, 4, 8, 12, 13, 15]) {
      const error = (() => {
        try {
          open(hex(v.key), { iv: hex(v.iv), tag: hex(v.tag).subarray(0, length), ciphertext: hex(v.ciphertext) }, hex(v.aad));
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(DecryptionError);
      expect((error as DecryptionError).reason).toBe('authentication');
    }
  });

  it('seals with a fresh random IV and a 16-byte tag', () => {
    const key = hex(K);
    const a = seal(key, Buffer.from('same'), Buffer.alloc(0));
    const b = seal(key, Buffer.from('same'), Buffer.alloc(0));
    expect(a.iv.equals(b.iv)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
    expect(a.tag).toHaveLength(TAG_BYTES);
    // What was sealed opens with a decipher that insists on 16-byte tags.
    const strict = createDecipheriv('aes-256-gcm', key, a.iv, { authTagLength: 16 });
    strict.setAuthTag(a.tag);
    expect(Buffer.concat([strict.update(a.ciphertext), strict.final()]).toString()).toBe('same');
  });
});
