import { formCollaboratorAggregate } from './collaborators/form-collaborator.js';
import { formAggregate, formVersionAggregate } from './forms/form.js';
import { submissionAggregate, submissionAttachmentAggregate } from './submissions/submission.js';
import { teamAggregate, teamMemberAggregate } from './teams/team.js';

/** Every aggregate (and table) of the forms context, declared once each. */
export const FORMS_AGGREGATES = Object.freeze([
  teamAggregate,
  teamMemberAggregate,
  formAggregate,
  formVersionAggregate,
  formCollaboratorAggregate,
  submissionAggregate,
  submissionAttachmentAggregate,
] as const);
