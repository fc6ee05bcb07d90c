// The execution engine: starting an execution, advancing it by one claimed step, failing or
// cancelling it. Every function runs in the caller's transaction with the tenant set (a unit of
// work, the worker's delivery transaction, or the runner's); each change of an execution is a
// conditional UPDATE at the version read, audited with its event in the same transaction.
import { auditEvent } from '../../../core/audit/audit-event.js';
import { writeAudit } from '../../../core/audit/write-audit.js';
import { errorLabel } from '../../../core/errors/error-label.js';
import { NotFoundError } from '../../../core/errors/not-found-error.js';
import { StatementTimeoutError } from '../../../core/errors/operational-errors.js';
import { TransitionConflictError } from '../../../core/errors/transition-conflict-error.js';
import { ValidationError } from '../../../core/errors/validation-error.js';
import { VersionConflictError } from '../../../core/errors/version-conflict-error.js';
import { domainEvent } from '../../../core/events/domain-event.js';
import type { EventTypeDescriptor } from '../../../core/events/event-type.js';
import { WORKFLOW_DEFINITION_LIMITS, type WorkflowDefinition } from '../definitions/workflow-definition.js';
import {
  workflowExecutionAdvanced,
  workflowExecutionCancelled,
  workflowExecutionCompleted,
  workflowExecutionFailed,
  workflowExecutionResumed,
  workflowExecutionStarted,
  workflowExecutionTimedOut,
  workflowExecutionWaiting,
} from '../workflow-events.js';
import { storedDefinition } from '../workflows/stored-definition.js';
import type { EngineScope, WorkflowEnvironment } from './engine-scope.js';
import { runAction } from './run-action.js';
import { workflowExecutionAggregate, type JsonObject, type WorkflowExecution, type WorkflowExecutionStep } from './execution.js';
import { executionTransition, FINAL_EXECUTION_STATES, type ExecutionEvent } from './execution-machine.js';
import { executionOfRow, executionWithDates, stepOfRow } from './execution-rows.js';
import {
  cancelOpenSteps,
  executionById,
  executionByTriggerKey,
  executionForUpdate,
  finishStep,
  heldStep,
  insertExecution,
  insertStep,
  limitStatements,
  moveExecution,
  type ClaimedStep,
} from './execution-statements.js';
import { enterState, nextPosition, type BranchData, type NextPosition } from './next-position.js';

/** The event of each execution transition (`start` has none: `create` announced it). */
const EVENT_OF: Record<ExecutionEvent | 'create', EventTypeDescriptor<string, object> | undefined> = {
  create: workflowExecutionStarted,
  start: undefined,
  advance: workflowExecutionAdvanced,
  wait: workflowExecutionWaiting,
  resume: workflowExecutionResumed,
  complete: workflowExecutionCompleted,
  fail: workflowExecutionFailed,
  cancel: workflowExecutionCancelled,
  time_out: workflowExecutionTimedOut,
};

/** The audit row (and event) of an execution's change. */
async function record(scope: EngineScope, action: ExecutionEvent | 'create', before: WorkflowExecution | null, after: WorkflowExecution): Promise<void> {
  const type = EVENT_OF[action];
  const payload = {
    executionId: after.id,
    organizationId: after.organizationId,
    workflowId: after.workflowId,
    workflowVersionId: after.workflowVersionId,
    submissionId: after.submissionId,
    status: after.status,
    previousStatus: before?.status ?? null,
    state: after.currentState,
  };
  await writeAudit(
    scope.trx,
    scope.context,
    auditEvent(workflowExecutionAggregate, action, {
      entityId: after.id,
      organizationId: after.organizationId,
      before,
      after,
      ...(type ? { event: domainEvent(type, after.id, payload, after.version) } : {}),
    }),
  );
}

