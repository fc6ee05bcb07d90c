import { z } from 'zod';
import { PgTextSchema, PositiveInt4Schema, requiredText, UuidSchema } from '../../../core/kernel/common-schemas.js';
import { MetadataSchema } from '../../../core/kernel/metadata.js';
import { hasExactly, isIntegerIn, isPositiveInt4, isText, isTrimmedText, plainObjectKeys } from '../../../core/kernel/fast-path-checks.js';
import { acceptsAsIs, TO_ZOD, withFastPath } from '../../../core/kernel/parse-input.js';

/** The fields of `addVersion`'s input (its fast path takes inputs with exactly these). */
const ADD_VERSION_KEYS: ReadonlySet<string> = new Set(['expectedVersion', 'storageKey', 'checksumSha256', 'sizeBytes']);
/** A sha256 as `Sha256Schema` returns it (lowercase hex). */
const LOWER_SHA256 = /^[0-9a-f]{64}$/;

/**
 * Whether `key` is longer than 1024 bytes of UTF-8. A UTF-16 code unit takes at most 3 bytes
 * (a surrogate pair, two units, takes 4), so a key of at most 341 units cannot be: the common
 * key is not encoded to be counted.
 */
const exceedsKeyBytes = (key: string) => key.length > 341 && Buffer.byteLength(key, 'utf8') > 1024;

/** An object-storage key, 1–1024 bytes of UTF-8 (the S3 limit). */
export const StorageKeySchema = z
  .string()
  .min(1)
  .refine((value) => Buffer.byteLength(value, 'utf8') <= 1024, 'must be at most 1024 bytes')
  .pipe(PgTextSchema);

/** A document's file name: 1–1024 characters, at most 2048 bytes of UTF-8, not blank. */
const OriginalNameSchema = requiredText(1024).refine(
  (value) => Buffer.byteLength(value, 'utf8') <= 2048,
  'must be at most 2048 bytes',
);

/** A lowercase hex sha256, 64 characters. Upper case is accepted and lowered. */
export const Sha256Schema = z
  .string()
  .transform((value) => value.toLowerCase())
  .pipe(z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 in hex'));

/** A MIME type `type/subtype` (lowered). */
export const MimeTypeSchema = z
  .string()
  .max(255)
  .transform((value) => value.toLowerCase())
  .pipe(z.string().regex(/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/, 'must be type/subtype'));

/** A size in bytes: a non-negative safe integer. */
export const SizeBytesSchema = z.int().min(0);

/** The stored object of a version. */
const ObjectFields = {
  storageKey: StorageKeySchema,
  checksumSha256: Sha256Schema,
  sizeBytes: SizeBytesSchema,
};

/** Input of `documents.create`: the document and its first version's object. */
export const CreateDocumentInputSchema = z
  .object({
    clientId: UuidSchema,
    originalName: OriginalNameSchema,
    mimeType: MimeTypeSchema,
    metadata: MetadataSchema.optional(),
    ...ObjectFields,
  })
  .strict();

/** Input of `documents.create`. */
export type CreateDocumentInput = z.input<typeof CreateDocumentInputSchema>;

/** Input of `documents.addVersion`: the version the caller read, and the new object. */
export const AddVersionInputSchema = withFastPath(
  z.object({ expectedVersion: PositiveInt4Schema, ...ObjectFields }).strict(),
  // Every new version: the common input (lowercase checksum) skips zod.
  (input) => {
    const keys = plainObjectKeys(input);
    if (!keys || !hasExactly(keys, ADD_VERSION_KEYS)) return TO_ZOD;
    const { expectedVersion, storageKey, checksumSha256, sizeBytes } = input as Record<string, unknown>;
    if (!isPositiveInt4(expectedVersion) || !isText(storageKey, 1, 1024) || exceedsKeyBytes(storageKey)) return TO_ZOD;
    if (typeof checksumSha256 !== 'string' || !LOWER_SHA256.test(checksumSha256)) return TO_ZOD;
    if (!isIntegerIn(sizeBytes, 0, Number.MAX_SAFE_INTEGER)) return TO_ZOD;
    return { expectedVersion, storageKey, checksumSha256, sizeBytes };
  },
);

/** Input of `documents.addVersion`. */
export type AddVersionInput = z.input<typeof AddVersionInputSchema>;

/** A fuzzy name query: 1–200 characters. */
export const NameQuerySchema = acceptsAsIs(z.string().trim().min(1).max(200).pipe(PgTextSchema), (input) => isTrimmedText(input, 1, 200));
