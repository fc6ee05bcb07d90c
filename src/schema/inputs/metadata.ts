import { z } from 'zod';

/** Largest metadata document accepted, in bytes of its JSON text (the `*_metadata_size` CHECKs). */
export const MAX_METADATA_BYTES = 16_384;

const JsonValueSchema: z.ZodType<unknown> = z.lazy(() =>
  z.union([
    z.string().refine((value) => !value.includes('\u0000'), 'must not contain NUL'),
    z.number().refine(Number.isFinite, 'must be finite'),
    z.boolean(),
    z.null(),
    z.array(JsonValueSchema),
    z.record(z.string().refine((key) => !key.includes('\u0000'), 'must not contain NUL'), JsonValueSchema),
  ]),
);

/**
 * A metadata document: a JSON object whose JSON text is at most {@link MAX_METADATA_BYTES}
 * bytes. Strings cannot hold NUL (PostgreSQL jsonb refuses `\u0000`).
 */
export const MetadataSchema = z
  .record(z.string().refine((key) => !key.includes('\u0000'), 'must not contain NUL'), JsonValueSchema)
  .refine((value) => Buffer.byteLength(JSON.stringify(value), 'utf8') <= MAX_METADATA_BYTES, {
    message: `must be at most ${MAX_METADATA_BYTES} bytes as JSON`,
  });

/** A metadata document. */
export type Metadata = Record<string, unknown>;
