import { z } from 'zod';
import { LocaleSchema, requiredText, SlugSchema, TimeZoneSchema } from '../../../core/kernel/common-schemas.js';

/** `^[a-z0-9]+(-[a-z0-9]+)*$`, at most 63 characters (the `organizations_slug_format` CHECK). */
export const OrganizationSlugSchema = SlugSchema;

/**
 * The `organizations.settings` document. Unknown keys are rejected so typos do not persist
 * silently; every key is optional.
 */
export const OrganizationSettingsSchema = z
  .object({
    /** Default locale for new users' profiles. */
    defaultLocale: LocaleSchema.optional(),
    /** Default time zone for new users' profiles. */
    defaultTimeZone: TimeZoneSchema.optional(),
    branding: z
      .object({
        primaryColor: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be #rrggbb').optional(),
        logoUrl: z.url({ protocol: /^https$/ }).max(2048).optional(),
      })
      .strict()
      .optional(),
    security: z
      .object({
        mfaRequired: z.boolean().optional(),
        sessionTimeoutMinutes: z.int().min(5).max(1440).optional(),
      })
      .strict()
      .optional(),
    /** Staff-profile verification policy. */
    verification: z
      .object({
        /** A verification lapses this many days after it was given; absent: never. */
        validityDays: z.int().min(1).max(3650).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** Settings of an organization, as validated by {@link OrganizationSettingsSchema}. */
export type OrganizationSettings = z.infer<typeof OrganizationSettingsSchema>;

/** Input of `organizations.create`. */
export const CreateOrganizationInputSchema = z
  .object({
    slug: OrganizationSlugSchema,
    name: requiredText(200),
    settings: OrganizationSettingsSchema.default({}),
  })
  .strict();

/** Input of `organizations.create` (before defaults are applied). */
export type CreateOrganizationInput = z.input<typeof CreateOrganizationInputSchema>;
