// The workflows context's domain events, each declared once with the zod schema of its payload.
import { z } from 'zod';
import { UuidSchema } from '../../core/kernel/common-schemas.js';
import { defineEventType } from '../../core/events/event-type.js';

/** `workflow.created` v1: the workflow and its first draft version (1). */
export const WorkflowCreatedPayloadV1 = z
  .object({ workflowId: UuidSchema, organizationId: UuidSchema, slug: z.string(), name: z.string(), definitionSha256: z.string() })
  .strict();

/** `workflow.updated` v1: the workflow's name now. */
export const WorkflowUpdatedPayloadV1 = z.object({ workflowId: UuidSchema, organizationId: UuidSchema, name: z.string() }).strict();

/** `workflow.draft_saved` v1: the draft version and the sha256 of its definition now. */
export const WorkflowDraftSavedPayloadV1 = z
  .object({ workflowId: UuidSchema, organizationId: UuidSchema, version: z.int(), definitionSha256: z.string() })
  .strict();

/** `workflow.published`, `workflow.rolled_back` v1: the version new executions run now, and the one before (`null`: none). */
export const WorkflowPublishedPayloadV1 = z
  .object({ workflowId: UuidSchema, organizationId: UuidSchema, version: z.int(), previousVersion: z.int().nullable() })
  .strict();

/** `workflow.archived`, `workflow.restored`, `workflow.deleted` v1: which workflow, and its status now. */
export const WorkflowStatusPayloadV1 = z
  .object({ workflowId: UuidSchema, organizationId: UuidSchema, slug: z.string(), status: z.enum(['draft', 'published', 'archived']) })
  .strict();

/** `workflow_trigger.added`, `workflow_trigger.deactivated` v1: which trigger of which workflow. */
export const WorkflowTriggerPayloadV1 = z
  .object({
    triggerId: UuidSchema,
    workflowId: UuidSchema,
    organizationId: UuidSchema,
    kind: z.enum(['form_submission', 'event', 'schedule', 'manual']),
  })
  .strict();

const EXECUTION_STATUS = z.enum(['pending', 'running', 'waiting', 'completed', 'failed', 'cancelled', 'timed_out']);

/** `workflow_execution.*` v1: the execution, its status now and before, the state it is in. */
export const WorkflowExecutionPayloadV1 = z
  .object({
    executionId: UuidSchema,
    organizationId: UuidSchema,
    workflowId: UuidSchema,
    workflowVersionId: UuidSchema,
    submissionId: UuidSchema.nullable(),
    status: EXECUTION_STATUS,
    previousStatus: EXECUTION_STATUS.nullable(),
    state: z.string(),
  })
  .strict();

/** `workflow.signal` v1: a webhook action's named signal and its data, for the organization's webhooks. */
export const WorkflowSignalPayloadV1 = z
  .object({
    name: z.string(),
    executionId: UuidSchema,
    organizationId: UuidSchema,
    workflowId: UuidSchema,
    submissionId: UuidSchema.nullable(),
    data: z.record(z.string(), z.unknown()),
  })
  .strict();

const workflowEvent = <C extends string, S extends z.ZodType<object>>(code: C, description: string, payload: S) =>
  defineEventType({ code, aggregateType: 'workflow', description, version: 1, payload });
const executionEvent = <C extends string>(code: C, description: string) =>
  defineEventType({ code, aggregateType: 'workflow_execution', description, version: 1, payload: WorkflowExecutionPayloadV1 });

