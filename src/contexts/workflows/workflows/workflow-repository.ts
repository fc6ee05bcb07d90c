import type { Kysely } from 'kysely';
import type { ResolvedAuditContext } from '../../../core/audit/audit-context.js';
import { auditEvent } from '../../../core/audit/audit-event.js';
import { writeAudit } from '../../../core/audit/write-audit.js';
import { NotFoundError } from '../../../core/errors/not-found-error.js';
import { domainEvent } from '../../../core/events/domain-event.js';
import { UuidSchema } from '../../../core/kernel/common-schemas.js';
import { asPackageDatabase } from '../../../core/kernel/database-type.js';
import { parseInput } from '../../../core/kernel/parse-input.js';
import { contextArgument } from '../../../core/kernel/repository-scope.js';
import { withErrorMapping } from '../../../core/kernel/with-error-mapping.js';
import { inTransaction } from '../../../core/unit-of-work/in-transaction.js';
import { versionedMethods, type VersionedRepositorySpec } from '../../../core/versioning/versioned-repository.js';
import type { DB } from '../../../schema/db.js';
import type { WorkflowDefinitionInput } from '../definitions/workflow-definition.js';
import { checkedDefinition } from './checked-definition.js';
import {
  workflowArchived,
  workflowCreated,
  workflowDeleted,
  workflowDraftSaved,
  workflowPublished,
  workflowRestored,
  workflowRolledBack,
  workflowTriggerAdded,
  workflowTriggerDeactivated,
  workflowUpdated,
} from '../workflow-events.js';
import { nextCronTime, parseCron } from '../definitions/cron.js';
import { workflowTriggerAggregate, type WorkflowTrigger } from '../triggers/workflow-trigger.js';
import { AddWorkflowTriggerInputSchema, type AddWorkflowTriggerInput } from '../triggers/workflow-trigger.inputs.js';
import { deactivateTrigger, insertTrigger, triggersOfWorkflow } from '../triggers/workflow-trigger-statements.js';
import { workflowAggregate, workflowVersionAggregate, type Workflow, type WorkflowVersion, type WorkflowVersionSummary } from './workflow.js';
import {
  CreateWorkflowInputSchema,
  PublishWorkflowInputSchema,
  RollbackWorkflowInputSchema,
  UpdateWorkflowDraftOptionsSchema,
  UpdateWorkflowInputSchema,
  type CreateWorkflowInput,
  type PublishWorkflowInput,
  type RollbackWorkflowInput,
  type UpdateWorkflowDraftOptions,
  type UpdateWorkflowInput,
} from './workflow.inputs.js';
import { workflowStatesFor } from './workflow-machine.js';
import { workflowStatements } from './workflow-statements.js';

