import type { RepositoryScope } from '../../core/unit-of-work/create-unit-of-work.js';
import { createClientRepository } from './clients/client-repository.js';
import { createDocumentRepository } from './documents/document-repository.js';

/** The documents context's repositories, as a unit of work offers them (built on first use). */
export const documentsRepositories = Object.freeze({
  /** Clients of organizations. */
  clients: ({ db, context }: RepositoryScope) => createClientRepository(db, context),
  /** Documents and their immutable versions. */
  documents: ({ db, context }: RepositoryScope) => createDocumentRepository(db, context),
});
