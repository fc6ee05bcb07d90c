import { z } from 'zod';
import { requiredText, UuidSchema } from '../../../core/kernel/common-schemas.js';
import { MetadataSchema } from '../../../core/kernel/metadata.js';

/** Client statuses (the `client_status` enum). */
export const CLIENT_STATUSES = Object.freeze(['active', 'inactive', 'suspended'] as const);

/** A client status. */
export const ClientStatusSchema = z.enum(CLIENT_STATUSES);

/** A client code: letters, digits, `_ . -`, starting with a letter or digit, at most 64. */
export const ClientCodeSchema = z
  .string()
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be letters, digits, _ . or -');

/** Input of `clients.create`. */
export const CreateClientInputSchema = z
  .object({
    organizationId: UuidSchema,
    code: ClientCodeSchema,
    name: requiredText(200),
    status: ClientStatusSchema.optional(),
    metadata: MetadataSchema.optional(),
    managerUserId: UuidSchema.nullable().optional(),
  })
  .strict();

/** Input of `clients.create`. */
export type CreateClientInput = z.input<typeof CreateClientInputSchema>;

/** Input of `clients.update`: at least one field; `metadata` replaces the whole document. */
export const UpdateClientInputSchema = z
  .object({
    name: requiredText(200).optional(),
    metadata: MetadataSchema.optional(),
    managerUserId: UuidSchema.nullable().optional(),
  })
  .strict()
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), {
    message: 'at least one field is required',
  });

/** Input of `clients.update`. */
export type UpdateClientInput = z.input<typeof UpdateClientInputSchema>;
