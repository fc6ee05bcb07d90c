// The workflows context's schemas: zod only (no pg, no kysely), for `@org/data/schemas`.

export {
  WorkflowSlugSchema,
  CreateWorkflowInputSchema,
  UpdateWorkflowInputSchema,
  PublishWorkflowInputSchema,
  RollbackWorkflowInputSchema,
  UpdateWorkflowDraftOptionsSchema,
  type CreateWorkflowInput,
  type UpdateWorkflowInput,
  type PublishWorkflowInput,
  type RollbackWorkflowInput,
  type UpdateWorkflowDraftOptions,
} from './workflows/workflow.inputs.js';
export { AddWorkflowTriggerInputSchema, type AddWorkflowTriggerInput } from './triggers/workflow-trigger.inputs.js';
export {
  StartExecutionInputSchema,
  CancelExecutionOptionsSchema,
  type StartExecutionInput,
  type CancelExecutionOptions,
} from './executions/execution.inputs.js';
export {
  WORKFLOW_DEFINITION_FORMAT,
  WORKFLOW_DEFINITION_LIMITS,
  WORKFLOW_ACTION_TYPES,
  WORKFLOW_SUBMISSION_EVENTS,
  WORKFLOW_NOTIFY_PRIORITIES,
  WORKFLOW_END_STATUSES,
  WorkflowDefinitionSchema,
  WorkflowStateSchema,
  WorkflowActionSchema,
  WorkflowTransitionSchema,
  WorkflowConditionSchema,
  WorkflowFieldKeySchema,
  StateNameSchema as WorkflowStateNameSchema,
  type WorkflowActionType,
  type WorkflowDefinition,
  type WorkflowDefinitionInput,
  type WorkflowState,
  type WorkflowAction,
  type WorkflowTransition,
  type WorkflowCondition,
} from './definitions/workflow-definition.js';
export { CronScheduleSchema, CRON_SHAPE } from './definitions/cron.js';
