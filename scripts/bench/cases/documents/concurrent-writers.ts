// addVersion under concurrent writers (the documents group's special case: throughput of
// concurrent writers is not a one-call latency, so it replaces the interleaved loop). Writers,
// each on connections of its own, add versions to hot documents: 8 writers on 4 documents, 8
// writers on 1 document, and 1 writer alone (no contention: the baseline of the repository's
// own cost). Per workload, repository and raw rounds alternate (which goes first rotates) after
// one warm-up round per side of a fifth the size. Throughput = versions added / wall time of the
// rounds; latency per successful add runs from the first read to the successful COMMIT
// (retries included). All writers run in this one Node process, so the repository's
// JavaScript (Kysely compilation, zod parsing, audit snapshots) shares its event loop and the
// 2 cores with PostgreSQL. Afterwards every hot document's versions must be exactly
// 1..current_version, current_version 1 + the adds counted, one document.add_version audit row
// per added version, and documents.storage_key the last version's.
import assert from 'node:assert/strict';
import type pg from 'pg';
import { seededRandom } from '../../../../src/core/kernel/random.js';
import type { Latencies } from '../../measure.js';
import type { Connections } from '../../support.js';
import type { DocumentsData } from './documents-data.js';
import { adder } from './versions.js';

const WRITERS = 8;
/** The 8 writers on a small hot set and on one document, and one writer alone. */
export const WORKLOADS = [
  { writers: WRITERS, hot: 4, addsPerWriter: 50 },
  { writers: WRITERS, hot: 1, addsPerWriter: 50 },
  { writers: 1, hot: 1, addsPerWriter: 200 },
] as const;
/** Measured rounds per side and workload. */
export const ROUNDS = 6;
const WARMUP_ROUND_FRACTION = 0.2;

type Side = 'repo' | 'raw';

/** One workload's totals for one side. */
export interface WriteRow {
  readonly workload: string;
  readonly side: Side;
  readonly seconds: number;
  readonly successes: number;
  readonly conflicts: number;
  readonly latencies: Latencies;
}

/** The report's label of a workload. */
export function workloadName(workload: (typeof WORKLOADS)[number]): string {
  const writers = workload.writers === 1 ? '1 writer (no contention)' : `${workload.writers} writers`;
  return `${writers}, ${workload.hot} hot document${workload.hot === 1 ? '' : 's'}`;
}

/** Fails unless every hot document's versions are 1..current_version with one audit row per add; returns the versions. */
export async function verifyVersions(pool: pg.Pool, added: ReadonlyMap<string, number>): Promise<number> {
  const ids = [...added.keys()];
  const { rows } = await pool.query(
    `SELECT d.id, d.current_version,
       (SELECT count(*)::int FROM document_versions v WHERE v.document_id = d.id) AS versions,
       (SELECT count(DISTINCT v.version_number)::int FROM document_versions v WHERE v.document_id = d.id) AS distinct_numbers,
       (SELECT min(v.version_number) FROM document_versions v WHERE v.document_id = d.id) AS first,
       (SELECT max(v.version_number) FROM document_versions v WHERE v.document_id = d.id) AS last,
       (SELECT count(*)::int FROM audit_logs a WHERE a.entity_type = 'document_version' AND a.entity_id = d.id
          AND a.action = 'document.add_version') AS audits,
       (SELECT v.storage_key FROM document_versions v WHERE v.document_id = d.id ORDER BY v.version_number DESC LIMIT 1)
         = d.storage_key AS head_key
     FROM documents d WHERE d.id = ANY ($1::uuid[])`,
    [ids],
  );
  assert.equal(rows.length, ids.length, 'every hot document exists');
  let versions = 0;
  for (const row of rows) {
    const adds = added.get(row.id as string)!;
    const what = `document ${row.id}`;
    assert.equal(row.current_version, 1 + adds, `${what}: current_version = 1 + ${adds} adds`);
    assert.equal(row.versions, row.current_version, `${what}: one version per number`);
    assert.equal(row.distinct_numbers, row.versions, `${what}: no duplicate version numbers`);
    assert.equal(row.first, 1, `${what}: versions start at 1`);
    assert.equal(row.last, row.current_version, `${what}: versions end at current_version`);
    assert.equal(row.audits, adds, `${what}: one audit row per added version`);
    assert.equal(row.head_key, true, `${what}: storage_key is the last version's`);
    versions += row.versions as number;
  }
  return versions;
}

