// @org/data/forms: teams, forms and their versions, the form-definition language, submissions
// and their attachments, collaborators and form-scoped permissions (issue 13).

export { createTeamRepository, type TeamRepository } from './teams/team-repository.js';
export { teamAggregate, teamMemberAggregate, type Team, type TeamMember } from './teams/team.js';
export { createFormRepository, type FormRepository } from './forms/form-repository.js';
export { formAggregate, formVersionAggregate, type Form, type FormVersion, type FormVersionSummary } from './forms/form.js';
export { formCollaboratorAggregate, FORM_ROLES, type FormCollaborator } from './collaborators/form-collaborator.js';
export { FORM_STATES, FORM_TRANSITIONS, type FormStatus, type FormTransition } from './forms/form-machine.js';
export {
  compileFormDefinition,
  compiledFormVersion,
  type CompiledFormDefinition,
  type FormValues,
  type FormValidationMode,
} from './definitions/compile-form-definition.js';
export { definitionSha256 } from './definitions/definition-hash.js';
export type { JsonSchema } from './definitions/definition-json-schema.js';
export type { FormFieldValue } from './definitions/field-value-schemas.js';
export {
  createSubmissions,
  SUBMISSION_ENCRYPTED_COLUMNS,
  type Submissions,
  type SubmissionsOptions,
} from './submissions/submissions.js';
export {
  submissionAggregate,
  submissionAttachmentAggregate,
  type Submission,
  type SubmissionSummary,
  type SubmissionAttachment,
} from './submissions/submission.js';
export {
  SUBMISSION_STATES,
  SUBMISSION_EVENTS,
  SUBMISSION_TRANSITIONS,
  type SubmissionStatus,
  type SubmissionEvent,
  type SubmissionTransition,
} from './submissions/submission-machine.js';
export { ATTACHMENT_SCAN_STATES, ATTACHMENT_SCAN_TRANSITIONS, type AttachmentScanStatus } from './submissions/attachment-scan-machine.js';
export { formsRepositories } from './repositories.js';
export { FORMS_AGGREGATES } from './aggregates.js';
export * from './schemas.js';

/** The context's domain event types (their payload schemas are exported with the input schemas). */
export {
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
  FORM_EVENT_TYPES,
} from './form-events.js';
