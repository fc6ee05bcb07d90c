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
import { compileDefinitionAt } from '../definitions/compile-form-definition.js';
import type { FormDefinition, FormDefinitionInput } from '../definitions/form-definition.js';
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
import { formStatesFor, type FormStatus } from './form-machine.js';
import {
  acceptingFormVersion,
  changeFormStatus,
  deleteForm,
  formById,
  formOfRow,
  formsOfOrganization,
  formVersionByNumber,
  insertForm,
  insertFormVersion,
  publishFormVersion,
  repointForm,
  updateDraftDefinition,
  updateForm,
  versionsOfForm,
  type FormRow,
} from './form-statements.js';

/** Forms and their versions. Under the application role, run it in a tenant's unit of work. */
export interface FormRepository {
  /**
   * Makes a form (status `draft`) with its first draft version (1) holding `definition`;
   * audited (`form.create`), event `form.created`.
   * @throws ValidationError (the definition's issues under `input.definition`);
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

const dateOrNull = (value: Date | string | null) => (value === null ? null : new Date(value));

function versionOf<V extends FormVersionSummary>(row: V): V {
  return { ...row, publishedAt: dateOrNull(row.publishedAt), createdAt: new Date(row.createdAt), updatedAt: new Date(row.updatedAt) };
}

const collaboratorOf = (row: FormCollaborator): FormCollaborator => ({ ...row, createdAt: new Date(row.createdAt) });

const fullVersionOf = (row: FormVersionSummary & { definition: unknown }): FormVersion =>
  versionOf({ ...row, definition: row.definition as FormDefinition });

/** Creates the form repository over `db` (a Kysely instance or a transaction). */
export function createFormRepository<D extends DB>(database: Kysely<D>, context: ResolvedAuditContext = {}): FormRepository {
  const db = asPackageDatabase(database);
  contextArgument(context);
  const idOf = (id: string, path: string) => parseInput(UuidSchema, id, path);
  const actor = context.actorUserId ?? null;
  const formStatus = (form: Form) => ({ formId: form.id, organizationId: form.organizationId, slug: form.slug, status: form.status });

  /** The refusal for a conditional change of a form that changed nothing. */
  const refusal = (before: FormRow | null, event: string): Error => {
    if (!before) return new NotFoundError(formAggregate.name);
    return new TransitionConflictError(formAggregate.name, event, before.status, before.published_version ?? 0);
  };

  /** Throws what refuses a publish or rollback that changed nothing: no form, a stale expected version, a state. */
  const throwIfRefused = (before: FormRow | null, expected: number | null, event: 'publish' | 'rollback') => {
    if (!before) throw new NotFoundError(formAggregate.name);
    if (before.published_version !== expected) {
      throw new VersionConflictError(formAggregate.name, expected ?? 0, before.published_version ?? 0, before.status);
    }
    if (!formStatesFor(event).includes(before.status as FormStatus)) throw refusal(before, event);
  };

  /** The audit row and event of a change of the published version. */
  const auditRepoint = (trx: Kysely<DB>, action: 'publish' | 'rollback', before: Form, form: Form) =>
    writeAudit(
      trx,
      context,
      auditEvent(formAggregate, action, {
        entityId: form.id,
        organizationId: form.organizationId,
        before,
        after: form,
        event: domainEvent(action === 'publish' ? formPublished : formRolledBack, form.id, {
          formId: form.id,
          organizationId: form.organizationId,
          version: form.publishedVersion as number,
          previousVersion: before.publishedVersion,
        }),
      }),
    );

  /** The audit row and event of a draft made or edited. */
  const auditDraft = (trx: Kysely<DB>, action: 'create_draft' | 'update_draft', before: FormVersion | null, draft: FormVersion) =>
    writeAudit(
      trx,
      context,
      auditEvent(formVersionAggregate, action, {
        entityId: draft.formId,
        organizationId: draft.organizationId,
        before,
        after: draft,
        event: domainEvent(formDraftSaved, draft.formId, {
          formId: draft.formId,
          organizationId: draft.organizationId,
          version: draft.version,
          definitionSha256: draft.definitionSha256,
        }),
      }),
    );

  /** archive / restore: a status change declared in FORM_TRANSITIONS. */
  const moveStatus = async (formId: string, event: 'archive' | 'restore', to: FormStatus) => {
    const id = idOf(formId, 'formId');
    return inTransaction(db, async (trx) => {
      const [row] = await changeFormStatus(trx, { parentId: id, from: formStatesFor(event), to });
      if (!row?.after) throw refusal(row?.before ?? null, event);
      const before = formOfRow(row.before as FormRow);
      const after = formOfRow(row.after);
      const type = event === 'archive' ? formArchived : formRestored;
      await writeAudit(
        trx,
        context,
        auditEvent(formAggregate, event, { entityId: after.id, organizationId: after.organizationId, before, after, event: domainEvent(type, after.id, formStatus(after)) }),
      );
      return after;
    });
  };

  return withErrorMapping({
    async create(input: CreateFormInput) {
      const data = parseInput(CreateFormInputSchema, input, 'input');
      const compiled = compileDefinitionAt(data.definition, 'definition');
      return inTransaction(db, async (trx) => {
        const [made] = await insertForm(trx, {
          organizationId: data.organizationId,
          slug: data.slug,
          name: data.name,
          description: data.description ?? null,
        });
        const [draft] = await insertFormVersion(trx, {
          parentId: (made as Form).id,
          definition: JSON.stringify(compiled.definition),
          sha256: compiled.sha256,
          createdBy: actor,
        });
        const version = versionOf(draft as FormVersion);
        const form: Form = { ...(made as Form), latestVersion: version.version, createdAt: new Date((made as Form).createdAt), updatedAt: new Date((made as Form).updatedAt) };
        await writeAudit(
          trx,
          context,
          auditEvent(formAggregate, 'create', {
            entityId: form.id,
            organizationId: form.organizationId,
            after: form,
            event: domainEvent(formCreated, form.id, {
              formId: form.id,
              organizationId: form.organizationId,
              slug: form.slug,
              name: form.name,
              definitionSha256: version.definitionSha256,
            }),
          }),
        );
        return { form, draft: version };
      });
    },
    async findById(id: string) {
      return (await formById(db, { parentId: idOf(id, 'id') }))[0] as Form | undefined;
    },
    async list(organizationId: string) {
      return (await formsOfOrganization(db, { organizationId: idOf(organizationId, 'organizationId') })) as Form[];
    },
    async update(id: string, patch: UpdateFormInput) {
      const formId = idOf(id, 'id');
      const data = parseInput(UpdateFormInputSchema, patch, 'patch');
      return inTransaction(db, async (trx) => {
        const [row] = await updateForm(trx, {
          parentId: formId,
          name: data.name ?? null,
          description: data.description ?? null,
          setDescription: data.description !== undefined,
        });
        if (!row) throw new NotFoundError(formAggregate.name);
        const before = formOfRow(row.before);
        const after = formOfRow(row.after);
        await writeAudit(
          trx,
          context,
          auditEvent(formAggregate, 'update', {
            entityId: after.id,
            organizationId: after.organizationId,
            before,
            after,
            event: domainEvent(formUpdated, after.id, { formId: after.id, organizationId: after.organizationId, name: after.name }),
          }),
        );
        return after;
      });
    },
    async createDraft(formId: string, definition: FormDefinitionInput) {
      const id = idOf(formId, 'formId');
      const compiled = compileDefinitionAt(definition, 'definition');
      return inTransaction(db, async (trx) => {
        const [row] = await insertFormVersion(trx, { parentId: id, definition: JSON.stringify(compiled.definition), sha256: compiled.sha256, createdBy: actor });
        if (!row) throw new NotFoundError(formAggregate.name);
        const draft = versionOf(row);
        await auditDraft(trx, 'create_draft', null, draft);
        return draft;
      });
    },
    async updateDraft(formId: string, version: number, definition: FormDefinitionInput, options?: UpdateDraftOptions) {
      const id = idOf(formId, 'formId');
      const number = parseInput(PositiveInt4Schema, version, 'version');
      const compiled = compileDefinitionAt(definition, 'definition');
      const { expectedRevision } = parseInput(UpdateDraftOptionsSchema, optionsArgument(options), 'options');
      return inTransaction(db, async (trx) => {
        const [row] = await updateDraftDefinition(trx, {
          parentId: id,
          version: number,
          definition: JSON.stringify(compiled.definition),
          sha256: compiled.sha256,
          expectedRevision: expectedRevision ?? null,
        });
        if (!row || row.isPublished) throw new NotFoundError('form version');
        if (!row.after) throw new VersionConflictError('form draft', expectedRevision ?? 0, row.previousRevision, 'draft');
        const draft = versionOf({ ...row.after, definition: row.after.definition });
        if (row.previousSha256 !== draft.definitionSha256) {
          await auditDraft(trx, 'update_draft', { ...draft, definitionSha256: row.previousSha256, revision: row.previousRevision }, draft);
        }
        return draft;
      });
    },
    async publish(formId: string, input: PublishFormInput) {
      const id = idOf(formId, 'formId');
      const data = parseInput(PublishFormInputSchema, input, 'input');
      return inTransaction(db, async (trx) => {
        const [row] = await publishFormVersion(trx, {
          parentId: id,
          version: data.version,
          expected: data.expectedPublishedVersion,
          expectedRevision: data.expectedRevision ?? null,
          states: formStatesFor('publish'),
          publishedBy: actor,
        });
        if (!row?.after || !row.published) {
          throwIfRefused(row?.before ?? null, data.expectedPublishedVersion, 'publish');
          // The version as it is now: a new statement sees what an edit that made this one wait
          // committed (the statement above read the version as it was when it started).
          const [current] = await formVersionByNumber(trx, { parentId: id, version: data.version });
          if (current?.isPublished) throw new TransitionConflictError('form version', 'publish', 'published', data.version);
          if (current && data.expectedRevision !== undefined && current.revision !== data.expectedRevision) {
            throw new VersionConflictError('form draft', data.expectedRevision, current.revision, 'draft');
          }
          throw new NotFoundError('form version');
        }
        const before = formOfRow(row.before as FormRow);
        const form = formOfRow(row.after);
        const version = versionOf(row.published);
        await auditRepoint(trx, 'publish', before, form);
        return { form, version };
      });
    },
    async rollback(formId: string, input: RollbackFormInput) {
      const id = idOf(formId, 'formId');
      const data = parseInput(RollbackFormInputSchema, input, 'input');
      return inTransaction(db, async (trx) => {
        const [row] = await repointForm(trx, { parentId: id, to: data.toVersion, expected: data.expectedPublishedVersion, states: formStatesFor('rollback') });
        if (!row?.after) {
          throwIfRefused(row?.before ?? null, data.expectedPublishedVersion, 'rollback');
          if (!row?.targetIsPublished) throw new NotFoundError('form version');
          throw refusal(row.before, 'rollback');
        }
        const form = formOfRow(row.after);
        await auditRepoint(trx, 'rollback', formOfRow(row.before as FormRow), form);
        return form;
      });
    },
    archive: (formId: string) => moveStatus(formId, 'archive', 'archived'),
    restore: (formId: string) => moveStatus(formId, 'restore', 'published'),
    async delete(formId: string) {
      const id = idOf(formId, 'formId');
      await inTransaction(db, async (trx) => {
        const [row] = await deleteForm(trx, { parentId: id });
        if (!row) throw new NotFoundError(formAggregate.name);
        const form = { ...row, createdAt: new Date(row.createdAt), updatedAt: new Date(row.updatedAt) } as Form;
        await writeAudit(
          trx,
          context,
          auditEvent(formAggregate, 'delete', { entityId: form.id, organizationId: form.organizationId, before: form, event: domainEvent(formDeleted, form.id, formStatus(form)) }),
        );
      });
    },
    async getVersion(formId: string, version: number) {
      const [row] = await formVersionByNumber(db, { parentId: idOf(formId, 'formId'), version: parseInput(PositiveInt4Schema, version, 'version') });
      return row ? fullVersionOf(row) : undefined;
    },
    async getPublishedVersion(formId: string) {
      const [row] = await acceptingFormVersion(db, { parentId: idOf(formId, 'formId') });
      return row ? fullVersionOf(row) : undefined;
    },
    async listVersions(formId: string) {
      return (await versionsOfForm(db, { parentId: idOf(formId, 'formId') })).map(versionOf);
    },
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

  function auditCollaborator(trx: Kysely<DB>, action: 'add_collaborator' | 'remove_collaborator', before: FormCollaborator | null, after: FormCollaborator | null) {
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
  }
}