/** Workflows and their versions. Under the application role, run it in a tenant's unit of work. */
export interface WorkflowRepository {
  /**
   * Makes a workflow (status `draft`) with its first draft version (1) holding `definition`;
   * audited (`workflow.create`), event `workflow.created`.
   * @throws ValidationError (the definition's issues under `definition`);
   *   UniqueViolationError (`workflows_organization_id_slug_key`) for a slug a live workflow of the
   *   organization has.
   */
  create(input: CreateWorkflowInput): Promise<{ readonly workflow: Workflow; readonly draft: WorkflowVersion }>;
  /** The live workflow, or `undefined`. */
  findById(id: string): Promise<Workflow | undefined>;
  /** The organization's live workflows, by slug. */
  list(organizationId: string): Promise<Workflow[]>;
  /**
   * Changes a live workflow's name or description; audited (`workflow.update`), event `workflow.updated`.
   * @throws ValidationError; NotFoundError.
   */
  update(id: string, patch: UpdateWorkflowInput): Promise<Workflow>;
  /**
   * Makes the workflow's next version, a draft holding `definition`; audited
   * (`workflow.create_draft`), event `workflow.draft_saved`.
   * @throws ValidationError; NotFoundError; UniqueViolationError
   *   (`workflow_versions_one_draft_key`) when the workflow has a draft already (also for all but one
   *   of concurrent callers in READ COMMITTED; under REPEATABLE READ or SERIALIZABLE they fail
   *   with SerializationFailureError): edit the draft with `updateDraft`.
   */
  createDraft(workflowId: string, definition: WorkflowDefinitionInput): Promise<WorkflowVersion>;
  /**
   * Replaces the definition of the draft numbered `version` and adds 1 to its revision; audited
   * (`workflow.update_draft`), event `workflow.draft_saved` (neither when the definition is the same).
   * Pass the revision you read as `options.expectedRevision` so that two editors cannot
   * overwrite each other.
   * @throws ValidationError; NotFoundError (`workflow version`) when that version is not the live
   *   workflow's draft (e.g. it was published meanwhile); VersionConflictError (entity `workflow draft`;
   *   versions: revisions) for a stale `expectedRevision`.
   */
  updateDraft(workflowId: string, version: number, definition: WorkflowDefinitionInput, options?: UpdateWorkflowDraftOptions): Promise<WorkflowVersion>;
  /**
   * Publishes the draft `version`: it becomes immutable and the version new executions
   * run, if the published version is still `expectedPublishedVersion` (`null`: none);
   * audited (`workflow.publish`), event `workflow.published`. Of two concurrent publishers one wins (the
   * other: VersionConflictError in READ COMMITTED, SerializationFailureError under REPEATABLE
   * READ or SERIALIZABLE). With `expectedRevision`, only the draft's content the caller reviewed
   * is published (VersionConflictError, entity `workflow draft`, when it was edited since).
   * @throws ValidationError; NotFoundError (`workflow`, or `workflow version`); VersionConflictError
   *   (entity `workflow`; versions: the published version numbers, 0 for none) when the published
   *   version is not the expected one; TransitionConflictError when the workflow is archived or the
   *   version is published already.
   */
  publish(workflowId: string, input: PublishWorkflowInput): Promise<{ readonly workflow: Workflow; readonly version: WorkflowVersionSummary }>;
  /**
   * Points the workflow at another of its published versions (`toVersion`, usually an older one) if
   * its published version is still `expectedPublishedVersion`; audited (`workflow.rollback`), event
   * `workflow.rolled_back`. Executions started on the version before go on with it.
   * @throws ValidationError; NotFoundError (`workflow`, or `workflow version` when `toVersion` is not a
   *   published version of the workflow); VersionConflictError; TransitionConflictError when the workflow
   *   is not `published`, or `toVersion` is the published version already.
   */
  rollback(workflowId: string, input: RollbackWorkflowInput): Promise<Workflow>;
  /**
   * Stops a published workflow starting executions; audited (`workflow.archive`), event `workflow.archived`.
   * @throws NotFoundError; TransitionConflictError unless `published`.
   */
  archive(workflowId: string): Promise<Workflow>;
  /**
   * An archived workflow starts executions of its published version again; audited
   * (`workflow.restore`), event `workflow.restored`.
   * @throws NotFoundError; TransitionConflictError unless `archived`.
   */
  restore(workflowId: string): Promise<Workflow>;
  /**
   * Deletes a workflow (soft: its slug can be used again; its versions stay); audited
   * (`workflow.delete`), event `workflow.deleted`.
   * @throws NotFoundError.
   */
  delete(workflowId: string): Promise<void>;
  /** Version `version` of a live workflow with its definition, or `undefined`. */
  getVersion(workflowId: string, version: number): Promise<WorkflowVersion | undefined>;
  /** The version a live, published (not archived) workflow starts executions of, or `undefined`. */
  getPublishedVersion(workflowId: string): Promise<WorkflowVersion | undefined>;
  /** A live workflow's versions, newest first, without their definitions. */
  listVersions(workflowId: string): Promise<WorkflowVersionSummary[]>;
  /**
   * Adds a trigger to a live workflow: a submission of a form of the organization, an event of
   * a type, a schedule (five cron fields, UTC; its first time computed now), or manual starts;
   * audited (`workflow_trigger.add`), event `workflow_trigger.added`. Triggers fire only while
   * the workflow is published.
   * @throws ValidationError; NotFoundError (`workflow`); ForeignKeyViolationError for a form of
   *   another organization or an unknown event type; UniqueViolationError
   *   (`workflow_triggers_form_key`, `_event_key`, `_manual_key`) for an active trigger of the
   *   same form, event type, or a second manual one.
   */
  addTrigger(workflowId: string, input: AddWorkflowTriggerInput): Promise<WorkflowTrigger>;
  /**
   * Turns an active trigger of the workflow off; audited (`workflow_trigger.deactivate`), event
   * `workflow_trigger.deactivated`. Executions it started go on.
   * @throws NotFoundError (`workflow_trigger`) when the workflow has no such active trigger.
   */
  deactivateTrigger(workflowId: string, triggerId: string): Promise<WorkflowTrigger>;
  /** A workflow's triggers (active and not), oldest first. */
  listTriggers(workflowId: string): Promise<WorkflowTrigger[]>;
}

/** Workflows as a versioned aggregate: what core/versioning needs to make their version methods. */
const WORKFLOW_VERSIONING: VersionedRepositorySpec<Workflow, WorkflowVersionSummary, WorkflowVersion> = {
  statements: workflowStatements,
  parent: workflowAggregate,
  version: workflowVersionAggregate,
  idField: 'workflowId',
  names: { version: 'workflow version', draft: 'workflow draft' },
  statesFor: workflowStatesFor,
  checkDefinition: checkedDefinition,
  events: {
    created: workflowCreated,
    updated: workflowUpdated,
    draftSaved: workflowDraftSaved,
    published: workflowPublished,
    rolledBack: workflowRolledBack,
    archived: workflowArchived,
    restored: workflowRestored,
    deleted: workflowDeleted,
  },
  schemas: {
    create: CreateWorkflowInputSchema,
    update: UpdateWorkflowInputSchema,
    publish: PublishWorkflowInputSchema,
    rollback: RollbackWorkflowInputSchema,
    draftOptions: UpdateWorkflowDraftOptionsSchema,
  },
};

