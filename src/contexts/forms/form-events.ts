// The forms context's domain events (teams so far; forms and submissions join them), each
// declared once with the zod schema of its payload per version.
import { z } from 'zod';
import { UuidSchema } from '../../core/kernel/common-schemas.js';
import { defineEventType } from '../../core/events/event-type.js';

/** `team.created` v1: the team and its first owner. */
export const TeamCreatedPayloadV1 = z
  .object({ teamId: UuidSchema, organizationId: UuidSchema, slug: z.string(), name: z.string(), ownerUserId: UuidSchema })
  .strict();

/** `team.deleted` v1: which team. */
export const TeamDeletedPayloadV1 = z.object({ teamId: UuidSchema, organizationId: UuidSchema, slug: z.string() }).strict();

/** `team.member_added`, `team.member_role_changed` v1: the member and their role (and the role before, when changed). */
export const TeamMemberPayloadV1 = z
  .object({
    teamId: UuidSchema,
    organizationId: UuidSchema,
    userId: UuidSchema,
    role: z.enum(['owner', 'admin', 'member', 'viewer']),
    previousRole: z.enum(['owner', 'admin', 'member', 'viewer']).nullable(),
  })
  .strict();

/** `team.member_removed` v1: who left which team. */
export const TeamMemberRemovedPayloadV1 = z.object({ teamId: UuidSchema, organizationId: UuidSchema, userId: UuidSchema }).strict();

/** A team was made, with its first owner. */
export const teamCreated = defineEventType({
  code: 'team.created',
  aggregateType: 'team',
  description: 'A team was created, with its first owner.',
  version: 1,
  payload: TeamCreatedPayloadV1,
});

/** A team was deleted. */
export const teamDeleted = defineEventType({
  code: 'team.deleted',
  aggregateType: 'team',
  description: 'A team was deleted.',
  version: 1,
  payload: TeamDeletedPayloadV1,
});

/** A user joined a team. */
export const teamMemberAdded = defineEventType({
  code: 'team.member_added',
  aggregateType: 'team',
  description: 'A user was added to a team with a role.',
  version: 1,
  payload: TeamMemberPayloadV1,
});

/** A member's role in a team changed. */
export const teamMemberRoleChanged = defineEventType({
  code: 'team.member_role_changed',
  aggregateType: 'team',
  description: "A team member's role changed.",
  version: 1,
  payload: TeamMemberPayloadV1,
});

/** A user left a team. */
export const teamMemberRemoved = defineEventType({
  code: 'team.member_removed',
  aggregateType: 'team',
  description: 'A user was removed from a team.',
  version: 1,
  payload: TeamMemberRemovedPayloadV1,
});

/** Every event type of the forms context. */
export const FORM_EVENT_TYPES = Object.freeze([teamCreated, teamDeleted, teamMemberAdded, teamMemberRoleChanged, teamMemberRemoved] as const);
