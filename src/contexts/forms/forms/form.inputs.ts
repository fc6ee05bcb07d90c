// Input schemas of forms: zod only.
import { z } from 'zod';
import { PositiveInt4Schema, requiredText, SlugSchema, UuidSchema } from '../../../core/kernel/common-schemas.js';
import type { FormDefinitionInput } from '../definitions/form-definition.js';

const description = z.string().max(1000).refine((v) => !v.includes('\u0000'), 'must not contain NUL');

/** A form's slug: lowercase letters and digits in groups joined by single hyphens, at most 63 characters (`forms_slug_format`). */
export const FormSlugSchema = SlugSchema;

/**
 * Input of `forms.create`. The definition is checked by the definition meta-schema
 * (`FormDefinitionSchema`) when the repository compiles it.
 */
export const CreateFormInputSchema = z
  .object({
    /** The organization. */
    organizationId: UuidSchema,
    /** Unique among the organization's live forms. */
    slug: FormSlugSchema,
    /** Display name, 1–200 characters. */
    name: requiredText(200),
    /** What the form is for, at most 1,000 characters. */
    description: description.optional(),
    /** The definition of its first draft version (format 1). */
    definition: z.unknown(),
  })
  .strict();

/** Input of `forms.create`. */
export type CreateFormInput = Omit<z.input<typeof CreateFormInputSchema>, 'definition'> & {
  /** The definition of its first draft version (format 1). */
  definition: FormDefinitionInput;
};

/** Input of `forms.update`: what to change (at least one). */
export const UpdateFormInputSchema = z
  .object({
    /** Display name, 1–200 characters. */
    name: requiredText(200).optional(),
    /** What the form is for; `null` removes it. */
    description: description.nullable().optional(),
  })
  .strict()
  .refine((v) => v.name !== undefined || v.description !== undefined, 'must change name or description');

/** Input of `forms.update`. */
export type UpdateFormInput = z.input<typeof UpdateFormInputSchema>;

/** The published version the caller expects: a version number, or `null` for "none yet". */
export const ExpectedPublishedVersionSchema = PositiveInt4Schema.nullable();

/** Input of `forms.publish`. */
export const PublishFormInputSchema = z
  .object({
    /** The draft version to publish. */
    version: PositiveInt4Schema,
    /** The version published now as the caller saw it (`null`: none); a stale one is refused. */
    expectedPublishedVersion: ExpectedPublishedVersionSchema,
    /** The draft's revision the caller reviewed: publish only that content. (Default: whatever the draft holds) */
    expectedRevision: PositiveInt4Schema.optional(),
  })
  .strict();

/** Options of `forms.updateDraft`. */
export const UpdateDraftOptionsSchema = z
  .object({
    /** The draft's revision the caller edited; a stale one is refused. (Default: any) */
    expectedRevision: PositiveInt4Schema.optional(),
  })
  .strict();

/** Options of `forms.updateDraft`. */
export type UpdateDraftOptions = z.input<typeof UpdateDraftOptionsSchema>;

/** Input of `forms.publish`. */
export type PublishFormInput = z.input<typeof PublishFormInputSchema>;

/** Input of `forms.rollback`. */
export const RollbackFormInputSchema = z
  .object({
    /** An older published version to accept submissions to again. */
    toVersion: PositiveInt4Schema,
    /** The version published now as the caller saw it; a stale one is refused. */
    expectedPublishedVersion: PositiveInt4Schema,
  })
  .strict();

/** Input of `forms.rollback`. */
export type RollbackFormInput = z.input<typeof RollbackFormInputSchema>;
