import { defineAggregate } from '../../../core/kernel/aggregate.js';
import type { WorkflowDefinition } from '../definitions/workflow-definition.js';
import type { WorkflowStatus } from './workflow-machine.js';

/** A workflow of an organization: its identity and which of its versions new executions run. */
export interface Workflow {
  /** Primary key (uuid). */
  readonly id: string;
  /** The organization (tenant). */
  readonly organizationId: string;
  /** Unique among the organization's live workflows, e.g. `expense-claim`. */
  readonly slug: string;
  /** Display name. */
  readonly name: string;
  /** What the workflow is for; `null`: none given. */
  readonly description: string | null;
  /** `draft` (never published), `published` (starts executions) or `archived`. */
  readonly status: WorkflowStatus;
  /** The number of its latest version (published or the draft). */
  readonly latestVersion: number;
  /** The published version that starts executions; `null` while a draft. */
  readonly publishedVersion: number | null;
  /** When it was made. */
  readonly createdAt: Date;
  /** When it last changed. */
  readonly updatedAt: Date;
}

/** A version of a workflow: a definition, a draft until published, immutable once published. */
export interface WorkflowVersion {
  /** Primary key (uuid). */
  readonly id: string;
  /** The organization. */
  readonly organizationId: string;
  /** The workflow. */
  readonly workflowId: string;
  /** 1, 2, 3, … without gaps. */
  readonly version: number;
  /** The definition (format 1). */
  readonly definition: WorkflowDefinition;
  /** Lowercase hex sha256 of the definition's canonical JSON. */
  readonly definitionSha256: string;
  /** 1, then + 1 per edit of the draft: pass it back as `expectedRevision` to edit or publish what you read. */
  readonly revision: number;
  /** Published (immutable), or the workflow's one draft. */
  readonly isPublished: boolean;
  /** When it was published; `null` for the draft. */
  readonly publishedAt: Date | null;
  /** Who published it; `null` for the draft or when no acting user was known. */
  readonly publishedBy: string | null;
  /** Who made it; `null` when no acting user was known. */
  readonly createdBy: string | null;
  /** When it was made. */
  readonly createdAt: Date;
  /** When its definition last changed (or it was published). */
  readonly updatedAt: Date;
}

/** A version without its definition (lists). */
export type WorkflowVersionSummary = Omit<WorkflowVersion, 'definition'>;

/** Workflows: made, renamed, published, rolled back, archived, restored, deleted; audited. */
export const workflowAggregate = defineAggregate<Workflow>()({
  name: 'workflow',
  table: 'workflows',
  tenantColumn: 'organization_id',
  columns: {
    id: 'id',
    organizationId: 'organization_id',
    slug: 'slug',
    name: 'name',
    description: 'description',
    status: 'status',
    latestVersion: 'latest_version',
    publishedVersion: 'published_version',
    createdAt: 'created_at',
    updatedAt: 'updated_at',
  },
  audited: ['id', 'organizationId', 'slug', 'name', 'description', 'status', 'latestVersion', 'publishedVersion'],
  actions: ['create', 'update', 'publish', 'rollback', 'archive', 'restore', 'delete'],
});

/** Workflow versions: drafts made and edited (recorded as `workflow.create_draft`, `workflow.update_draft`); audited by their sha256, never their whole definition. */
export const workflowVersionAggregate = defineAggregate<WorkflowVersion>()({
  name: 'workflow_version',
  table: 'workflow_versions',
  tenantColumn: 'organization_id',
  columns: {
    id: 'id',
    organizationId: 'organization_id',
    workflowId: 'workflow_id',
    version: 'version',
    definition: 'definition',
    definitionSha256: 'definition_sha256',
    revision: 'revision',
    isPublished: 'is_published',
    publishedAt: 'published_at',
    publishedBy: 'published_by',
    createdBy: 'created_by',
    createdAt: 'created_at',
    updatedAt: 'updated_at',
  },
  audited: ['id', 'workflowId', 'version', 'definitionSha256', 'revision', 'isPublished'],
  actions: ['create_draft', 'update_draft'],
  actionPrefix: 'workflow',
});