const triggerOf = (row: WorkflowTrigger): WorkflowTrigger => ({
  ...row,
  nextRunAt: row.nextRunAt === null ? null : new Date(row.nextRunAt),
  createdAt: new Date(row.createdAt),
  updatedAt: new Date(row.updatedAt),
});

/** Creates the workflow repository over `db` (a Kysely instance or a transaction). */
export function createWorkflowRepository<D extends DB>(database: Kysely<D>, context: ResolvedAuditContext = {}): WorkflowRepository {
  const db = asPackageDatabase(database);
  contextArgument(context);
  const idOf = (id: string, path: string) => parseInput(UuidSchema, id, path);
  const actor = context.actorUserId ?? null;
  const versioned = versionedMethods(WORKFLOW_VERSIONING, db, context);

  /** The audit row and event of a trigger added or turned off. */
  const auditTrigger = (trx: Kysely<DB>, action: 'add' | 'deactivate', before: WorkflowTrigger | null, after: WorkflowTrigger) =>
    writeAudit(
      trx,
      context,
      auditEvent(workflowTriggerAggregate, action, {
        entityId: after.id,
        organizationId: after.organizationId,
        before,
        after,
        event: domainEvent(action === 'add' ? workflowTriggerAdded : workflowTriggerDeactivated, after.workflowId, {
          triggerId: after.id,
          workflowId: after.workflowId,
          organizationId: after.organizationId,
          kind: after.kind,
        }),
      }),
    );

  return withErrorMapping({
    async create(input: CreateWorkflowInput) {
      const { parent, draft } = await versioned.create(input);
      return { workflow: parent, draft };
    },
    findById: (id: string) => versioned.findById(id),
    list: (organizationId: string) => versioned.list(organizationId),
    update: (id: string, patch: UpdateWorkflowInput) => versioned.update(id, patch),
    createDraft: (workflowId: string, definition: WorkflowDefinitionInput) => versioned.createDraft(workflowId, definition),
    updateDraft: (workflowId: string, version: number, definition: WorkflowDefinitionInput, options?: UpdateWorkflowDraftOptions) =>
      versioned.updateDraft(workflowId, version, definition, options),
    async publish(workflowId: string, input: PublishWorkflowInput) {
      const { parent, version } = await versioned.publish(workflowId, input);
      return { workflow: parent, version };
    },
    rollback: (workflowId: string, input: RollbackWorkflowInput) => versioned.rollback(workflowId, input),
    archive: (workflowId: string) => versioned.archive(workflowId),
    restore: (workflowId: string) => versioned.restore(workflowId),
    delete: (workflowId: string) => versioned.delete(workflowId),
    getVersion: (workflowId: string, version: number) => versioned.getVersion(workflowId, version),
    getPublishedVersion: (workflowId: string) => versioned.getPublishedVersion(workflowId),
    listVersions: (workflowId: string) => versioned.listVersions(workflowId),
    async addTrigger(workflowId: string, input: AddWorkflowTriggerInput) {
      const id = idOf(workflowId, 'workflowId');
      const data = parseInput(AddWorkflowTriggerInputSchema, input, 'input');
      return inTransaction(db, async (trx) => {
        const [row] = await insertTrigger(trx, {
          workflowId: id,
          kind: data.kind,
          formId: data.kind === 'form_submission' ? data.formId : null,
          eventTypeCode: data.kind === 'event' ? data.eventType : null,
          cron: data.kind === 'schedule' ? data.cron : null,
          nextRunAt: data.kind === 'schedule' ? nextCronTime(parseCron(data.cron), new Date()) : null,
          createdBy: actor,
        });
        if (!row) throw new NotFoundError(workflowAggregate.name);
        const trigger = triggerOf(row);
        await auditTrigger(trx, 'add', null, trigger);
        return trigger;
      });
    },
    async deactivateTrigger(workflowId: string, triggerId: string) {
      const id = idOf(workflowId, 'workflowId');
      const trigger = idOf(triggerId, 'triggerId');
      return inTransaction(db, async (trx) => {
        const [row] = await deactivateTrigger(trx, { workflowId: id, id: trigger });
        if (!row) throw new NotFoundError(workflowTriggerAggregate.name);
        const after = triggerOf(row);
        await auditTrigger(trx, 'deactivate', { ...after, isActive: true }, after);
        return after;
      });
    },
    async listTriggers(workflowId: string) {
      return (await triggersOfWorkflow(db, { workflowId: idOf(workflowId, 'workflowId') })).map(triggerOf);
    },
  });
}
