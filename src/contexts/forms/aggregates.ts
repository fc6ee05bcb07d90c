import { teamAggregate, teamMemberAggregate } from './teams/team.js';

/** Every aggregate (and table) of the forms context, declared once each. */
export const FORMS_AGGREGATES = Object.freeze([teamAggregate, teamMemberAggregate] as const);
