// The status of a workflow, declared once. The CHECK constraint workflows_status_values lists the same
// states; workflows_published_when_not_draft ties `draft` to having no published version. Every
// transition is one conditional UPDATE of the workflow row (on the published version the caller
// expects, where it names one) plus its audit row and event, in one transaction.

/** Workflow states (`workflows.status`). */
export const WORKFLOW_STATES = Object.freeze(['draft', 'published', 'archived'] as const);

/** A workflow state. */
export type WorkflowStatus = (typeof WORKFLOW_STATES)[number];

/** One row of the workflow transition table; `from: null` makes the workflow. */
export interface WorkflowTransition {
  /** The repository method. */
  readonly event: 'create' | 'publish' | 'rollback' | 'archive' | 'restore';
  readonly from: WorkflowStatus | null;
  readonly to: WorkflowStatus;
  /** What it does to `published_version`. */
  readonly when: string;
}

/** The workflow transitions. Deleting (soft) is allowed in every state and is not a transition. */
export const WORKFLOW_TRANSITIONS: readonly WorkflowTransition[] = Object.freeze([
  { event: 'create', from: null, to: 'draft', when: 'made with its first draft version (1); no published version' },
  { event: 'publish', from: 'draft', to: 'published', when: 'the draft version becomes published and starts executions' },
  { event: 'publish', from: 'published', to: 'published', when: 'a newer draft version replaces the published one' },
  { event: 'rollback', from: 'published', to: 'published', when: 'points at an older published version' },
  { event: 'archive', from: 'published', to: 'archived', when: 'starts no executions; the published version is kept' },
  { event: 'restore', from: 'archived', to: 'published', when: 'starts executions to its published version again' },
] satisfies WorkflowTransition[]);

/** The states `event` starts from. */
export function workflowStatesFor(event: WorkflowTransition['event']): readonly WorkflowStatus[] {
  return WORKFLOW_TRANSITIONS.filter((t) => t.event === event && t.from !== null).map((t) => t.from as WorkflowStatus);
}
