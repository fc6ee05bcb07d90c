// Input schemas of submissions: zod only.
import { z } from 'zod';
import { PgTextSchema, PositiveInt4Schema, UuidSchema } from '../../../core/kernel/common-schemas.js';
import { SUBMISSION_STATES } from './submission-machine.js';

/** The version of the submission the caller read. */
const expectedVersion = PositiveInt4Schema;

/** Input of `submissions.create`: a draft of the form's published version. */
export const CreateSubmissionInputSchema = z
  .object({
    /** A published (not archived) form. */
    formId: UuidSchema,
    /** Values by field key, checked as a draft (types and limits). (Default: none) */
    values: z.unknown().optional(),
  })
  .strict();

/** Input of `submissions.create`. */
export type CreateSubmissionInput = { readonly formId: string; readonly values?: Readonly<Record<string, unknown>> };

/** Input of `submissions.edit`: the draft's values, replaced as a whole. */
export const EditSubmissionInputSchema = z.object({ values: z.unknown(), expectedVersion }).strict();

/** Input of `submissions.edit`. */
export type EditSubmissionInput = { readonly values: Readonly<Record<string, unknown>>; readonly expectedVersion: number };

/** Input of the transitions that need only the version read. */
export const TransitionInputSchema = z.object({ expectedVersion }).strict();

/** Input of `submit`, `startReview`, `approve`, `reopen`, `complete`, `archive`. */
export type TransitionInput = z.input<typeof TransitionInputSchema>;

/** Input of `submissions.reject`. */
export const RejectSubmissionInputSchema = z
  .object({
    expectedVersion,
    /** Why, 1–2,000 characters (shown to the submitter; kept in the audit trail). */
    reason: z.string().trim().min(1).max(2000).pipe(PgTextSchema),
  })
  .strict();

/** Input of `submissions.reject`. */
export type RejectSubmissionInput = z.input<typeof RejectSubmissionInputSchema>;

/** Input of `submissions.assign`: a user, a team, or nobody (`null` for both). */
export const AssignSubmissionInputSchema = z
  .object({
    expectedVersion,
    /** A user of the organization. */
    userId: UuidSchema.nullable().optional(),
    /** A live team of the organization. */
    teamId: UuidSchema.nullable().optional(),
  })
  .strict()
  .refine((v) => !(v.userId && v.teamId), { message: 'assign to a user or a team, not both', path: ['teamId'] });

/** Input of `submissions.assign`. */
export type AssignSubmissionInput = z.input<typeof AssignSubmissionInputSchema>;

/** A submission state. */
export const SubmissionStatusSchema = z.enum(SUBMISSION_STATES);

/** Options of `submissions.queue`. */
export const SubmissionQueueInputSchema = z
  .object({
    formId: UuidSchema,
    status: SubmissionStatusSchema,
  })
  .strict();

/** Input of `submissions.queue` (besides the page options). */
export type SubmissionQueueInput = z.input<typeof SubmissionQueueInputSchema>;

/** Input of `submissions.attach`: a file already stored; scanned later (`recordScan`). */
export const AttachFileInputSchema = z
  .object({
    /** Where it is stored, 1–1,024 characters, no whitespace or control characters; unique. */
    storageKey: z.string().min(1).max(1024).regex(/^[^\s\p{Cc}]+$/u, 'must have no whitespace or control characters'),
    /** Its name, 1–255 characters, no control characters, `/` or `\`. */
    fileName: z.string().min(1).max(255).regex(/^[^\p{Cc}/\\]+$/u, 'must have no control characters, / or \\'),
    /** Lowercase hex sha256 of the file. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'),
    /** Size in bytes, at most 5 GiB. */
    sizeBytes: z.int().min(0).max(5 * 1024 ** 3),
    /** MIME type `type/subtype`, lowercase. */
    mimeType: z.string().max(255).regex(/^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/, 'must be a lowercase MIME type such as application/pdf'),
  })
  .strict();

/** Input of `submissions.attach`. */
export type AttachFileInput = z.input<typeof AttachFileInputSchema>;

/** A scan result: `clean` or `infected`. */
export const ScanResultSchema = z.enum(['clean', 'infected']);

/** A scan result. */
export type ScanResult = z.input<typeof ScanResultSchema>;
