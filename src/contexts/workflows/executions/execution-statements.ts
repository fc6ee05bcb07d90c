// The execution engine's statements, compiled once per process (see `compiledQuery`). All but
// the worker's claims run in a transaction with the tenant set.
import { sql } from 'kysely';
import { compilableSql } from '../../../core/audit/audit-sql.js';
import { compiledQuery } from '../../../core/kernel/compiled-query.js';
import type { WorkflowExecution, WorkflowExecutionStep } from './execution.js';

const EXECUTION = sql`id, organization_id AS "organizationId", workflow_id AS "workflowId", workflow_version_id AS "workflowVersionId",
  trigger_id AS "triggerId", trigger_key AS "triggerKey", submission_id AS "submissionId", status, version,
  current_state AS "currentState", input, context, output, error, started_at AS "startedAt", finished_at AS "finishedAt",
  deadline_at AS "deadlineAt", started_by AS "startedBy", created_at AS "createdAt", updated_at AS "updatedAt"`;

const STEP = sql`id, organization_id AS "organizationId", execution_id AS "executionId", number, state, action_index AS "actionIndex",
  action_type AS "actionType", status, run_after AS "runAfter", attempts, leased_by AS "leasedBy", leased_until AS "leasedUntil",
  timeout_seconds AS "timeoutSeconds", started_at AS "startedAt", finished_at AS "finishedAt", output, error,
  created_at AS "createdAt", updated_at AS "updatedAt"`;

/**
 * Makes an execution (pending) of a workflow version; nothing when the trigger already started
 * one for this key (workflow_executions_trigger_key decides, also between concurrent callers).
 */
export const insertExecution = compiledQuery(
  (
    db,
    p: {
      organizationId: string;
      workflowId: string;
      versionId: string;
      triggerId: string | null;
      triggerKey: string | null;
      submissionId: string | null;
      state: string;
      input: string;
      timeoutSeconds: number | null;
      startedBy: string | null;
    },
  ) =>
    compilableSql(
      db,
      sql<WorkflowExecution>`
        INSERT INTO workflow_executions (organization_id, workflow_id, workflow_version_id, trigger_id, trigger_key, submission_id,
          current_state, input, deadline_at, started_by)
        VALUES (${p.organizationId}::uuid, ${p.workflowId}::uuid, ${p.versionId}::uuid, ${p.triggerId}::uuid, ${p.triggerKey}::text,
          ${p.submissionId}::uuid, ${p.state}::text, ${p.input}::jsonb,
          now() + make_interval(secs => ${p.timeoutSeconds}::int), ${p.startedBy}::uuid)
        ON CONFLICT (organization_id, workflow_id, trigger_id, trigger_key) DO NOTHING
        RETURNING ${EXECUTION}`,
    ),
);

/** The execution a trigger started for a key. */
export const executionByTriggerKey = compiledQuery((db, p: { organizationId: string; triggerId: string; triggerKey: string }) =>
  compilableSql(
    db,
    sql<WorkflowExecution>`SELECT ${EXECUTION} FROM workflow_executions
      WHERE organization_id = ${p.organizationId}::uuid AND trigger_id = ${p.triggerId}::uuid AND trigger_key = ${p.triggerKey}::text`,
  ),
);

/**
 * Queues a step, due after `delaySeconds` or at `at` (the later of the two when both are given),
 * never after `notAfter` (the execution's deadline, so a long wait still times out on time).
 */
export const insertStep = compiledQuery(
  (
    db,
    p: {
      organizationId: string;
      executionId: string;
      number: number;
      state: string;
      actionIndex: number;
      actionType: string;
      delaySeconds: number;
      at: string | null;
      notAfter: Date | null;
      timeoutSeconds: number;
    },
  ) =>
    compilableSql(
      db,
      sql<WorkflowExecutionStep>`
        INSERT INTO workflow_execution_steps (organization_id, execution_id, number, state, action_index, action_type, run_after, timeout_seconds)
        VALUES (${p.organizationId}::uuid, ${p.executionId}::uuid, ${p.number}::int, ${p.state}::text, ${p.actionIndex}::int, ${p.actionType}::text,
          least(greatest(now() + make_interval(secs => ${p.delaySeconds}::double precision), coalesce(${p.at}::timestamptz, now())),
            coalesce(${p.notAfter}::timestamptz, 'infinity')),
          ${p.timeoutSeconds}::int)
        RETURNING ${STEP}`,
    ),
);

