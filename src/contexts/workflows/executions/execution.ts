import { defineAggregate } from '../../../core/kernel/aggregate.js';
import type { ExecutionStatus, StepStatus } from './execution-machine.js';

/** A JSON object (an execution's input, context or output; a step's output). */
export type JsonObject = Readonly<Record<string, unknown>>;

/** An execution of a workflow, pinned to the version it started with. */
export interface WorkflowExecution {
  /** Primary key (uuid). */
  readonly id: string;
  /** The organization (tenant). */
  readonly organizationId: string;
  /** The workflow. */
  readonly workflowId: string;
  /** The version it runs (never changes). */
  readonly workflowVersionId: string;
  /** The trigger that started it; `null`: started by hand without one. */
  readonly triggerId: string | null;
  /** What fired the trigger (an event id, a schedule's due time, a caller's key). */
  readonly triggerKey: string | null;
  /** The submission it is about, if any. */
  readonly submissionId: string | null;
  /** See `EXECUTION_TRANSITIONS`. */
  readonly status: ExecutionStatus;
  /** 1, then + 1 per change (optimistic concurrency). */
  readonly version: number;
  /** The definition state it is in. */
  readonly currentState: string;
  /** What it started with (at most 64 KiB of JSON). */
  readonly input: JsonObject;
  /** Facts its steps recorded (at most 64 KiB of JSON). */
  readonly context: JsonObject;
  /** What it ended with; `null` until completed. */
  readonly output: JsonObject | null;
  /** Why it failed or timed out: an error class and code (never row values). */
  readonly error: string | null;
  /** When its first step was claimed. */
  readonly startedAt: Date | null;
  /** When it finished. */
  readonly finishedAt: Date | null;
  /** When it times out if unfinished; `null`: never. */
  readonly deadlineAt: Date | null;
  /** Who started it by hand. */
  readonly startedBy: string | null;
  /** When it was made. */
  readonly createdAt: Date;
  /** When it last changed. */
  readonly updatedAt: Date;
}

/** A step of an execution: one action of a state; its history once finished. */
export interface WorkflowExecutionStep {
  /** Primary key (uuid). */
  readonly id: string;
  /** The organization. */
  readonly organizationId: string;
  /** The execution. */
  readonly executionId: string;
  /** 1, 2, 3, … in the order they ran. */
  readonly number: number;
  /** The definition state. */
  readonly state: string;
  /** The index of the action in the state's `actions`. */
  readonly actionIndex: number;
  /** The action's type. */
  readonly actionType: string;
  /** See `STEP_TRANSITIONS`. */
  readonly status: StepStatus;
  /** Not run before this. */
  readonly runAfter: Date;
  /** Claims so far. */
  readonly attempts: number;
  /** The worker holding it while running. */
  readonly leasedBy: string | null;
  /** Until when that worker holds it. */
  readonly leasedUntil: Date | null;
  /** The step timeout, s. */
  readonly timeoutSeconds: number;
  /** When it was first claimed. */
  readonly startedAt: Date | null;
  /** When it finished. */
  readonly finishedAt: Date | null;
  /** What its action recorded. */
  readonly output: JsonObject | null;
  /** Why it failed or timed out. */
  readonly error: string | null;
  /** When it was made. */
  readonly createdAt: Date;
  /** When it last changed. */
  readonly updatedAt: Date;
}

/** The steps of executions: written by the engine with their execution's audit rows (no audit rows of their own). */
export const workflowExecutionStepTable = defineAggregate<WorkflowExecutionStep>()({
  name: 'workflow_execution_step',
  table: 'workflow_execution_steps',
  tenantColumn: 'organization_id',
  columns: {
    id: 'id',
    organizationId: 'organization_id',
    executionId: 'execution_id',
    number: 'number',
    state: 'state',
    actionIndex: 'action_index',
    actionType: 'action_type',
    status: 'status',
    runAfter: 'run_after',
    attempts: 'attempts',
    leasedBy: 'leased_by',
    leasedUntil: 'leased_until',
    timeoutSeconds: 'timeout_seconds',
    startedAt: 'started_at',
    finishedAt: 'finished_at',
    output: 'output',
    error: 'error',
    createdAt: 'created_at',
    updatedAt: 'updated_at',
  },
  audited: [],
  actions: [],
});

/** Executions: started, moved through their states by the engine, cancelled; audited with their events. */
export const workflowExecutionAggregate = defineAggregate<WorkflowExecution>()({
  name: 'workflow_execution',
  table: 'workflow_executions',
  tenantColumn: 'organization_id',
  columns: {
    id: 'id',
    organizationId: 'organization_id',
    workflowId: 'workflow_id',
    workflowVersionId: 'workflow_version_id',
    triggerId: 'trigger_id',
    triggerKey: 'trigger_key',
    submissionId: 'submission_id',
    status: 'status',
    version: 'version',
    currentState: 'current_state',
    input: 'input',
    context: 'context',
    output: 'output',
    error: 'error',
    startedAt: 'started_at',
    finishedAt: 'finished_at',
    deadlineAt: 'deadline_at',
    startedBy: 'started_by',
    createdAt: 'created_at',
    updatedAt: 'updated_at',
  },
  audited: ['id', 'workflowId', 'workflowVersionId', 'triggerId', 'submissionId', 'status', 'version', 'currentState', 'error'],
  actions: ['create', 'start', 'advance', 'wait', 'resume', 'complete', 'fail', 'cancel', 'time_out', 'signal'],
});
