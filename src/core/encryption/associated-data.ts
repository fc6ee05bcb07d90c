// Associated data: what a sealed value is bound to. Each part is length-prefixed, so no two
// different lists of parts encode to the same bytes ("a|bc" and "ab|c" differ).

/** Encodes `parts` as one byte string: for each part, its UTF-8 length (4 bytes, big-endian) and bytes. */
export function associatedData(...parts: readonly (string | Uint8Array)[]): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const bytes = typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(part);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    chunks.push(length, bytes);
  }
  return Buffer.concat(chunks);
}
