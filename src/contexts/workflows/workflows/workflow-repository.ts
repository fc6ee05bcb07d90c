import type { Kysely } from 'kysely';
import type { ResolvedAuditContext } from '../../../core/audit/audit-context.js';
import { auditEvent } from '../../../core/audit/audit-event.js';
import { writeAudit } from '../../../core/audit/write-audit.js';
import { NotFoundError } from '../../../core/errors/not-found-error.js';
import { TransitionConflictError } from '../../../core/errors/transition-conflict-error.js';
import { VersionConflictError } from '../../../core/errors/version-conflict-error.js';
import { domainEvent } from '../../../core/events/domain-event.js';
import { PositiveInt4Schema, UuidSchema } from '../../../core/kernel/common-schemas.js';
import { asPackageDatabase } from '../../../core/kernel/database-type.js';
import { optionsArgument, parseInput } from '../../../core/kernel/parse-input.js';
import { contextArgument } from '../../../core/kernel/repository-scope.js';
import { withErrorMapping } from '../../../core/kernel/with-error-mapping.js';
import { inTransaction } from '../../../core/unit-of-work/in-transaction.js';
import type { DB } from '../../../schema/db.js';
import type { WorkflowDefinition, WorkflowDefinitionInput } from '../definitions/workflow-definition.js';
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
import { workflowStatesFor, type WorkflowStatus } from './workflow-machine.js';
import {
  runningWorkflowVersion,
  changeWorkflowStatus,
  deleteWorkflow,
  workflowById,
  workflowOfRow,
  workflowsOfOrganization,
  workflowVersionByNumber,
  insertWorkflow,
  insertWorkflowVersion,
  publishWorkflowVersion,
  repointWorkflow,
  updateDraftDefinition,
  updateWorkflow,
  versionsOfWorkflow,
  type WorkflowRow,
} from './workflow-statements.js';

