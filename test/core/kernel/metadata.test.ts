import { describe, expect, it } from 'vitest';
import { MetadataSchema } from '../../../src/core/kernel/metadata.js';

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
});
