// The state every documents case shares, built once per run: the seeded data, the sampled
// inputs, the hot documents the writers add versions to (live documents of the last client),
// the versions added so far per hot document, and what the checks saw (rows per read, the name
// search's ranks) for the report.
import assert from 'node:assert/strict';
import type { SeedContext } from '../../case.js';
import { progress } from '../../support.js';
import { seedDocumentsData, type Seeded } from './data.js';
import { sampleInputs, type Sample } from './samples.js';

/** The document reads, by kind. */
export type ReadKind = 'name' | 'common' | 'rare' | 'clientsCommon' | 'clientsRare';

/** Hot documents for addVersion (the most any workload writes to). */
const HOT_DOCUMENTS = 4;

/** What every documents case reads (and the checks fill in for the report). */
export interface DocumentsData extends Seeded {
  /** The benchmark database (the plans open a connection of their own). */
  readonly url: string;
  readonly samples: readonly Sample[];
  readonly hotIds: readonly string[];
  /** Versions added per hot document (beyond version 1), by the checks and the writers. */
  readonly added: Map<string, number>;
  /** Rows each checked input returned (repository side), per read. */
  readonly rows: Record<ReadKind, number[]>;
  /** Rank of the source document in each checked name search (1-based), or 0 when missing. */
  readonly ranks: number[];
  /** How long seeding, indexing and vacuuming took. */
  readonly seedSeconds: number;
}

/** Seeds the clients and documents and samples the inputs, once per run. */
export function seedDocuments(ctx: SeedContext): Promise<DocumentsData> {
  return ctx.shared('documents', async () => {
    const start = process.hrtime.bigint();
    const seeded = await seedDocumentsData(ctx.url, ctx.sizes);
    const seedSeconds = Number(process.hrtime.bigint() - start) / 1e9;
    const samples = await sampleInputs(ctx.setup.pool, seeded.organizationId, ctx.sizes.sampleClients);
    const hotIds = (
      await ctx.setup.pool.query(
        `SELECT d.id FROM documents d
         WHERE d.deleted_at IS NULL
           AND d.client_id = (SELECT id FROM clients WHERE organization_id = $1 ORDER BY code DESC LIMIT 1)
         ORDER BY d.original_name LIMIT $2`,
        [seeded.organizationId, HOT_DOCUMENTS],
      )
    ).rows.map((row) => row.id as string);
    assert.equal(hotIds.length, HOT_DOCUMENTS, 'documents: hot documents');
    progress(`documents: ${samples.length} sampled clients, ${hotIds.length} hot documents`);
    return {
      ...seeded,
      url: ctx.url,
      samples,
      hotIds,
      added: new Map(hotIds.map((id) => [id, 0])),
      rows: { name: [], common: [], rare: [], clientsCommon: [], clientsRare: [] },
      ranks: [],
      seedSeconds,
    };
  });
}
