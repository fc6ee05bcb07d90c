// Building blocks of parseInput's fast paths (withFastPath): each is true only for values the
// corresponding zod schema returns unchanged. test/core/kernel/fast-paths.property.test.ts
// checks every fast path built from them against its schema.
import { CANONICAL_UUID, EMAIL_SHAPE } from './common-schemas.js';

/** The largest PostgreSQL `integer`. */
const INT4_MAX = 2_147_483_647;

/**
 * The own enumerable keys of `input` when it is a plain object (its prototype `Object.prototype`
 * or `null`) without symbol-keyed properties, else `undefined`: anything else (arrays, class
 * instances, proxies of them) goes to zod.
 */
export function plainObjectKeys(input: unknown): string[] | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const prototype = Object.getPrototypeOf(input) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return undefined;
  if (Object.getOwnPropertySymbols(input).length > 0) return undefined;
  return Object.keys(input);
}

/** Whether `keys` are exactly the `expected` keys (no more, none missing). */
export function hasExactly(keys: readonly string[], expected: ReadonlySet<string>): boolean {
  if (keys.length !== expected.size) return false;
  for (const key of keys) if (!expected.has(key)) return false;
  return true;
}

/** A canonical UUID (what `UuidSchema` accepts). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && CANONICAL_UUID.test(value);
}

/** Text of `min`…`max` characters without NUL, untouched by a `.trim()` (what `requiredText(max)` returns as it is). */
export function isTrimmedText(value: unknown, min: number, max: number): value is string {
  return typeof value === 'string' && value.length >= min && value.length <= max && value.trim() === value && !value.includes('\u0000');
}

/** Text of `min`…`max` characters without NUL, not trimmed (`z.string().min().max().pipe(PgTextSchema)`). */
export function isText(value: unknown, min: number, max: number): value is string {
  return typeof value === 'string' && value.length >= min && value.length <= max && !value.includes('\u0000');
}

/** An email address as `EmailSchema` returns it unchanged (already trimmed). */
export function isEmail(value: unknown): value is string {
  return isTrimmedText(value, 1, 254) && EMAIL_SHAPE.test(value);
}

/** An integer `min` … `max` (a `z.int().min(min).max(max)` with bounds within the safe range). */
export function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** An integer 1 … 2,147,483,647 (`PositiveInt4Schema`). */
export function isPositiveInt4(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= INT4_MAX;
}
