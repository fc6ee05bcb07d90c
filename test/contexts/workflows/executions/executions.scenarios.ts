// Conformance scenarios of executions: one per audit action the execution aggregate declares
// (see test/conformance). `create` and `cancel` through the executions API; the engine's
// transitions by running a step claimed in the setup, as the runner does.
import { sql, type Kysely } from 'kysely';
import type { AuditAction } from '../../../../src/aggregates.js';
import { createWorkflowExecutions, type WorkflowDefinitionInput } from '../../../../src/contexts/workflows/index.js';
import { runClaimedStep } from '../../../../src/contexts/workflows/executions/execution-engine.js';
import type { ClaimedStep } from '../../../../src/contexts/workflows/executions/execution-statements.js';
import { unitOfWork, type UnitOfWork } from '../../../../src/repositories.js';
import type { DB } from '../../../../src/schema/db.js';
import { scenario, type Scenario } from '../../../conformance/scenario.js';
import { unique } from '../../../helpers/fixtures.js';
import { notifyAndEnd, notifyWaitSignal } from '../../../helpers/workflow-definitions.js';
import type { World } from '../../../helpers/world.js';

const executions = createWorkflowExecutions();
const WORKER = 'conformance-runner';
const scope = (uow: UnitOfWork, world: World) => ({ trx: uow.trx, tenant: world.organizationId, context: uow.context });

/** A published workflow of the world with a manual trigger. */
async function aStartableWorkflow(world: World, definition: WorkflowDefinitionInput) {
  const { workflow } = await world.asVerifier.workflows.create({ organizationId: world.organizationId, slug: `flow-${unique()}`, name: 'Conformance', definition });
  await world.asVerifier.workflows.publish(workflow.id, { version: 1, expectedPublishedVersion: null });
  await world.asVerifier.workflows.addTrigger(workflow.id, { kind: 'manual' });
  return workflow;
}

/** An execution of `definition`, started (committed). */
async function aStartedExecution(world: World, db: Kysely<DB>, definition: WorkflowDefinitionInput) {
  const workflow = await aStartableWorkflow(world, definition);
  return unitOfWork(db, { tenant: world.organizationId }, (uow) => executions.start(uow, { workflowId: workflow.id }));
}

/** Claims the execution's open step as the runner would (committed): due now, leased to WORKER. */
async function claimOpenStep(db: Kysely<DB>, executionId: string): Promise<ClaimedStep> {
  const { rows } = await sql<ClaimedStep>`
    UPDATE workflow_execution_steps SET status = 'running', attempts = attempts + 1, leased_by = ${WORKER},
      leased_until = now() + interval '5 minutes', started_at = coalesce(started_at, now()), run_after = least(run_after, now())
    WHERE execution_id = ${executionId} AND status IN ('pending', 'running')
    RETURNING id, organization_id AS "organizationId", execution_id AS "executionId", attempts, timeout_seconds AS "timeoutSeconds"`.execute(db);
  return rows[0]!;
}

/** An execution of `definition` with its first step claimed. */
const aClaimedStep = (definition: (world: World) => WorkflowDefinitionInput) => async (world: World, db: Kysely<DB>) =>
  claimOpenStep(db, (await aStartedExecution(world, db, definition(world))).id);

/** Runs the claimed step in the scenario's unit of work. */
const runStep = (uow: UnitOfWork, world: World, claimed: ClaimedStep) => runClaimedStep(scope(uow, world), {}, claimed, WORKER, 5);

/** The mutations that record each action. */
export const SCENARIOS = {
  'workflow_execution.create': scenario({
    actor: 'verifier',
    setup: (world) => aStartableWorkflow(world, notifyAndEnd(world.applicantId)),
    run: (uow, world, workflow) => executions.start(scope(uow, world), { workflowId: workflow.id }),
  }),
  // Its first step: start (pending → running), then complete.
  'workflow_execution.start': scenario({ actor: 'verifier', setup: aClaimedStep((w) => notifyAndEnd(w.applicantId)), run: runStep }),
  'workflow_execution.complete': scenario({ actor: 'verifier', setup: aClaimedStep((w) => notifyAndEnd(w.applicantId)), run: runStep }),
  'workflow_execution.fail': scenario({ actor: 'verifier', setup: aClaimedStep((w) => notifyAndEnd(w.applicantId, 'failed')), run: runStep }),
  // notify → wait: advance is not it, wait is.
  'workflow_execution.wait': scenario({ actor: 'verifier', setup: aClaimedStep((w) => notifyWaitSignal(w.applicantId)), run: runStep }),
  'workflow_execution.advance': scenario({
    actor: 'verifier',
    setup: aClaimedStep((w) => ({
      format: 1,
      initial: 'twice',
      states: {
        twice: {
          actions: [
            { type: 'notify', users: [w.applicantId], title: 'One', message: '1' },
            { type: 'notify', users: [w.applicantId], title: 'Two', message: '2' },
          ],
          then: { end: 'completed' },
        },
      },
    })),
    run: runStep,
  }),
  // The wait step, due (the setup ran the first step and claimed the wait early).
  'workflow_execution.resume': scenario({
    actor: 'verifier',
    setup: async (world, db) => {
      const first = await aClaimedStep((w) => notifyWaitSignal(w.applicantId))(world, db);
      await unitOfWork(db, { tenant: world.organizationId }, (uow) => runClaimedStep(scope(uow, world), {}, first, WORKER, 5));
      return claimOpenStep(db, first.executionId);
    },
    run: runStep,
  }),
  'workflow_execution.signal': scenario({
    actor: 'verifier',
    setup: aClaimedStep(() => ({ format: 1, initial: 'tell', states: { tell: { actions: [{ type: 'webhook', event: 'told' }], then: { end: 'completed' } } } })),
    run: runStep,
  }),
  'workflow_execution.time_out': scenario({
    actor: 'verifier',
    setup: async (world, db) => {
      const claimed = await aClaimedStep((w) => notifyAndEnd(w.applicantId))(world, db);
      await sql`UPDATE workflow_executions SET deadline_at = created_at + interval '1 millisecond' WHERE id = ${claimed.executionId}`.execute(db);
      return claimed;
    },
    run: runStep,
  }),
  'workflow_execution.cancel': scenario({
    actor: 'verifier',
    setup: (world, db) => aStartedExecution(world, db, notifyAndEnd(world.applicantId)),
    run: (uow, world, execution) => executions.cancel(scope(uow, world), execution.id),
  }),
} satisfies Partial<Record<AuditAction, Scenario>>;
