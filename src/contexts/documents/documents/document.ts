import { sql } from 'kysely';
import { defineAggregate } from '../../../core/kernel/aggregate.js';
import type { Metadata } from '../../../core/kernel/metadata.js';

/**
 * A document: the head of a version history whose bytes live in object storage. (Named so it
 * does not shadow the DOM's global `Document`.)
 */
export interface StoredDocument {
  /** Primary key (uuid). */
  readonly id: string;
  /** The organization (tenant). */
  readonly organizationId: string;
  /** The client the document belongs to. */
  readonly clientId: string;
  /** The uploaded file's name; unique among the client's live documents. */
  readonly originalName: string;
  /** Object key of the current version. */
  readonly storageKey: string;
  /** `type/subtype`, lower case. */
  readonly mimeType: string;
  /** The current version number; versions are 1..currentVersion without gaps. */
  readonly currentVersion: number;
  /** Free-form JSON object (≤ 16 KB), searchable by containment. */
  readonly metadata: Metadata;
  /** When the row was created. */
  readonly createdAt: Date;
  /** When the row last changed. */
  readonly updatedAt: Date;
  /** Who created it (from the audit context), or `null`. */
  readonly createdBy: string | null;
  /** Who changed it last (from the audit context), or `null`. */
  readonly updatedBy: string | null;
  /** When it was soft-deleted; `null` while live. */
  readonly deletedAt: Date | null;
}

/** An immutable version of a document. */
export interface DocumentVersion {
  /** Primary key (uuid). */
  readonly id: string;
  /** The document. */
  readonly documentId: string;
  /** 1, 2, 3, … per document. */
  readonly versionNumber: number;
  /** Object key of this version's bytes. */
  readonly storageKey: string;
  /** sha256 of the bytes, lower-case hex. */
  readonly checksumSha256: string;
  /** Size of the bytes. */
  readonly sizeBytes: number;
  /** Who uploaded it (from the audit context), or `null`. */
  readonly createdBy: string | null;
  /** When it was added. */
  readonly createdAt: Date;
}

/** The select list that maps a `documents` row to a {@link StoredDocument}. */
export const documentColumns = [
  'documents.id',
  'documents.organization_id as organizationId',
  'documents.client_id as clientId',
  'documents.original_name as originalName',
  'documents.storage_key as storageKey',
  'documents.mime_type as mimeType',
  'documents.current_version as currentVersion',
  'documents.metadata',
  'documents.created_at as createdAt',
  'documents.updated_at as updatedAt',
  'documents.created_by as createdBy',
  'documents.updated_by as updatedBy',
  'documents.deleted_at as deletedAt',
] as const;

/** The select list that maps a `document_versions` row to a {@link DocumentVersion}. */
export const documentVersionColumns = [
  'document_versions.id',
  'document_versions.document_id as documentId',
  'document_versions.version_number as versionNumber',
  'document_versions.storage_key as storageKey',
  'document_versions.checksum_sha256 as checksumSha256',
  // bigint arrives as a string from pg; sizes stay exact as numbers below 2^53 (8 PiB).
  sql<number>`document_versions.size_bytes::float8`.as('sizeBytes'),
  'document_versions.created_by as createdBy',
  'document_versions.created_at as createdAt',
] as const;

/** Documents of a client. */
export const documentAggregate = defineAggregate<StoredDocument>()({
  name: 'document',
  table: 'documents',
  tenantColumn: 'organization_id',
  columns: {
    id: 'id',
    organizationId: 'organization_id',
    clientId: 'client_id',
    originalName: 'original_name',
    storageKey: 'storage_key',
    mimeType: 'mime_type',
    currentVersion: 'current_version',
    metadata: 'metadata',
    createdAt: 'created_at',
    updatedAt: 'updated_at',
    createdBy: 'created_by',
    updatedBy: 'updated_by',
    deletedAt: 'deleted_at',
  },
  audited: ['id', 'organizationId', 'clientId', 'originalName', 'storageKey', 'mimeType', 'currentVersion', 'metadata', 'deletedAt'],
  actions: ['create', 'delete', 'restore', 'purge'],
});

/** The immutable versions of a document (part of the document aggregate; their audit rows name the document). */
export const documentVersionAggregate = defineAggregate<DocumentVersion>()({
  name: 'document_version',
  table: 'document_versions',
  tenantColumn: 'organization_id',
  columns: {
    id: 'id',
    documentId: 'document_id',
    versionNumber: 'version_number',
    storageKey: 'storage_key',
    checksumSha256: 'checksum_sha256',
    sizeBytes: 'size_bytes',
    createdBy: 'created_by',
    createdAt: 'created_at',
  },
  audited: ['id', 'documentId', 'versionNumber', 'storageKey', 'checksumSha256', 'sizeBytes'],
  // Recorded as `document.add_version`: the action belongs to the document, the snapshot to the version.
  actionPrefix: 'document',
  actions: ['add_version'],
});
