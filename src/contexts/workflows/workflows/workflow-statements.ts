// The workflow repository's statements: the versioned-aggregate statements (core/versioning) over
// `workflows` and `workflow_versions`, compiled once per process.
import { versionedStatements } from '../../../core/versioning/versioned-statements.js';
import type { Workflow, WorkflowVersion, WorkflowVersionSummary } from './workflow.js';

/** The statements of workflows and their versions. */
export const workflowStatements = versionedStatements<Workflow, WorkflowVersion, WorkflowVersionSummary>({
  parent: 'workflows',
  versions: 'workflow_versions',
  parentKey: 'workflow_id',
  parentKeyField: 'workflowId',
});
