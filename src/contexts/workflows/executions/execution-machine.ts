// The state machines of an execution and of its steps, declared once. The engine's conditional
// UPDATEs take their from-states from these tables, the diagram (docs/workflow-execution-state-machine.md,
// by `npm run diagram`) is drawn from them, the CHECK constraints workflow_executions_status_values
// and workflow_execution_steps_status_values list the same states (a test compares them), and the
// matrix test tries every event in every state.

/** Execution states (`workflow_executions.status`). */
export const EXECUTION_STATES = Object.freeze(['pending', 'running', 'waiting', 'completed', 'failed', 'cancelled', 'timed_out'] as const);

/** An execution state. */
export type ExecutionStatus = (typeof EXECUTION_STATES)[number];

/** The finished execution states: nothing changes an execution in one of them. */
export const FINAL_EXECUTION_STATES: readonly ExecutionStatus[] = Object.freeze(['completed', 'failed', 'cancelled', 'timed_out']);

/** The events that change an execution's status. */
export const EXECUTION_EVENTS = Object.freeze(['start', 'advance', 'wait', 'resume', 'complete', 'fail', 'cancel', 'time_out'] as const);

/** An execution event. */
export type ExecutionEvent = (typeof EXECUTION_EVENTS)[number];

/** One row of a transition table. */
export interface ExecutionTransition<S extends string = ExecutionStatus, E extends string = ExecutionEvent> {
  readonly event: E;
  readonly from: S;
  readonly to: S;
  /** What else happens. */
  readonly effect: string;
}

const UNFINISHED = ['pending', 'running', 'waiting'] as const;

/**
 * The execution transitions. Every one adds 1 to `version` (optimistic concurrency: the engine
 * and `cancel` change an execution only at the version they read) and is audited with its event.
 */
export const EXECUTION_TRANSITIONS: readonly ExecutionTransition[] = Object.freeze([
  { event: 'start', from: 'pending', to: 'running', effect: 'a worker claimed its first step (or it runs to an end at once); started_at set' },
  { event: 'advance', from: 'running', to: 'running', effect: 'a step finished and the next one was queued; current_state moves on' },
  { event: 'wait', from: 'running', to: 'waiting', effect: 'its next step is a wait, due at its time' },
  { event: 'resume', from: 'waiting', to: 'running', effect: 'the wait step came due and a worker claimed it' },
  { event: 'complete', from: 'running', to: 'completed', effect: 'it reached an end state that completes it; output set' },
  { event: 'fail', from: 'running', to: 'failed', effect: 'an action failed, or it reached an end state that fails it; error set' },
  ...UNFINISHED.map((from) => ({ event: 'cancel' as const, from, to: 'cancelled' as const, effect: 'by a person; its open step cancelled' })),
  ...UNFINISHED.map((from) => ({ event: 'time_out' as const, from, to: 'timed_out' as const, effect: 'past its deadline, or its step past the step timeout' })),
] satisfies ExecutionTransition[]);

/** The states `event` starts from, and the state it leads to. */
export function executionTransition(event: ExecutionEvent): { readonly from: readonly ExecutionStatus[]; readonly to: ExecutionStatus } {
  const rows = EXECUTION_TRANSITIONS.filter((t) => t.event === event);
  return { from: rows.map((t) => t.from), to: rows[0]!.to };
}

/** Step states (`workflow_execution_steps.status`). */
export const STEP_STATES = Object.freeze(['pending', 'running', 'completed', 'failed', 'cancelled', 'timed_out'] as const);

/** A step state. */
export type StepStatus = (typeof STEP_STATES)[number];

/** The events that change a step's status. */
export const STEP_EVENTS = Object.freeze(['claim', 'reclaim', 'release', 'complete', 'fail', 'cancel', 'time_out'] as const);

/** A step event. */
export type StepEvent = (typeof STEP_EVENTS)[number];

/** The step transitions: a step is a work item with a lease, and a row of history once finished. */
export const STEP_TRANSITIONS: readonly ExecutionTransition<StepStatus, StepEvent>[] = Object.freeze([
  { event: 'claim', from: 'pending', to: 'running', effect: 'due (run_after passed); a worker takes it with a lease; attempts + 1' },
  { event: 'reclaim', from: 'running', to: 'running', effect: 'its lease ran out (the worker died); another worker takes it; attempts + 1' },
  { event: 'release', from: 'running', to: 'pending', effect: 'a stopping worker gives back a step it had not started' },
  { event: 'complete', from: 'running', to: 'completed', effect: 'its action ran, in the transaction that inserts the next step' },
  { event: 'fail', from: 'running', to: 'failed', effect: 'its action failed, or it was claimed more than maxAttempts times' },
  { event: 'cancel', from: 'pending', to: 'cancelled', effect: 'its execution was cancelled or timed out' },
  { event: 'cancel', from: 'running', to: 'cancelled', effect: 'its execution was cancelled or timed out' },
  { event: 'time_out', from: 'running', to: 'timed_out', effect: 'its action ran past the step timeout' },
] satisfies ExecutionTransition<StepStatus, StepEvent>[]);
