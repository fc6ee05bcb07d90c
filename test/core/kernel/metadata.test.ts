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
});
