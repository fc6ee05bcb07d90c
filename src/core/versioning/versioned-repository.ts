// The methods of a repository of an aggregate with numbered, immutable versions of a definition
// (forms and workflows): one implementation, given the aggregate's descriptors, events, states,
// input schemas and definition checker. Each context's repository wraps these methods under its
// own names and adds what is its own (collaborators, triggers).
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { ResolvedAuditContext } from '../audit/audit-context.js';
import { auditEvent } from '../audit/audit-event.js';
import { writeAudit } from '../audit/write-audit.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { TransitionConflictError } from '../errors/transition-conflict-error.js';
import { VersionConflictError } from '../errors/version-conflict-error.js';
import { domainEvent } from '../events/domain-event.js';
import type { EventTypeDescriptor } from '../events/event-type.js';
import type { AggregateDescriptor } from '../kernel/aggregate.js';
import { PositiveInt4Schema, UuidSchema } from '../kernel/common-schemas.js';
import { optionsArgument, parseInput } from '../kernel/parse-input.js';
import { inTransaction } from '../unit-of-work/in-transaction.js';
import type { DB } from '../../schema/db.js';
import { parentOfRow, type VersionedParent, type VersionedParentRow, type versionedStatements } from './versioned-statements.js';

/** A version without its definition, as every versioned aggregate has it. */
export interface VersionedSummary {
  readonly id: string;
  readonly organizationId: string;
  readonly version: number;
  readonly definitionSha256: string;
  readonly revision: number;
  readonly isPublished: boolean;
  readonly publishedAt: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

type Event = EventTypeDescriptor<string, object>;

/** What makes a versioned aggregate's repository. */
export interface VersionedRepositorySpec<P extends VersionedParent, S extends VersionedSummary, V extends S & { readonly definition: unknown }> {
  /** Its statements (`versionedStatements`). */
  readonly statements: ReturnType<typeof versionedStatements<P, V, S>>;
  /** The parent's descriptor (actions create, update, publish, rollback, archive, restore, delete). */
  readonly parent: AggregateDescriptor<P, string, string, string>;
  /** The versions' descriptor (actions create_draft, update_draft). */
  readonly version: AggregateDescriptor<V, string, string, string>;
  /** The field naming the parent in versions and event payloads (`formId`). */
  readonly idField: string;
  /** Entity names in errors: the version (`form version`) and the draft's revision (`form draft`). */
  readonly names: { readonly version: string; readonly draft: string };
  /** The states an event starts from (the declared machine). */
  statesFor(event: 'publish' | 'rollback' | 'archive' | 'restore'): readonly string[];
  /** Checks a definition: it as stored, and its sha256. @throws ValidationError (issues under `path`). */
  checkDefinition(input: unknown, path: string): { readonly definition: unknown; readonly sha256: string };
  /** The events of each change. */
  readonly events: {
    readonly created: Event;
    readonly updated: Event;
    readonly draftSaved: Event;
    readonly published: Event;
    readonly rolledBack: Event;
    readonly archived: Event;
    readonly restored: Event;
    readonly deleted: Event;
  };
  /** The input schemas (each context publishes its own names for them). */
  readonly schemas: {
    readonly create: z.ZodType<{ organizationId: string; slug: string; name: string; description?: string | undefined; definition: unknown }>;
    readonly update: z.ZodType<{ name?: string | undefined; description?: string | null | undefined }>;
    readonly publish: z.ZodType<{ version: number; expectedPublishedVersion: number | null; expectedRevision?: number | undefined }>;
    readonly rollback: z.ZodType<{ toVersion: number; expectedPublishedVersion: number }>;
    readonly draftOptions: z.ZodType<{ expectedRevision?: number | undefined }>;
  };
}

/** The methods every versioned aggregate's repository has (see the forms repository for each one's contract). */
export interface VersionedMethods<P, S, V> {
  create(input: unknown): Promise<{ readonly parent: P; readonly draft: V }>;
  findById(id: string): Promise<P | undefined>;
  list(organizationId: string): Promise<P[]>;
  update(id: string, patch: unknown): Promise<P>;
  createDraft(parentId: string, definition: unknown): Promise<V>;
  updateDraft(parentId: string, version: number, definition: unknown, options?: unknown): Promise<V>;
  publish(parentId: string, input: unknown): Promise<{ readonly parent: P; readonly version: S }>;
  rollback(parentId: string, input: unknown): Promise<P>;
  archive(parentId: string): Promise<P>;
  restore(parentId: string): Promise<P>;
  delete(parentId: string): Promise<void>;
  getVersion(parentId: string, version: number): Promise<V | undefined>;
  getPublishedVersion(parentId: string): Promise<V | undefined>;
  listVersions(parentId: string): Promise<S[]>;
}

const dateOrNull = (value: Date | string | null) => (value === null ? null : new Date(value));

/**
 * The versioned methods over `db` (a Kysely instance or a transaction) for `context`. Not wrapped
 * in error mapping: the caller's repository does that once for all its methods.
 */
export function versionedMethods<P extends VersionedParent, S extends VersionedSummary, V extends S & { readonly definition: unknown }>(
  spec: VersionedRepositorySpec<P, S, V>,
  db: Kysely<DB>,
  context: ResolvedAuditContext,
): VersionedMethods<P, S, V> {
  const { statements: st, idField, names } = spec;
  const idPath = idField;
  const idOf = (id: string, path: string) => parseInput(UuidSchema, id, path);
  const actor = context.actorUserId ?? null;
  const parentName = spec.parent.name;
  const ofRow = (row: VersionedParentRow) => parentOfRow<P>(row);
  const versionOf = <T extends VersionedSummary>(row: T): T => ({
    ...row,
    publishedAt: dateOrNull(row.publishedAt),
    createdAt: new Date(row.createdAt),
    updatedAt: new Date(row.updatedAt),
  });
  const parentIdOf = (version: VersionedSummary) => (version as unknown as Record<string, string>)[idField] as string;
  const statusPayload = (parent: P) => ({ [idField]: parent.id, organizationId: parent.organizationId, slug: parent.slug, status: parent.status });

  /** The refusal for a conditional change of a parent that changed nothing. */
  const refusal = (before: VersionedParentRow | null, event: string): Error => {
    if (!before) return new NotFoundError(parentName);
    return new TransitionConflictError(parentName, event, before.status, before.published_version ?? 0);
  };

  /** Throws what refuses a publish or rollback that changed nothing: no parent, a stale expected version, a state. */
  const throwIfRefused = (before: VersionedParentRow | null, expected: number | null, event: 'publish' | 'rollback') => {
    if (!before) throw new NotFoundError(parentName);
    if (before.published_version !== expected) {
      throw new VersionConflictError(parentName, expected ?? 0, before.published_version ?? 0, before.status);
    }
    if (!spec.statesFor(event).includes(before.status)) throw refusal(before, event);
  };

  /** The audit row and event of a change of the published version. */
  const auditRepoint = (trx: Kysely<DB>, action: 'publish' | 'rollback', before: P, after: P) =>
    writeAudit(
      trx,
      context,
      auditEvent(spec.parent, action, {
        entityId: after.id,
        organizationId: after.organizationId,
        before,
        after,
        event: domainEvent(action === 'publish' ? spec.events.published : spec.events.rolledBack, after.id, {
          [idField]: after.id,
          organizationId: after.organizationId,
          version: after.publishedVersion as number,
          previousVersion: before.publishedVersion,
        }),
      }),
    );

  /** The audit row and event of a draft made or edited. */
  const auditDraft = (trx: Kysely<DB>, action: 'create_draft' | 'update_draft', before: V | null, draft: V) =>
    writeAudit(
      trx,
      context,
      auditEvent(spec.version, action, {
        entityId: parentIdOf(draft),
        organizationId: draft.organizationId,
        before,
        after: draft,
        event: domainEvent(spec.events.draftSaved, parentIdOf(draft), {
          [idField]: parentIdOf(draft),
          organizationId: draft.organizationId,
          version: draft.version,
          definitionSha256: draft.definitionSha256,
        }),
      }),
    );

  /** archive / restore: a status change of the declared machine. */
  const moveStatus = async (parentId: string, event: 'archive' | 'restore', to: string) => {
    const id = idOf(parentId, idPath);
    return inTransaction(db, async (trx) => {
      const [row] = await st.changeStatus(trx, { parentId: id, from: spec.statesFor(event), to });
      if (!row?.after) throw refusal(row?.before ?? null, event);
      const before = ofRow(row.before as VersionedParentRow);
      const after = ofRow(row.after);
      const type = event === 'archive' ? spec.events.archived : spec.events.restored;
      await writeAudit(
        trx,
        context,
        auditEvent(spec.parent, event, { entityId: after.id, organizationId: after.organizationId, before, after, event: domainEvent(type, after.id, statusPayload(after)) }),
      );
      return after;
    });
  };

  return {
    async create(input: unknown) {
      const data = parseInput(spec.schemas.create, input, 'input');
      const checked = spec.checkDefinition(data.definition, 'definition');
      return inTransaction(db, async (trx) => {
        const [made] = await st.insertParent(trx, { organizationId: data.organizationId, slug: data.slug, name: data.name, description: data.description ?? null });
        const [draft] = await st.insertVersion(trx, { parentId: (made as P).id, definition: JSON.stringify(checked.definition), sha256: checked.sha256, createdBy: actor });
        const version = versionOf(draft as V);
        const parent = { ...(made as P), latestVersion: version.version, createdAt: new Date((made as P).createdAt), updatedAt: new Date((made as P).updatedAt) };
        await writeAudit(
          trx,
          context,
          auditEvent(spec.parent, 'create', {
            entityId: parent.id,
            organizationId: parent.organizationId,
            after: parent,
            event: domainEvent(spec.events.created, parent.id, {
              [idField]: parent.id,
              organizationId: parent.organizationId,
              slug: parent.slug,
              name: parent.name,
              definitionSha256: version.definitionSha256,
            }),
          }),
        );
        return { parent, draft: version };
      });
    },
    async findById(id: string) {
      return (await st.parentById(db, { parentId: idOf(id, 'id') }))[0];
    },
    async list(organizationId: string) {
      return st.parentsOfOrganization(db, { organizationId: idOf(organizationId, 'organizationId') });
    },
    async update(id: string, patch: unknown) {
      const parentId = idOf(id, 'id');
      const data = parseInput(spec.schemas.update, patch, 'patch');
      return inTransaction(db, async (trx) => {
        const [row] = await st.updateParent(trx, { parentId, name: data.name ?? null, description: data.description ?? null, setDescription: data.description !== undefined });
        if (!row) throw new NotFoundError(parentName);
        const before = ofRow(row.before);
        const after = ofRow(row.after);
        await writeAudit(
          trx,
          context,
          auditEvent(spec.parent, 'update', {
            entityId: after.id,
            organizationId: after.organizationId,
            before,
            after,
            event: domainEvent(spec.events.updated, after.id, { [idField]: after.id, organizationId: after.organizationId, name: after.name }),
          }),
        );
        return after;
      });
    },
    async createDraft(parentId: string, definition: unknown) {
      const id = idOf(parentId, idPath);
      const checked = spec.checkDefinition(definition, 'definition');
      return inTransaction(db, async (trx) => {
        const [row] = await st.insertVersion(trx, { parentId: id, definition: JSON.stringify(checked.definition), sha256: checked.sha256, createdBy: actor });
        if (!row) throw new NotFoundError(parentName);
        const draft = versionOf(row);
        await auditDraft(trx, 'create_draft', null, draft);
        return draft;
      });
    },
    async updateDraft(parentId: string, version: number, definition: unknown, options?: unknown) {
      const id = idOf(parentId, idPath);
      const number = parseInput(PositiveInt4Schema, version, 'version');
      const checked = spec.checkDefinition(definition, 'definition');
      const { expectedRevision } = parseInput(spec.schemas.draftOptions, optionsArgument(options as object | undefined), 'options');
      return inTransaction(db, async (trx) => {
        const [row] = await st.updateDraftDefinition(trx, {
          parentId: id,
          version: number,
          definition: JSON.stringify(checked.definition),
          sha256: checked.sha256,
          expectedRevision: expectedRevision ?? null,
        });
        if (!row || row.isPublished) throw new NotFoundError(names.version);
        if (!row.after) throw new VersionConflictError(names.draft, expectedRevision ?? 0, row.previousRevision, 'draft');
        const draft = versionOf(row.after);
        if (row.previousSha256 !== draft.definitionSha256) {
          await auditDraft(trx, 'update_draft', { ...draft, definitionSha256: row.previousSha256, revision: row.previousRevision }, draft);
        }
        return draft;
      });
    },
    async publish(parentId: string, input: unknown) {
      const id = idOf(parentId, idPath);
      const data = parseInput(spec.schemas.publish, input, 'input');
      return inTransaction(db, async (trx) => {
        const [row] = await st.publishVersion(trx, {
          parentId: id,
          version: data.version,
          expected: data.expectedPublishedVersion,
          expectedRevision: data.expectedRevision ?? null,
          states: spec.statesFor('publish'),
          publishedBy: actor,
        });
        if (!row?.after || !row.published) {
          throwIfRefused(row?.before ?? null, data.expectedPublishedVersion, 'publish');
          // The version as it is now: a new statement sees what an edit that made this one wait
          // committed (the statement above read the version as it was when it started).
          const [current] = await st.versionByNumber(trx, { parentId: id, version: data.version });
          if (current?.isPublished) throw new TransitionConflictError(names.version, 'publish', 'published', data.version);
          if (current && data.expectedRevision !== undefined && current.revision !== data.expectedRevision) {
            throw new VersionConflictError(names.draft, data.expectedRevision, current.revision, 'draft');
          }
          throw new NotFoundError(names.version);
        }
        const before = ofRow(row.before as VersionedParentRow);
        const parent = ofRow(row.after);
        await auditRepoint(trx, 'publish', before, parent);
        return { parent, version: versionOf(row.published) };
      });
    },
    async rollback(parentId: string, input: unknown) {
      const id = idOf(parentId, idPath);
      const data = parseInput(spec.schemas.rollback, input, 'input');
      return inTransaction(db, async (trx) => {
        const [row] = await st.repoint(trx, { parentId: id, to: data.toVersion, expected: data.expectedPublishedVersion, states: spec.statesFor('rollback') });
        if (!row?.after) {
          throwIfRefused(row?.before ?? null, data.expectedPublishedVersion, 'rollback');
          if (!row?.targetIsPublished) throw new NotFoundError(names.version);
          throw refusal(row.before, 'rollback');
        }
        const parent = ofRow(row.after);
        await auditRepoint(trx, 'rollback', ofRow(row.before as VersionedParentRow), parent);
        return parent;
      });
    },
    archive: (parentId: string) => moveStatus(parentId, 'archive', 'archived'),
    restore: (parentId: string) => moveStatus(parentId, 'restore', 'published'),
    async delete(parentId: string) {
      const id = idOf(parentId, idPath);
      await inTransaction(db, async (trx) => {
        const [row] = await st.deleteParent(trx, { parentId: id });
        if (!row) throw new NotFoundError(parentName);
        const parent = { ...row, createdAt: new Date(row.createdAt), updatedAt: new Date(row.updatedAt) };
        await writeAudit(
          trx,
          context,
          auditEvent(spec.parent, 'delete', { entityId: parent.id, organizationId: parent.organizationId, before: parent, event: domainEvent(spec.events.deleted, parent.id, statusPayload(parent)) }),
        );
      });
    },
    async getVersion(parentId: string, version: number) {
      const [row] = await st.versionByNumber(db, { parentId: idOf(parentId, idPath), version: parseInput(PositiveInt4Schema, version, 'version') });
      return row ? versionOf(row) : undefined;
    },
    async getPublishedVersion(parentId: string) {
      const [row] = await st.publishedVersion(db, { parentId: idOf(parentId, idPath) });
      return row ? versionOf(row) : undefined;
    },
    async listVersions(parentId: string) {
      return (await st.versionsOf(db, { parentId: idOf(parentId, idPath) })).map(versionOf);
    },
  };
}
