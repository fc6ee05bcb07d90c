import { z } from 'zod';
import { PgTextSchema, PositiveInt4Schema, UuidSchema } from '../../../core/kernel/common-schemas.js';
import { hasExactly, isPositiveInt4, plainObjectKeys } from '../../../core/kernel/fast-path-checks.js';
import { TO_ZOD, withFastPath } from '../../../core/kernel/parse-input.js';

/** The one field of a verification (the fast path's input). */
const VERIFY_KEYS: ReadonlySet<string> = new Set(['expectedVersion']);

/** `^[A-Z0-9-]{3,32}$` (the `user_staff_profiles_employee_id_format` CHECK). */
export const EmployeeIdSchema = z.string().regex(/^[A-Z0-9-]{3,32}$/, 'must be 3–32 of A–Z, 0–9 and -');

/** An `academic_titles.code`. */
export const AcademicTitleCodeSchema = z.string().max(64).regex(/^[a-z][a-z0-9_]*$/, 'must be an academic title code');

const optionalText = (max: number) => z.string().trim().min(1).max(max).pipe(PgTextSchema).nullable().optional();

/**
 * Input of `staffProfiles.edit`: the fields to change (at least one); `null` clears a field.
 * Setting `academicTitleCode` to `other` needs `academicTitleOther`; any other code clears it.
 */
export const EditStaffProfileInputSchema = z
  .object({
    employeeId: EmployeeIdSchema.nullable().optional(),
    academicTitleCode: AcademicTitleCodeSchema.nullable().optional(),
    academicTitleOther: optionalText(120),
    unitId: UuidSchema.nullable().optional(),
    jobTitle: optionalText(120),
  })
  .strict()
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), {
    message: 'at least one field is required',
  })
  .refine((patch) => patch.academicTitleCode !== 'other' || Boolean(patch.academicTitleOther), {
    message: "academicTitleOther is required when academicTitleCode is 'other'",
    path: ['academicTitleOther'],
  })
  .refine(
    (patch) =>
      patch.academicTitleOther === undefined ||
      patch.academicTitleOther === null ||
      patch.academicTitleCode === 'other',
    { message: "academicTitleOther needs academicTitleCode 'other'", path: ['academicTitleOther'] },
  );

/** Input of `staffProfiles.edit`. */
export type EditStaffProfileInput = z.input<typeof EditStaffProfileInputSchema>;

/** A row version as sent back by a client: a positive integer. */
const ExpectedVersionSchema = PositiveInt4Schema;

/** Options of `staffProfiles.submit` and `edit`: the version the applicant saw, if any. */
export const OptionalVersionSchema = z.object({ expectedVersion: ExpectedVersionSchema.optional() }).strict();

/** Input of `staffProfiles.verify`: the version the admin reviewed. */
export const VerifyStaffProfileInputSchema = withFastPath(
  z.object({ expectedVersion: ExpectedVersionSchema }).strict(),
  // Every verification: `{ expectedVersion }` skips zod when valid.
  (input) => {
    const keys = plainObjectKeys(input);
    if (!keys || !hasExactly(keys, VERIFY_KEYS)) return TO_ZOD;
    const { expectedVersion } = input as Record<string, unknown>;
    return isPositiveInt4(expectedVersion) ? { expectedVersion } : TO_ZOD;
  },
);

/** Input of `staffProfiles.verify`. */
export type VerifyStaffProfileInput = z.input<typeof VerifyStaffProfileInputSchema>;

/** Input of `staffProfiles.reject`: the version reviewed and a non-blank reason. */
export const RejectStaffProfileInputSchema = z
  .object({ expectedVersion: ExpectedVersionSchema, reason: z.string().trim().min(1).max(1000).pipe(PgTextSchema) })
  .strict();

/** Input of `staffProfiles.reject`. */
export type RejectStaffProfileInput = z.input<typeof RejectStaffProfileInputSchema>;
