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
import { compileDefinitionAt } from '../definitions/compile-form-definition.js';
import type { FormDefinitionInput } from '../definitions/form-definition.js';
import { formCollaboratorAggregate, type FormCollaborator } from '../collaborators/form-collaborator.js';
import { PermissionNameSchema } from '../../identity/index.js';
import { AddFormCollaboratorInputSchema, type AddFormCollaboratorInput } from '../collaborators/form-collaborator.inputs.js';
import { collaboratorsOf, deleteCollaborator, formPermissionCheck, insertCollaborator } from '../collaborators/form-collaborator-statements.js';
import {
  formArchived,
  formCollaboratorAdded,
  formCollaboratorRemoved,
  formCreated,
  formDeleted,
  formDraftSaved,
  formPublished,
  formRestored,
  formRolledBack,
  formUpdated,
} from '../form-events.js';
import { formAggregate, formVersionAggregate, type Form, type FormVersion, type FormVersionSummary } from './form.js';
import {
  CreateFormInputSchema,
  PublishFormInputSchema,
  RollbackFormInputSchema,
  UpdateDraftOptionsSchema,
  UpdateFormInputSchema,
  type CreateFormInput,
  type PublishFormInput,
  type RollbackFormInput,
  type UpdateDraftOptions,
  type UpdateFormInput,
} from './form.inputs.js';
import { formStatesFor } from './form-machine.js';
import { formStatements } from './form-statements.js';

