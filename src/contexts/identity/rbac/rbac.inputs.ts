import { z } from 'zod';
import { PgTextSchema } from '../../../core/kernel/common-schemas.js';

/** A role name: lowercase, starts with a letter, `[a-z0-9_-]`, at most 64 characters. */
export const RoleNameSchema = z
  .string()
  .max(64)
  .regex(/^[a-z][a-z0-9_-]*$/, 'must be lowercase letters, digits, _ or -, starting with a letter');

/** A permission name `resource:action`, each part lowercase `[a-z][a-z0-9_-]*`. */
export const PermissionNameSchema = z
  .string()
  .max(128)
  .regex(/^[a-z][a-z0-9_-]*:[a-z][a-z0-9_-]*$/, 'must be resource:action');

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
