import { workflowExecutionAggregate, workflowExecutionStepTable } from './executions/execution.js';
import { workflowTriggerAggregate } from './triggers/workflow-trigger.js';
import { workflowAggregate, workflowVersionAggregate } from './workflows/workflow.js';

/** Every aggregate (and table) of the workflows context, declared once each. */
export const WORKFLOWS_AGGREGATES = Object.freeze([workflowAggregate, workflowVersionAggregate, workflowTriggerAggregate, workflowExecutionAggregate, workflowExecutionStepTable] as const);
