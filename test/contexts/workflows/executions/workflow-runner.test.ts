// Workflows that run, end to end on real PostgreSQL: a submission of a form with an active
// trigger starts one execution through the event worker, the runner runs its actions (status,
// assignment, notifications, a webhook signal delivered to a local HTTPS receiver) to
// completion; duplicate trigger events start one execution; four runners never run a step twice;
// a runner's backend terminated while it holds a step → the step is claimed again after its
// lease and the execution completes once.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../../../src/core/database/create-database.js';
import { createWorker, type Worker } from '../../../../src/core/events/worker.js';
import { localKeyProvider } from '../../../../src/core/encryption/local-key-provider.js';
import { createKeyring, createWebhooks, createWebhookSender, webhookFanOut, type WebhookSender } from '../../../../src/contexts/integrations/index.js';
import { createSubmissions } from '../../../../src/contexts/forms/index.js';
import { createWorkflowExecutions, createWorkflowRunner, type WorkflowDefinitionInput, type WorkflowRunner } from '../../../../src/contexts/workflows/index.js';
import { createRepositories, unitOfWork, type UnitOfWork } from '../../../../src/repositories.js';
import type { DB } from '../../../../src/schema/db.js';
import { aUser, anOrganization, unique } from '../../../helpers/fixtures.js';
import { useTestDatabase } from '../../../helpers/database.js';
import { expenseClaim } from '../../../helpers/form-definitions.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../../helpers/webhook-receiver.js';

