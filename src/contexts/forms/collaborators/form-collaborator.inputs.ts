// Input schemas of form collaborators: zod only.
import { z } from 'zod';
import { UuidSchema } from '../../../core/kernel/common-schemas.js';

/** A role's name, as `roles_name_format` has it (a schemas module imports no other context). */
const RoleNameSchema = z.string().max(64).regex(/^[a-z][a-z0-9_-]*$/, 'must be a role name');

/** Input of `forms.addCollaborator`: a user or a team of the organization, and a role. */
export const AddFormCollaboratorInputSchema = z
  .object({
    /** A user of the form's organization (or give `teamId`). */
    userId: UuidSchema.optional(),
    /** A live team of the form's organization (or give `userId`). */
    teamId: UuidSchema.optional(),
    /** A role's name, e.g. `form_viewer`, `form_editor`, `form_publisher` (or any role). */
    role: RoleNameSchema,
  })
  .strict()
  .refine((v) => (v.userId === undefined) !== (v.teamId === undefined), { message: 'give a userId or a teamId, not both', path: ['userId'] });

/** Input of `forms.addCollaborator`. */
export type AddFormCollaboratorInput = z.input<typeof AddFormCollaboratorInputSchema>;
