// Input schemas of teams: zod only.
import { z } from 'zod';
import { requiredText, SlugSchema, UuidSchema } from '../../../core/kernel/common-schemas.js';

/** The roles in a team (the CHECK team_members_role_values lists the same). */
export const TEAM_ROLES = Object.freeze(['owner', 'admin', 'member', 'viewer'] as const);

/** A role in a team. */
export type TeamRole = (typeof TEAM_ROLES)[number];

/** A role in a team. */
export const TeamRoleSchema = z.enum(TEAM_ROLES);

/** A team's slug: lowercase letters and digits in groups joined by single hyphens, at most 63 characters (`teams_slug_format`). */
export const TeamSlugSchema = SlugSchema;

/** Input of `teams.create`: the acting user (`context.actorUserId`) becomes its first owner. */
export const CreateTeamInputSchema = z
  .object({
    /** The organization. */
    organizationId: UuidSchema,
    /** Unique among the organization's live teams. */
    slug: TeamSlugSchema,
    /** Display name, 1–200 characters. */
    name: requiredText(200),
    /** What the team does, at most 1,000 characters. */
    description: z.string().max(1000).refine((v) => !v.includes('\u0000'), 'must not contain NUL').optional(),
  })
  .strict();

/** Input of `teams.create`. */
export type CreateTeamInput = z.input<typeof CreateTeamInputSchema>;

/** Input of `teams.addMember`. */
export const AddTeamMemberInputSchema = z
  .object({
    /** A user of the team's organization. */
    userId: UuidSchema,
    /** Their role. (Default: `member`) */
    role: TeamRoleSchema.optional(),
  })
  .strict();

/** Input of `teams.addMember`. */
export type AddTeamMemberInput = z.input<typeof AddTeamMemberInputSchema>;