/** The refusal of a change of `id` that matched nothing: gone, stale, or not in a from-state. */
async function refusal(scope: EngineScope, id: string, event: ExecutionEvent, expectedVersion: number): Promise<Error> {
  const [current] = await executionById(scope.trx, { id });
  if (!current) return new NotFoundError(workflowExecutionAggregate.name);
  if (current.version !== expectedVersion) return new VersionConflictError(workflowExecutionAggregate.name, expectedVersion, current.version, current.status);
  return new TransitionConflictError(workflowExecutionAggregate.name, event, current.status, current.version);
}

/** Applies `event` to the execution at the version read; audited with its event. */
export async function moveTo(
  scope: EngineScope,
  execution: WorkflowExecution,
  event: ExecutionEvent,
  change: { readonly state?: string; readonly error?: string; readonly output?: JsonObject } = {},
): Promise<WorkflowExecution> {
  const { from, to } = executionTransition(event);
  const [row] = await moveExecution(scope.trx, {
    id: execution.id,
    from,
    to,
    expectedVersion: execution.version,
    state: change.state ?? null,
    error: change.error ?? null,
    output: change.output ? JSON.stringify(change.output) : null,
  });
  if (!row) throw await refusal(scope, execution.id, event, execution.version);
  const after = executionWithDates(row);
  await record(scope, event, execution, after);
  return after;
}

/** The values a branch of this execution reads: its submission's (when it has one), else its input. */
function branchData(scope: EngineScope, env: WorkflowEnvironment, execution: WorkflowExecution): BranchData {
  let values: Promise<Readonly<Record<string, unknown>>> | undefined;
  return () =>
    (values ??= (async () => {
      if (!execution.submissionId) return execution.input;
      if (!env.submissions) throw new ValidationError([{ path: 'options.submissions', message: 'is needed to branch on a submission field' }]);
      const submission = await env.submissions.get(scope, execution.submissionId);
      if (!submission) throw new NotFoundError('submission');
      return submission.values as Readonly<Record<string, unknown>>;
    })());
}

/** Queues the step at `position` as number `number`; a wait is due at its time (never after the deadline). */
async function queueStep(scope: EngineScope, execution: WorkflowExecution, number: number, position: Extract<NextPosition, { kind: 'step' }>) {
  const { action } = position;
  const [step] = await insertStep(scope.trx, {
    organizationId: execution.organizationId,
    executionId: execution.id,
    number,
    state: position.state,
    actionIndex: position.actionIndex,
    actionType: action.type,
    delaySeconds: action.type === 'wait' && 'seconds' in action ? action.seconds : 0,
    at: action.type === 'wait' && 'until' in action ? action.until : null,
    notAfter: execution.deadlineAt,
    timeoutSeconds: action.timeoutSeconds ?? WORKFLOW_DEFINITION_LIMITS.defaultStepTimeoutSeconds,
  });
  return step as WorkflowExecutionStep;
}

/** Ends a running execution as its end state says. */
const finish = (scope: EngineScope, execution: WorkflowExecution, end: Extract<NextPosition, { kind: 'end' }>) =>
  end.outcome === 'completed'
    ? moveTo(scope, execution, 'complete', { state: end.state, output: { endState: end.state } })
    : moveTo(scope, execution, 'fail', { state: end.state, error: 'end_state_failed' });

/** What starts an execution. */
export interface ExecutionStart {
  readonly workflowId: string;
  readonly versionId: string;
  readonly definition: unknown;
  readonly definitionSha256: string;
  readonly triggerId: string | null;
  readonly triggerKey: string | null;
  readonly submissionId: string | null;
  readonly input: JsonObject;
  readonly startedBy: string | null;
}

/**
 * Makes an execution (audited, event `workflow_execution.started`) and queues its first step;
 * one that reaches an end before any action runs to it at once. When the trigger already
 * started one for the key, that one (`started: false`).
 */
