// @org/data/forms: teams, forms and their versions, the form-definition language (issue 13);
// submissions, attachments and collaborators join them.

export { createTeamRepository, type TeamRepository } from './teams/team-repository.js';
export { teamAggregate, teamMemberAggregate, type Team, type TeamMember } from './teams/team.js';
export { createFormRepository, type FormRepository } from './forms/form-repository.js';
export { formAggregate, formVersionAggregate, type Form, type FormVersion, type FormVersionSummary } from './forms/form.js';
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
  FORM_EVENT_TYPES,
} from './form-events.js';