/** A workflow was made with its first draft version. */
export const workflowCreated = workflowEvent('workflow.created', 'A workflow was created with its first draft version.', WorkflowCreatedPayloadV1);
/** A workflow's name or description changed. */
export const workflowUpdated = workflowEvent('workflow.updated', "A workflow's name or description changed.", WorkflowUpdatedPayloadV1);
/** A draft version was made or its definition changed. */
export const workflowDraftSaved = workflowEvent(
  'workflow.draft_saved',
  'A draft version of a workflow was created or its definition changed.',
  WorkflowDraftSavedPayloadV1,
);
/** A draft version was published; new executions run it. */
export const workflowPublished = workflowEvent('workflow.published', 'A draft version of a workflow was published; new executions run it.', WorkflowPublishedPayloadV1);
/** A workflow was pointed back at an older published version. */
export const workflowRolledBack = workflowEvent('workflow.rolled_back', 'A workflow was pointed back at an older published version.', WorkflowPublishedPayloadV1);
/** A workflow stopped starting executions. */
export const workflowArchived = workflowEvent('workflow.archived', 'A workflow stopped starting executions.', WorkflowStatusPayloadV1);
/** An archived workflow starts executions again. */
export const workflowRestored = workflowEvent('workflow.restored', 'An archived workflow starts executions again.', WorkflowStatusPayloadV1);
/** A workflow was deleted. */
export const workflowDeleted = workflowEvent('workflow.deleted', 'A workflow was deleted.', WorkflowStatusPayloadV1);
/** A trigger was added to a workflow. */
export const workflowTriggerAdded = defineEventType({
  code: 'workflow_trigger.added',
  aggregateType: 'workflow_trigger',
  description: 'A trigger was added to a workflow.',
  version: 1,
  payload: WorkflowTriggerPayloadV1,
});
/** A trigger was turned off. */
export const workflowTriggerDeactivated = defineEventType({
  code: 'workflow_trigger.deactivated',
  aggregateType: 'workflow_trigger',
  description: 'A workflow trigger was turned off.',
  version: 1,
  payload: WorkflowTriggerPayloadV1,
});
/** An execution started. */
export const workflowExecutionStarted = executionEvent(
  'workflow_execution.started',
  'An execution of a workflow version was started by a trigger or a person.',
);
/** A step finished and the next one was queued. */
export const workflowExecutionAdvanced = executionEvent('workflow_execution.advanced', 'A step of an execution finished and the next one was queued.');
/** An execution waits until a time. */
export const workflowExecutionWaiting = executionEvent('workflow_execution.waiting', 'An execution waits until a time.');
/** An execution's wait ended. */
export const workflowExecutionResumed = executionEvent('workflow_execution.resumed', "An execution's wait ended.");
/** An execution completed. */
export const workflowExecutionCompleted = executionEvent('workflow_execution.completed', 'An execution reached an end state that completes it.');
/** An execution failed. */
export const workflowExecutionFailed = executionEvent(
  'workflow_execution.failed',
  'An execution failed: an action failed, or it reached an end state that fails it.',
);
/** An execution was cancelled. */
export const workflowExecutionCancelled = executionEvent('workflow_execution.cancelled', 'An execution was cancelled.');
/** An execution timed out. */
export const workflowExecutionTimedOut = executionEvent('workflow_execution.timed_out', 'An execution or one of its steps ran past its timeout.');
/** A webhook action's signal. */
export const workflowSignal = defineEventType({
  code: 'workflow.signal',
  aggregateType: 'workflow_execution',
  description: "A workflow's webhook action: a named signal with data, for the organization's webhooks.",
  version: 1,
  payload: WorkflowSignalPayloadV1,
});

/** Every event type of the workflows context. */
export const WORKFLOW_EVENT_TYPES = Object.freeze([
  workflowCreated,
  workflowUpdated,
  workflowDraftSaved,
  workflowPublished,
  workflowRolledBack,
  workflowArchived,
  workflowRestored,
  workflowDeleted,
  workflowTriggerAdded,
  workflowTriggerDeactivated,
  workflowExecutionStarted,
  workflowExecutionAdvanced,
  workflowExecutionWaiting,
  workflowExecutionResumed,
  workflowExecutionCompleted,
  workflowExecutionFailed,
  workflowExecutionCancelled,
  workflowExecutionTimedOut,
  workflowSignal,
] as const);
