// The workflows section's data: ORGANIZATIONS organizations of its own, each with one user and
// one published workflow with an active manual trigger, whose definition notifies that user three
// times and ends completed (so every execution is three `notify` steps); and a login role granted
// org_data_worker for the drains (the embedded cluster is discarded with the run). Executions are
// started through the package (`executions.start`) where a case needs them.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import { createWorkflowExecutions, type WorkflowDefinitionInput, type WorkflowExecutions } from '../../../../src/contexts/workflows/index.js';
import { unitOfWork } from '../../../../src/repositories.js';
import type { DB } from '../../../../src/schema/db.js';
import type { SeedContext } from '../../case.js';

/** Organizations the section's executions are spread over. */
const ORGANIZATIONS = 4;

/** One organization of the section: its acting user and its workflow. */
export interface WorkflowOrganization {
  readonly id: string;
  readonly userId: string;
  readonly workflowId: string;
}

/** What the workflows cases share. */
export interface WorkflowsWorld {
  readonly organizations: readonly WorkflowOrganization[];
  /** The organizations' ids (the section's statements are scoped to them). */
  readonly organizationIds: readonly string[];
  readonly executions: WorkflowExecutions;
  /** The benchmark database as a login role granted org_data_worker (the drains' runners). */
  readonly workerUrl: string;
}

/** Three notifications of `userId`, then the end `completed`: three steps per execution. */
const notifyThrice = (userId: string): WorkflowDefinitionInput => ({
  format: 1,
  initial: 'notify',
  states: {
    notify: {
      actions: [1, 2, 3].map((k) => ({ type: 'notify' as const, users: [userId], title: `Step ${k} of 3`, message: 'A benchmark workflow ran a step.' })),
      then: { end: 'completed' },
    },
  },
});

/** Seeds the section's organizations, workflows and worker role once per run. */
export function seedWorkflows(ctx: SeedContext): Promise<WorkflowsWorld> {
  return ctx.shared('workflows', async () => {
    const { db, pool } = ctx.setup;
    const organizations: WorkflowOrganization[] = [];
    for (let k = 1; k <= ORGANIZATIONS; k += 1) {
      const id = (await pool.query(`INSERT INTO organizations (slug, name) VALUES ($1, $2) RETURNING id`, [`bench-workflows-${k}`, `Workflows ${k}`]))
        .rows[0].id as string;
      const userId = (
        await pool.query(`INSERT INTO users (organization_id, auth_subject, email) VALUES ($1, $2, $3) RETURNING id`, [
          id,
          `workflows|${k}`,
          `workflows${k}@workflows.example.com`,
        ])
      ).rows[0].id as string;
      const workflowId = await unitOfWork(db, { tenant: id, context: { actorUserId: userId } }, async (uow) => {
        const { workflow } = await uow.workflows.create({ organizationId: id, slug: 'notify-thrice', name: 'Notify thrice', definition: notifyThrice(userId) });
        await uow.workflows.publish(workflow.id, { version: 1, expectedPublishedVersion: null });
        await uow.workflows.addTrigger(workflow.id, { kind: 'manual' });
        return workflow.id;
      });
      organizations.push({ id, userId, workflowId });
    }
    const role = `bench_workflows_${randomBytes(4).toString('hex')}`;
    const password = randomBytes(12).toString('hex');
    await pool.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}' IN ROLE org_data_worker`);
    const workerUrl = new URL(ctx.url);
    workerUrl.username = role;
    workerUrl.password = password;
    return {
      organizations,
      organizationIds: organizations.map((o) => o.id),
      executions: createWorkflowExecutions(),
      workerUrl: workerUrl.toString(),
    };
  });
}

/**
 * Starts `count` executions through the package (`executions.start` in a tenant unit of work,
 * as the organization's user), spread round-robin over `organizations`, `callers` at a time;
 * their ids in start order (with one caller, the order their first steps are due in).
 */
