// The fast paths of parseInput (withFastPath): each must return only what its zod schema returns
// for the same input (and nothing for input zod refuses), so skipping zod never changes an
// outcome; it must return a new object, never the caller's; and it must take the valid inputs
// it was declared for, or it would be dead weight.
import fc from 'fast-check';
import type { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { PermissionNameSchema } from '../../../src/contexts/identity/rbac/rbac.inputs.js';
import { VerifyStaffProfileInputSchema } from '../../../src/contexts/identity/staff-profiles/staff-profile.inputs.js';
import { AuthSubjectSchema, RegisterUserInputSchema } from '../../../src/contexts/identity/users/user.inputs.js';
import { ValidationError } from '../../../src/core/errors/validation-error.js';
import { fastPathOf, parseInput, TO_ZOD } from '../../../src/core/kernel/parse-input.js';
import { MetadataSchema } from '../../../src/core/kernel/metadata.js';
import { cursorSchema, LimitSchema, TIMESTAMP_PART, UUID_PART } from '../../../src/core/kernel/page.js';
import { DateSchema } from '../../../src/core/audit/audit-repository.js';
import { SimilaritySchema } from '../../../src/contexts/documents/documents/document-repository.js';
import { AddVersionInputSchema, NameQuerySchema } from '../../../src/contexts/documents/documents/document.inputs.js';

const RUNS = { numRuns: 3000 };
const UUID = '6f1c2a52-6a4b-4c1e-9d2a-1b2c3d4e5f60';

/** Strings near the schemas' rules: their alphabets, separators, whitespace, NUL, lengths around the bounds. */
const nearbyString = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', 'z', '0', '_', '-', ':', '@', '.', 'A', ' ', '\t', '\u0000', 'é', '\u00a0'), maxLength: 140 }),
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'grapheme', minLength: 195, maxLength: 260 }),
  fc.constantFrom('', ':', 'a:', ':a', 'user:read', `${'a'.repeat(64)}:${'b'.repeat(63)}`, `${'a'.repeat(64)}:${'b'.repeat(64)}`),
  fc.constantFrom('a@b.co', ' a@b.co', 'a@b.co ', 'a@b', 'a@@b.co', `${'x'.repeat(245)}@b.example`, UUID, UUID.toUpperCase(), `${UUID} `),
);
const nearbyNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, 1, 0.05, 0.049, 500, 501, 2_147_483_647, 2_147_483_648, Number.MAX_SAFE_INTEGER, 2 ** 53, -1, -0, 1.5, Number.NaN, Infinity),
);
const SHA = 'ab'.repeat(32);
const cursorOf = (parts: unknown) => Buffer.from(JSON.stringify(parts) ?? '', 'utf8').toString('base64url');
/** Cursors, valid or nearly so: arrays of timestamps, ids and near strings, encoded as the lists encode them (or not quite). */
const cursorLike = fc
  .tuple(
    fc.array(fc.oneof(fc.constantFrom('2026-12-01 10:00:00.123456+00', '2026-12-01 10:00:00+00', '2026-12-01 10:00:00+01', UUID, UUID.toUpperCase(), `${UUID} `, 7, null), nearbyString), { maxLength: 3 }),
    fc.constantFrom('as is', 'padded', 'cut', 'standard base64'),
  )
  .map(([parts, how]) => {
    const cursor = cursorOf(parts);
    if (how === 'padded') return `${cursor}==`;
    if (how === 'cut') return cursor.slice(0, -2);
    return how === 'standard base64' ? Buffer.from(JSON.stringify(parts), 'utf8').toString('base64') : cursor;
  });
const value = fc.oneof(
  nearbyString,
  nearbyNumber,
  fc.constantFrom(undefined, null, true, false, {}, [], { a: 1 }, [1], SHA, SHA.toUpperCase(), new Date(0), new Date(Number.NaN), Symbol('s')),
  fc.anything(),
  cursorLike,
);

/** Objects with some of the schemas' fields (and sometimes others), plain or not. */
const FIELDS = [
  'organizationId', 'authSubject', 'email', 'fullName', 'birthdate', 'locale', 'timeZone', 'expectedVersion',
  'storageKey', 'checksumSha256', 'sizeBytes', 'other', '__proto__', 'constructor', 'toString', 'a\u0000b', '1',
];
const record = fc
  .tuple(fc.subarray(FIELDS), fc.array(value, { minLength: FIELDS.length, maxLength: FIELDS.length }), fc.constantFrom('plain', 'null', 'class', 'json'))
  .map(([keys, values, kind]) => {
    const entries = keys.map((key, k) => [key, values[k]] as const);
    if (kind === 'json') return JSON.parse(JSON.stringify(Object.fromEntries(entries)) ?? '{}') as unknown;
    const target: Record<string, unknown> = kind === 'null' ? Object.create(null) : kind === 'class' ? new (class Input {})() : {};
    for (const [key, v] of entries) Object.defineProperty(target, key, { value: v, enumerable: true, writable: true, configurable: true });
    return target;
  });
