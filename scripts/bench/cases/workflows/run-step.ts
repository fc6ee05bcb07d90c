// One step through the runner (issue 14): `runner.runOnce()` with batches of one (the schedule
// poll, the claim of the next due step with its lease, the step's transaction: the action and
// the execution's advance) against the raw runner doing the same with raw pg (raw-runner.ts).
// Each call runs whichever step is due first, so both sides run the same mix: the executions'
// first steps (which also start them), then their second, then their third (which complete
// them). Connected as the benchmark's owner like every latency case (row-level security
// bypassed); the drains (drains.ts) connect as a worker login role.
//
// The check, on two fresh executions of one organization: the package runs the first one's
// step k and the raw runner the second one's, for k = 1, 2, 3, and they must send the same
// statements (the executions', steps' and workers' ids masked); both executions then completed
// alike. Then the drains at a tiny size, the package's and the raw runner's, each with 1 and 4
// runners (every execution completed, every step at its first attempt). Last, in a timing run, it
// starts the executions the timed calls consume (after the drains, which would run them).
import assert from 'node:assert/strict';
import type pg from 'pg';
import { createWorkflowRunner, type WorkflowRound } from '../../../../src/contexts/workflows/index.js';
import { defineCase, type Side } from '../../case.js';
import { step } from '../../support.js';
import { drain } from './drains.js';
import { rawRunOnce, type RawRound } from './raw-runner.js';
import { cancelOpenExecutions, completedOutcome, outcomeOf, seedWorkflows, startExecutions, type WorkflowsWorld } from './world.js';

/** The section's data and what the check learned. */
interface State extends WorkflowsWorld {
  /** Calls per side the timing loop makes (0 in --verify). */
  readonly calls: number;
  /** Statements one step sends through runOnce with batches of one, for steps 1, 2, 3 (set by the check). */
  readonly statements: number[];
}

/** Executions per drain in the check. */
const CHECK_EXECUTIONS = 8;
/** Timed sides: repo, raw and raw prepared. */
const SIDES = 3;

const REPO_WORKER = 'bench-runner-repo';
const RAW_WORKER = 'bench-runner-raw';

/** The package: one round of a runner with batches of one; it must have run a step. */
const repo: Side<State> = (_s, on) => {
  const runner = createWorkflowRunner(on.db, { batchSize: 1, concurrency: 1, workerId: REPO_WORKER });
  return async () => {
    const round = await runner.runOnce();
    if (round.ran !== 1) throw new Error(`workflows runOnce: ran ${round.ran} steps (the due steps ran out?)`);
    return round;
  };
};

/** Raw pg: one round of the raw runner with batches of one. */
const raw: Side<State> = (_s, on) => async () => {
  const round = await rawRunOnce(on.pool, RAW_WORKER, { limit: 1, lanes: 1 });
  if (round.ran !== 1) throw new Error(`workflows raw runOnce: ran ${round.ran} steps (the due steps ran out?)`);
  return round;
};

/** The due steps, in the order the claim takes them. */
async function dueSteps(s: State, pool: pg.Pool): Promise<{ id: string; executionId: string; number: number }[]> {
  const { rows } = await pool.query(
    `SELECT id, execution_id AS "executionId", number FROM workflow_execution_steps
     WHERE status = 'pending' AND run_after <= now() AND organization_id = ANY ($1::uuid[]) ORDER BY run_after, id`,
    [s.organizationIds],
  );
  return rows;
}

/** One step through the runner against the raw runner. */
export const runStep = defineCase<State>({
  name: 'runner.runOnce, batches of one (one step run and advanced) against the raw runner',
  seed: async (ctx) => ({ ...(await seedWorkflows(ctx)), calls: ctx.calls, statements: [] }),
  repo,
  raw,
  sameSql: async (s, check) => {
    // What the start-latency case left (executions whose first step nobody ran) is not this case's.
    await cancelOpenExecutions(check.on.pool, s);
    const org = s.organizations[0]!;
    const [first, second] = await startExecutions(check.on.db, s, 2, { callers: 1, organizations: [org] });
    s.statements.length = 0;
    for (let k = 1; k <= 3; k += 1) {
      const due = await dueSteps(s, check.on.pool);
      assert.deepEqual(
        due.map((d) => [d.executionId, d.number]),
        [
          [first, k],
          [second, k],
        ],
        `workflows runOnce: step ${k} of the first execution is due first, then the second's`,
      );
      const masks = { repo: [first, due[0]!.id, REPO_WORKER], raw: [second, due[1]!.id, RAW_WORKER] };
      const { raw: round } = await check.compare(repo, raw, 0, `workflows runOnce, step ${k} of 3`, {
        mask: (result) => ('steps' in (result as object) ? masks.raw : masks.repo),
        results: (r, h) => {
          const { steps, statements, ...counts } = h as RawRound;
          assert.deepEqual(counts, r as WorkflowRound, `workflows runOnce, step ${k}: the rounds' counts`);
          assert.deepEqual(steps, [{ stepId: due[1]!.id, executionId: second }], `workflows runOnce, step ${k}: the raw runner ran the second execution's step`);
        },
      });
      s.statements.push((round as RawRound).statements);
    }
    assert.deepEqual(await outcomeOf(check.on.pool, [first!, second!]), completedOutcome(2), 'workflows runOnce: both executions completed alike');
    // The drains, tiny: every execution completed once, each step at its first attempt.
    for (const kind of ['runner', 'raw'] as const) {
      for (const workers of [1, 4]) await drain(check.on.db, check.on.pool, s, kind, workers, CHECK_EXECUTIONS);
    }
    if (s.calls > 0) {
      // Each execution gives three steps; every side calls `calls` times; a margin for the check's calls.
      const count = Math.ceil((SIDES * s.calls) / 3) + 10;
      await step(`workflows: ${count} executions for the timed steps`, () => startExecutions(check.on.db, s, count));
    }
  },
  iterations: 500,
  warmup: 50,
});
