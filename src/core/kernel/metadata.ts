import { z } from 'zod';
import { plainObjectKeys } from './fast-path-checks.js';
import { TO_ZOD, withFastPath } from './parse-input.js';

/** Largest metadata document accepted, in bytes of its JSON text (the `*_metadata_size` CHECKs). */
export const MAX_METADATA_BYTES = 16_384;

/**
 * Whether `text` is well-formed UTF-16 (no lone surrogate): JSON carries a lone surrogate as a
 * `\ud800` escape, which jsonb refuses (22P02), so such text is refused before any SQL.
 */
const wellFormed = (text: string): boolean => (text as unknown as { isWellFormed(): boolean }).isWellFormed();

/** What jsonb stores of a string, key or value: no NUL, no lone surrogate. */
const storable = (text: string): boolean => !text.includes('\u0000') && wellFormed(text);

const NOT_STORABLE = 'must not contain NUL or a lone UTF-16 surrogate';

/** An object key: no NUL, no lone surrogate (jsonb refuses both). */
const KeySchema = z.string().refine(storable, NOT_STORABLE);

/**
 * The deepest nesting of arrays and objects a metadata document (or filter) may have: checked
 * iteratively before any recursive step (zod's, `JSON.stringify`'s, the size count), so a
 * document nested a thousand or a million levels deep is a `ValidationError`, not a RangeError.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * At most this many values are looked at (each takes at least one byte of JSON text, so no
 * document within {@link MAX_METADATA_BYTES} has more): bounds the walk over shared or cyclic
 * references too.
 */
const MAX_JSON_VALUES = MAX_METADATA_BYTES;

/**
 * What is wrong with the shape of `value` as a JSON document, or `undefined`: nesting deeper
 * than {@link MAX_JSON_DEPTH}, more values than fit the size limit, or an own `__proto__` key
 * (JSON.parse makes one; zod's records skip such keys, so the document would be stored
 * without it, and a filter would match more than asked: refused instead). Iterative.
 */
function jsonShapeProblem(value: unknown): string | undefined {
  const stack: [unknown, number][] = [[value, 0]];
  let seen = 0;
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    seen += 1;
    if (seen > MAX_JSON_VALUES) return `must be at most ${MAX_METADATA_BYTES} bytes as JSON`;
    if (depth >= MAX_JSON_DEPTH) return `must not nest arrays and objects more than ${MAX_JSON_DEPTH} levels deep`;
    if (!Array.isArray(current) && Object.prototype.hasOwnProperty.call(current, '__proto__')) {
      return 'must not have a __proto__ key';
    }
    for (const item of Array.isArray(current) ? current : Object.values(current)) stack.push([item, depth + 1]);
  }
  return undefined;
}

const JsonValueSchema: z.ZodType<unknown> = z.lazy(() =>
  z.union([
    z.string().refine(storable, NOT_STORABLE),
    z.number().refine(Number.isFinite, 'must be finite'),
    z.boolean(),
    z.null(),
    z.array(JsonValueSchema),
    z.record(KeySchema, JsonValueSchema),
  ]),
);

/** Object keys and array elements after the first: jsonb prints a space after each `:` and `,`. */
function separators(value: unknown): number {
  if (Array.isArray(value)) return Math.max(value.length - 1, 0) + value.reduce((n: number, v) => n + separators(v), 0);
  if (value !== null && typeof value === 'object') {
    const entries = Object.values(value);
    return entries.length + Math.max(entries.length - 1, 0) + entries.reduce((n: number, v) => n + separators(v), 0);
  }
  return 0;
}

/**
 * The size of `value` as PostgreSQL prints it back from jsonb (what the `*_metadata_size`
 * CHECKs measure): the compact JSON plus one space after every `:` and `,`.
 */
export function jsonbTextBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8') + separators(value);
}

/**
 * Bytes of jsonb text a UTF-16 unit of a stored string or key can take at most: `\u001f`-style
 * escapes are 6 (a 3-byte UTF-8 character is one unit, a 4-byte one two; lone surrogates are
 * refused before).
 */
const FLAT_BOUND_PER_UNIT = 6;
/** The longest text of a finite number (`-0.0000012345678901234567`: 25 characters). */
const FLAT_BOUND_NUMBER = 25;
/** An entry's quotes around its key, `: ` and `, `. */
const FLAT_BOUND_PER_ENTRY = 6;

/** Keys a flat document may have for {@link flatMetadata} to take it. */
const FLAT_MAX_KEYS = 64;

/**
 * The fast path of {@link MetadataSchema} (see `withFastPath`): a flat document — a plain
 * object whose values are strings, finite numbers, booleans or `null` — copied as zod would
 * return it; anything nested, odd or large goes to zod. Every metadata search and most writes
 * pass one (measured: zod's recursive schema was half of a metadata search's JavaScript).
 */
function flatMetadata(input: unknown): Record<string, string | number | boolean | null> | typeof TO_ZOD {
  const keys = plainObjectKeys(input);
  if (!keys || keys.length > FLAT_MAX_KEYS) return TO_ZOD;
  const copy: Record<string, string | number | boolean | null> = {};
  // An upper bound of the document's jsonb text size (see FLAT_BOUND_*): when it fits, the
  // exact size (a JSON.stringify) is not needed.
  let bound = 2;
  for (const key of keys) {
    if (key === '__proto__' || !storable(key)) return TO_ZOD;
    const value = (input as Record<string, unknown>)[key];
    if (typeof value === 'string') {
      if (!storable(value)) return TO_ZOD;
      bound += FLAT_BOUND_PER_UNIT * value.length + 2;
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) return TO_ZOD;
      bound += FLAT_BOUND_NUMBER;
    } else if (typeof value !== 'boolean' && value !== null) {
      return TO_ZOD;
    } else {
      bound += 5;
    }
    bound += FLAT_BOUND_PER_UNIT * key.length + FLAT_BOUND_PER_ENTRY;
    copy[key] = value;
  }
  return bound <= MAX_METADATA_BYTES || jsonbTextBytes(copy) <= MAX_METADATA_BYTES ? copy : TO_ZOD;
}

const MetadataObjectSchema = z
  .record(KeySchema, JsonValueSchema)
  .refine((value) => jsonbTextBytes(value) <= MAX_METADATA_BYTES, {
    message: `must be at most ${MAX_METADATA_BYTES} bytes as JSON`,
  });

/**
 * A metadata document: a JSON object of at most {@link MAX_METADATA_BYTES} bytes in jsonb's
 * text form, nested at most {@link MAX_JSON_DEPTH} levels. Strings and keys cannot hold NUL or a
 * lone UTF-16 surrogate (PostgreSQL jsonb refuses `\u0000` and unpaired `\ud800`-style escapes). Keys are stored as given, `constructor`, `prototype`, `toString`
 * included; a `__proto__` key is refused (`ValidationError`), never dropped.
 */
export const MetadataSchema = withFastPath(
  z.preprocess((value, ctx) => {
    const problem = jsonShapeProblem(value);
    if (problem !== undefined) {
      ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    }
    return value;
  }, MetadataObjectSchema) as unknown as typeof MetadataObjectSchema,
  flatMetadata,
);

/** A metadata document. */
export type { Metadata } from '../../schema/json-columns.js';