/** Workflows and their versions. Under the application role, run it in a tenant's unit of work. */
export interface WorkflowRepository {
  /**
   * Makes a workflow (status `draft`) with its first draft version (1) holding `definition`;
   * audited (`workflow.create`), event `workflow.created`.
   * @throws ValidationError (the definition's issues under `input.definition`);
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

const dateOrNull = (value: Date | string | null) => (value === null ? null : new Date(value));

function versionOf<V extends WorkflowVersionSummary>(row: V): V {
  return { ...row, publishedAt: dateOrNull(row.publishedAt), createdAt: new Date(row.createdAt), updatedAt: new Date(row.updatedAt) };
}

const triggerOf = (row: WorkflowTrigger): WorkflowTrigger => ({
  ...row,
  nextRunAt: dateOrNull(row.nextRunAt),
  createdAt: new Date(row.createdAt),
  updatedAt: new Date(row.updatedAt),
});

const fullVersionOf = (row: WorkflowVersionSummary & { definition: unknown }): WorkflowVersion =>
  versionOf({ ...row, definition: row.definition as WorkflowDefinition });

/** Creates the workflow repository over `db` (a Kysely instance or a transaction). */
export function createWorkflowRepository<D extends DB>(database: Kysely<D>, context: ResolvedAuditContext = {}): WorkflowRepository {
  const db = asPackageDatabase(database);
  contextArgument(context);
  const idOf = (id: string, path: string) => parseInput(UuidSchema, id, path);
  const actor = context.actorUserId ?? null;
  const workflowStatus = (workflow: Workflow) => ({ workflowId: workflow.id, organizationId: workflow.organizationId, slug: workflow.slug, status: workflow.status });

  /** The refusal for a conditional change of a workflow that changed nothing. */
  const refusal = (before: WorkflowRow | null, event: string): Error => {
    if (!before) return new NotFoundError(workflowAggregate.name);
    return new TransitionConflictError(workflowAggregate.name, event, before.status, before.published_version ?? 0);
  };

  /** Throws what refuses a publish or rollback that changed nothing: no workflow, a stale expected version, a state. */
  const throwIfRefused = (before: WorkflowRow | null, expected: number | null, event: 'publish' | 'rollback') => {
    if (!before) throw new NotFoundError(workflowAggregate.name);
    if (before.published_version !== expected) {
      throw new VersionConflictError(workflowAggregate.name, expected ?? 0, before.published_version ?? 0, before.status);
    }
    if (!workflowStatesFor(event).includes(before.status as WorkflowStatus)) throw refusal(before, event);
  };

  /** The audit row and event of a change of the published version. */
  const auditRepoint = (trx: Kysely<DB>, action: 'publish' | 'rollback', before: Workflow, workflow: Workflow) =>
    writeAudit(
      trx,
      context,
      auditEvent(workflowAggregate, action, {
        entityId: workflow.id,
        organizationId: workflow.organizationId,
        before,
        after: workflow,
        event: domainEvent(action === 'publish' ? workflowPublished : workflowRolledBack, workflow.id, {
          workflowId: workflow.id,
          organizationId: workflow.organizationId,
          version: workflow.publishedVersion as number,
          previousVersion: before.publishedVersion,
        }),
      }),
    );

  /** The audit row and event of a draft made or edited. */
  const auditDraft = (trx: Kysely<DB>, action: 'create_draft' | 'update_draft', before: WorkflowVersion | null, draft: WorkflowVersion) =>
    writeAudit(
      trx,
      context,
      auditEvent(workflowVersionAggregate, action, {
        entityId: draft.workflowId,
        organizationId: draft.organizationId,
        before,
        after: draft,
        event: domainEvent(workflowDraftSaved, draft.workflowId, {
          workflowId: draft.workflowId,
          organizationId: draft.organizationId,
          version: draft.version,
          definitionSha256: draft.definitionSha256,
        }),
      }),
    );

  /** archive / restore: a status change declared in WORKFLOW_TRANSITIONS. */
  const moveStatus = async (workflowId: string, event: 'archive' | 'restore', to: WorkflowStatus) => {
    const id = idOf(workflowId, 'workflowId');
    return inTransaction(db, async (trx) => {
      const [row] = await changeWorkflowStatus(trx, { parentId: id, from: workflowStatesFor(event), to });
      if (!row?.after) throw refusal(row?.before ?? null, event);
      const before = workflowOfRow(row.before as WorkflowRow);
      const after = workflowOfRow(row.after);
      const type = event === 'archive' ? workflowArchived : workflowRestored;
      await writeAudit(
        trx,
        context,
        auditEvent(workflowAggregate, event, { entityId: after.id, organizationId: after.organizationId, before, after, event: domainEvent(type, after.id, workflowStatus(after)) }),
      );
      return after;
    });
  };

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
      const data = parseInput(CreateWorkflowInputSchema, input, 'input');
      const compiled = checkedDefinition(data.definition, 'input.definition');
      return inTransaction(db, async (trx) => {
        const [made] = await insertWorkflow(trx, {
          organizationId: data.organizationId,
          slug: data.slug,
          name: data.name,
          description: data.description ?? null,
        });
        const [draft] = await insertWorkflowVersion(trx, {
          parentId: (made as Workflow).id,
          definition: JSON.stringify(compiled.definition),
          sha256: compiled.sha256,
          createdBy: actor,
        });
        const version = versionOf(draft as WorkflowVersion);
        const workflow: Workflow = { ...(made as Workflow), latestVersion: version.version, createdAt: new Date((made as Workflow).createdAt), updatedAt: new Date((made as Workflow).updatedAt) };
        await writeAudit(
          trx,
          context,
          auditEvent(workflowAggregate, 'create', {
            entityId: workflow.id,
            organizationId: workflow.organizationId,
            after: workflow,
            event: domainEvent(workflowCreated, workflow.id, {
              workflowId: workflow.id,
              organizationId: workflow.organizationId,
              slug: workflow.slug,
              name: workflow.name,
              definitionSha256: version.definitionSha256,
            }),
          }),
        );
        return { workflow, draft: version };
      });
    },
    async findById(id: string) {
      return (await workflowById(db, { parentId: idOf(id, 'id') }))[0] as Workflow | undefined;
    },
    async list(organizationId: string) {
      return (await workflowsOfOrganization(db, { organizationId: idOf(organizationId, 'organizationId') })) as Workflow[];
    },
    async update(id: string, patch: UpdateWorkflowInput) {
      const workflowId = idOf(id, 'id');
      const data = parseInput(UpdateWorkflowInputSchema, patch, 'patch');
      return inTransaction(db, async (trx) => {
        const [row] = await updateWorkflow(trx, {
          parentId: workflowId,
          name: data.name ?? null,
          description: data.description ?? null,
          setDescription: data.description !== undefined,
        });
        if (!row) throw new NotFoundError(workflowAggregate.name);
        const before = workflowOfRow(row.before);
        const after = workflowOfRow(row.after);
        await writeAudit(
          trx,
          context,
          auditEvent(workflowAggregate, 'update', {
            entityId: after.id,
            organizationId: after.organizationId,
            before,
            after,
            event: domainEvent(workflowUpdated, after.id, { workflowId: after.id, organizationId: after.organizationId, name: after.name }),
          }),
        );
        return after;
      });
    },
    async createDraft(workflowId: string, definition: WorkflowDefinitionInput) {
      const id = idOf(workflowId, 'workflowId');
      const compiled = checkedDefinition(definition, 'definition');
      return inTransaction(db, async (trx) => {
        const [row] = await insertWorkflowVersion(trx, { parentId: id, definition: JSON.stringify(compiled.definition), sha256: compiled.sha256, createdBy: actor });
        if (!row) throw new NotFoundError(workflowAggregate.name);
        const draft = versionOf(row);
        await auditDraft(trx, 'create_draft', null, draft);
        return draft;
      });
    },
    async updateDraft(workflowId: string, version: number, definition: WorkflowDefinitionInput, options?: UpdateWorkflowDraftOptions) {
      const id = idOf(workflowId, 'workflowId');
      const number = parseInput(PositiveInt4Schema, version, 'version');
      const compiled = checkedDefinition(definition, 'definition');
      const { expectedRevision } = parseInput(UpdateWorkflowDraftOptionsSchema, optionsArgument(options), 'options');
      return inTransaction(db, async (trx) => {
        const [row] = await updateDraftDefinition(trx, {
          parentId: id,
          version: number,
          definition: JSON.stringify(compiled.definition),
          sha256: compiled.sha256,
          expectedRevision: expectedRevision ?? null,
        });
        if (!row || row.isPublished) throw new NotFoundError('workflow version');
        if (!row.after) throw new VersionConflictError('workflow draft', expectedRevision ?? 0, row.previousRevision, 'draft');
        const draft = versionOf({ ...row.after, definition: row.after.definition });
        if (row.previousSha256 !== draft.definitionSha256) {
          await auditDraft(trx, 'update_draft', { ...draft, definitionSha256: row.previousSha256, revision: row.previousRevision }, draft);
        }
        return draft;
      });
    },
    async publish(workflowId: string, input: PublishWorkflowInput) {
      const id = idOf(workflowId, 'workflowId');
      const data = parseInput(PublishWorkflowInputSchema, input, 'input');
      return inTransaction(db, async (trx) => {
        const [row] = await publishWorkflowVersion(trx, {
          parentId: id,
          version: data.version,
          expected: data.expectedPublishedVersion,
          expectedRevision: data.expectedRevision ?? null,
          states: workflowStatesFor('publish'),
          publishedBy: actor,
        });
        if (!row?.after || !row.published) {
          throwIfRefused(row?.before ?? null, data.expectedPublishedVersion, 'publish');
          // The version as it is now: a new statement sees what an edit that made this one wait
          // committed (the statement above read the version as it was when it started).
          const [current] = await workflowVersionByNumber(trx, { parentId: id, version: data.version });
          if (current?.isPublished) throw new TransitionConflictError('workflow version', 'publish', 'published', data.version);
          if (current && data.expectedRevision !== undefined && current.revision !== data.expectedRevision) {
            throw new VersionConflictError('workflow draft', data.expectedRevision, current.revision, 'draft');
          }
          throw new NotFoundError('workflow version');
        }
        const before = workflowOfRow(row.before as WorkflowRow);
        const workflow = workflowOfRow(row.after);
        const version = versionOf(row.published);
        await auditRepoint(trx, 'publish', before, workflow);
        return { workflow, version };
      });
    },
    async rollback(workflowId: string, input: RollbackWorkflowInput) {
      const id = idOf(workflowId, 'workflowId');
      const data = parseInput(RollbackWorkflowInputSchema, input, 'input');
      return inTransaction(db, async (trx) => {
        const [row] = await repointWorkflow(trx, { parentId: id, to: data.toVersion, expected: data.expectedPublishedVersion, states: workflowStatesFor('rollback') });
        if (!row?.after) {
          throwIfRefused(row?.before ?? null, data.expectedPublishedVersion, 'rollback');
          if (!row?.targetIsPublished) throw new NotFoundError('workflow version');
          throw refusal(row.before, 'rollback');
        }
        const workflow = workflowOfRow(row.after);
        await auditRepoint(trx, 'rollback', workflowOfRow(row.before as WorkflowRow), workflow);
        return workflow;
      });
    },
    archive: (workflowId: string) => moveStatus(workflowId, 'archive', 'archived'),
    restore: (workflowId: string) => moveStatus(workflowId, 'restore', 'published'),
    async delete(workflowId: string) {
      const id = idOf(workflowId, 'workflowId');
      await inTransaction(db, async (trx) => {
        const [row] = await deleteWorkflow(trx, { parentId: id });
        if (!row) throw new NotFoundError(workflowAggregate.name);
        const workflow = { ...row, createdAt: new Date(row.createdAt), updatedAt: new Date(row.updatedAt) } as Workflow;
        await writeAudit(
          trx,
          context,
          auditEvent(workflowAggregate, 'delete', { entityId: workflow.id, organizationId: workflow.organizationId, before: workflow, event: domainEvent(workflowDeleted, workflow.id, workflowStatus(workflow)) }),
        );
      });
    },
    async getVersion(workflowId: string, version: number) {
      const [row] = await workflowVersionByNumber(db, { parentId: idOf(workflowId, 'workflowId'), version: parseInput(PositiveInt4Schema, version, 'version') });
      return row ? fullVersionOf(row) : undefined;
    },
    async getPublishedVersion(workflowId: string) {
      const [row] = await runningWorkflowVersion(db, { parentId: idOf(workflowId, 'workflowId') });
      return row ? fullVersionOf(row) : undefined;
    },
    async listVersions(workflowId: string) {
      return (await versionsOfWorkflow(db, { parentId: idOf(workflowId, 'workflowId') })).map(versionOf);
    },
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
