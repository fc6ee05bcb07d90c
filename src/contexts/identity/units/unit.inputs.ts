import { z } from 'zod';
import { requiredText, UuidSchema } from '../../../core/kernel/common-schemas.js';

/** A unit code: letters, digits, `_ . -`, starting with a letter or digit, at most 64. */
export const UnitCodeSchema = z
  .string()
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be letters, digits, _ . or -');

/** Input of `units.create`. */
export const CreateUnitInputSchema = z
  .object({
    organizationId: UuidSchema,
    code: UnitCodeSchema,
    name: requiredText(200),
    parentUnitId: UuidSchema.nullable().optional(),
  })
  .strict();

/** Input of `units.create`. */
export type CreateUnitInput = z.input<typeof CreateUnitInputSchema>;
