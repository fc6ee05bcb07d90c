// Starting an execution by hand (issue 14): `executions.start(uow, { workflowId })` in a tenant
// unit of work (the manual trigger and the published version read, the execution inserted, its
// audit row with the `workflow_execution.started` event and outbox message, its first step
// queued), against the same writes with raw pg in one transaction: begin with the tenant, the
// same SELECT, INSERTs and audit statement as the package sends them, commit. The check compares
// the statements (texts, parameters, names) and the rows both sides left: the execution, its
// step, its audit row and its event.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { WorkflowExecution } from '../../../../src/contexts/workflows/index.js';
import { unitOfWork } from '../../../../src/repositories.js';
import { defineCase, type Side } from '../../case.js';
import { rawTransaction } from '../../support.js';
import { beginWithTenant, DEFAULT_STEP_TIMEOUT_SECONDS, executionAuditParameters, snapshotOf, WORKFLOW_SQL, type ExecutionSnapshot } from './raw-sql.js';
import { seedWorkflows, type WorkflowsWorld } from './world.js';

/** The package: executions.start in a tenant unit of work, as the organization's user. */
const repo: Side<WorkflowsWorld> = (w, on) => {
  const org = w.organizations[0]!;
  return () => unitOfWork(on.db, { tenant: org.id, context: { actorUserId: org.userId } }, (uow) => w.executions.start(uow, { workflowId: org.workflowId }));
};

interface StoredDefinition {
  readonly initial: string;
  readonly timeoutSeconds?: number;
  readonly states: Record<string, { readonly actions?: readonly { readonly type: string; readonly timeoutSeconds?: number }[] }>;
}

/** Raw pg: the same statements in one transaction (the definition's first state must have an action). */
const raw: Side<WorkflowsWorld> = (w, on) => {
  const org = w.organizations[0]!;
  return () =>
    rawTransaction(
      on.pool,
      async (client: pg.PoolClient) => {
        const { rows: triggers } = await client.query(WORKFLOW_SQL.manualTrigger, [org.workflowId]);
        const trigger = triggers[0];
        if (!trigger) throw new Error('workflows start (raw): no active manual trigger');
        const definition = trigger.definition as StoredDefinition;
        const action = definition.states[definition.initial]?.actions?.[0];
        if (!action) throw new Error('workflows start (raw): the initial state has no action');
        const { rows } = await client.query(WORKFLOW_SQL.insertExecution, [
          org.id,
          org.workflowId,
          trigger.versionId,
          trigger.triggerId,
          randomUUID(),
          null,
          definition.initial,
          '{}',
          definition.timeoutSeconds ?? null,
          org.userId,
        ]);
        const execution = rows[0] as WorkflowExecution;
        await client.query(
          WORKFLOW_SQL.insertAuditAndEvent,
          executionAuditParameters(org.id, { actorUserId: org.userId }, 'create', null, snapshotOf(execution as ExecutionSnapshot), 'started'),
        );
        await client.query(WORKFLOW_SQL.insertStep, [
          org.id,
          execution.id,
          1,
          definition.initial,
          0,
          action.type,
          0,
          null,
          execution.deadlineAt,
          action.timeoutSeconds ?? DEFAULT_STEP_TIMEOUT_SECONDS,
        ]);
        return execution;
      },
      beginWithTenant(org.id),
    );
};

/** An execution without what differs between two starts (its id, key and times). */
const comparable = (e: WorkflowExecution) => {
  const { id, triggerKey, createdAt, updatedAt, ...rest } = e;
  return rest;
};

/** What starting `id` left, its id written as `<execution>` wherever it occurs. */
async function leftBy(pool: pg.Pool, id: string): Promise<unknown> {
  const { rows } = await pool.query(
    `SELECT
       (SELECT to_jsonb(x) FROM (SELECT status, version, current_state, input, context, output, error, started_at, finished_at,
          deadline_at, started_by, trigger_id, workflow_version_id, submission_id, trigger_key IS NOT NULL AS keyed
          FROM workflow_executions WHERE id = $1) x) AS execution,
       (SELECT jsonb_agg(to_jsonb(x) ORDER BY x.number) FROM (SELECT number, state, action_index, action_type, status, attempts, leased_by,
          timeout_seconds, started_at, finished_at, output, error, run_after <= now() AS due
          FROM workflow_execution_steps WHERE execution_id = $1) x) AS steps,
       (SELECT jsonb_agg(to_jsonb(x)) FROM (SELECT organization_id, actor_user_id, action, entity_type, before, after, request_id
          FROM audit_logs WHERE entity_type = 'workflow_execution' AND entity_id = $1) x) AS audits,
       (SELECT jsonb_agg(to_jsonb(x)) FROM (SELECT e.organization_id, e.event_type_code, e.payload_version, e.aggregate_type,
          e.aggregate_version, e.payload, e.actor_user_id, e.correlation_id, e.causation_id,
          (SELECT count(*)::int FROM outbox_messages o WHERE o.event_id = e.id) AS outbox
          FROM domain_events e WHERE e.aggregate_type = 'workflow_execution' AND e.aggregate_id = $1) x) AS events`,
    [id],
  );
  return JSON.parse(JSON.stringify(rows[0]).replaceAll(id, '<execution>'));
}

/** executions.start against the same writes with raw pg. */
export const startExecution = defineCase<WorkflowsWorld>({
  name: 'executions.start (one tenant unit of work) against the same statements with raw pg',
  seed: seedWorkflows,
  repo,
  raw,
  sameSql: async (w, check) => {
    const { repo: made, raw: byHand } = await check.same(0, {
      mask: (result) => [(result as WorkflowExecution).id, (result as WorkflowExecution).triggerKey],
      results: (r, h) => assert.deepEqual(comparable(h as WorkflowExecution), comparable(r as WorkflowExecution), 'workflows start: the raw side returned (+) another execution than the package (-)'),
    });
    const [left, leftByHand] = [await leftBy(check.on.pool, (made as WorkflowExecution).id), await leftBy(check.on.pool, (byHand as WorkflowExecution).id)];
    assert.deepEqual(leftByHand, left, 'workflows start: the raw side left (+) other rows than the package (-)');
    const org = w.organizations[0]!;
    assert.deepEqual(
      {
        ...(left as { execution: object }).execution,
        steps: (left as { steps: { number: number; status: string; attempts: number; due: boolean }[] }).steps.map((s) => [s.number, s.status, s.attempts, s.due]),
        audits: (left as { audits: { action: string; actor_user_id: string }[] }).audits.map((a) => [a.action, a.actor_user_id]),
        events: (left as { events: { event_type_code: string; outbox: number }[] }).events.map((e) => [e.event_type_code, e.outbox]),
      },
      {
        status: 'pending',
        version: 1,
        current_state: 'notify',
        input: {},
        context: {},
        output: null,
        error: null,
        started_at: null,
        finished_at: null,
        deadline_at: null,
        started_by: org.userId,
        trigger_id: (made as WorkflowExecution).triggerId,
        workflow_version_id: (made as WorkflowExecution).workflowVersionId,
        submission_id: null,
        keyed: true,
        steps: [[1, 'pending', 0, true]],
        audits: [['workflow_execution.create', org.userId]],
        events: [['workflow_execution.started', 1]],
      },
      'workflows start: a pending execution, its due first step, one audit row, one event with its outbox message',
    );
  },
  iterations: 500,
  warmup: 50,
});
