// Rows of the engine's tables as `to_jsonb` returns them (snake_case, times as text) → the
// package's objects.
import type { JsonObject, WorkflowExecution, WorkflowExecutionStep } from './execution.js';
import type { ExecutionStatus, StepStatus } from './execution-machine.js';

type Json = Record<string, unknown>;
const time = (value: unknown): Date | null => (value === null || value === undefined ? null : new Date(value as string));
const text = (value: unknown): string | null => (value === null || value === undefined ? null : (value as string));

/** An execution from `to_jsonb(workflow_executions)`. */
export function executionOfRow(row: Json): WorkflowExecution {
  return {
    id: row.id as string,
    organizationId: row.organization_id as string,
    workflowId: row.workflow_id as string,
    workflowVersionId: row.workflow_version_id as string,
    triggerId: text(row.trigger_id),
    triggerKey: text(row.trigger_key),
    submissionId: text(row.submission_id),
    status: row.status as ExecutionStatus,
    version: row.version as number,
    currentState: row.current_state as string,
    input: row.input as JsonObject,
    context: row.context as JsonObject,
    output: (row.output ?? null) as JsonObject | null,
    error: text(row.error),
    startedAt: time(row.started_at),
    finishedAt: time(row.finished_at),
    deadlineAt: time(row.deadline_at),
    startedBy: text(row.started_by),
    createdAt: time(row.created_at) as Date,
    updatedAt: time(row.updated_at) as Date,
  };
}

/** A step from `to_jsonb(workflow_execution_steps)`. */
export function stepOfRow(row: Json): WorkflowExecutionStep {
  return {
    id: row.id as string,
    organizationId: row.organization_id as string,
    executionId: row.execution_id as string,
    number: row.number as number,
    state: row.state as string,
    actionIndex: row.action_index as number,
    actionType: row.action_type as string,
    status: row.status as StepStatus,
    runAfter: time(row.run_after) as Date,
    attempts: row.attempts as number,
    leasedBy: text(row.leased_by),
    leasedUntil: time(row.leased_until),
    timeoutSeconds: row.timeout_seconds as number,
    startedAt: time(row.started_at),
    finishedAt: time(row.finished_at),
    output: (row.output ?? null) as JsonObject | null,
    error: text(row.error),
    createdAt: time(row.created_at) as Date,
    updatedAt: time(row.updated_at) as Date,
  };
}

/** An execution as a statement returned it, with its times as `Date`s. */
export function executionWithDates(row: WorkflowExecution): WorkflowExecution {
  return {
    ...row,
    startedAt: time(row.startedAt),
    finishedAt: time(row.finishedAt),
    deadlineAt: time(row.deadlineAt),
    createdAt: new Date(row.createdAt),
    updatedAt: new Date(row.updatedAt),
  };
}

/** A step as a statement returned it, with its times as `Date`s. */
export function stepWithDates(row: WorkflowExecutionStep): WorkflowExecutionStep {
  return {
    ...row,
    runAfter: new Date(row.runAfter),
    leasedUntil: time(row.leasedUntil),
    startedAt: time(row.startedAt),
    finishedAt: time(row.finishedAt),
    createdAt: new Date(row.createdAt),
    updatedAt: new Date(row.updatedAt),
  };
}
