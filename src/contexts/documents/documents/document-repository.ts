import { domainEvent } from '../../../core/events/domain-event.js';
import { documentCreated, documentDeleted, documentVersionAdded } from '../document-events.js';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { ResolvedAuditContext } from '../../../core/audit/audit-context.js';
import { auditEvent, type AuditRecord } from '../../../core/audit/audit-event.js';
import { writeAudit } from '../../../core/audit/write-audit.js';
import { asPackageDatabase } from '../../../core/kernel/database-type.js';
import { contextArgument } from '../../../core/kernel/repository-scope.js';
import { NotFoundError } from '../../../core/errors/not-found-error.js';
import { VersionConflictError } from '../../../core/errors/version-conflict-error.js';
import type { DB } from '../../../schema/db.js';
import { PositiveInt4Schema, TimestampSchema, UuidSchema } from '../../../core/kernel/common-schemas.js';
import {
  AddVersionInputSchema,
  CreateDocumentInputSchema,
  NameQuerySchema,
  type AddVersionInput,
  type CreateDocumentInput,
} from './document.inputs.js';
import { MetadataSchema, type Metadata } from '../../../core/kernel/metadata.js';
import { acceptsAsIs, optionsArgument, parseInput } from '../../../core/kernel/parse-input.js';
import { inTransaction } from '../../../core/unit-of-work/in-transaction.js';
import { pageLimit } from '../../../core/kernel/page.js';
import { withErrorMapping } from '../../../core/kernel/with-error-mapping.js';
import { documentAggregate, documentVersionAggregate, type DocumentVersion, type StoredDocument } from './document.js';
import {
  bumpDocumentVersion,
  currentDocumentVersion,
  documentById,
  documentsByMetadata,
  documentsByName,
  insertDocument,
  insertDocumentVersion,
  lockDocumentFor,
  purgeDeletedDocuments,
  setDocumentDeleted,
  setSimilarityThreshold,
  versionOfDocument,
  versionsOfDocument,
} from './document-statements.js';

/** A document found by fuzzy name search, with its trigram similarity (0–1). */
export interface DocumentMatch extends StoredDocument {
  /** Trigram similarity of the name to the query; higher is closer. */
  readonly score: number;
}

/** What {@link DocumentRepository.purgeDeleted} removed. */
export interface PurgeResult {
  /** The hard-deleted documents. */
  readonly documentIds: readonly string[];
  /** Every object key of their versions: delete these objects from storage. */
  readonly storageKeys: readonly string[];
}

/** Options of {@link DocumentRepository.searchByName}. */
export interface NameSearchOptions {
  /** At most this many matches, 1–500. (Default: `50`) */
  readonly limit?: number;
  /**
   * The trigram similarity a name needs, 0.05–1. Two typos in a 20-character name score
   * about 0.28. (Default: `0.25`)
   */
  readonly minSimilarity?: number;
}

/** Options of {@link DocumentRepository.purgeDeleted}. */
export interface PurgeOptions {
  /** Purge documents soft-deleted before this instant. */
  readonly deletedBefore: Date;
  /** At most this many documents per call, 1–10 000. (Default: `1000`) */
  readonly limit?: number;
}

/** Documents and their immutable versions. Reads skip soft-deleted documents. */
export interface DocumentRepository {
  /**
   * Creates a document with its version 1, and their audit rows, in one transaction.
   * @throws ValidationError; NotFoundError (`client`, when missing or deleted);
   *   UniqueViolationError (`documents_client_name_key`, `document_versions_storage_key_key`).
   */
  create(input: CreateDocumentInput): Promise<{ document: StoredDocument; version: DocumentVersion }>;
  /** The live document, or `undefined`. */
  findById(id: string): Promise<StoredDocument | undefined>;
  /**
   * The live document.
   * @throws NotFoundError when it does not exist or is soft-deleted.
   */
  getById(id: string): Promise<StoredDocument>;
  /**
   * Adds the next version when the document is still at `expectedVersion` (one conditional
   * UPDATE decides); versions stay contiguous under concurrency.
   * @throws VersionConflictError when another version was added first (re-read and retry);
   *   NotFoundError; UniqueViolationError (`document_versions_storage_key_key`).
   */
  addVersion(documentId: string, input: AddVersionInput): Promise<{ document: StoredDocument; version: DocumentVersion }>;
  /** Every version of a live document, oldest first. */
  listVersions(documentId: string): Promise<DocumentVersion[]>;
  /** One version of a live document, or `undefined`. */
  findVersion(documentId: string, versionNumber: number): Promise<DocumentVersion | undefined>;
  /** Soft-deletes the document; its name becomes available in the client. @throws NotFoundError. */
  softDelete(id: string): Promise<void>;
  /**
   * Restores a soft-deleted document.
   * @throws NotFoundError; UniqueViolationError (`documents_client_name_key`) when a live
   *   document of the client has taken its name meanwhile.
   */
  restore(id: string): Promise<StoredDocument>;
  /**
   * Live documents of a client whose name is similar to `query` (trigram similarity of at
   * least `minSimilarity`), best first.
   */
  searchByName(clientId: string, query: string, options?: NameSearchOptions): Promise<DocumentMatch[]>;
  /** Live documents of a client whose metadata contains `containment`, newest first. */
  searchByMetadata(clientId: string, containment: Metadata, options?: { limit?: number }): Promise<StoredDocument[]>;
  /**
   * Retention: hard-deletes documents soft-deleted before `deletedBefore` with all their
   * versions (through `purge_deleted_documents`, the one path the immutability trigger allows)
   * and writes a `document.purge` audit row for each. Returns the object keys to delete.
   */
  purgeDeleted(options: PurgeOptions): Promise<PurgeResult>;
}

