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
export {
  FormSlugSchema,
  CreateFormInputSchema,
  UpdateFormInputSchema,
  ExpectedPublishedVersionSchema,
  PublishFormInputSchema,
  RollbackFormInputSchema,
  type CreateFormInput,
  type UpdateFormInput,
  type PublishFormInput,
  type RollbackFormInput,
} from './forms/form.inputs.js';
export {
  FORM_DEFINITION_FORMAT,
  FORM_FIELD_TYPES,
  FORM_DEFINITION_LIMITS,
  DEFAULT_TEXT_LENGTH,
  DEFAULT_TEXTAREA_LENGTH,
  FormKeySchema,
  ConditionValueSchema,
  FormConditionSchema,
  FormFieldSchema,
  FormPageSchema,
  FormDefinitionSchema,
  type FormFieldType,
  type FormLeafCondition,
  type FormCondition,
  type FormField,
  type FormPage,
  type FormDefinition,
  type FormDefinitionInput,
} from './definitions/form-definition.js';

// The payload contracts of the domain events (the event types are in the context's index).
export {
  TeamCreatedPayloadV1,
  TeamDeletedPayloadV1,
  TeamMemberPayloadV1,
  TeamMemberRemovedPayloadV1,
  FormCreatedPayloadV1,
  FormUpdatedPayloadV1,
  FormDraftSavedPayloadV1,
  FormPublishedPayloadV1,
  FormStatusPayloadV1,
} from './form-events.js';
