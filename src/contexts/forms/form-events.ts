// The forms context's domain events (teams and forms; submissions join them), each
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

/** `form.created` v1: the form and its first draft version (1). */
export const FormCreatedPayloadV1 = z
  .object({ formId: UuidSchema, organizationId: UuidSchema, slug: z.string(), name: z.string(), definitionSha256: z.string() })
  .strict();

/** `form.updated` v1: the form's name now. */
export const FormUpdatedPayloadV1 = z.object({ formId: UuidSchema, organizationId: UuidSchema, name: z.string() }).strict();

/** `form.draft_saved` v1: the draft version and the sha256 of its definition now. */
export const FormDraftSavedPayloadV1 = z
  .object({ formId: UuidSchema, organizationId: UuidSchema, version: z.int(), definitionSha256: z.string() })
  .strict();

/** `form.published`, `form.rolled_back` v1: the version that accepts submissions now, and the one before (`null`: none). */
export const FormPublishedPayloadV1 = z
  .object({ formId: UuidSchema, organizationId: UuidSchema, version: z.int(), previousVersion: z.int().nullable() })
  .strict();

/** `form.archived`, `form.restored`, `form.deleted` v1: which form, and its status now. */
export const FormStatusPayloadV1 = z
  .object({ formId: UuidSchema, organizationId: UuidSchema, slug: z.string(), status: z.enum(['draft', 'published', 'archived']) })
  .strict();

const formEvent = <C extends string, S extends z.ZodType<object>>(code: C, description: string, payload: S) =>
  defineEventType({ code, aggregateType: 'form', description, version: 1, payload });

/** A form was made with its first draft version. */
export const formCreated = formEvent('form.created', 'A form was created with its first draft version.', FormCreatedPayloadV1);
/** A form's name or description changed. */
export const formUpdated = formEvent('form.updated', "A form's name or description changed.", FormUpdatedPayloadV1);
/** A draft version was made or its definition changed. */
export const formDraftSaved = formEvent('form.draft_saved', 'A draft version of a form was created or its definition changed.', FormDraftSavedPayloadV1);
/** A draft version was published and accepts submissions. */
export const formPublished = formEvent('form.published', 'A draft version of a form was published and accepts submissions.', FormPublishedPayloadV1);
/** A form was pointed back at an older published version. */
export const formRolledBack = formEvent('form.rolled_back', 'A form was pointed back at an older published version.', FormPublishedPayloadV1);
/** A form stopped accepting submissions. */
export const formArchived = formEvent('form.archived', 'A form stopped accepting submissions.', FormStatusPayloadV1);
/** An archived form accepts submissions again. */
export const formRestored = formEvent('form.restored', 'An archived form accepts submissions again.', FormStatusPayloadV1);
/** A form was deleted. */
export const formDeleted = formEvent('form.deleted', 'A form was deleted.', FormStatusPayloadV1);

/** Every event type of the forms context. */
export const FORM_EVENT_TYPES = Object.freeze([
  teamCreated,
  teamDeleted,
  teamMemberAdded,
  teamMemberRoleChanged,
  teamMemberRemoved,
  formCreated,
  formUpdated,
  formDraftSaved,
  formPublished,
  formRolledBack,
  formArchived,
  formRestored,
  formDeleted,
] as const);
