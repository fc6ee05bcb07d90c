// @org/data/documents: clients and their documents with immutable versions.

export {
  createClientRepository,
  type ClientRepository,
  type ListClientsOptions,
} from './clients/client-repository.js';
export { clientAggregate, type Client } from './clients/client.js';
export {
  createDocumentRepository,
  type DocumentRepository,
  type DocumentMatch,
  type NameSearchOptions,
  type PurgeOptions,
  type PurgeResult,
} from './documents/document-repository.js';
export { documentAggregate, documentVersionAggregate, type StoredDocument, type DocumentVersion } from './documents/document.js';
export { documentsRepositories } from './repositories.js';
export { DOCUMENTS_AGGREGATES } from './aggregates.js';
export * from './schemas.js';

/** The context's domain event types (their payload schemas are exported with the input schemas). */
export { documentCreated, documentVersionAdded, documentDeleted, DOCUMENT_EVENT_TYPES } from './document-events.js';
