import { scopeArgument } from '../../core/kernel/repository-scope.js';
import type { RepositoryScope } from '../../core/unit-of-work/create-unit-of-work.js';
import { createWorkflowRepository } from './workflows/workflow-repository.js';

/** The workflows context's repositories, as a unit of work offers them (built on first use). */
export const workflowsRepositories = Object.freeze({
  /** Workflows, their versions and triggers. */
  workflows: (scope: RepositoryScope) => {
    const { db, context } = scopeArgument(scope);
    return createWorkflowRepository(db, context);
  },
});
