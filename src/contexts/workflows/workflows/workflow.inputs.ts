// Input schemas of workflows: zod only.
import { z } from 'zod';
import { PositiveInt4Schema, requiredText, SlugSchema, UuidSchema } from '../../../core/kernel/common-schemas.js';
import type { WorkflowDefinitionInput } from '../definitions/workflow-definition.js';

const description = z.string().max(1000).refine((v) => !v.includes('\u0000'), 'must not contain NUL');

/** A workflow's slug: lowercase letters and digits in groups joined by single hyphens, at most 63 characters (`workflows_slug_format`). */
export const WorkflowSlugSchema = SlugSchema;

/**
 * Input of `workflows.create`. The definition is checked by the definition meta-schema
 * (`WorkflowDefinitionSchema`) when the repository compiles it.
 */
export const CreateWorkflowInputSchema = z
  .object({
    /** The organization. */
    organizationId: UuidSchema,
    /** Unique among the organization's live workflows. */
    slug: WorkflowSlugSchema,
    /** Display name, 1–200 characters. */
    name: requiredText(200),
    /** What the workflow is for, at most 1,000 characters. */
    description: description.optional(),
    /** The definition of its first draft version (format 1). */
    definition: z.unknown(),
  })
  .strict();

/** Input of `workflows.create`. */
export type CreateWorkflowInput = Omit<z.input<typeof CreateWorkflowInputSchema>, 'definition'> & {
  /** The definition of its first draft version (format 1). */
  definition: WorkflowDefinitionInput;
};

/** Input of `workflows.update`: what to change (at least one). */
export const UpdateWorkflowInputSchema = z
  .object({
    /** Display name, 1–200 characters. */
    name: requiredText(200).optional(),
    /** What the workflow is for; `null` removes it. */
    description: description.nullable().optional(),
  })
  .strict()
  .refine((v) => v.name !== undefined || v.description !== undefined, 'must change name or description');

/** Input of `workflows.update`. */
export type UpdateWorkflowInput = z.input<typeof UpdateWorkflowInputSchema>;

/** The published version the caller expects: a version number, or `null` for "none yet". */
const ExpectedPublishedVersionSchema = PositiveInt4Schema.nullable();

/** Input of `workflows.publish`. */
export const PublishWorkflowInputSchema = z
  .object({
    /** The draft version to publish. */
    version: PositiveInt4Schema,
    /** The version published now as the caller saw it (`null`: none); a stale one is refused. */
    expectedPublishedVersion: ExpectedPublishedVersionSchema,
    /** The draft's revision the caller reviewed: publish only that content. (Default: whatever the draft holds) */
    expectedRevision: PositiveInt4Schema.optional(),
  })
  .strict();

/** Options of `workflows.updateDraft`. */
export const UpdateWorkflowDraftOptionsSchema = z
  .object({
    /** The draft's revision the caller edited; a stale one is refused. (Default: any) */
    expectedRevision: PositiveInt4Schema.optional(),
  })
  .strict();

/** Options of `workflows.updateDraft`. */
export type UpdateWorkflowDraftOptions = z.input<typeof UpdateWorkflowDraftOptionsSchema>;

/** Input of `workflows.publish`. */
export type PublishWorkflowInput = z.input<typeof PublishWorkflowInputSchema>;

/** Input of `workflows.rollback`. */
export const RollbackWorkflowInputSchema = z
  .object({
    /** An older published version to start executions to again. */
    toVersion: PositiveInt4Schema,
    /** The version published now as the caller saw it; a stale one is refused. */
    expectedPublishedVersion: PositiveInt4Schema,
  })
  .strict();

/** Input of `workflows.rollback`. */
export type RollbackWorkflowInput = z.input<typeof RollbackWorkflowInputSchema>;