/** A valid value, or that value nudged across one of the rules (whitespace, NUL, length, case). */
const nudged = (valid: fc.Arbitrary<string>) =>
  fc.tuple(valid, fc.constantFrom('', ' ', '\t', '\u0000', '\u00a0', 'x'.repeat(200), 'É'), fc.constantFrom('start', 'end', 'none')).map(
    ([text, extra, where]) => (where === 'start' ? extra + text : where === 'end' ? text + extra : text),
  );
/** Registrations and verifications that are valid or nearly so. */
const nearlyValid = fc.oneof(
  fc.record({
    organizationId: fc.constantFrom(UUID, UUID.toUpperCase(), `${UUID} `, 'x'),
    authSubject: fc.oneof(nudged(fc.constantFrom('auth0|1', 'x', 'x'.repeat(255))), nearbyString),
    email: fc.oneof(nudged(fc.constantFrom('a@b.co', 'ánh@ví.dụ', `${'x'.repeat(240)}@b.example`)), nearbyString),
    fullName: fc.oneof(nudged(fc.constantFrom('Ánh', 'A', 'x'.repeat(200), 'a b')), nearbyString),
  }),
  fc.record({ expectedVersion: nearbyNumber }),
  fc.record({
    expectedVersion: fc.oneof(fc.constantFrom(1, 7), nearbyNumber),
    storageKey: fc.oneof(nudged(fc.constantFrom('k/1', 'é'.repeat(512), 'é'.repeat(513), 'x'.repeat(1024))), nearbyString),
    checksumSha256: fc.constantFrom(SHA, SHA.toUpperCase(), SHA.slice(1), `${SHA} `),
    sizeBytes: fc.oneof(fc.constantFrom(0, 12, Number.MAX_SAFE_INTEGER), nearbyNumber),
  }),
  // Flat and not-so-flat metadata.
  fc.dictionary(fc.oneof(nearbyString, fc.constantFrom('__proto__', 'constructor', 'a\u0000')), value, { maxKeys: 6 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(Infinity)), { maxKeys: 70 }),
);
const anything = fc.oneof(value, record, nearlyValid);

const declared: [string, z.ZodType, readonly unknown[]][] = [
  ['PermissionNameSchema', PermissionNameSchema, ['user:read', 'staff_profile:verify', 'a-b:c_d']],
  ['AuthSubjectSchema', AuthSubjectSchema, ['auth0|abc', 'x', 'cognito:6f1c…', 'x'.repeat(255)]],
  [
    'RegisterUserInputSchema',
    RegisterUserInputSchema,
    [{ organizationId: UUID, authSubject: 'auth0|1', email: 'ánh.nguyen@example.vn', fullName: 'Nguyễn Thị Ánh' }],
  ],
  ['VerifyStaffProfileInputSchema', VerifyStaffProfileInputSchema, [{ expectedVersion: 1 }, { expectedVersion: 2_147_483_647 }]],
  ['LimitSchema', LimitSchema, [1, 50, 500]],
  [
    'cursorSchema([TIMESTAMP_PART, UUID_PART])',
    cursorSchema([TIMESTAMP_PART, UUID_PART]),
    [cursorOf(['2026-12-01 10:00:00.123456+00', UUID]), cursorOf(['2026-12-01 10:00:00+00', UUID.toUpperCase()])],
  ],
  ['MetadataSchema', MetadataSchema, [{ vip: true }, { tier: 'gold', region: 'eu', score: 1.5, note: null, constructor: 'x' }, {}]],
  ['DateSchema', DateSchema, [new Date(0), new Date('2026-12-01T00:00:00Z')]],
  ['SimilaritySchema', SimilaritySchema, [0.05, 0.25, 1]],
  ['NameQuerySchema', NameQuerySchema, ['invoice', 'Hóa đơn 2026']],
  [
    'AddVersionInputSchema',
    AddVersionInputSchema,
    [{ expectedVersion: 1, storageKey: 'org/doc/v2', checksumSha256: SHA, sizeBytes: 12 }],
  ],
];

describe.each(declared)('%s fast path', (_, schema, valid) => {
  const fast = fastPathOf(schema)!;

  it('is declared', () => {
    expect(typeof fast).toBe('function');
  });

  it('returns only what zod returns, as a value of its own', () => {
    fc.assert(
      fc.property(anything, (input) => {
        const result = fast(input);
        if (result === TO_ZOD) return;
        const parsed = schema.safeParse(input);
        expect(parsed.success).toBe(true);
        expect(result).toStrictEqual(parsed.data);
        // A new object wherever zod returns one (zod returns a Date as it is).
        if (typeof input === 'object' && input !== null && parsed.data !== input) expect(result).not.toBe(input);
      }),
      RUNS,
    );
  });

  it('takes the valid inputs it is for, and parseInput still reports what it refuses', () => {
    for (const input of valid) {
      expect(fast(input)).not.toBe(TO_ZOD);
      expect(parseInput(schema, input, 'argument')).toStrictEqual(schema.parse(input));
    }
    expect(() => parseInput(schema, 'x'.repeat(300), 'argument')).toThrow(ValidationError);
    expect(() => parseInput(schema, [], 'argument')).toThrow(ValidationError);
  });
});
