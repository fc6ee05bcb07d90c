import { scopeArgument } from '../../core/kernel/repository-scope.js';
import type { RepositoryScope } from '../../core/unit-of-work/create-unit-of-work.js';
import { createClientRepository } from './clients/client-repository.js';
import { createDocumentRepository } from './documents/document-repository.js';

/** The documents context's repositories, as a unit of work offers them (built on first use). */
export const documentsRepositories = Object.freeze({
  /** Clients of organizations. */
  clients: (scope: RepositoryScope) => {
    const { db, context } = scopeArgument(scope);
    return createClientRepository(db, context);
  },
  /** Documents and their immutable versions. */
  documents: (scope: RepositoryScope) => {
    const { db, context } = scopeArgument(scope);
    return createDocumentRepository(db, context);
  },
});
