// The document repository's statements, compiled once per process (see `compiledQuery` and
// `compiledShapes`).
import { sql, type Kysely } from 'kysely';
import { compiledQuery, compiledShapes } from '../../../core/kernel/compiled-query.js';
import type { DB } from '../../../schema/db.js';
import { documentColumns, documentVersionColumns } from './document.js';

const live = (db: Kysely<DB>) => db.selectFrom('documents').select(documentColumns).where('documents.deleted_at', 'is', null);

/** The live document with this id. */
export const documentById = compiledQuery((db, p: { id: string }) => live(db).where('documents.id', '=', p.id));

/** A document's side of a soft delete: `delete` acts on a live document, `restore` on a deleted one. */
export type DeletedChange = 'delete' | 'restore';

/** The document (live for `delete`, soft-deleted for `restore`), locked until the transaction ends. */
export const lockDocumentFor = compiledShapes((db, p: { id: string }, shape: DeletedChange) =>
  db
    .selectFrom('documents')
    .select(documentColumns)
    .where('id', '=', p.id)
    .where('deleted_at', shape === 'delete' ? 'is' : 'is not', null)
    .forUpdate(),
);

/** Sets (`delete`: `now()`) or clears (`restore`) `deleted_at`, and `updated_by`. */
export const setDocumentDeleted = compiledShapes((db, p: { id: string; actor: string | null }, shape: DeletedChange) =>
  db
    .updateTable('documents')
    .set({ deleted_at: shape === 'delete' ? sql<Date>`now()` : null, updated_by: p.actor })
    .where('id', '=', p.id)
    .returning(documentColumns),
);

/** Parameters of {@link insertDocument}. */
export type DocumentInsertParams = {
  readonly clientId: string;
  readonly originalName: string;
  readonly storageKey: string;
  readonly mimeType: string;
  /** JSON text of the metadata document. */
  readonly metadata: string;
  readonly actor: string | null;
};

/** INSERT … SELECT from the live client: a missing or deleted client inserts nothing. */
export const insertDocument = compiledQuery((db, p: DocumentInsertParams) =>
  db
    .insertInto('documents')
    .columns(['organization_id', 'client_id', 'original_name', 'storage_key', 'mime_type', 'metadata', 'created_by', 'updated_by'])
    .expression(
      db
        .selectFrom('clients')
        .select([
          'clients.organization_id',
          'clients.id',
          sql.val(p.originalName).as('original_name'),
          sql.val(p.storageKey).as('storage_key'),
          sql.val(p.mimeType).as('mime_type'),
          sql.val(p.metadata).as('metadata'),
          sql.val(p.actor).as('created_by'),
          sql.val(p.actor).as('updated_by'),
        ])
        .where('clients.id', '=', p.clientId)
        .where('clients.deleted_at', 'is', null),
    )
    .returning(documentColumns),
);

/** Parameters of {@link insertDocumentVersion}. */
export type VersionInsertParams = {
  readonly organizationId: string;
  readonly documentId: string;
  readonly versionNumber: number;
  readonly storageKey: string;
  readonly checksumSha256: string;
  readonly sizeBytes: number;
  readonly actor: string | null;
};

/** Inserts a version of a document. */
export const insertDocumentVersion = compiledQuery((db, p: VersionInsertParams) =>
  db
    .insertInto('document_versions')
    .values({
      organization_id: p.organizationId,
      document_id: p.documentId,
      version_number: p.versionNumber,
      storage_key: p.storageKey,
      checksum_sha256: p.checksumSha256,
      size_bytes: p.sizeBytes,
      created_by: p.actor,
    })
    .returning(documentVersionColumns),
);

/**
 * Moves the live document from `expectedVersion` to the next version (one conditional UPDATE:
 * no row when another version was added first).
 */
export const bumpDocumentVersion = compiledQuery(
  (db, p: { id: string; expectedVersion: number; storageKey: string; actor: string | null }) =>
    db
      .updateTable('documents')
      .set({
        current_version: sql`current_version + 1`,
        storage_key: p.storageKey,
        updated_by: p.actor,
      })
      .where('id', '=', p.id)
      .where('current_version', '=', p.expectedVersion)
      .where('deleted_at', 'is', null)
      .returning(documentColumns),
);

/** The live document's current version number. */
export const currentDocumentVersion = compiledQuery((db, p: { id: string }) =>
  db.selectFrom('documents').select('current_version').where('id', '=', p.id).where('deleted_at', 'is', null),
);

const versionsOfLive = (db: Kysely<DB>, documentId: string) =>
  db
    .selectFrom('document_versions')
    .innerJoin('documents', 'documents.id', 'document_versions.document_id')
    .select(documentVersionColumns)
    .where('document_versions.document_id', '=', documentId);

/** Every version of the live document, oldest first. */
export const versionsOfDocument = compiledQuery((db, p: { id: string }) =>
  versionsOfLive(db, p.id).where('documents.deleted_at', 'is', null).orderBy('document_versions.version_number'),
);

/** One version of the live document. */
export const versionOfDocument = compiledQuery((db, p: { id: string; versionNumber: number }) =>
  versionsOfLive(db, p.id)
    .where('document_versions.version_number', '=', p.versionNumber)
    .where('documents.deleted_at', 'is', null),
);

/** Sets `pg_trgm.similarity_threshold` (text of a number) for the current transaction only. */
export const setSimilarityThreshold = compiledQuery((db, p: { threshold: string }) => ({
  compile: () => sql`SELECT set_config('pg_trgm.similarity_threshold', ${p.threshold}, true)`.compile(db),
}));

/** Live documents of the client whose name matches `text` (`%`, the trigram index's operator), best first. */
export const documentsByName = compiledQuery((db, p: { client: string; text: string; limit: number }) =>
  db
    .selectFrom('documents')
    .select(documentColumns)
    .select(sql<number>`similarity(documents.original_name, ${p.text})`.as('score'))
    .where('documents.deleted_at', 'is', null)
    .where('documents.client_id', '=', p.client)
    .where(sql<boolean>`documents.original_name % ${p.text}`)
    .orderBy('score', 'desc')
    .orderBy('documents.id')
    .limit(p.limit),
);

/** Live documents of the client whose metadata contains `containment` (JSON text), newest first. */
export const documentsByMetadata = compiledQuery((db, p: { client: string; containment: string; limit: number }) =>
  live(db)
    .where('documents.client_id', '=', p.client)
    .where(sql<boolean>`documents.metadata @> ${p.containment}::jsonb`)
    .orderBy('documents.created_at', 'desc')
    .orderBy('documents.id')
    .limit(p.limit),
);

/** Hard-deletes up to `limit` documents soft-deleted before `deletedBefore`; one row per purged version. */
export const purgeDeletedDocuments = compiledQuery((db, p: { deletedBefore: Date; limit: number }) => ({
  compile: () =>
    sql<{ document_id: string; organization_id: string; storage_key: string }>`
          SELECT document_id, organization_id, storage_key
          FROM purge_deleted_documents(${p.deletedBefore}, ${p.limit})`.compile(db),
}));
