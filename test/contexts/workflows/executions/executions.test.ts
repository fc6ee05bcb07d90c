// Executions on real PostgreSQL: the state machine's matrix from its declaration, cancelling,
// waits, step and execution timeouts, failing actions, schedules and event triggers, manual
// starts, tenant isolation, and bad input.
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../../../src/core/database/create-database.js';
import { NotFoundError } from '../../../../src/core/errors/not-found-error.js';
import { TransitionConflictError } from '../../../../src/core/errors/transition-conflict-error.js';
import { ValidationError } from '../../../../src/core/errors/validation-error.js';
import { VersionConflictError } from '../../../../src/core/errors/version-conflict-error.js';
import { createWorker } from '../../../../src/core/events/worker.js';
import { localKeyProvider } from '../../../../src/core/encryption/local-key-provider.js';
import { createKeyring } from '../../../../src/contexts/integrations/index.js';
import { createSubmissions } from '../../../../src/contexts/forms/index.js';
import {
  createWorkflowExecutions,
  createWorkflowRunner,
  EXECUTION_EVENTS,
  EXECUTION_STATES,
  EXECUTION_TRANSITIONS,
  STEP_STATES,
  type ExecutionStatus,
  type WorkflowDefinitionInput,
  type WorkflowExecution,
  type WorkflowRunner,
} from '../../../../src/contexts/workflows/index.js';
import { moveTo } from '../../../../src/contexts/workflows/executions/execution-engine.js';
import { createRepositories, unitOfWork, type UnitOfWork } from '../../../../src/repositories.js';
import type { DB } from '../../../../src/schema/db.js';
import { aUser, anOrganization, unique } from '../../../helpers/fixtures.js';
import { useTestDatabase } from '../../../helpers/database.js';
import { expenseClaim } from '../../../helpers/form-definitions.js';
import { notifyAndEnd, notifyWaitSignal } from '../../../helpers/workflow-definitions.js';

