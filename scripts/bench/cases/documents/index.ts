// Section "documents": clients and documents at volume (issue 4). Fuzzy name search and
// metadata containment search (five read cases, repository against raw, interleaved), the plans
// of the reads (taken before the writes), and addVersion under concurrent writers (the special
// case add-version.ts).
import type { BenchGroup } from '../../case.js';
import { median, ratio, summarize, us } from '../../measure.js';
import { ratioTable, resultOf, sideOf } from '../../report.js';
import { count, countRows, markdownTable } from '../../support.js';
import { addVersion } from './add-version.js';
import { ROUNDS, WORKLOADS, workloadName, type WriteRow } from './concurrent-writers.js';
import type { DocumentsData } from './documents-data.js';
import { PLAN_SAMPLES } from './plans.js';
import { NAME_THRESHOLD, PAGE_LIMIT } from './raw-sql.js';
import { READS } from './read-cases.js';
import { STEADY_WARMUP } from '../../measure.js';
import { READ_ITERATIONS, READ_WARMUP_ITERATIONS } from './reads.js';
import { searchByName } from './search-by-name.js';

function writeTable(rows: readonly WriteRow[]): string {
  const table: string[][] = [];
  for (const workload of WORKLOADS.map(workloadName)) {
    const raw = rows.find((r) => r.workload === workload && r.side === 'raw')!;
    for (const row of rows.filter((r) => r.workload === workload)) {
      const s = summarize(row.latencies);
      const rate = row.successes / row.seconds;
      table.push([
        workload,
        row.side === 'repo' ? 'repository (findById + addVersion)' : 'raw pg (same statements)',
        count(row.successes),
        rate.toFixed(0),
        (row.conflicts / row.successes).toFixed(2),
        (s.median / 1000).toFixed(2),
        (s.p99 / 1000).toFixed(2),
        row.side === 'repo' ? ratio(rate, raw.successes / raw.seconds) : '',
      ]);
    }
  }
  return markdownTable(
    ['workload', 'side', 'versions added', 'versions/s', 'conflicts per success', 'median ms per add', 'p99 ms per add', 'throughput repo/raw'],
    table,
    2,
  );
}

/** The documents section. */
export const documents: BenchGroup = {
  section: 'documents',
  title: 'Clients and documents: search and concurrent versions',
  method:
    `reads: ${READ_ITERATIONS} calls per side after ${READ_WARMUP_ITERATIONS} warm-up iterations (the client searches after ` +
    `${STEADY_WARMUP}) over the sampled clients; ` +
    `addVersion: ${ROUNDS} alternating rounds per side and workload after a warm-up round of a fifth the size`,
  cases: [...READS.map((read) => read.case), addVersion],
  report: async (results, { setup, sizes }) => {
    const d = resultOf(results, searchByName).state as DocumentsData;
    const { plans, ...writes } = resultOf(results, addVersion).custom as { plans: string[][]; results: WriteRow[]; versions: number };
    const live = await countRows(setup.pool, 'documents', 'deleted_at is null');
    const versions = await countRows(setup.pool, 'document_versions');
    const size = (
      await setup.pool.query(
        `SELECT pg_size_pretty(pg_total_relation_size('documents')) AS documents,
           pg_size_pretty(pg_relation_size('documents_client_name_trgm_idx')) AS trgm,
           pg_size_pretty(pg_relation_size('documents_metadata_idx')) AS metadata,
           pg_size_pretty(pg_total_relation_size('document_versions')) AS versions`,
      )
    ).rows[0];
    const found = d.ranks.filter((r) => r > 0).length;
    const first = d.ranks.filter((r) => r === 1).length;
    const pct = (n: number) => `${((100 * n) / d.ranks.length).toFixed(0)}%`;
    return [
      `${count(sizes.documents)} documents (${count(live)} live; 1% soft-deleted) over ${count(sizes.clients)} clients of one ` +
        `organization, ${count(Math.round(sizes.documents / sizes.clients))} per client, each with its version 1; seeded, ` +
        `indexed and vacuumed in ${d.seedSeconds.toFixed(0)} s. documents ${size.documents} with indexes (trigram index ` +
        `${size.trgm}, metadata GIN ${size.metadata}), document_versions ${size.versions} (${count(versions)} rows at the end).`,
      '',
      ratioTable(
        READS.map((read) => ({
          operation: read.case.name,
          extra: [String(median(d.rows[read.kind]))],
          repo: sideOf(results, read.case, 'repo'),
          raw: sideOf(results, read.case, 'raw'),
        })),
        ['rows (median)'],
      ),
      '',
      `- name search: ${d.samples.length} near-miss queries (two typos in a document's type, counterparty and period, e.g. ` +
        `"${d.samples[0]!.query}" for "${d.samples[0]!.name}"); the source document was found in ${pct(found)} and ranked ` +
        `first in ${pct(first)}; similarity threshold ${NAME_THRESHOLD}, limit ${PAGE_LIMIT}`,
      '',
      `Plans (EXPLAIN (ANALYZE, BUFFERS) of the first ${PLAN_SAMPLES} inputs of each read after the timing, grouped by plan; ` +
        'buffers and server ms are medians):',
      '',
      markdownTable(['query', 'inputs', 'plan (rows of the first input of this plan)', 'buffers', 'server ms'], plans, 3),
      '',
      writeTable(writes.results),
      '',
      `- integrity: ${d.hotIds.length} hot documents hold ${count(writes.versions)} versions, each document's numbered ` +
        `exactly 1..current_version (no gap, no duplicate), current_version = 1 + the adds counted by the writers, ` +
        `one document.add_version audit row per added version, documents.storage_key = the last version's`,
    ].join('\n');
  },
};
