// The workflow repository's statements: the versioned-aggregate statements (core/versioning) over
// `workflows` and `workflow_versions`, compiled once per process.
import { parentOfRow, versionedStatements, type VersionedParentRow } from '../../../core/versioning/versioned-statements.js';
import type { Workflow, WorkflowVersion, WorkflowVersionSummary } from './workflow.js';

/** A workflow row as the statements return it (`to_jsonb` of the row, then mapped by {@link workflowOfRow}). */
export type WorkflowRow = VersionedParentRow;

const statements = versionedStatements<Workflow, WorkflowVersion, WorkflowVersionSummary>({
  parent: 'workflows',
  versions: 'workflow_versions',
  parentKey: 'workflow_id',
  parentKeyField: 'workflowId',
});

/** Makes a live workflow (no version yet: {@link insertWorkflowVersion} numbers the first 1). */
export const insertWorkflow = statements.insertParent;
/** Makes the workflow's next version, a draft numbered latest + 1 (nothing when the workflow is not live). */
export const insertWorkflowVersion = statements.insertVersion;
/** Replaces a draft's definition at the expected revision; one row with the draft after and the version before. */
export const updateDraftDefinition = statements.updateDraftDefinition;
/** Publishes a draft if the published version is the expected one; one row with the workflow before and after. */
export const publishWorkflowVersion = statements.publishVersion;
/** Points a published workflow at another of its published versions. */
export const repointWorkflow = statements.repoint;
/** Moves a live workflow from one of `from` to `to`. */
export const changeWorkflowStatus = statements.changeStatus;
/** Renames / redescribes a live workflow. */
export const updateWorkflow = statements.updateParent;
/** Marks a live workflow deleted. */
export const deleteWorkflow = statements.deleteParent;
/** The live workflow with this id. */
export const workflowById = statements.parentById;
/** The organization's live workflows, by slug. */
export const workflowsOfOrganization = statements.parentsOfOrganization;
/** Version `version` of a live workflow, with its definition. */
export const workflowVersionByNumber = statements.versionByNumber;
/** The version a live, published workflow points at, with its definition. */
export const runningWorkflowVersion = statements.publishedVersion;
/** A live workflow's versions without their definitions, newest first. */
export const versionsOfWorkflow = statements.versionsOf;

/** A workflow row as JSON → {@link Workflow}. */
export const workflowOfRow = (row: WorkflowRow): Workflow => parentOfRow<Workflow>(row);