/**
 * Moves an execution whose status is one of `from` and whose version is `expectedVersion` to
 * `to` (version + 1), with its state, error and output; started_at set on the first run,
 * finished_at on a final state. Nothing when it changed meanwhile.
 */
export const moveExecution = compiledQuery(
  (
    db,
    p: {
      id: string;
      from: readonly string[];
      to: string;
      expectedVersion: number;
      state: string | null;
      error: string | null;
      output: string | null;
    },
  ) =>
    compilableSql(
      db,
      sql<WorkflowExecution>`
        UPDATE workflow_executions SET status = ${p.to}::text, version = version + 1,
          current_state = coalesce(${p.state}::text, current_state),
          started_at = CASE WHEN ${p.to}::text IN ('running', 'waiting', 'completed', 'failed') THEN coalesce(started_at, greatest(now(), created_at)) ELSE started_at END,
          finished_at = CASE WHEN ${p.to}::text IN ('completed', 'failed', 'cancelled', 'timed_out') THEN greatest(now(), created_at) END,
          error = ${p.error}::text, output = ${p.output}::jsonb
        WHERE id = ${p.id}::uuid AND status = ANY (${p.from}::text[]) AND version = ${p.expectedVersion}::int
        RETURNING ${EXECUTION}`,
    ),
);

/** An execution by id. */
export const executionById = compiledQuery((db, p: { id: string }) =>
  compilableSql(db, sql<WorkflowExecution>`SELECT ${EXECUTION} FROM workflow_executions WHERE id = ${p.id}::uuid`),
);

/** An execution by id, its row locked (FOR NO KEY UPDATE) for a change. */
export const executionForUpdate = compiledQuery((db, p: { id: string }) =>
  compilableSql(db, sql<WorkflowExecution>`SELECT ${EXECUTION} FROM workflow_executions WHERE id = ${p.id}::uuid FOR NO KEY UPDATE`),
);

/** Bounds every statement of the transaction (a step's action) by `ms`. */
export const limitStatements = compiledQuery((db, p: { ms: number }) =>
  compilableSql(db, sql`SELECT set_config('statement_timeout', ${p.ms}::int::text, true)`),
);

/** An execution's steps, in order. */
export const stepsOfExecution = compiledQuery((db, p: { executionId: string }) =>
  compilableSql(db, sql<WorkflowExecutionStep>`SELECT ${STEP} FROM workflow_execution_steps WHERE execution_id = ${p.executionId}::uuid ORDER BY number`),
);

/** A workflow's executions, newest first (at most `limit`). */
export const executionsOfWorkflow = compiledQuery((db, p: { workflowId: string; limit: number }) =>
  compilableSql(
    db,
    sql<WorkflowExecution>`SELECT ${EXECUTION} FROM workflow_executions WHERE workflow_id = ${p.workflowId}::uuid
      ORDER BY created_at DESC, id DESC LIMIT ${p.limit}::int`,
  ),
);

/** A step the worker claimed: enough to open the tenant's transaction and find it again. */
export interface ClaimedStep {
  readonly id: string;
  readonly organizationId: string;
  readonly executionId: string;
  readonly attempts: number;
  readonly timeoutSeconds: number;
}

/**
 * Claims steps of every tenant (the worker role's policies): up to `expiredLimit` running ones
 * whose lease ran out (their worker died) and up to `limit` due pending ones, each read from its
 * own partial index (workflow_execution_steps_lease_idx, _due_idx) so the cost follows the batch,
 * not the queue; SKIP LOCKED, so a step whose worker is still in its transaction is never taken.
 * The lease is the step timeout plus `graceMs`.
 */
export const claimSteps = compiledQuery((db, p: { limit: number; expiredLimit: number; worker: string; graceMs: number }) =>
  compilableSql(
    db,
    sql<ClaimedStep>`
      WITH due AS (
        SELECT id FROM workflow_execution_steps WHERE status = 'pending' AND run_after <= now()
        ORDER BY run_after LIMIT ${p.limit}::int FOR UPDATE SKIP LOCKED
      ), expired AS (
        SELECT id FROM workflow_execution_steps WHERE status = 'running' AND leased_until < now()
        ORDER BY leased_until LIMIT ${p.expiredLimit}::int FOR UPDATE SKIP LOCKED
      )
      UPDATE workflow_execution_steps s
      SET status = 'running', attempts = s.attempts + 1, leased_by = ${p.worker}::text,
        leased_until = clock_timestamp() + make_interval(secs => s.timeout_seconds + ${p.graceMs}::int / 1000.0),
        started_at = coalesce(s.started_at, now())
      FROM (SELECT id FROM expired UNION ALL SELECT id FROM due) claimed
      WHERE s.id = claimed.id
      RETURNING s.id, s.organization_id AS "organizationId", s.execution_id AS "executionId", s.attempts, s.timeout_seconds AS "timeoutSeconds"`,
  ),
);