/** Forms and their versions. Under the application role, run it in a tenant's unit of work. */
export interface FormRepository {
  /**
   * Makes a form (status `draft`) with its first draft version (1) holding `definition`;
   * audited (`form.create`), event `form.created`.
   * @throws ValidationError (the definition's issues under `definition`);
   *   UniqueViolationError (`forms_organization_id_slug_key`) for a slug a live form of the
   *   organization has.
   */
  create(input: CreateFormInput): Promise<{ readonly form: Form; readonly draft: FormVersion }>;
  /** The live form, or `undefined`. */
  findById(id: string): Promise<Form | undefined>;
  /** The organization's live forms, by slug. */
  list(organizationId: string): Promise<Form[]>;
  /**
   * Changes a live form's name or description; audited (`form.update`), event `form.updated`.
   * @throws ValidationError; NotFoundError.
   */
  update(id: string, patch: UpdateFormInput): Promise<Form>;
  /**
   * Makes the form's next version, a draft holding `definition`; audited
   * (`form.create_draft`), event `form.draft_saved`.
   * @throws ValidationError; NotFoundError; UniqueViolationError
   *   (`form_versions_one_draft_key`) when the form has a draft already (also for all but one
   *   of concurrent callers in READ COMMITTED; under REPEATABLE READ or SERIALIZABLE they fail
   *   with SerializationFailureError): edit the draft with `updateDraft`.
   */
  createDraft(formId: string, definition: FormDefinitionInput): Promise<FormVersion>;
  /**
   * Replaces the definition of the draft numbered `version` and adds 1 to its revision; audited
   * (`form.update_draft`), event `form.draft_saved` (neither when the definition is the same).
   * Pass the revision you read as `options.expectedRevision` so that two editors cannot
   * overwrite each other.
   * @throws ValidationError; NotFoundError (`form version`) when that version is not the live
   *   form's draft (e.g. it was published meanwhile); VersionConflictError (entity `form draft`;
   *   versions: revisions) for a stale `expectedRevision`.
   */
  updateDraft(formId: string, version: number, definition: FormDefinitionInput, options?: UpdateDraftOptions): Promise<FormVersion>;
  /**
   * Publishes the draft `version`: it becomes immutable and the version that accepts
   * submissions, if the published version is still `expectedPublishedVersion` (`null`: none);
   * audited (`form.publish`), event `form.published`. Of two concurrent publishers one wins (the
   * other: VersionConflictError in READ COMMITTED, SerializationFailureError under REPEATABLE
   * READ or SERIALIZABLE). With `expectedRevision`, only the draft's content the caller reviewed
   * is published (VersionConflictError, entity `form draft`, when it was edited since).
   * @throws ValidationError; NotFoundError (`form`, or `form version`); VersionConflictError
   *   (entity `form`; versions: the published version numbers, 0 for none) when the published
   *   version is not the expected one; TransitionConflictError when the form is archived or the
   *   version is published already.
   */
  publish(formId: string, input: PublishFormInput): Promise<{ readonly form: Form; readonly version: FormVersionSummary }>;
  /**
   * Points the form at another of its published versions (`toVersion`, usually an older one) if
   * its published version is still `expectedPublishedVersion`; audited (`form.rollback`), event
   * `form.rolled_back`. Submissions made to the version before stay bound to it.
   * @throws ValidationError; NotFoundError (`form`, or `form version` when `toVersion` is not a
   *   published version of the form); VersionConflictError; TransitionConflictError when the form
   *   is not `published`, or `toVersion` is the published version already.
   */
  rollback(formId: string, input: RollbackFormInput): Promise<Form>;
  /**
   * Stops a published form accepting submissions; audited (`form.archive`), event `form.archived`.
   * @throws NotFoundError; TransitionConflictError unless `published`.
   */
  archive(formId: string): Promise<Form>;
  /**
   * An archived form accepts submissions to its published version again; audited
   * (`form.restore`), event `form.restored`.
   * @throws NotFoundError; TransitionConflictError unless `archived`.
   */
  restore(formId: string): Promise<Form>;
  /**
   * Deletes a form (soft: its slug can be used again; its versions stay); audited
   * (`form.delete`), event `form.deleted`.
   * @throws NotFoundError.
   */
  delete(formId: string): Promise<void>;
  /** Version `version` of a live form with its definition, or `undefined`. */
  getVersion(formId: string, version: number): Promise<FormVersion | undefined>;
  /** The version a live, published (not archived) form accepts submissions to, or `undefined`. */
  getPublishedVersion(formId: string): Promise<FormVersion | undefined>;
  /** A live form's versions, newest first, without their definitions. */
  listVersions(formId: string): Promise<FormVersionSummary[]>;
  /**
   * Gives a role (by name, e.g. `form_editor`) on the form to an active user or a live team of
   * its organization; audited (`form.add_collaborator`), event `form.collaborator_added`.
   * @throws ValidationError; NotFoundError (`form`, `role`, or `collaborator` for a user or team
   *   that is not an active member of the organization); UniqueViolationError
   *   (`form_collaborators_user_role_key`, `form_collaborators_team_role_key`) when held already.
   */
  addCollaborator(formId: string, input: AddFormCollaboratorInput): Promise<FormCollaborator>;
  /**
   * Takes a collaborator's role on the form away; audited (`form.remove_collaborator`), event
   * `form.collaborator_removed`.
   * @throws NotFoundError.
   */
  removeCollaborator(formId: string, collaboratorId: string): Promise<void>;
  /** A live form's collaborators, oldest first. */
  listCollaborators(formId: string): Promise<FormCollaborator[]>;
  /**
   * Whether the user holds `permission` on the form: through a role of their organization, a
   * role on the form, or a role on the form given to a live team they belong to (one query).
   * False for an inactive or deleted user, a deleted form or organization, another
   * organization's form, or an unknown permission.
   * @throws ValidationError.
   */
  hasPermission(userId: string, formId: string, permission: string): Promise<boolean>;
}

/** Forms as a versioned aggregate: what core/versioning needs to make their version methods. */
const FORM_VERSIONING: VersionedRepositorySpec<Form, FormVersionSummary, FormVersion> = {
  statements: formStatements,
  parent: formAggregate,
  version: formVersionAggregate,
  idField: 'formId',
  names: { version: 'form version', draft: 'form draft' },
  statesFor: formStatesFor,
  checkDefinition: (input, path) => {
    const compiled = compileDefinitionAt(input, path);
    return { definition: compiled.definition, sha256: compiled.sha256 };
  },
  events: {
    created: formCreated,
    updated: formUpdated,
    draftSaved: formDraftSaved,
    published: formPublished,
    rolledBack: formRolledBack,
    archived: formArchived,
    restored: formRestored,
    deleted: formDeleted,
  },
  schemas: {
    create: CreateFormInputSchema,
    update: UpdateFormInputSchema,
    publish: PublishFormInputSchema,
    rollback: RollbackFormInputSchema,
    draftOptions: UpdateDraftOptionsSchema,
  },
};