/** One round: every writer adds `adds` versions to random hot documents, all at once. */
async function round(side: Side, writers: readonly Connections[], d: DocumentsData, hot: readonly string[], adds: number, seed: number) {
  const start = process.hrtime.bigint();
  const results = await Promise.all(
    writers.map(async (on, w) => {
      const add = adder(side, on, d.actorId);
      const next = seededRandom(seed * 100 + w);
      let conflicts = 0;
      const latencies: number[] = [];
      for (let n = 0; n < adds; n += 1) {
        const id = hot[Math.floor(next() * hot.length)]!;
        const begun = process.hrtime.bigint();
        conflicts += (await add(id)).conflicts;
        latencies.push(Number(process.hrtime.bigint() - begun));
        d.added.set(id, (d.added.get(id) ?? 0) + 1);
      }
      return { conflicts, latencies };
    }),
  );
  return {
    seconds: Number(process.hrtime.bigint() - start) / 1e9,
    successes: adds * writers.length,
    conflicts: results.reduce((n, r) => n + r.conflicts, 0),
    latencies: results.flatMap((r) => r.latencies),
  };
}

/** Runs every workload; returns the rows of the write table and the hot documents' versions. */
export async function measureWrites(d: DocumentsData, open: () => Connections): Promise<{ results: WriteRow[]; versions: number }> {
  const connections = Array.from({ length: WRITERS }, open);
  const results: WriteRow[] = [];
  try {
    for (const [w, workload] of WORKLOADS.entries()) {
      const hot = d.hotIds.slice(0, workload.hot);
      const writers = connections.slice(0, workload.writers);
      const label = `addVersion: ${workloadName(workload)}`;
      const seed = (r: number, side: Side) => w * 1000 + r * 10 + (side === 'repo' ? 0 : 1);
      const warmup = Math.max(1, Math.round(workload.addsPerWriter * WARMUP_ROUND_FRACTION));
      for (const side of ['repo', 'raw'] as const) await round(side, writers, d, hot, warmup, seed(99, side));
      const totals: Record<Side, { seconds: number; successes: number; conflicts: number; latencies: number[] }> = {
        repo: { seconds: 0, successes: 0, conflicts: 0, latencies: [] },
        raw: { seconds: 0, successes: 0, conflicts: 0, latencies: [] },
      };
      for (let r = 0; r < ROUNDS; r += 1) {
        const order: Side[] = r % 2 === 0 ? ['repo', 'raw'] : ['raw', 'repo'];
        for (const side of order) {
          const result = await round(side, writers, d, hot, workload.addsPerWriter, seed(r, side));
          const total = totals[side];
          total.seconds += result.seconds;
          total.successes += result.successes;
          total.conflicts += result.conflicts;
          total.latencies.push(...result.latencies);
          process.stderr.write(`\r${label}: round ${r + 1}/${ROUNDS} ${side} ${(result.successes / result.seconds).toFixed(0)}/s   `);
        }
      }
      process.stderr.write('\n');
      for (const side of ['repo', 'raw'] as const) {
        const t = totals[side];
        results.push({ workload: workloadName(workload), side, ...t, latencies: Float64Array.from(t.latencies) });
      }
    }
  } finally {
    await Promise.all(connections.map((c) => c.close()));
  }
  const check = open();
  try {
    return { results, versions: await verifyVersions(check.pool, d.added) };
  } finally {
    await check.close();
  }
}
