// What the document reads share: iterations, and the raw statement of each read for one input
// (what the report's EXPLAIN runs).
import type { ReadKind } from './documents-data.js';
import { clientsByMetadataQuery, documentsByMetadataQuery, searchByNameQuery, type Query } from './raw-sql.js';
import { RARE_CLIENT_FILTER, RARE_DOCUMENT_FILTER, type Sample } from './samples.js';

/** Calls per side, one at a time. */
export const READ_ITERATIONS = 1000;
/** Warm-up iterations before them. */
export const READ_WARMUP_ITERATIONS = 100;

/** The raw SQL and parameters of read `kind` for one sample. */
export function readQuery(kind: ReadKind, organizationId: string, s: Sample): Query {
  switch (kind) {
    case 'name':
      return searchByNameQuery(s.clientId, s.query);
    case 'common':
      return documentsByMetadataQuery(s.clientId, s.common);
    case 'rare':
      return documentsByMetadataQuery(s.clientId, RARE_DOCUMENT_FILTER);
    case 'clientsCommon':
      return clientsByMetadataQuery(organizationId, s.clientFilter);
    case 'clientsRare':
      return clientsByMetadataQuery(organizationId, RARE_CLIENT_FILTER);
  }
}
