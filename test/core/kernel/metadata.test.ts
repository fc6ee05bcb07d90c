import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/core/errors/validation-error.js';
import { jsonbTextBytes, MAX_METADATA_BYTES, MetadataSchema } from '../../../src/core/kernel/metadata.js';
import { fastPathOf, parseInput, TO_ZOD } from '../../../src/core/kernel/parse-input.js';

describe('MetadataSchema', () => {
  it('refuses a __proto__ key at any depth instead of dropping it (found by the property tests)', () => {
    for (const text of ['{"__proto__": 1}', '{"": {"__proto__": []}}', '{"a": [{"__proto__": {"b": 1}}]}']) {
      const result = MetadataSchema.safeParse(JSON.parse(text));
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toMatch(/__proto__/);
    }
    expect(MetadataSchema.parse(JSON.parse('{"proto": {"constructor": 1}}'))).toEqual({ proto: { constructor: 1 } });
  });

  it('refuses a lone UTF-16 surrogate in a key or a string at any depth (jsonb would refuse its escape), on the fast path too', () => {
    for (const value of [{ a: '\ud800' }, { '\udc00': 1 }, { a: { b: ['x\ud83dy'] } }, { a: 'ok\udfff' }]) {
      const result = MetadataSchema.safeParse(value);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toMatch(/lone UTF-16 surrogate|Invalid key in record/);
    }
    // A pair is a character: stored as given.
    expect(MetadataSchema.parse({ emoji: '\ud83d\ude00', '\ud83d\ude00': true })).toEqual({ emoji: '😀', '😀': true });
  });

  it('the flat fast path keeps the size limit to the byte, with multi-byte characters, escapes and numbers', () => {
    const fast = fastPathOf(MetadataSchema)!;
    // {"k": "…"} is 9 bytes of jsonb text around the string; each filler is that many bytes as JSON.
    for (const [filler, bytes] of [['a', 1], ['é', 2], ['€', 3], ['\u0001', 6], ['"', 2]] as const) {
      const room = MAX_METADATA_BYTES - 9;
      const fits = { k: filler.repeat(Math.floor(room / bytes)) };
      const over = { k: filler.repeat(Math.floor(room / bytes)) + 'x'.repeat(room % bytes) + 'x' };
      expect(jsonbTextBytes(fits)).toBeLessThanOrEqual(MAX_METADATA_BYTES);
      expect(jsonbTextBytes(over)).toBe(MAX_METADATA_BYTES + 1);
      expect(parseInput(MetadataSchema, fits, 'metadata')).toEqual(fits);
      expect(fast(over)).toBe(TO_ZOD);
      expect(() => parseInput(MetadataSchema, over, 'metadata')).toThrow(ValidationError);
    }
    // Many entries of numbers at their longest text, and a document just under the limit with one.
    const numbers = Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`n${i}`, -0.0000012345678901234567]));
    expect(parseInput(MetadataSchema, numbers, 'metadata')).toEqual(numbers);
    const nearly = { k: 'a'.repeat(MAX_METADATA_BYTES - 41), n: -0.0000012345678901234567 };
    expect(jsonbTextBytes(nearly)).toBe(MAX_METADATA_BYTES);
    expect(fast(nearly)).toEqual(nearly);
  });
});
