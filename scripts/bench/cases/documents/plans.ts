// The documents group's plans, for the report: EXPLAIN (ANALYZE, BUFFERS) of the first
// PLAN_SAMPLES inputs of each read after the timing, grouped by plan; for the name search and
// the common metadata search also with enable_bitmapscan off, to show what the alternative plan
// (the client's rows through a btree, then filtered) would cost.
import assert from 'node:assert/strict';
import pg from 'pg';
import { median } from '../../measure.js';
import { count } from '../../support.js';
import type { ReadKind } from './documents-data.js';
import { NAME_THRESHOLD } from './raw-sql.js';
import { readQuery } from './reads.js';
import type { Sample } from './samples.js';

/** Inputs explained per read. */
export const PLAN_SAMPLES = 20;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

/**
 * The whole plan tree on one line, every scan with its relation or index, e.g.
 * `Limit > Sort > Bitmap Heap Scan documents > Bitmap Index Scan documents_metadata_idx`, with
 * and without the rows each scan produced. (explain.ts names the relation of each scan node;
 * the index of a Bitmap Index Scan, which has no relation, is what this section must show.)
 */
function planTree(node: PlanNode, withRows: boolean): string {
  const target = node['Index Name'] ?? node['Relation Name'];
  let text = target ? `${node['Node Type']} ${target}` : node['Node Type'];
  if (withRows && target) text += ` (${count(Math.round((node['Actual Rows'] ?? 0) * (node['Actual Loops'] ?? 1)))} rows)`;
  const children = (node.Plans ?? []).map((child) => planTree(child, withRows));
  if (children.length === 1) return `${text} > ${children[0]}`;
  return children.length > 1 ? `${text} (${children.join('; ')})` : text;
}

/** EXPLAIN (ANALYZE, BUFFERS) of `text`: the plan tree, buffers and server-side time. */
async function explainTree(pool: pg.Pool, text: string, values: readonly unknown[]) {
  const { rows } = await pool.query(`explain (analyze, buffers, format json) ${text}`, [...values]);
  const result = (rows[0]['QUERY PLAN'] as { Plan: PlanNode; 'Execution Time': number }[])[0]!;
  return {
    shape: planTree(result.Plan, false),
    detail: planTree(result.Plan, true),
    buffers: (result.Plan['Shared Hit Blocks'] ?? 0) + (result.Plan['Shared Read Blocks'] ?? 0),
    executionMs: result['Execution Time'],
  };
}

/** EXPLAIN ANALYZE of the first PLAN_SAMPLES inputs of each read, grouped by plan shape. */
export async function explainReads(
  url: string,
  organizationId: string,
  samples: readonly Sample[],
  reads: readonly { kind: ReadKind; label: string }[],
): Promise<string[][]> {
  // The name search's `%` reads pg_trgm.similarity_threshold: the repository sets it per
  // transaction; here every connection starts with it.
  const pool = new pg.Pool({
    connectionString: url,
    max: 1,
    options: `-c TimeZone=UTC -c pg_trgm.similarity_threshold=${NAME_THRESHOLD}`,
  });
  pool.on('error', () => undefined);
  const rows: string[][] = [];
  try {
    await pool.query(`SELECT similarity('a', 'b')`); // loads pg_trgm, which adopts the setting
    const threshold = (await pool.query(`SELECT current_setting('pg_trgm.similarity_threshold') AS t`)).rows[0].t;
    assert.equal(Number(threshold), Number(NAME_THRESHOLD), 'EXPLAIN connection: pg_trgm.similarity_threshold');
    const runs = [
      ...reads.map((read) => ({ ...read, bitmapScans: true })),
      // What the planner would do without bitmap scans: the client's rows through a btree,
      // filtered. Not what the repository runs; shown to judge the chosen plans.
      ...reads.filter((read) => read.kind === 'name' || read.kind === 'common').map((read) => ({ ...read, bitmapScans: false })),
    ];
    for (const { kind, label, bitmapScans } of runs) {
      const inputs = kind === 'clientsRare' ? samples.slice(0, 1) : samples.slice(0, PLAN_SAMPLES);
      const groups = new Map<string, { example: string; ms: number[]; buffers: number[] }>();
      if (!bitmapScans) await pool.query('SET enable_bitmapscan = off');
      for (const s of inputs) {
        const plan = await explainTree(pool, ...readQuery(kind, organizationId, s));
        const group = groups.get(plan.shape) ?? { example: plan.detail, ms: [], buffers: [] };
        group.ms.push(plan.executionMs);
        group.buffers.push(plan.buffers);
        groups.set(plan.shape, group);
      }
      if (!bitmapScans) await pool.query('RESET enable_bitmapscan');
      for (const group of groups.values()) {
        rows.push([
          label.replace(/ \(.*\)$/, '') + (bitmapScans ? '' : ' — enable_bitmapscan off, for comparison'),
          `${group.ms.length}/${inputs.length}`,
          group.example,
          count(median(group.buffers)),
          median(group.ms).toFixed(2),
        ]);
      }
    }
  } finally {
    await pool.end();
  }
  return rows;
}

