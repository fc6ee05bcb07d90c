// documents.searchByMetadata(client, filter): one SELECT … WHERE metadata @> $2::jsonb, for a
// common filter {status, year} (~2% of a client) and a rare one {legalHold: true} (~0.2%).
import { createRepositories } from '../../../../src/repositories.js';
import { defineCase } from '../../case.js';
import { cyclic } from '../../measure.js';
import { seedDocuments, type DocumentsData } from './documents-data.js';
import { rawSearchDocumentsByMetadata } from './raw-sql.js';
import { READ_ITERATIONS, READ_WARMUP_ITERATIONS } from './reads.js';
import { RARE_DOCUMENT_FILTER, type Sample } from './samples.js';

function documentsByMetadata(name: string, kind: 'common' | 'rare', filter: (s: Sample) => Record<string, unknown>) {
  return defineCase<DocumentsData>({
    name,
    seed: seedDocuments,
    repo: (d, on) => {
      const repos = createRepositories(on.db);
      return (i) => {
        const s = cyclic(d.samples, i);
        return repos.documents.searchByMetadata(s.clientId, filter(s));
      };
    },
    raw: (d, on) => (i) => {
      const s = cyclic(d.samples, i);
      return rawSearchDocumentsByMetadata(on.pool, s.clientId, filter(s));
    },
    sameSql: async (d, check) => {
      for (let i = 0; i < d.samples.length; i += 1) d.rows[kind].push(((await check.same(i)).repo as unknown[]).length);
    },
    iterations: READ_ITERATIONS,
    warmup: READ_WARMUP_ITERATIONS,
  });
}

/** documents.searchByMetadata with each sample's {status, year}. */
export const documentsByMetadataCommon = documentsByMetadata(
  'documents.searchByMetadata {status, year} (~2% of a client)',
  'common',
  (s) => s.common,
);
/** documents.searchByMetadata with {legalHold: true}. */
export const documentsByMetadataRare = documentsByMetadata(
  'documents.searchByMetadata {legalHold: true} (~0.2%)',
  'rare',
  () => RARE_DOCUMENT_FILTER,
);
