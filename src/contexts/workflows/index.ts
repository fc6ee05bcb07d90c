// @org/data/workflows: workflows and their immutable versions, the definition language,
// triggers, executions and their steps, the runner (issue 14).

export { createWorkflowRepository, type WorkflowRepository } from './workflows/workflow-repository.js';
export { workflowAggregate, workflowVersionAggregate, type Workflow, type WorkflowVersion, type WorkflowVersionSummary } from './workflows/workflow.js';
export { WORKFLOW_STATES, WORKFLOW_TRANSITIONS, type WorkflowStatus, type WorkflowTransition as WorkflowStatusTransition } from './workflows/workflow-machine.js';
export { workflowTriggerAggregate, TRIGGER_KINDS, type WorkflowTrigger, type TriggerKind } from './triggers/workflow-trigger.js';
export { workflowExecutionAggregate, type WorkflowExecution, type WorkflowExecutionStep, type JsonObject } from './executions/execution.js';
export {
  EXECUTION_STATES,
  EXECUTION_EVENTS,
  EXECUTION_TRANSITIONS,
  FINAL_EXECUTION_STATES,
  STEP_STATES,
  STEP_EVENTS,
  STEP_TRANSITIONS,
  type ExecutionStatus,
  type ExecutionEvent,
  type ExecutionTransition,
  type StepStatus,
  type StepEvent,
} from './executions/execution-machine.js';
export {
  createWorkflowExecutions,
  type WorkflowExecutions,
  type WorkflowExecutionsOptions,
} from './executions/executions.js';
export { createWorkflowRunner, type WorkflowRunner, type WorkflowRunnerOptions, type WorkflowRound } from './executions/workflow-runner.js';
export { parseWorkflowDefinition } from './definitions/workflow-definition.js';
export { workflowDiagram } from './definitions/workflow-diagram.js';
export { parseCron, nextCronTime, type CronSchedule } from './definitions/cron.js';
export { workflowsRepositories } from './repositories.js';
export { WORKFLOWS_AGGREGATES } from './aggregates.js';
export * from './schemas.js';

/** The context's domain event types (their payload schemas are exported with them). */
export * from './workflow-events.js';