export async function startExecution(
  scope: EngineScope,
  env: WorkflowEnvironment,
  start: ExecutionStart,
): Promise<{ readonly execution: WorkflowExecution; readonly started: boolean }> {
  const definition: WorkflowDefinition = storedDefinition(start.definition, start.definitionSha256);
  const [made] = await insertExecution(scope.trx, {
    organizationId: scope.tenant,
    workflowId: start.workflowId,
    versionId: start.versionId,
    triggerId: start.triggerId,
    triggerKey: start.triggerKey,
    submissionId: start.submissionId,
    state: definition.initial,
    input: JSON.stringify(start.input),
    timeoutSeconds: definition.timeoutSeconds ?? null,
    startedBy: start.startedBy,
  });
  if (!made) {
    const [existing] = await executionByTriggerKey(scope.trx, {
      organizationId: scope.tenant,
      triggerId: start.triggerId as string,
      triggerKey: start.triggerKey as string,
    });
    return { execution: executionWithDates(existing as WorkflowExecution), started: false };
  }
  let execution = executionWithDates(made);
  await record(scope, 'create', null, execution);
  const position = await enterState(definition, definition.initial, branchData(scope, env, execution));
  if (position.kind === 'step') {
    await queueStep(scope, execution, 1, position);
    return { execution, started: true };
  }
  execution = await moveTo(scope, execution, 'start', { state: position.state });
  return { execution: await finish(scope, execution, position), started: true };
}

/**
 * Records that `start` could not start an execution (its savepoint rolled back): a `failed`
 * execution of the trigger and key, with the error's class and code, so the failure shows and a
 * redelivered event does not try again. Nothing when the key already has an execution.
 */
export async function recordFailedStart(scope: EngineScope, start: ExecutionStart, error: unknown): Promise<WorkflowExecution | undefined> {
  let state = 'start';
  try {
    state = storedDefinition(start.definition, start.definitionSha256).initial;
  } catch {
    // A definition this package refuses: the execution is recorded in a placeholder state.
  }
  const [made] = await insertExecution(scope.trx, {
    organizationId: scope.tenant,
    workflowId: start.workflowId,
    versionId: start.versionId,
    triggerId: start.triggerId,
    triggerKey: start.triggerKey,
    submissionId: start.submissionId,
    state,
    input: '{}',
    timeoutSeconds: null,
    startedBy: start.startedBy,
  });
  if (!made) return undefined;
  let execution = executionWithDates(made);
  await record(scope, 'create', null, execution);
  execution = await moveTo(scope, execution, 'start');
  return moveTo(scope, execution, 'fail', { error: errorLabel(error) });
}

/** What became of a claimed step. */
export type StepOutcome = 'ran' | 'lost' | 'timed_out' | 'failed' | 'skipped';

/**
 * Runs a step this worker claimed: its action and the execution's advance (finish the step,
 * move the execution at its version, queue the next step, audit, event), all in `scope`'s
 * transaction. `lost`: another worker holds it now, or it was cancelled. Throws what the action
 * threw (the caller rolls back and records the failure with {@link failClaimedStep}).
 */