const VersionNumberSchema = PositiveInt4Schema;
export const SimilaritySchema = acceptsAsIs(z.number().min(0.05).max(1), (input) => typeof input === 'number' && input >= 0.05 && input <= 1);
/** The one row of an INSERT … RETURNING or of an UPDATE of a locked row (NotFound, which cannot happen, otherwise). */
function onlyRow<R>(rows: readonly R[]): R {
  const [row] = rows;
  if (!row) throw new NotFoundError(documentAggregate.name);
  return row;
}

const PurgeSchema = z
  .object({ deletedBefore: TimestampSchema, limit: z.int().min(1).max(10_000).default(1000) })
  .strict();

/** Creates the document repository over `db` (a Kysely instance or a transaction). */
export function createDocumentRepository<D extends DB>(database: Kysely<D>, context: ResolvedAuditContext = {}): DocumentRepository {
  const db = asPackageDatabase(database);
  contextArgument(context);
  const actor = context.actorUserId ?? null;
  const findById = async (id: string) => (await documentById(db, { id: parseInput(UuidSchema, id, 'id') }))[0];
  const audit = (trx: Kysely<DB>, ...records: AuditRecord[]) => writeAudit(trx, context, ...records);

  /** Sets or clears deleted_at on a document that is live (or deleted, for restore). */
  const setDeleted = (id: string, deleted: boolean) =>
    inTransaction(db, async (trx) => {
      const shape = deleted ? 'delete' : 'restore';
      const [before] = await lockDocumentFor(trx, shape, { id });
      if (!before) throw new NotFoundError(documentAggregate.name);
      const after = onlyRow(await setDocumentDeleted(trx, shape, { id, actor }));
      const event = deleted
        ? domainEvent(documentDeleted, id, {
            documentId: id,
            organizationId: after.organizationId,
            clientId: after.clientId,
            deletedAt: after.deletedAt!.toISOString(),
          }, after.currentVersion)
        : undefined;
      await audit(
        trx,
        auditEvent(documentAggregate, deleted ? 'delete' : 'restore', {
          entityId: id,
          organizationId: after.organizationId,
          before,
          after,
          ...(event ? { event } : {}),
        }),
      );
      return after;
    });

  return withErrorMapping({
    async create(input: CreateDocumentInput) {
      const data = parseInput(CreateDocumentInputSchema, input, 'input');
      return inTransaction(db, async (trx) => {
        // INSERT … SELECT from the live client: a missing or deleted client inserts nothing.
        const [document] = await insertDocument(trx, {
          clientId: data.clientId,
          originalName: data.originalName,
          storageKey: data.storageKey,
          mimeType: data.mimeType,
          metadata: JSON.stringify(data.metadata ?? {}),
          actor,
        });
        if (!document) throw new NotFoundError('client');
        const version = onlyRow(
          await insertDocumentVersion(trx, {
            organizationId: document.organizationId,
            documentId: document.id,
            versionNumber: 1,
            storageKey: data.storageKey,
            checksumSha256: data.checksumSha256,
            sizeBytes: data.sizeBytes,
            actor,
          }),
        );
        const common = { entityId: document.id, organizationId: document.organizationId } as const;
        const event = domainEvent(
          documentCreated,
          document.id,
          {
            documentId: document.id,
            organizationId: document.organizationId,
            clientId: document.clientId,
            mimeType: document.mimeType,
            versionNumber: 1,
            storageKey: version.storageKey,
            checksumSha256: version.checksumSha256,
            sizeBytes: version.sizeBytes,
          },
          document.currentVersion,
        );
        await audit(
          trx,
          auditEvent(documentAggregate, 'create', { ...common, after: document, event }),
          auditEvent(documentVersionAggregate, 'add_version', { ...common, after: version }),
        );
        return { document, version };
      });
    },
    findById,
    async getById(id: string) {
      const document = await findById(id);
      if (!document) throw new NotFoundError(documentAggregate.name);
      return document;
    },
    // Not async: the transaction's promise is returned as it is (an async method returning it
    // would add two turns of the microtask queue to every add); a refused input throws, which
    // withErrorMapping turns into a rejection.
    addVersion(documentId: string, input: AddVersionInput) {
      const key = parseInput(UuidSchema, documentId, 'documentId');
      const data = parseInput(AddVersionInputSchema, input, 'input');
      return inTransaction(db, async (trx) => {
        // The row count of this one conditional UPDATE decides who wins a race.
        const [document] = await bumpDocumentVersion(trx, {
          storageKey: data.storageKey,
          actor,
          id: key,
          expectedVersion: data.expectedVersion,
        });
        if (!document) {
          const [current] = await currentDocumentVersion(trx, { id: key });
          if (!current) throw new NotFoundError(documentAggregate.name);
          throw new VersionConflictError(documentAggregate.name, data.expectedVersion, current.current_version);
        }
        const version = onlyRow(
          await insertDocumentVersion(trx, {
            organizationId: document.organizationId,
            documentId: key,
            versionNumber: document.currentVersion,
            storageKey: data.storageKey,
            checksumSha256: data.checksumSha256,
            sizeBytes: data.sizeBytes,
            actor,
          }),
        );
        const event = domainEvent(
          documentVersionAdded,
          key,
          {
            documentId: key,
            organizationId: document.organizationId,
            clientId: document.clientId,
            versionNumber: version.versionNumber,
            storageKey: version.storageKey,
            checksumSha256: version.checksumSha256,
            sizeBytes: version.sizeBytes,
          },
          document.currentVersion,
        );
        await audit(
          trx,
          auditEvent(documentVersionAggregate, 'add_version', { entityId: key, organizationId: document.organizationId, after: version, event }),
        );
        return { document, version };
      });
    },
    async listVersions(documentId: string) {
      const key = parseInput(UuidSchema, documentId, 'documentId');
      return versionsOfDocument(db, { id: key });
    },
    async findVersion(documentId: string, versionNumber: number) {
      const key = parseInput(UuidSchema, documentId, 'documentId');
      const number = parseInput(VersionNumberSchema, versionNumber, 'versionNumber');
      return versionOfDocument.first(db, { id: key, versionNumber: number });
    },
    async softDelete(id: string) {
      await setDeleted(parseInput(UuidSchema, id, 'id'), true);
    },
    async restore(id: string) {
      return setDeleted(parseInput(UuidSchema, id, 'id'), false);
    },
    async searchByName(clientId: string, query: string, options: NameSearchOptions = {}) {
      options = optionsArgument(options);
      const client = parseInput(UuidSchema, clientId, 'clientId');
      const text = parseInput(NameQuerySchema, query, 'query');
      const limit = pageLimit(options);
      const threshold = parseInput(SimilaritySchema, options.minSimilarity ?? 0.25, 'options.minSimilarity');
      // `%` is what the (client_id, original_name gin_trgm_ops) index answers; its cut-off is
      // pg_trgm.similarity_threshold, set for this transaction only.
      return inTransaction(db, async (trx) => {
        await setSimilarityThreshold(trx, { threshold: String(threshold) });
        const rows = await documentsByName(trx, { client, text, limit });
        return rows satisfies DocumentMatch[];
      });
    },
    // Not async (see users.findById): the statement's promise is the result.
    searchByMetadata(clientId: string, containment: Metadata, options: { readonly limit?: number } = {}) {
      options = optionsArgument(options);
      const client = parseInput(UuidSchema, clientId, 'clientId');
      const filter = JSON.stringify(parseInput(MetadataSchema, containment, 'containment'));
      const limit = pageLimit(options);
      return documentsByMetadata(db, { client, containment: filter, limit });
    },
    async purgeDeleted(options: PurgeOptions) {
      const { deletedBefore, limit } = parseInput(PurgeSchema, options, 'options');
      return inTransaction(db, async (trx) => {
        const rows = await purgeDeletedDocuments(trx, { deletedBefore, limit });
        const byDocument = new Map<string, { organizationId: string; keys: string[] }>();
        for (const row of rows) {
          const entry = byDocument.get(row.document_id) ?? { organizationId: row.organization_id, keys: [] };
          entry.keys.push(row.storage_key);
          byDocument.set(row.document_id, entry);
        }
        await audit(
          trx,
          ...[...byDocument].map(([id, entry]) =>
            auditEvent(documentAggregate, 'purge', {
              entityId: id,
              organizationId: entry.organizationId,
              before: { id, storageKey: entry.keys.at(-1)! },
            }),
          ),
        );
        return Object.freeze({ documentIds: [...byDocument.keys()], storageKeys: rows.map((row) => row.storage_key) });
      });
    },
  });
}
