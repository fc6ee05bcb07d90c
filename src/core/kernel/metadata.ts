import { z } from 'zod';

/** Largest metadata document accepted, in bytes of its JSON text (the `*_metadata_size` CHECKs). */
export const MAX_METADATA_BYTES = 16_384;

/** An object key: no NUL (jsonb refuses it). */
const KeySchema = z.string().refine((key) => !key.includes('\u0000'), 'must not contain NUL');

/**
 * Whether `value` holds an own `__proto__` key at any depth (JSON.parse makes one). zod's records
 * skip such keys, so the document would be stored without it: data lost silently. Refused instead.
 */
function hasProtoKey(value: unknown, depth = 0): boolean {
  if (depth > 64 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((item) => hasProtoKey(item, depth + 1));
  if (Object.prototype.hasOwnProperty.call(value, '__proto__')) return true;
  return Object.values(value).some((item) => hasProtoKey(item, depth + 1));
}

const JsonValueSchema: z.ZodType<unknown> = z.lazy(() =>
  z.union([
    z.string().refine((value) => !value.includes('\u0000'), 'must not contain NUL'),
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

const MetadataObjectSchema = z
  .record(KeySchema, JsonValueSchema)
  .refine((value) => jsonbTextBytes(value) <= MAX_METADATA_BYTES, {
    message: `must be at most ${MAX_METADATA_BYTES} bytes as JSON`,
  });

/**
 * A metadata document: a JSON object of at most {@link MAX_METADATA_BYTES} bytes in jsonb's
 * text form. Strings cannot hold NUL (PostgreSQL jsonb refuses `\u0000`); no key is `__proto__`.
 */
export const MetadataSchema = z.preprocess((value, ctx) => {
  if (hasProtoKey(value)) {
    ctx.addIssue({ code: 'custom', message: 'must not have a __proto__ key' });
    return z.NEVER;
  }
  return value;
}, MetadataObjectSchema) as unknown as typeof MetadataObjectSchema;

/** A metadata document. */
export type { Metadata } from '../../schema/json-columns.js';
