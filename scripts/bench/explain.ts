// EXPLAIN (ANALYZE, BUFFERS) summaries for the report: which relations and indexes a query
// touched, how many rows each scan produced, buffers and server-side execution time.
import type pg from 'pg';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  'Subplans Removed'?: number;
  Plans?: PlanNode[];
}

/** What one EXPLAIN ANALYZE showed. */
export interface PlanSummary {
  /** Server-side planning time, ms. */
  readonly planningMs: number;
  /** Server-side execution time, ms. */
  readonly executionMs: number;
  /** Shared buffers hit + read by the whole plan. */
  readonly buffers: number;
  /** Scan nodes: relation (index), rows × loops. */
  readonly scans: readonly { relation: string; index: string | null; rows: number }[];
  /** Partitions pruned at executor start-up (run-time pruning), summed over Append nodes. */
  readonly subplansRemoved: number;
  /** The node types from the top, e.g. `Limit > Nested Loop`. */
  readonly shape: string;
}

function walk(node: PlanNode, visit: (node: PlanNode) => void): void {
  visit(node);
  for (const child of node.Plans ?? []) walk(child, visit);
}

/** Runs `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)` of `text` with `values`. */
export async function explain(pool: pg.Pool, text: string, values: readonly unknown[]): Promise<PlanSummary> {
  const { rows } = await pool.query(`explain (analyze, buffers, format json) ${text}`, [...values]);
  const result = (rows[0]['QUERY PLAN'] as { Plan: PlanNode; 'Planning Time': number; 'Execution Time': number }[])[0]!;
  const scans: { relation: string; index: string | null; rows: number }[] = [];
  let subplansRemoved = 0;
  walk(result.Plan, (node) => {
    if (node['Relation Name']) {
      scans.push({
        relation: node['Relation Name'],
        index: node['Index Name'] ?? null,
        rows: (node['Actual Rows'] ?? 0) * (node['Actual Loops'] ?? 1),
      });
    }
    subplansRemoved += node['Subplans Removed'] ?? 0;
  });
  const shape: string[] = [];
  for (let node: PlanNode | undefined = result.Plan; node && shape.length < 3; node = node.Plans?.[0]) {
    shape.push(node['Node Type']);
  }
  return {
    planningMs: result['Planning Time'],
    executionMs: result['Execution Time'],
    buffers: (result.Plan['Shared Hit Blocks'] ?? 0) + (result.Plan['Shared Read Blocks'] ?? 0),
    scans,
    subplansRemoved,
    shape: shape.join(' > '),
  };
}
