// The forms context's schemas: zod only (no pg, no kysely), for `@org/data/schemas`.

export {
  TEAM_ROLES,
  TeamRoleSchema,
  TeamSlugSchema,
  CreateTeamInputSchema,
  AddTeamMemberInputSchema,
  type TeamRole,
  type CreateTeamInput,
  type AddTeamMemberInput,
} from './teams/team.inputs.js';

// The payload contracts of the domain events (the event types are in the context's index).
export { TeamCreatedPayloadV1, TeamDeletedPayloadV1, TeamMemberPayloadV1, TeamMemberRemovedPayloadV1 } from './form-events.js';
