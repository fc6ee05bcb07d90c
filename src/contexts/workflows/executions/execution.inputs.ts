// Input schemas of executions: zod only.
import { z } from 'zod';
import { PositiveInt4Schema, UuidSchema } from '../../../core/kernel/common-schemas.js';
import { MetadataSchema } from '../../../core/kernel/metadata.js';

/** Input of `executions.start`: a manual start of a published workflow with an active manual trigger. */
export const StartExecutionInputSchema = z
  .object({
    /** The workflow (its published version runs). */
    workflowId: UuidSchema,
    /** The submission it is about, if any (its actions and branches use it). */
    submissionId: UuidSchema.optional(),
    /** What it starts with (a JSON object, at most 16 KiB); branches without a submission read it. */
    input: MetadataSchema.optional(),
    /** An idempotency key: a second start with the same key returns the first execution. (Default: a new one) */
    key: z.string().min(1).max(200).optional(),
  })
  .strict();

/** Input of `executions.start`. */
export type StartExecutionInput = z.input<typeof StartExecutionInputSchema>;

/** Options of `executions.cancel`. */
export const CancelExecutionOptionsSchema = z
  .object({
    /** The version the caller read; a stale one is refused. (Default: whatever it is at) */
    expectedVersion: PositiveInt4Schema.optional(),
  })
  .strict();

/** Options of `executions.cancel`. */
export type CancelExecutionOptions = z.input<typeof CancelExecutionOptionsSchema>;