export async function startExecutions(
  db: Kysely<DB>,
  w: WorkflowsWorld,
  count: number,
  { callers = 8, organizations = w.organizations }: { callers?: number; organizations?: readonly WorkflowOrganization[] } = {},
): Promise<string[]> {
  const ids: string[] = new Array<string>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(callers, count) }, async () => {
      for (let i = next++; i < count; i = next++) {
        const org = organizations[i % organizations.length]!;
        const execution = await unitOfWork(db, { tenant: org.id, context: { actorUserId: org.userId } }, (uow) =>
          w.executions.start(uow, { workflowId: org.workflowId }),
        );
        ids[i] = execution.id;
      }
    }),
  );
  return ids;
}

/** Steps of the section's organizations still to run (pending or running). */
export async function openSteps(pool: pg.Pool, w: WorkflowsWorld): Promise<number> {
  const { rows } = await pool.query(
    `SELECT count(*)::int AS n FROM workflow_execution_steps WHERE status IN ('pending', 'running') AND organization_id = ANY ($1::uuid[])`,
    [w.organizationIds],
  );
  return rows[0].n as number;
}

/**
 * Cancels every unfinished execution of the section and its open step (as the setup role, in
 * one statement): what the start-latency case leaves (executions whose first step nobody runs)
 * must not be claimed by the runners measured after it. The number of executions cancelled.
 */
export async function cancelOpenExecutions(pool: pg.Pool, w: WorkflowsWorld): Promise<number> {
  const { rows } = await pool.query(
    `WITH steps AS (
       UPDATE workflow_execution_steps SET status = 'cancelled', finished_at = now(), leased_by = NULL, leased_until = NULL
       WHERE organization_id = ANY ($1::uuid[]) AND status IN ('pending', 'running')
     ), executions AS (
       UPDATE workflow_executions SET status = 'cancelled', version = version + 1, finished_at = now()
       WHERE organization_id = ANY ($1::uuid[]) AND status IN ('pending', 'running', 'waiting')
       RETURNING 1
     )
     SELECT count(*)::int AS n FROM executions`,
    [w.organizationIds],
  );
  assert.equal(await openSteps(pool, w), 0, 'workflows: no open step left after cancelling');
  return rows[0].n as number;
}

/** How a set of executions ended: counts over them, their steps, audit rows and events. */
export interface Outcome {
  readonly executions: number;
  readonly completed: number;
  readonly steps: number;
  /** Steps completed at their first attempt. */
  readonly stepsOnce: number;
  readonly audits: number;
  readonly events: number;
}

/** The {@link Outcome} of the executions `ids`. */
export async function outcomeOf(pool: pg.Pool, ids: readonly string[]): Promise<Outcome> {
  const { rows } = await pool.query(
    `SELECT
       (SELECT count(*)::int FROM workflow_executions WHERE id = ANY ($1::uuid[])) AS executions,
       (SELECT count(*)::int FROM workflow_executions WHERE id = ANY ($1::uuid[]) AND status = 'completed') AS completed,
       (SELECT count(*)::int FROM workflow_execution_steps WHERE execution_id = ANY ($1::uuid[])) AS steps,
       (SELECT count(*)::int FROM workflow_execution_steps WHERE execution_id = ANY ($1::uuid[]) AND status = 'completed' AND attempts = 1) AS "stepsOnce",
       (SELECT count(*)::int FROM audit_logs WHERE entity_type = 'workflow_execution' AND entity_id = ANY ($1::uuid[])) AS audits,
       (SELECT count(*)::int FROM domain_events WHERE aggregate_type = 'workflow_execution' AND aggregate_id = ANY ($1::uuid[])) AS events`,
    [ids],
  );
  return rows[0] as Outcome;
}

/**
 * What a run of an execution of {@link notifyThrice} leaves, per execution: completed, three
 * steps each completed at the first attempt, five audit rows (create, start, advance, advance,
 * complete) and four events (started, advanced, advanced, completed).
 */
export function completedOutcome(executions: number): Outcome {
  return { executions, completed: executions, steps: 3 * executions, stepsOnce: 3 * executions, audits: 5 * executions, events: 4 * executions };
}