export async function runClaimedStep(
  scope: EngineScope,
  env: WorkflowEnvironment,
  claimed: ClaimedStep,
  worker: string,
  maxAttempts: number,
): Promise<StepOutcome> {
  const [held] = await heldStep(scope.trx, { id: claimed.id, worker, attempts: claimed.attempts });
  if (!held) return 'lost';
  let execution = executionOfRow(held.execution as unknown as Record<string, unknown>);
  const step = stepOfRow(held.step as unknown as Record<string, unknown>);
  const ref = { id: step.id, worker, attempts: step.attempts };
  if (FINAL_EXECUTION_STATES.includes(execution.status)) {
    await finishStep(scope.trx, { ...ref, to: 'cancelled', output: null, error: null });
    return 'skipped';
  }
  if (held.overdue) {
    await finishStep(scope.trx, { ...ref, to: 'timed_out', output: null, error: 'execution_deadline' });
    await moveTo(scope, execution, 'time_out', { error: 'execution_deadline' });
    return 'timed_out';
  }
  if (step.attempts > maxAttempts) {
    await finishStep(scope.trx, { ...ref, to: 'failed', output: null, error: 'attempts_exhausted' });
    if (execution.status !== 'running') execution = await moveTo(scope, execution, execution.status === 'pending' ? 'start' : 'resume');
    await moveTo(scope, execution, 'fail', { error: 'attempts_exhausted' });
    return 'failed';
  }
  const definition = storedDefinition(held.definition, held.definitionSha256);
  const action = definition.states[step.state]?.actions?.[step.actionIndex];
  if (!action) throw new ValidationError([{ path: 'step', message: 'names no action of its execution’s definition' }]);
  await limitStatements(scope.trx, { ms: step.timeoutSeconds * 1000 });
  if (execution.status === 'pending') execution = await moveTo(scope, execution, 'start');
  else if (execution.status === 'waiting') execution = await moveTo(scope, execution, 'resume');
  const output = await runAction(scope, env, action, execution);
  await finishStep(scope.trx, { ...ref, to: 'completed', output: JSON.stringify(output), error: null });
  const position = await nextPosition(definition, step.state, step.actionIndex, branchData(scope, env, execution));
  if (position.kind === 'end') {
    await finish(scope, execution, position);
  } else {
    await queueStep(scope, execution, step.number + 1, position);
    await moveTo(scope, execution, position.action.type === 'wait' ? 'wait' : 'advance', { state: position.state });
  }
  return 'ran';
}

/**
 * Records that a claimed step's action failed (in a transaction of its own, after the one that
 * ran it rolled back): the step failed (or timed out, for a statement timeout) and its
 * execution with it. Nothing when the worker no longer holds the step.
 */
export async function failClaimedStep(scope: EngineScope, claimed: ClaimedStep, worker: string, error: unknown): Promise<StepOutcome> {
  const [held] = await heldStep(scope.trx, { id: claimed.id, worker, attempts: claimed.attempts });
  if (!held) return 'lost';
  let execution = executionOfRow(held.execution as unknown as Record<string, unknown>);
  const timedOut = error instanceof StatementTimeoutError;
  const label = timedOut ? 'step_timeout' : errorLabel(error);
  await finishStep(scope.trx, { id: claimed.id, worker, attempts: claimed.attempts, to: timedOut ? 'timed_out' : 'failed', output: null, error: label });
  if (FINAL_EXECUTION_STATES.includes(execution.status)) return timedOut ? 'timed_out' : 'failed';
  if (timedOut) {
    await moveTo(scope, execution, 'time_out', { error: label });
    return 'timed_out';
  }
  if (execution.status !== 'running') execution = await moveTo(scope, execution, execution.status === 'pending' ? 'start' : 'resume');
  await moveTo(scope, execution, 'fail', { error: label });
  return 'failed';
}

/**
 * Cancels an unfinished execution (at `expectedVersion` when given) and its open step; audited,
 * event `workflow_execution.cancelled`. It takes the open step's row before the execution's, in
 * the order a runner takes them, so the two wait for each other instead of deadlocking: a runner
 * that holds the step finishes its advance first, and the step it queued is cancelled too; a
 * runner that claims the step later finds the execution finished and cancels the step.
 */
export async function cancelExecution(scope: EngineScope, id: string, expectedVersion: number | undefined): Promise<WorkflowExecution> {
  await cancelOpenSteps(scope.trx, { executionId: id });
  const [row] = await executionForUpdate(scope.trx, { id });
  if (!row) throw new NotFoundError(workflowExecutionAggregate.name);
  const current = executionWithDates(row);
  if (expectedVersion !== undefined && current.version !== expectedVersion) {
    throw new VersionConflictError(workflowExecutionAggregate.name, expectedVersion, current.version, current.status);
  }
  const after = await moveTo(scope, current, 'cancel');
  await cancelOpenSteps(scope.trx, { executionId: id });
  return after;
}

