import { scopeArgument } from '../../core/kernel/repository-scope.js';
import type { RepositoryScope } from '../../core/unit-of-work/create-unit-of-work.js';
import { createFormRepository } from './forms/form-repository.js';
import { createTeamRepository } from './teams/team-repository.js';

/** The forms context's repositories, as a unit of work offers them (built on first use). */
export const formsRepositories = Object.freeze({
  /** Teams and their members. */
  teams: (scope: RepositoryScope) => {
    const { db, context } = scopeArgument(scope);
    return createTeamRepository(db, context);
  },
  /** Forms and their versions. */
  forms: (scope: RepositoryScope) => {
    const { db, context } = scopeArgument(scope);
    return createFormRepository(db, context);
  },
});
