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

/** `form.collaborator_added`, `form.collaborator_removed` v1: who holds (held) which role on the form. */
export const FormCollaboratorPayloadV1 = z
  .object({
    formId: UuidSchema,
    organizationId: UuidSchema,
    collaboratorId: UuidSchema,
    userId: UuidSchema.nullable(),
    teamId: UuidSchema.nullable(),
    role: z.string(),
  })
  .strict();

/** A user or a team was given a role on a form. */
export const formCollaboratorAdded = formEvent('form.collaborator_added', 'A user or a team was given a role on a form.', FormCollaboratorPayloadV1);
/** A user or a team lost a role on a form. */
export const formCollaboratorRemoved = formEvent('form.collaborator_removed', 'A user or a team lost a role on a form.', FormCollaboratorPayloadV1);

/** `submission.created` v1: which draft, of which form version. */
export const SubmissionCreatedPayloadV1 = z
  .object({ submissionId: UuidSchema, organizationId: UuidSchema, formId: UuidSchema, formVersionId: UuidSchema })
  .strict();

/** `submission.updated` v1: a draft's values changed (never the values). */
export const SubmissionUpdatedPayloadV1 = z
  .object({ submissionId: UuidSchema, organizationId: UuidSchema, formId: UuidSchema, version: z.int() })
  .strict();

const submissionStatus = z.enum(['draft', 'submitted', 'in_review', 'approved', 'rejected', 'completed', 'archived']);

/** The status events v1 (`submission.submitted`, `.approved`, …): the status now and before, the number. */
export const SubmissionStatusPayloadV1 = z
  .object({
    submissionId: UuidSchema,
    organizationId: UuidSchema,
    formId: UuidSchema,
    formVersionId: UuidSchema,
    number: z.int().nullable(),
    status: submissionStatus,
    previousStatus: submissionStatus,
  })
  .strict();

/** `submission.assigned` v1: the assignee now (both `null`: unassigned). */
export const SubmissionAssignedPayloadV1 = z
  .object({
    submissionId: UuidSchema,
    organizationId: UuidSchema,
    formId: UuidSchema,
    assignedUserId: UuidSchema.nullable(),
    assignedTeamId: UuidSchema.nullable(),
  })
  .strict();

/** The attachment events v1: which attachment of which submission, its scan status. */
export const SubmissionAttachmentPayloadV1 = z
  .object({
    submissionId: UuidSchema,
    organizationId: UuidSchema,
    attachmentId: UuidSchema,
    scanStatus: z.enum(['pending', 'clean', 'infected']),
  })
  .strict();

const submissionEvent = <C extends string, S extends z.ZodType<object>>(code: C, description: string, payload: S) =>
  defineEventType({ code, aggregateType: 'submission', description, version: 1, payload });

/** A draft submission was made. */
export const submissionCreated = submissionEvent('submission.created', 'A draft submission of a form was created.', SubmissionCreatedPayloadV1);
/** A draft's values changed. */
export const submissionUpdated = submissionEvent('submission.updated', "A draft submission's values changed.", SubmissionUpdatedPayloadV1);
/** Submitted (numbered the first time). */
export const submissionSubmitted = submissionEvent('submission.submitted', 'A submission was submitted (and numbered, the first time).', SubmissionStatusPayloadV1);
/** A reviewer started. */
export const submissionReviewStarted = submissionEvent('submission.review_started', 'A reviewer started reviewing a submission.', SubmissionStatusPayloadV1);
/** Approved. */
export const submissionApproved = submissionEvent('submission.approved', 'A submission was approved.', SubmissionStatusPayloadV1);
/** Rejected. */
export const submissionRejected = submissionEvent('submission.rejected', 'A submission was rejected, with a reason.', SubmissionStatusPayloadV1);
/** Back to draft for resubmission. */
export const submissionReopened = submissionEvent('submission.reopened', 'A rejected submission went back to draft for resubmission.', SubmissionStatusPayloadV1);
/** Completed. */
export const submissionCompleted = submissionEvent('submission.completed', 'An approved submission was completed.', SubmissionStatusPayloadV1);
/** Archived. */
export const submissionArchived = submissionEvent('submission.archived', 'A submission was archived.', SubmissionStatusPayloadV1);
/** Assigned or unassigned. */
export const submissionAssigned = submissionEvent('submission.assigned', 'A submission was assigned to a user or a team, or unassigned.', SubmissionAssignedPayloadV1);
/** A file attached. */
export const submissionAttachmentAdded = submissionEvent('submission.attachment_added', 'A file was attached to a draft submission.', SubmissionAttachmentPayloadV1);
/** A scan result recorded. */
export const submissionAttachmentScanned = submissionEvent(
  'submission.attachment_scanned',
  "An attachment's virus scan result was recorded.",
  SubmissionAttachmentPayloadV1,
);
/** A file removed. */
export const submissionAttachmentRemoved = submissionEvent('submission.attachment_removed', 'A file was removed from a draft submission.', SubmissionAttachmentPayloadV1);

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
  formCollaboratorAdded,
  formCollaboratorRemoved,
  submissionCreated,
  submissionUpdated,
  submissionSubmitted,
  submissionReviewStarted,
  submissionApproved,
  submissionRejected,
  submissionReopened,
  submissionCompleted,
  submissionArchived,
  submissionAssigned,
  submissionAttachmentAdded,
  submissionAttachmentScanned,
  submissionAttachmentRemoved,
] as const);