/** A held step with its execution and the definition the execution runs. */
export interface HeldStep {
  readonly step: WorkflowExecutionStep;
  readonly execution: WorkflowExecution;
  readonly definition: unknown;
  readonly definitionSha256: string;
  /** Whether the execution's deadline has passed. */
  readonly overdue: boolean;
}

/**
 * The step this worker still holds (same lease, same attempt) with its execution and definition,
 * both rows locked for the advancing transaction; nothing when the lease went to another worker
 * or the step was cancelled.
 */
export const heldStep = compiledQuery((db, p: { id: string; worker: string; attempts: number }) =>
  compilableSql(
    db,
    sql<HeldStep>`
      SELECT to_jsonb(s) AS step, to_jsonb(e) AS execution, v.definition, v.definition_sha256 AS "definitionSha256",
        coalesce(e.deadline_at <= now(), false) AS overdue
      FROM workflow_execution_steps s
      JOIN workflow_executions e ON e.organization_id = s.organization_id AND e.id = s.execution_id
      JOIN workflow_versions v ON v.organization_id = e.organization_id AND v.workflow_id = e.workflow_id AND v.id = e.workflow_version_id
      WHERE s.id = ${p.id}::uuid AND s.status = 'running' AND s.leased_by = ${p.worker}::text AND s.attempts = ${p.attempts}::int
      FOR NO KEY UPDATE OF s, e`,
  ),
);

/** Finishes a step this worker holds (completed, failed, timed_out); nothing when it lost it. */
export const finishStep = compiledQuery(
  (db, p: { id: string; worker: string; attempts: number; to: string; output: string | null; error: string | null }) =>
    compilableSql(
      db,
      sql<WorkflowExecutionStep>`
        UPDATE workflow_execution_steps SET status = ${p.to}::text, finished_at = greatest(now(), created_at), leased_by = NULL, leased_until = NULL,
          output = ${p.output}::jsonb, error = ${p.error}::text
        WHERE id = ${p.id}::uuid AND status = 'running' AND leased_by = ${p.worker}::text AND attempts = ${p.attempts}::int
        RETURNING ${STEP}`,
    ),
);

/** Cancels an execution's open step (pending or running), if any. */
export const cancelOpenSteps = compiledQuery((db, p: { executionId: string }) =>
  compilableSql(
    db,
    sql<WorkflowExecutionStep>`
      UPDATE workflow_execution_steps SET status = 'cancelled', finished_at = greatest(now(), created_at), leased_by = NULL, leased_until = NULL
      WHERE execution_id = ${p.executionId}::uuid AND status IN ('pending', 'running')
      RETURNING ${STEP}`,
  ),
);

/**
 * Puts a step this worker holds back to pending, due after `delayMs`, its attempt counted (a
 * conflict with a concurrent change, a deadlock or a serialization failure: run it again soon
 * rather than after its lease); nothing when the worker no longer holds it.
 */
export const retryStep = compiledQuery((db, p: { id: string; worker: string; attempts: number; delayMs: number }) =>
  compilableSql(
    db,
    sql<{ id: string }>`
      UPDATE workflow_execution_steps SET status = 'pending', leased_by = NULL, leased_until = NULL,
        run_after = clock_timestamp() + make_interval(secs => ${p.delayMs}::int / 1000.0)
      WHERE id = ${p.id}::uuid AND status = 'running' AND leased_by = ${p.worker}::text AND attempts = ${p.attempts}::int
      RETURNING id`,
  ),
);

/** Gives back steps a stopping worker claimed and did not start (due at once, the claim not counted). */
export const releaseSteps = compiledQuery((db, p: { ids: string[]; worker: string }) =>
  compilableSql(
    db,
    sql<{ id: string }>`
      UPDATE workflow_execution_steps SET status = 'pending', leased_by = NULL, leased_until = NULL, attempts = attempts - 1,
        started_at = CASE WHEN attempts - 1 = 0 THEN NULL ELSE started_at END
      WHERE id = ANY (${p.ids}::uuid[]) AND status = 'running' AND leased_by = ${p.worker}::text
      RETURNING id`,
  ),
);
