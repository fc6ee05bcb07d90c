// @org/data/forms: teams so far (issue 13); forms, versions, submissions, attachments and
// collaborators join them.

export { createTeamRepository, type TeamRepository } from './teams/team-repository.js';
export { teamAggregate, teamMemberAggregate, type Team, type TeamMember } from './teams/team.js';
export { formsRepositories } from './repositories.js';
export { FORMS_AGGREGATES } from './aggregates.js';
export * from './schemas.js';

/** The context's domain event types (their payload schemas are exported with the input schemas). */
export { teamCreated, teamDeleted, teamMemberAdded, teamMemberRoleChanged, teamMemberRemoved, FORM_EVENT_TYPES } from './form-events.js';
