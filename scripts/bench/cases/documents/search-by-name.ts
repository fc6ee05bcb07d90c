// documents.searchByName(client, query): BEGIN; set_config of pg_trgm.similarity_threshold
// (0.25, transaction-local); the ranked SELECT … WHERE original_name % query; COMMIT. The query
// is a sampled near-miss (samples.ts). The check also records where the source document ranked.
import { createRepositories } from '../../../../src/repositories.js';
import { defineCase } from '../../case.js';
import { cyclic } from '../../measure.js';
import { seedDocuments, type DocumentsData } from './documents-data.js';
import { rawSearchByName } from './raw-sql.js';
import { READ_ITERATIONS, READ_WARMUP_ITERATIONS } from './reads.js';

/** documents.searchByName with each sample's near-miss query. */
export const searchByName = defineCase<DocumentsData>({
  name: 'documents.searchByName (near-miss query, trigram %, ranked)',
  seed: seedDocuments,
  repo: (d, on) => {
    const repos = createRepositories(on.db);
    return (i) => {
      const s = cyclic(d.samples, i);
      return repos.documents.searchByName(s.clientId, s.query);
    };
  },
  raw: (d, on) => (i) => {
    const s = cyclic(d.samples, i);
    return rawSearchByName(on.pool, s.clientId, s.query);
  },
  sameSql: async (d, check) => {
    for (let i = 0; i < d.samples.length; i += 1) {
      const found = (await check.same(i)).repo as { id: string }[];
      d.rows.name.push(found.length);
      d.ranks.push(found.findIndex((document) => document.id === d.samples[i]!.documentId) + 1);
    }
  },
  iterations: READ_ITERATIONS,
  warmup: READ_WARMUP_ITERATIONS,
});