describe('workflows that run', () => {
  const testDb = useTestDatabase({ seed: true });
  const loginRole = `org_data_test_flows_${randomBytes(4).toString('hex')}`;
  const keyring = createKeyring({ provider: localKeyProvider({ masterKeys: { k1: randomBytes(32).toString('base64') }, current: 'k1' }) });
  const submissions = createSubmissions({ keyring });
  const executions = createWorkflowExecutions({ submissions });
  const webhooks = createWebhooks({ keyring });
  let owner: Kysely<DB>;
  let app: Kysely<DB>;
  let workerUrl: string;
  let receiver: WebhookReceiver;
  let worker: Worker;
  let sender: WebhookSender;
  const pools: Kysely<DB>[] = [];
  const asWorker = (applicationName: string, max = 4) => {
    const db = createDatabase({ connectionString: workerUrl, applicationName, max });
    pools.push(db);
    return db;
  };
  const aRunner = (applicationName = 'org-data-test-flows-runner') => createWorkflowRunner(asWorker(applicationName), { submissions, graceMs: 300 });

  beforeAll(async () => {
    owner = testDb.current.db;
    app = testDb.current.app;
    const password = randomBytes(12).toString('hex');
    await sql.raw(`CREATE ROLE ${loginRole} LOGIN PASSWORD '${password}' IN ROLE org_data_worker`).execute(owner);
    const url = new URL(testDb.current.connectionString);
    url.username = loginRole;
    url.password = password;
    workerUrl = url.toString();
    receiver = await startWebhookReceiver();
    worker = createWorker(asWorker('org-data-test-flows-worker'), {
      handlers: [executions.triggerHandler(), webhookFanOut({ eventTypes: ['workflow.signal'] })],
    });
    sender = createWebhookSender(asWorker('org-data-test-flows-sender'), { keyring, allowAddresses: ['127.0.0.1'], ca: receiver.ca, timeoutMs: 2000 });
  });

  afterAll(async () => {
    await receiver?.close();
    for (const db of pools) await db.destroy().catch(() => undefined);
    await sql.raw(`DROP OWNED BY ${loginRole}`).execute(owner).catch(() => undefined);
    await sql.raw(`DROP ROLE IF EXISTS ${loginRole}`).execute(owner).catch(() => undefined);
  });

  /** An organization with an acting user, a second user in a team, a published expense form. */
  const anOrg = async () => {
    const system = createRepositories(owner);
    const org = await anOrganization(system, `wf-${unique()}`);
    const { user } = await aUser(system, org.id);
    const { user: reviewer } = await aUser(system, org.id);
    const as = <T>(fn: (uow: UnitOfWork) => Promise<T>) =>
      unitOfWork(app, { tenant: org.id, context: { actorUserId: user.id, requestId: 'workflows' } }, fn);
    const { team } = await as((uow) => uow.teams.create({ organizationId: org.id, slug: `reviewers-${unique()}`, name: 'Reviewers' }));
    await as((uow) => uow.teams.addMember(team.id, { userId: reviewer.id }));
    const { form } = await as((uow) => uow.forms.create({ organizationId: org.id, slug: `claims-${unique()}`, name: 'Claims', definition: expenseClaim() }));
    await as((uow) => uow.forms.publish(form.id, { version: 1, expectedPublishedVersion: null }));
    return { id: org.id, userId: user.id, reviewerId: reviewer.id, teamId: team.id, formId: form.id, as };
  };
  type Org = Awaited<ReturnType<typeof anOrg>>;

  /** Triage: review, assign to the team, notify; then approve small claims, escalate large ones. */
  const claimsFlow = (org: Org, timeoutSeconds?: number): WorkflowDefinitionInput => ({
    format: 1,
    initial: 'triage',
    states: {
      triage: {
        actions: [
          { type: 'set_submission_status', event: 'start_review', ...(timeoutSeconds ? { timeoutSeconds } : {}) },
          { type: 'assign', team: org.teamId },
          { type: 'notify', users: [org.userId], teams: [org.teamId], title: 'A new claim', message: 'Please review it.' },
        ],
        then: { branch: { field: 'amount', cases: [{ when: { greaterThan: 1000 }, goto: 'escalate' }], otherwise: 'approve' } },
      },
      escalate: { actions: [{ type: 'webhook', event: 'claim_escalated', data: { level: 2 } }], then: { end: 'completed' } },
      approve: { actions: [{ type: 'set_submission_status', event: 'approve' }, { type: 'webhook', event: 'claim_approved' }], then: { end: 'completed' } },
    },
  });

  /** A published workflow of `org` triggered by submissions of its form. */
  const aTriggeredWorkflow = async (org: Org, definition = claimsFlow(org)) => {
    const { workflow } = await org.as((uow) => uow.workflows.create({ organizationId: org.id, slug: `flow-${unique()}`, name: 'Claims', definition }));
    await org.as((uow) => uow.workflows.publish(workflow.id, { version: 1, expectedPublishedVersion: null }));
    const trigger = await org.as((uow) => uow.workflows.addTrigger(workflow.id, { kind: 'form_submission', formId: org.formId }));
    return { workflowId: workflow.id, triggerId: trigger.id };
  };

  /** A submitted claim of `amount`. */
  const aSubmittedClaim = async (org: Org, amount: number) => {
    const draft = await org.as((uow) =>
      submissions.create(uow, { formId: org.formId, values: { amount, category: 'travel', iban: 'DE89370400440532013000' } }),
    );
    return org.as((uow) => submissions.submit(uow, draft.id, { expectedVersion: draft.version }));
  };

  /** Dispatches the outbox (the trigger handler starts executions) until a round does nothing. */
  const dispatch = async () => {
    for (let i = 0; i < 20; i += 1) {
      const round = await worker.runOnce();
      if (round.dispatched + round.delivered + round.retried + round.dead === 0) break;
    }
  };
  /** Runs rounds of `runner` until one runs nothing. */
  const drain = async (runner: WorkflowRunner) => {
    for (let i = 0; i < 50; i += 1) {
      const round = await runner.runOnce();
      if (round.ran + round.failed + round.timedOut + round.scheduled === 0) break;
    }
  };
  const executionsOf = (submissionId: string) =>
    owner
      .selectFrom('workflow_executions')
      .selectAll()
      .where('submission_id', '=', submissionId)
      .execute();
  const stepsOf = (executionId: string) =>
    owner.selectFrom('workflow_execution_steps').selectAll().where('execution_id', '=', executionId).orderBy('number').execute();
  const auditActionsOf = async (entityId: string) =>
    (await sql<{ action: string }>`SELECT action FROM audit_logs WHERE entity_id = ${entityId} ORDER BY event_id`.execute(owner)).rows.map((r) => r.action);

  it('a submission starts exactly one execution, which runs its actions to completion through the worker', async () => {
    const org = await anOrg();
    const { triggerId } = await aTriggeredWorkflow(org);
    const path = `/flows-${unique()}`;
    const hook = await org.as((uow) => webhooks.create(uow, { url: `${receiver.origin}${path}`, description: 'signals', eventTypes: ['workflow.signal'] }));
    receiver.expect(path, [hook.secret]);
    const claim = await aSubmittedClaim(org, 50);

    await dispatch();
    const [execution, ...more] = await executionsOf(claim.id);
    expect(more).toEqual([]);
    expect(execution).toMatchObject({ status: 'pending', trigger_id: triggerId, current_state: 'triage', version: 1 });

    const runner = aRunner();
    await drain(runner);
    const [done] = await executionsOf(claim.id);
    expect(done).toMatchObject({ status: 'completed', current_state: 'approve', output: { endState: 'approve' }, error: null });
    expect(done!.finished_at).not.toBeNull();
    const steps = await stepsOf(done!.id);
    expect(steps.map((s) => [s.number, s.state, s.action_type, s.status, s.attempts])).toEqual([
      [1, 'triage', 'set_submission_status', 'completed', 1],
      [2, 'triage', 'assign', 'completed', 1],
      [3, 'triage', 'notify', 'completed', 1],
      [4, 'approve', 'set_submission_status', 'completed', 1],
      [5, 'approve', 'webhook', 'completed', 1],
    ]);
    expect(steps[2]!.output).toEqual({ notified: 2 });

    // What the actions did, in the tenant.
    const after = await org.as((uow) => submissions.get(uow, claim.id));
    expect(after).toMatchObject({ status: 'approved', assignedTeamId: org.teamId });
    const notified = await sql<{ user_id: string }>`SELECT user_id FROM notifications WHERE type = 'workflow.notification' AND organization_id = ${org.id} ORDER BY user_id`.execute(owner);
    expect(notified.rows.map((r) => r.user_id).sort()).toEqual([org.userId, org.reviewerId].sort());
    expect(await auditActionsOf(done!.id)).toEqual([
      'workflow_execution.create',
      'workflow_execution.start',
      'workflow_execution.advance',
      'workflow_execution.advance',
      'workflow_execution.advance',
      'workflow_execution.advance',
      'workflow_execution.signal',
      'workflow_execution.complete',
    ]);

    // The webhook action's signal reaches the organization's webhook.
    await dispatch();
    for (let i = 0; i < 10; i += 1) if ((await sender.runOnce()).claimed === 0) break;
    const got = receiver.received.filter((r) => r.path === path);
    expect(got).toHaveLength(1);
    expect(JSON.parse(got[0]!.body)).toMatchObject({ type: 'workflow.signal', data: { name: 'claim_approved', executionId: done!.id, submissionId: claim.id } });

    // Nothing more to do: the submission event was delivered once, the execution is finished.
    await dispatch();
    await drain(runner);
    expect(await executionsOf(claim.id)).toHaveLength(1);
  });

  it('branches on the submission: a large claim is escalated', async () => {
    const org = await anOrg();
    await aTriggeredWorkflow(org);
    const claim = await aSubmittedClaim(org, 5000);
    await dispatch();
    await drain(aRunner());
    const [done] = await executionsOf(claim.id);
    expect(done).toMatchObject({ status: 'completed', current_state: 'escalate' });
    expect((await stepsOf(done!.id)).map((s) => `${s.state}/${s.action_type}`)).toEqual([
      'triage/set_submission_status',
      'triage/assign',
      'triage/notify',
      'escalate/webhook',
    ]);
    expect(await org.as((uow) => submissions.get(uow, claim.id))).toMatchObject({ status: 'in_review' });
  });

  it('duplicate trigger events start one execution (the same event handled again, and five times at once)', async () => {
    const org = await anOrg();
    await aTriggeredWorkflow(org);
    const claim = await aSubmittedClaim(org, 10);
    const [event] = (
      await sql<Record<string, unknown>>`
        SELECT id, created_at AS "createdAt", organization_id AS "organizationId", event_type_code AS "eventType", payload_version AS "payloadVersion",
          aggregate_type AS "aggregateType", aggregate_id AS "aggregateId", aggregate_version AS "aggregateVersion", payload,
          actor_user_id AS "actorUserId", correlation_id AS "correlationId", causation_id AS "causationId", request_id AS "requestId"
        FROM domain_events WHERE event_type_code = 'submission.submitted' AND aggregate_id = ${claim.id}`.execute(owner)
    ).rows;
    const handler = executions.triggerHandler();
    const handle = () =>
      unitOfWork(app, { tenant: org.id }, (uow) => handler.handle(event as never, { trx: uow.trx as never, tenant: org.id, attempt: 1 }));
    await handle();
    await handle();
    await Promise.all(Array.from({ length: 5 }, handle));
    await dispatch(); // and the worker's own delivery of it
    const started = await executionsOf(claim.id);
    expect(started).toHaveLength(1);
    expect(started[0]!.trigger_key).toBe(event!.id);
    expect(await stepsOf(started[0]!.id)).toHaveLength(1);
    await drain(aRunner());
    expect((await executionsOf(claim.id))[0]!.status).toBe('completed');
  });

  it('a trigger that cannot start is recorded as a failed execution; the event’s other triggers still start', async () => {
    const org = await anOrg();
    // Its first state branches on a submission field, and this handler has no submissions to read it with.
    const branching: WorkflowDefinitionInput = {
      format: 1,
      initial: 'route',
      states: {
        route: { then: { branch: { field: 'amount', cases: [{ when: { greaterThan: 1 }, goto: 'big' }], otherwise: 'big' } } },
        big: { actions: [{ type: 'notify', users: [org.userId], title: 'Big', message: 'big' }], then: { end: 'completed' } },
      },
    };
    const broken = await aTriggeredWorkflow(org, branching);
    const fine = await aTriggeredWorkflow(org, claimsFlow(org));
    const claim = await aSubmittedClaim(org, 10);
    const [event] = (
      await sql<Record<string, unknown>>`
        SELECT id, created_at AS "createdAt", organization_id AS "organizationId", event_type_code AS "eventType", payload_version AS "payloadVersion",
          aggregate_type AS "aggregateType", aggregate_id AS "aggregateId", aggregate_version AS "aggregateVersion", payload,
          actor_user_id AS "actorUserId", correlation_id AS "correlationId", causation_id AS "causationId", request_id AS "requestId"
        FROM domain_events WHERE event_type_code = 'submission.submitted' AND aggregate_id = ${claim.id}`.execute(owner)
    ).rows;
    const handler = createWorkflowExecutions().triggerHandler();
    await unitOfWork(app, { tenant: org.id }, (uow) => handler.handle(event as never, { trx: uow.trx as never, tenant: org.id, attempt: 1 }));
    const started = await executionsOf(claim.id);
    const byWorkflow = Object.fromEntries(started.map((e) => [e.workflow_id, e]));
    expect(byWorkflow[broken.workflowId]).toMatchObject({ status: 'failed', error: 'ValidationError (VALIDATION)', trigger_key: event!.id });
    expect(byWorkflow[fine.workflowId]).toMatchObject({ status: 'pending' });
    // Handled again (a redelivery): nothing new.
    await unitOfWork(app, { tenant: org.id }, (uow) => handler.handle(event as never, { trx: uow.trx as never, tenant: org.id, attempt: 2 }));
    expect(await executionsOf(claim.id)).toHaveLength(2);
  });

  it('four runners at once never run one step twice: every step ran once, every execution completed once', async () => {
    const org = await anOrg();
    await aTriggeredWorkflow(org);
    const claims = [];
    for (let i = 0; i < 12; i += 1) claims.push(await aSubmittedClaim(org, i % 2 === 0 ? 10 : 5000));
    await dispatch();
    const runners = Array.from({ length: 4 }, (_, i) => aRunner(`org-data-test-flows-many-${i}`));
    await Promise.all(runners.map((runner) => drain(runner)));
    await Promise.all(runners.map((runner) => drain(runner)));
    for (const claim of claims) {
      const [execution, ...more] = await executionsOf(claim.id);
      expect(more).toEqual([]);
      expect(execution!.status).toBe('completed');
      const steps = await stepsOf(execution!.id);
      expect(steps.every((s) => s.status === 'completed' && s.attempts === 1)).toBe(true);
      const actions = await auditActionsOf(execution!.id);
      expect(actions.filter((a) => a === 'workflow_execution.complete')).toHaveLength(1);
      expect(actions.filter((a) => a === 'workflow_execution.advance')).toHaveLength(steps.length - 1);
    }
    const reviews = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM audit_logs WHERE action = 'submission.start_review' AND organization_id = ${org.id}`.execute(owner);
    expect(reviews.rows[0]!.n).toBe(claims.length);
  });

  it('two workflows on one submission at once (one reviews it, the other assigns it): both complete, a conflict only retries', async () => {
    const org = await anOrg();
    const single = (action: object): WorkflowDefinitionInput =>
      ({ format: 1, initial: 'act', states: { act: { actions: [action], then: { end: 'completed' } } } }) as WorkflowDefinitionInput;
    await aTriggeredWorkflow(org, single({ type: 'set_submission_status', event: 'start_review' }));
    await aTriggeredWorkflow(org, single({ type: 'assign', team: org.teamId }));
    const claims = [];
    for (let i = 0; i < 6; i += 1) claims.push(await aSubmittedClaim(org, 10));
    await dispatch();
    const runners = [aRunner('org-data-test-flows-pair-a'), aRunner('org-data-test-flows-pair-b')];
    for (let round = 0; round < 20; round += 1) {
      await Promise.all(runners.map((runner) => drain(runner)));
      const open = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM workflow_execution_steps WHERE organization_id = ${org.id} AND status IN ('pending', 'running')`.execute(owner);
      if (open.rows[0]!.n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    for (const claim of claims) {
      const executions = await executionsOf(claim.id);
      expect(executions.map((e) => e.status)).toEqual(['completed', 'completed']);
      expect(await org.as((uow) => submissions.get(uow, claim.id))).toMatchObject({ status: 'in_review', assignedTeamId: org.teamId });
    }
  });

  it('a runner whose backend is terminated while it holds a step: the step is claimed again after its lease and the execution completes once', async () => {
    const org = await anOrg();
    await aTriggeredWorkflow(org, claimsFlow(org, 6));
    const claim = await aSubmittedClaim(org, 10);
    await dispatch();

    // Hold the submission's row so the first action (start_review) waits inside the runner's transaction.
    const holder = new pg.Client({ connectionString: testDb.current.connectionString });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT set_config('app.organization_id', $1, true)`, [org.id]);
      expect((await holder.query('SELECT 1 FROM submissions WHERE id = $1 FOR UPDATE', [claim.id])).rowCount).toBe(1);
      const doomed = aRunner('org-data-test-flows-doomed');
      const round = doomed.runOnce().catch((error: unknown) => error);
      // Wait until the doomed runner's backend waits for the row, then terminate it.
      let terminated = 0;
      for (let i = 0; i < 200 && terminated === 0; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        // pg_stat_activity is read outside the holder's transaction (a transaction sees one snapshot of it).
        const { rows } = await testDb.current.db
          .withoutPlugins()
          .executeQuery<{ ok: boolean }>(
            sql`SELECT pg_terminate_backend(pid, 5000) AS ok FROM pg_stat_activity
              WHERE application_name = 'org-data-test-flows-doomed' AND wait_event_type = 'Lock'`.compile(owner),
          );
        terminated = rows.filter((r) => r.ok).length;
      }
      expect(terminated).toBe(1);
      await round;
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
    const [held] = await executionsOf(claim.id);
    const [step] = await stepsOf(held!.id);
    expect(step).toMatchObject({ status: 'running', attempts: 1, leased_by: expect.stringMatching(/^workflow-runner-/) });

    // Before the lease runs out, no other runner takes it.
    const other = aRunner('org-data-test-flows-other');
    await other.runOnce();
    expect((await stepsOf(held!.id))[0]).toMatchObject({ status: 'running', attempts: 1 });
    // After it (the 6 s step timeout + 0.3 s grace), another runner claims it again and completes the execution.
    for (let i = 0; i < 100; i += 1) {
      const { rows } = await sql<{ expired: boolean }>`SELECT leased_until < now() AS expired FROM workflow_execution_steps WHERE id = ${step!.id}`.execute(owner);
      if (rows[0]!.expired) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await drain(other);
    const [done] = await executionsOf(claim.id);
    expect(done!.status).toBe('completed');
    const steps = await stepsOf(done!.id);
    expect(steps[0]).toMatchObject({ status: 'completed', attempts: 2 });
    expect(steps.slice(1).every((s) => s.status === 'completed' && s.attempts === 1)).toBe(true);
    expect((await auditActionsOf(done!.id)).filter((a) => a === 'workflow_execution.complete')).toHaveLength(1);
    const reviews = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_logs WHERE action = 'submission.start_review' AND entity_id = ${claim.id}`.execute(owner);
    expect(reviews.rows[0]!.n).toBe(1);
  });
});
