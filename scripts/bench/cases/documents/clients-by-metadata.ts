// clients.pageByMetadata(org, filter): one SELECT … WHERE metadata @> $2::jsonb, one row more
// than a page, for a common filter {tier, region} (~4% of the clients, one per sample) and a
// rare one {vip: true} (~1%, the same input every call).
import assert from 'node:assert/strict';
import { createRepositories } from '../../../../src/repositories.js';
import { defineCase, type CompareOptions } from '../../case.js';
import { cyclic, STEADY_WARMUP } from '../../measure.js';
import { seedDocuments, type DocumentsData } from './documents-data.js';
import { rawSearchClientsByMetadata } from './raw-sql.js';
import { READ_ITERATIONS } from './reads.js';
import { RARE_CLIENT_FILTER, type Sample } from './samples.js';

/** The raw side returns the page's items. */
const items: CompareOptions = {
  results: (repo, raw) => assert.deepEqual(raw, (repo as { items: unknown }).items, 'clients.searchByMetadata rows'),
};

function clientsByMetadata(name: string, kind: 'clientsCommon' | 'clientsRare', filter: (s: Sample) => Record<string, unknown>) {
  return defineCase<DocumentsData>({
    name,
    seed: seedDocuments,
    repo: (d, on) => {
      const repos = createRepositories(on.db);
      return (i) => repos.clients.pageByMetadata(d.organizationId, filter(cyclic(d.samples, i)));
    },
    raw: (d, on) => (i) => rawSearchClientsByMetadata(on.pool, d.organizationId, filter(cyclic(d.samples, i))),
    sameSql: async (d, check) => {
      // The rare filter is one input; the common one differs per sample.
      const inputs = kind === 'clientsRare' ? 1 : d.samples.length;
      for (let i = 0; i < inputs; i += 1) d.rows[kind].push(((await check.same(i, items)).raw as unknown[]).length);
    },
    iterations: READ_ITERATIONS,
    // Client work mostly (a few hundred µs per call): the steady state, as the identity reads.
    warmup: STEADY_WARMUP,
  });
}

/** clients.searchByMetadata with each sample's {tier, region}. */
export const clientsByMetadataCommon = clientsByMetadata(
  'clients.searchByMetadata {tier, region} (~4% of the clients)',
  'clientsCommon',
  (s) => s.clientFilter,
);
/** clients.searchByMetadata with {vip: true}. */
export const clientsByMetadataRare = clientsByMetadata('clients.searchByMetadata {vip: true} (~1%)', 'clientsRare', () => RARE_CLIENT_FILTER);