/** What a call threw (or undefined). */
async function caught(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('workflow executions', () => {
  const testDb = useTestDatabase({ seed: true });
  const loginRole = `org_data_test_exec_${randomBytes(4).toString('hex')}`;
  const keyring = createKeyring({ provider: localKeyProvider({ masterKeys: { k1: randomBytes(32).toString('base64') }, current: 'k1' }) });
  const submissions = createSubmissions({ keyring });
  const executions = createWorkflowExecutions({ submissions, eventTypes: ['user.registered'] });
  let owner: Kysely<DB>;
  let app: Kysely<DB>;
  let workerDb: Kysely<DB>;
  let runner: WorkflowRunner;

  beforeAll(async () => {
    owner = testDb.current.db;
    app = testDb.current.app;
    const password = randomBytes(12).toString('hex');
    await sql.raw(`CREATE ROLE ${loginRole} LOGIN PASSWORD '${password}' IN ROLE org_data_worker`).execute(owner);
    const url = new URL(testDb.current.connectionString);
    url.username = loginRole;
    url.password = password;
    workerDb = createDatabase({ connectionString: url.toString(), applicationName: 'org-data-test-exec', max: 4 });
    runner = createWorkflowRunner(workerDb, { submissions, graceMs: 300 });
  });

  afterAll(async () => {
    await workerDb?.destroy().catch(() => undefined);
    await sql.raw(`DROP OWNED BY ${loginRole}`).execute(owner).catch(() => undefined);
    await sql.raw(`DROP ROLE IF EXISTS ${loginRole}`).execute(owner).catch(() => undefined);
  });

  /** An organization with an acting user and a published expense form. */
  const anOrg = async () => {
    const system = createRepositories(owner);
    const org = await anOrganization(system, `ex-${unique()}`);
    const { user } = await aUser(system, org.id);
    const as = <T>(fn: (uow: UnitOfWork) => Promise<T>) => unitOfWork(app, { tenant: org.id, context: { actorUserId: user.id, requestId: 'executions' } }, fn);
    const { form } = await as((uow) => uow.forms.create({ organizationId: org.id, slug: `claims-${unique()}`, name: 'Claims', definition: expenseClaim() }));
    await as((uow) => uow.forms.publish(form.id, { version: 1, expectedPublishedVersion: null }));
    return { id: org.id, userId: user.id, formId: form.id, as };
  };
  type Org = Awaited<ReturnType<typeof anOrg>>;

  /** A published workflow of `org` with a manual trigger. */
  const aWorkflow = async (org: Org, definition: WorkflowDefinitionInput) => {
    const { workflow } = await org.as((uow) => uow.workflows.create({ organizationId: org.id, slug: `flow-${unique()}`, name: 'Flow', definition }));
    await org.as((uow) => uow.workflows.publish(workflow.id, { version: 1, expectedPublishedVersion: null }));
    await org.as((uow) => uow.workflows.addTrigger(workflow.id, { kind: 'manual' }));
    return workflow.id;
  };
  const start = (org: Org, workflowId: string, extra: { submissionId?: string; key?: string; input?: Record<string, unknown> } = {}) =>
    org.as((uow) => executions.start(uow, { workflowId, ...extra }));
  const get = async (org: Org, id: string) => (await org.as((uow) => executions.get(uow, id)))!;
  const steps = (org: Org, id: string) => org.as((uow) => executions.steps(uow, id));
  /** Runs rounds until one runs nothing. */
  const drain = async () => {
    for (let i = 0; i < 50; i += 1) {
      const round = await runner.runOnce();
      if (round.ran + round.failed + round.timedOut + round.scheduled === 0) break;
    }
  };
  const aSubmitted = async (org: Org) => {
    const draft = await org.as((uow) => submissions.create(uow, { formId: org.formId, values: { amount: 10, category: 'travel', iban: 'DE89370400440532013000' } }));
    return org.as((uow) => submissions.submit(uow, draft.id, { expectedVersion: draft.version }));
  };

  it('the status CHECK constraints list exactly the declared execution and step states', async () => {
    const checks = await sql<{ name: string; definition: string }>`
      SELECT conname AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint
      WHERE conname IN ('workflow_executions_status_values', 'workflow_execution_steps_status_values') ORDER BY conname`.execute(owner);
    const states = (definition: string) => [...definition.matchAll(/'([a-z_]+)'::text/g)].map((m) => m[1]).sort();
    expect(states(checks.rows.find((r) => r.name === 'workflow_execution_steps_status_values')!.definition)).toEqual([...STEP_STATES].sort());
    expect(states(checks.rows.find((r) => r.name === 'workflow_executions_status_values')!.definition)).toEqual([...EXECUTION_STATES].sort());
  });

  it('the full matrix from the declaration: every event in every state succeeds exactly when declared; otherwise TransitionConflictError and nothing written; a stale version is VersionConflictError', async () => {
    const org = await anOrg();
    const workflowId = await aWorkflow(org, notifyAndEnd(org.userId));
    const version = (await owner.selectFrom('workflow_versions').select('id').where('workflow_id', '=', workflowId).executeTakeFirstOrThrow()).id;
    const FINAL = ['completed', 'failed', 'cancelled', 'timed_out'];
    /** An execution in `status`, written directly (its columns as the CHECKs want them). */
    const inState = async (status: ExecutionStatus): Promise<WorkflowExecution> => {
      const row = await owner
        .insertInto('workflow_executions')
        .values({
          organization_id: org.id,
          workflow_id: workflowId,
          workflow_version_id: version,
          current_state: 'notify',
          status,
          started_at: status === 'pending' ? null : sql`now()`,
          finished_at: FINAL.includes(status) ? sql`now()` : null,
          error: status === 'failed' || status === 'timed_out' ? 'earlier' : null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return get(org, row.id);
    };
    const changeFor = (event: string) => (event === 'fail' || event === 'time_out' ? { error: 'matrix' } : event === 'complete' ? { output: { ok: true } } : {});
    let tried = 0;
    for (const status of EXECUTION_STATES) {
      for (const event of EXECUTION_EVENTS) {
        const declared = EXECUTION_TRANSITIONS.find((t) => t.event === event && t.from === status);
        const execution = await inState(status);
        const outcome = await caught(() => org.as((uow) => moveTo({ trx: uow.trx, tenant: org.id, context: uow.context }, execution, event, changeFor(event))));
        const after = await get(org, execution.id);
        if (declared) {
          expect(outcome, `${event} from ${status}`).toBeUndefined();
          expect(after).toMatchObject({ status: declared.to, version: execution.version + 1 });
          // A stale version: refused whatever the state.
          const stale = await caught(() => org.as((uow) => moveTo({ trx: uow.trx, tenant: org.id, context: uow.context }, execution, event, changeFor(event))));
          expect(stale, `stale ${event} from ${status}`).toBeInstanceOf(VersionConflictError);
        } else {
          expect(outcome, `${event} from ${status}`).toBeInstanceOf(TransitionConflictError);
          expect(after).toEqual(execution);
          const audit = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_logs WHERE entity_id = ${execution.id}`.execute(owner);
          expect(audit.rows[0]!.n).toBe(0);
        }
        tried += 1;
      }
    }
    expect(tried).toBe(EXECUTION_STATES.length * EXECUTION_EVENTS.length);
  });

  it('a wait pauses the execution (waiting) until its time; the runner resumes it then', async () => {
    const org = await anOrg();
    const id = (await start(org, await aWorkflow(org, notifyWaitSignal(org.userId, 1)))).id;
    await drain();
    expect(await get(org, id)).toMatchObject({ status: 'waiting', currentState: 'pause' });
    const wait = (await steps(org, id))[1]!;
    expect(wait).toMatchObject({ actionType: 'wait', status: 'pending' });
    expect(wait.runAfter.getTime() - wait.createdAt.getTime()).toBeGreaterThanOrEqual(900);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait.runAfter.getTime() - Date.now()) + 100));
    await drain();
    expect(await get(org, id)).toMatchObject({ status: 'completed', currentState: 'signal' });
    expect((await steps(org, id)).map((s) => `${s.actionType}:${s.status}`)).toEqual(['notify:completed', 'wait:completed', 'webhook:completed']);
  });

  it('cancel: a waiting execution and its open step are cancelled; the runner then finds nothing; again → TransitionConflictError; stale → VersionConflictError', async () => {
    const org = await anOrg();
    const id = (await start(org, await aWorkflow(org, notifyWaitSignal(org.userId, 600)))).id;
    await drain();
    const waiting = await get(org, id);
    expect(waiting.status).toBe('waiting');
    expect(await caught(() => org.as((uow) => executions.cancel(uow, id, { expectedVersion: waiting.version - 1 })))).toBeInstanceOf(VersionConflictError);
    const cancelled = await org.as((uow) => executions.cancel(uow, id, { expectedVersion: waiting.version }));
    expect(cancelled).toMatchObject({ status: 'cancelled', version: waiting.version + 1 });
    expect(cancelled.finishedAt).not.toBeNull();
    expect((await steps(org, id)).map((s) => s.status)).toEqual(['completed', 'cancelled']);
    await sql`UPDATE workflow_execution_steps SET run_after = now() WHERE execution_id = ${id}`.execute(owner).catch(() => undefined);
    await drain();
    expect((await get(org, id)).status).toBe('cancelled');
    expect(await caught(() => org.as((uow) => executions.cancel(uow, id)))).toBeInstanceOf(TransitionConflictError);
    expect(await caught(() => org.as((uow) => executions.cancel(uow, randomUUID())))).toBeInstanceOf(NotFoundError);
  });

  it('a cancel in a unit of work that began before the runner advanced: no CHECK violation; the step the runner queued is cancelled too', async () => {
    const org = await anOrg();
    const id = (await start(org, await aWorkflow(org, notifyWaitSignal(org.userId, 600)))).id;
    const cancelled = await org.as(async (uow) => {
      await sql`SELECT 1`.execute(uow.trx); // the transaction's now() is fixed here
      await new Promise((resolve) => setTimeout(resolve, 20));
      await drain(); // step 1 runs, step 2 (the wait) is queued after that instant
      return executions.cancel(uow, id);
    });
    expect(cancelled.status).toBe('cancelled');
    expect((await steps(org, id)).map((s) => s.status)).toEqual(['completed', 'cancelled']);
  });

  it('the worker role in a tenant’s transaction sees that tenant’s steps and triggers only', async () => {
    const org = await anOrg();
    const other = await anOrg();
    const workflowId = await aWorkflow(other, notifyAndEnd(other.userId));
    const { id } = await start(other, workflowId);
    await other.as((uow) => uow.workflows.addTrigger(workflowId, { kind: 'schedule', cron: '0 3 * * *' }));
    const seen = await unitOfWork(workerDb, { tenant: org.id }, async (uow) => ({
      steps: await executions.steps(uow, id),
      triggers: await uow.workflows.listTriggers(workflowId),
      raw: (await sql<{ n: number }>`SELECT count(*)::int AS n FROM workflow_triggers WHERE workflow_id = ${workflowId}`.execute(uow.trx)).rows[0]!.n,
    }));
    expect(seen).toEqual({ steps: [], triggers: [], raw: 0 });
    const own = await unitOfWork(workerDb, { tenant: other.id }, (uow) => executions.steps(uow, id));
    expect(own).toHaveLength(1);
  });

  it('a schedule the parser refuses stops (no next time) and does not keep the runner from its steps', async () => {
    const org = await anOrg();
    const { workflow } = await org.as((uow) => uow.workflows.create({ organizationId: org.id, slug: `bad-${unique()}`, name: 'Bad cron', definition: notifyAndEnd(org.userId) }));
    await org.as((uow) => uow.workflows.publish(workflow.id, { version: 1, expectedPublishedVersion: null }));
    const trigger = await org.as((uow) => uow.workflows.addTrigger(workflow.id, { kind: 'schedule', cron: '0 0 1 2 *' }));
    // The shape check lets it through; the parser refuses it (30 February never comes).
    await sql`UPDATE workflow_triggers SET cron = '0 0 30 2 *', next_run_at = now() - interval '1 minute' WHERE id = ${trigger.id}`.execute(owner);
    const id = (await start(org, await aWorkflow(org, notifyAndEnd(org.userId)))).id;
    await drain();
    expect((await get(org, id)).status).toBe('completed');
    const after = await owner.selectFrom('workflow_triggers').select('next_run_at').where('id', '=', trigger.id).executeTakeFirstOrThrow();
    expect(after.next_run_at).toBeNull();
    expect(await owner.selectFrom('workflow_executions').select('id').where('trigger_id', '=', trigger.id).execute()).toEqual([]);
  });

  it('an execution past its deadline times out (a long wait is cut at the deadline)', async () => {
    const org = await anOrg();
    const definition = { ...notifyWaitSignal(org.userId, 3600), timeoutSeconds: 1 } as WorkflowDefinitionInput;
    const id = (await start(org, await aWorkflow(org, definition))).id;
    await drain();
    const wait = (await steps(org, id))[1]!;
    const execution = await get(org, id);
    expect(wait.runAfter.getTime()).toBeLessThanOrEqual(execution.deadlineAt!.getTime());
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, execution.deadlineAt!.getTime() - Date.now()) + 150));
    await drain();
    expect(await get(org, id)).toMatchObject({ status: 'timed_out', error: 'execution_deadline' });
    expect((await steps(org, id)).map((s) => `${s.actionType}:${s.status}`)).toEqual(['notify:completed', 'wait:timed_out']);
  });

  it('a step past its timeout (a statement waiting on a lock) times out with its execution', async () => {
    const org = await anOrg();
    const claim = await aSubmitted(org);
    const workflowId = await aWorkflow(org, {
      format: 1,
      initial: 'review',
      states: { review: { actions: [{ type: 'set_submission_status', event: 'start_review', timeoutSeconds: 1 }], then: { end: 'completed' } } },
    });
    const id = (await start(org, workflowId, { submissionId: claim.id })).id;
    const holder = new pg.Client({ connectionString: testDb.current.connectionString });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT set_config('app.organization_id', $1, true)`, [org.id]);
      await holder.query('SELECT 1 FROM submissions WHERE id = $1 FOR UPDATE', [claim.id]);
      const round = await runner.runOnce();
      expect(round.timedOut).toBeGreaterThanOrEqual(1);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    expect(await get(org, id)).toMatchObject({ status: 'timed_out', error: 'step_timeout' });
    expect((await steps(org, id))[0]).toMatchObject({ status: 'timed_out', error: 'step_timeout' });
    expect(await org.as((uow) => submissions.get(uow, claim.id))).toMatchObject({ status: 'submitted' });
  });

  it('an action that fails fails the step and the execution (its error class and code kept), writing nothing of the action', async () => {
    const org = await anOrg();
    const claim = await aSubmitted(org);
    // approve needs in_review: the submission is only submitted.
    const workflowId = await aWorkflow(org, {
      format: 1,
      initial: 'decide',
      states: { decide: { actions: [{ type: 'set_submission_status', event: 'approve' }], then: { end: 'completed' } } },
    });
    const id = (await start(org, workflowId, { submissionId: claim.id })).id;
    await drain();
    expect(await get(org, id)).toMatchObject({ status: 'failed', error: 'TransitionConflictError (TRANSITION_CONFLICT)' });
    expect((await steps(org, id))[0]).toMatchObject({ status: 'failed', error: 'TransitionConflictError (TRANSITION_CONFLICT)', attempts: 1 });
    expect(await org.as((uow) => submissions.get(uow, claim.id))).toMatchObject({ status: 'submitted' });
    // A submission action without a submission fails the same way (ValidationError).
    const bare = (await start(org, workflowId)).id;
    await drain();
    expect(await get(org, bare)).toMatchObject({ status: 'failed', error: 'ValidationError (VALIDATION)' });
  });

  it('a schedule fires once per due time: an execution keyed by the time, the next time computed', async () => {
    const org = await anOrg();
    const { workflow } = await org.as((uow) => uow.workflows.create({ organizationId: org.id, slug: `cron-${unique()}`, name: 'Cron', definition: notifyAndEnd(org.userId) }));
    await org.as((uow) => uow.workflows.publish(workflow.id, { version: 1, expectedPublishedVersion: null }));
    const trigger = await org.as((uow) => uow.workflows.addTrigger(workflow.id, { kind: 'schedule', cron: '*/5 * * * *' }));
    expect(trigger.nextRunAt!.getTime()).toBeGreaterThan(Date.now());
    expect(trigger.nextRunAt!.getUTCMinutes() % 5).toBe(0);
    const due = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000);
    await sql`UPDATE workflow_triggers SET next_run_at = ${due} WHERE id = ${trigger.id}`.execute(owner);
    await drain();
    await drain();
    const fired = await owner.selectFrom('workflow_executions').selectAll().where('trigger_id', '=', trigger.id).execute();
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ trigger_key: due.toISOString(), status: 'completed', input: { scheduledAt: due.toISOString() } });
    const next = await owner.selectFrom('workflow_triggers').select('next_run_at').where('id', '=', trigger.id).executeTakeFirstOrThrow();
    expect(next.next_run_at!.getTime()).toBeGreaterThan(Date.now());
    expect(next.next_run_at!.getUTCMinutes() % 5).toBe(0);
  });

  it('an event trigger starts an execution with the event as its input; a deactivated trigger starts nothing', async () => {
    const org = await anOrg();
    const worker = createWorker(workerDb, { handlers: [executions.triggerHandler()] });
    const dispatch = async () => {
      for (let i = 0; i < 20; i += 1) if ((await worker.runOnce()).delivered === 0) break;
    };
    // What happened before the trigger (the organization's first user) starts nothing.
    await dispatch();
    const { workflow } = await org.as((uow) => uow.workflows.create({ organizationId: org.id, slug: `ev-${unique()}`, name: 'On users', definition: notifyAndEnd(org.userId) }));
    await org.as((uow) => uow.workflows.publish(workflow.id, { version: 1, expectedPublishedVersion: null }));
    const trigger = await org.as((uow) => uow.workflows.addTrigger(workflow.id, { kind: 'event', eventType: 'user.registered' }));
    const { user } = await aUser(createRepositories(owner), org.id);
    await dispatch();
    const fired = await owner.selectFrom('workflow_executions').selectAll().where('trigger_id', '=', trigger.id).execute();
    expect(fired).toHaveLength(1);
    expect(fired[0]!.input).toMatchObject({ userId: user.id, $event: { type: 'user.registered' } });
    await org.as((uow) => uow.workflows.deactivateTrigger(workflow.id, trigger.id));
    await aUser(createRepositories(owner), org.id);
    await dispatch();
    expect(await owner.selectFrom('workflow_executions').select('id').where('trigger_id', '=', trigger.id).execute()).toHaveLength(1);
  });

  it('manual starts: a key makes a start idempotent; a workflow without a manual trigger or not published cannot be started', async () => {
    const org = await anOrg();
    const workflowId = await aWorkflow(org, notifyAndEnd(org.userId));
    const first = await start(org, workflowId, { key: 'order-42', input: { orderId: 42 } });
    const again = await start(org, workflowId, { key: 'order-42', input: { orderId: 43 } });
    expect(again.id).toBe(first.id);
    expect(first).toMatchObject({ status: 'pending', input: { orderId: 42 }, startedBy: org.userId, currentState: 'notify' });
    expect((await start(org, workflowId)).id).not.toBe(first.id);
    const { workflow: unpublished } = await org.as((uow) => uow.workflows.create({ organizationId: org.id, slug: `np-${unique()}`, name: 'Draft', definition: notifyAndEnd(org.userId) }));
    await org.as((uow) => uow.workflows.addTrigger(unpublished.id, { kind: 'manual' }));
    expect(await caught(() => start(org, unpublished.id))).toBeInstanceOf(NotFoundError);
    const { workflow: noTrigger } = await org.as((uow) => uow.workflows.create({ organizationId: org.id, slug: `nt-${unique()}`, name: 'No trigger', definition: notifyAndEnd(org.userId) }));
    await org.as((uow) => uow.workflows.publish(noTrigger.id, { version: 1, expectedPublishedVersion: null }));
    expect(await caught(() => start(org, noTrigger.id))).toBeInstanceOf(NotFoundError);
    const count = await sql<{ n: number }>`SELECT count(*)::int AS n FROM workflow_executions WHERE workflow_id IN (${unpublished.id}, ${noTrigger.id})`.execute(owner);
    expect(count.rows[0]!.n).toBe(0);
  });

  it('tenant isolation: another organization sees none of an execution, its steps or its workflow’s executions', async () => {
    const org = await anOrg();
    const other = await anOrg();
    const workflowId = await aWorkflow(org, notifyAndEnd(org.userId));
    const { id } = await start(org, workflowId);
    expect(await other.as((uow) => executions.get(uow, id))).toBeUndefined();
    expect(await other.as((uow) => executions.steps(uow, id))).toEqual([]);
    expect(await other.as((uow) => executions.list(uow, workflowId))).toEqual([]);
    expect(await other.as((uow) => caught(() => executions.cancel(uow, id)))).toBeInstanceOf(NotFoundError);
    expect(await other.as((uow) => caught(() => executions.start(uow, { workflowId })))).toBeInstanceOf(NotFoundError);
    expect((await org.as((uow) => executions.list(uow, workflowId))).map((e) => e.id)).toEqual([id]);
  });

  it('bad input is a ValidationError, whatever the call is given', async () => {
    const org = await anOrg();
    const bad: unknown[] = [undefined, null, 42, 'x', {}, { workflowId: 'nope' }, { workflowId: randomUUID(), extra: 1 }, { workflowId: randomUUID(), key: '' }];
    for (const input of bad) {
      expect(await caught(() => org.as((uow) => executions.start(uow, input as never)))).toBeInstanceOf(ValidationError);
    }
    expect(await caught(() => org.as((uow) => executions.get(uow, 'nope')))).toBeInstanceOf(ValidationError);
    expect(await caught(() => org.as((uow) => executions.list(uow, randomUUID(), { limit: 0 })))).toBeInstanceOf(ValidationError);
    expect(await caught(() => org.as((uow) => executions.cancel(uow, randomUUID(), { expectedVersion: -1 })))).toBeInstanceOf(ValidationError);
    // A unit of work without a tenant, or no unit of work.
    expect(await caught(() => unitOfWork(owner, {}, (uow) => executions.get(uow, randomUUID())))).toBeInstanceOf(ValidationError);
    expect(await caught(() => executions.get(null as never, randomUUID()))).toBeInstanceOf(ValidationError);
    expect(() => createWorkflowExecutions({ eventTypes: ['Not A Type'] })).toThrow(ValidationError);
    expect(() => createWorkflowRunner(owner, { concurrency: 0 })).toThrow(ValidationError);
  });
});