const collaboratorOf = (row: FormCollaborator): FormCollaborator => ({ ...row, createdAt: new Date(row.createdAt) });

/** Creates the form repository over `db` (a Kysely instance or a transaction). */
export function createFormRepository<D extends DB>(database: Kysely<D>, context: ResolvedAuditContext = {}): FormRepository {
  const db = asPackageDatabase(database);
  contextArgument(context);
  const idOf = (id: string, path: string) => parseInput(UuidSchema, id, path);
  const actor = context.actorUserId ?? null;
  const versioned = versionedMethods(FORM_VERSIONING, db, context);

  const auditCollaborator = (trx: Kysely<DB>, action: 'add_collaborator' | 'remove_collaborator', before: FormCollaborator | null, after: FormCollaborator | null) => {
    const subject = (after ?? before) as FormCollaborator;
    return writeAudit(
      trx,
      context,
      auditEvent(formCollaboratorAggregate, action, {
        entityId: subject.formId,
        organizationId: subject.organizationId,
        before,
        after,
        event: domainEvent(action === 'add_collaborator' ? formCollaboratorAdded : formCollaboratorRemoved, subject.formId, {
          formId: subject.formId,
          organizationId: subject.organizationId,
          collaboratorId: subject.id,
          userId: subject.userId,
          teamId: subject.teamId,
          role: subject.role,
        }),
      }),
    );
  };

  return withErrorMapping({
    async create(input: CreateFormInput) {
      const { parent, draft } = await versioned.create(input);
      return { form: parent, draft };
    },
    findById: (id: string) => versioned.findById(id),
    list: (organizationId: string) => versioned.list(organizationId),
    update: (id: string, patch: UpdateFormInput) => versioned.update(id, patch),
    createDraft: (formId: string, definition: FormDefinitionInput) => versioned.createDraft(formId, definition),
    updateDraft: (formId: string, version: number, definition: FormDefinitionInput, options?: UpdateDraftOptions) =>
      versioned.updateDraft(formId, version, definition, options),
    async publish(formId: string, input: PublishFormInput) {
      const { parent, version } = await versioned.publish(formId, input);
      return { form: parent, version };
    },
    rollback: (formId: string, input: RollbackFormInput) => versioned.rollback(formId, input),
    archive: (formId: string) => versioned.archive(formId),
    restore: (formId: string) => versioned.restore(formId),
    delete: (formId: string) => versioned.delete(formId),
    getVersion: (formId: string, version: number) => versioned.getVersion(formId, version),
    getPublishedVersion: (formId: string) => versioned.getPublishedVersion(formId),
    listVersions: (formId: string) => versioned.listVersions(formId),
    async addCollaborator(formId: string, input: AddFormCollaboratorInput) {
      const id = idOf(formId, 'formId');
      const data = parseInput(AddFormCollaboratorInputSchema, input, 'input');
      return inTransaction(db, async (trx) => {
        const [row] = await insertCollaborator(trx, { formId: id, userId: data.userId ?? null, teamId: data.teamId ?? null, role: data.role, createdBy: actor });
        if (!row?.added) throw new NotFoundError(!row?.form ? formAggregate.name : !row.role ? 'role' : 'collaborator');
        const collaborator = collaboratorOf(row.added);
        await auditCollaborator(trx, 'add_collaborator', null, collaborator);
        return collaborator;
      });
    },
    async removeCollaborator(formId: string, collaboratorId: string) {
      const form = idOf(formId, 'formId');
      const id = idOf(collaboratorId, 'collaboratorId');
      await inTransaction(db, async (trx) => {
        const [row] = await deleteCollaborator(trx, { formId: form, id });
        if (!row) throw new NotFoundError('collaborator');
        await auditCollaborator(trx, 'remove_collaborator', collaboratorOf(row), null);
      });
    },
    async listCollaborators(formId: string) {
      return (await collaboratorsOf(db, { formId: idOf(formId, 'formId') })).map(collaboratorOf);
    },
    async hasPermission(userId: string, formId: string, permission: string) {
      const [row] = await formPermissionCheck(db, {
        user: idOf(userId, 'userId'),
        formId: idOf(formId, 'formId'),
        permission: parseInput(PermissionNameSchema, permission, 'permission'),
      });
      return row?.allowed === true;
    },
  });
}
