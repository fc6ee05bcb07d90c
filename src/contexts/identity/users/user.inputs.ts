import { z } from 'zod';
import {
  BirthdateSchema,
  EmailSchema,
  LocaleSchema,
  PgTextSchema,
  requiredText,
  TimeZoneSchema,
  UuidSchema,
} from '../../../core/kernel/common-schemas.js';

/** The identity provider's subject (e.g. a Cognito `sub`), 1–255 characters. */
export const AuthSubjectSchema = z.string().min(1).max(255).pipe(PgTextSchema);

/** Input of `users.register`: the user, their profile, and the organization they join. */
export const RegisterUserInputSchema = z
  .object({
    organizationId: UuidSchema,
    authSubject: AuthSubjectSchema,
    email: EmailSchema,
    fullName: requiredText(200),
    birthdate: BirthdateSchema.nullable().optional(),
    locale: LocaleSchema.optional(),
    timeZone: TimeZoneSchema.optional(),
  })
  .strict();

/** Input of `users.register`. */
export type RegisterUserInput = z.input<typeof RegisterUserInputSchema>;

/** Input of `users.updateProfile`: at least one field; `birthdate: null` clears it. */
export const UpdateProfileInputSchema = z
  .object({
    fullName: requiredText(200).optional(),
    birthdate: BirthdateSchema.nullable().optional(),
    locale: LocaleSchema.optional(),
    timeZone: TimeZoneSchema.optional(),
  })
  .strict()
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), {
    message: 'at least one field is required',
  });

/** Input of `users.updateProfile`. */
export type UpdateProfileInput = z.input<typeof UpdateProfileInputSchema>;
