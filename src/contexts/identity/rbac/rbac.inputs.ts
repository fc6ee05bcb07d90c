import { z } from 'zod';
import { PgTextSchema } from '../../../core/kernel/common-schemas.js';
import { acceptsAsIs } from '../../../core/kernel/parse-input.js';

/** A role name: lowercase, starts with a letter, `[a-z0-9_-]`, at most 64 characters. */
export const RoleNameSchema = z
  .string()
  .max(64)
  .regex(/^[a-z][a-z0-9_-]*$/, 'must be lowercase letters, digits, _ or -, starting with a letter');

/** A permission name `resource:action`, each part lowercase `[a-z][a-z0-9_-]*`. */
const PERMISSION_NAME = /^[a-z][a-z0-9_-]*:[a-z][a-z0-9_-]*$/;
export const PermissionNameSchema = acceptsAsIs(
  z.string().max(128).regex(PERMISSION_NAME, 'must be resource:action'),
  // hasPermission's argument, checked on every call: a valid name skips zod.
  (input) => typeof input === 'string' && input.length <= 128 && PERMISSION_NAME.test(input),
);

/** Optional free-text description, at most 1000 characters. */
const DescriptionSchema = z.string().trim().max(1000).pipe(PgTextSchema).nullable().optional();

/** Input of `roles.create`. */
export const CreateRoleInputSchema = z
  .object({ name: RoleNameSchema, description: DescriptionSchema })
  .strict();

/** Input of `roles.create`. */
export type CreateRoleInput = z.input<typeof CreateRoleInputSchema>;

/** Input of `roles.createPermission`. */
export const CreatePermissionInputSchema = z
  .object({ name: PermissionNameSchema, description: DescriptionSchema })
  .strict();

/** Input of `roles.createPermission`. */
export type CreatePermissionInput = z.input<typeof CreatePermissionInputSchema>;
