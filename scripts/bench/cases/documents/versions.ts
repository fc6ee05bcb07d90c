// One added version, both ways. A writer reads the document (documents.findById), adds a
// version with expectedVersion = what it read, and on a version conflict reads again and
// retries. The raw side sends the same statements with pg: the findById SELECT, then BEGIN; the
// conditional UPDATE … RETURNING; when it touched no row the SELECT of current_version and
// ROLLBACK (a conflict: read again, retry); otherwise the version INSERT, the audit INSERT with
// the `document.version_added` event and its outbox message (one statement), COMMIT.
import { randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { VersionConflictError } from '../../../../src/core/errors/version-conflict-error.js';
import { createRepositories } from '../../../../src/repositories.js';
import { auditParameters } from '../../raw-audit.js';
import { rawTransaction, type Connections } from '../../support.js';
import { RAW_SQL, type Query } from './raw-sql.js';

const MAX_RETRIES = 10_000;

/** A new object for a version: unique key, a checksum, a size. */
export interface NewObject {
  readonly storageKey: string;
  readonly checksumSha256: string;
  readonly sizeBytes: number;
}

/** A fresh object for a new version of `documentId`. */
export function newObject(documentId: string): NewObject {
  return {
    storageKey: `bench/${documentId}/${randomUUID()}`,
    checksumSha256: randomBytes(32).toString('hex'),
    sizeBytes: 1024 + randomBytes(3).readUIntBE(0, 3),
  };
}

/** The raw side's version conflict (the repository throws VersionConflictError). */
export class RawConflict extends Error {}

/** The audit snapshot of a version (the document_version whitelist), as JSON text. */
const VERSION_SNAPSHOT_FIELDS = ['id', 'documentId', 'versionNumber', 'storageKey', 'checksumSha256', 'sizeBytes'] as const;
function versionSnapshotJson(version: Record<string, unknown>): string {
  return JSON.stringify(Object.fromEntries(VERSION_SNAPSHOT_FIELDS.map((field) => [field, version[field]])));
}

/** The audit INSERT's parameters for an added version. */
function auditOf(organizationId: string, actorId: string, documentId: string, version: Record<string, unknown>): unknown[] {
  return auditParameters({
    organizationId,
    actorUserId: actorId,
    action: 'document.add_version',
    entityType: 'document_version',
    entityId: documentId,
    before: null,
    after: versionSnapshotJson(version),
  });
}

/**
 * The parameters of the audit row, the `document.version_added` event (its payload as JSON text,
 * fields in the repository's order) and the event's audit context (actor, correlation,
 * causation, request).
 */
function auditAndEventOf(organizationId: string, actorId: string, documentId: string, clientId: string, version: Record<string, unknown>): unknown[] {
  const payload = JSON.stringify({
    documentId,
    organizationId,
    clientId,
    versionNumber: version.versionNumber,
    storageKey: version.storageKey,
    checksumSha256: version.checksumSha256,
    sizeBytes: version.sizeBytes,
  });
  return [
    ...auditOf(organizationId, actorId, documentId, version),
    ...[organizationId, 'document.version_added', 1, 'document', documentId, version.versionNumber, payload],
    ...[actorId, null, null, null],
  ];
}

async function rawFindDocument(pool: pg.Pool, id: string) {
  return (await pool.query(RAW_SQL.findDocument, [id])).rows[0] as Record<string, unknown> | undefined;
}

/** One addVersion attempt with raw pg; throws RawConflict when `expectedVersion` is stale. */
export async function rawAddVersion(pool: pg.Pool, actorId: string, documentId: string, expectedVersion: number, object: NewObject) {
  return rawTransaction(pool, async (client) => {
    const document = (await client.query(RAW_SQL.bumpVersion, [object.storageKey, actorId, documentId, expectedVersion])).rows[0];
    if (!document) {
      const current = (await client.query(RAW_SQL.currentVersion, [documentId])).rows[0];
      if (!current) throw new Error(`document ${documentId} not found`);
      throw new RawConflict();
    }
    const version = (
      await client.query(RAW_SQL.insertVersion, [
        document.organizationId,
        documentId,
        document.currentVersion,
        object.storageKey,
        object.checksumSha256,
        object.sizeBytes,
        actorId,
      ])
    ).rows[0];
    await client.query(
      RAW_SQL.insertAuditAndEvent,
      auditAndEventOf(document.organizationId, actorId, documentId, document.clientId, version),
    );
    return { document, version };
  });
}

/** What one successful add did: its last attempt's inputs and the version it wrote. */
export interface Added {
  readonly documentId: string;
  readonly expectedVersion: number;
  readonly object: NewObject;
  readonly version: Record<string, unknown>;
  /** Conflicts before the successful attempt. */
  readonly conflicts: number;
  /** The document's client (in the event's payload). */
  readonly clientId: string;
}

/** A writer on `on`: `(documentId) => one successful add`, through the repository or raw pg. */
export function adder(side: 'repo' | 'raw', on: Connections, actorId: string): (documentId: string) => Promise<Added> {
  const repos = createRepositories(on.db, { actorUserId: actorId });
  return async (documentId) => {
    for (let conflicts = 0; conflicts <= MAX_RETRIES; conflicts += 1) {
      const object = newObject(documentId);
      try {
        if (side === 'repo') {
          const current = await repos.documents.findById(documentId);
          if (!current) throw new Error(`document ${documentId} not found`);
          // The input built field by field and the version returned as it is: the raw side passes
          // its values as they are, with no spread or copy on either side.
          const input = {
            expectedVersion: current.currentVersion,
            storageKey: object.storageKey,
            checksumSha256: object.checksumSha256,
            sizeBytes: object.sizeBytes,
          };
          const { version } = await repos.documents.addVersion(documentId, input);
          return { documentId, expectedVersion: current.currentVersion, object, version: version as unknown as Record<string, unknown>, conflicts, clientId: current.clientId };
        }
        const current = await rawFindDocument(on.pool, documentId);
        if (!current) throw new Error(`document ${documentId} not found`);
        const expectedVersion = current.currentVersion as number;
        const { version } = await rawAddVersion(on.pool, actorId, documentId, expectedVersion, object);
        return { documentId, expectedVersion, object, version, conflicts, clientId: current.clientId as string };
      } catch (error) {
        if (!(error instanceof VersionConflictError || error instanceof RawConflict)) throw error;
      }
    }
    throw new Error(`addVersion(${documentId}): more than ${MAX_RETRIES} conflicts in a row`);
  };
}

/** The statements of an add without conflicts (read, then the winning transaction). */
export function addStatements(organizationId: string, actorId: string, added: Added): Query[] {
  const { documentId, expectedVersion, object } = added;
  return [
    [RAW_SQL.findDocument, [documentId]],
    ['begin', []],
    [RAW_SQL.bumpVersion, [object.storageKey, actorId, documentId, expectedVersion]],
    [
      RAW_SQL.insertVersion,
      [organizationId, documentId, expectedVersion + 1, object.storageKey, object.checksumSha256, object.sizeBytes, actorId],
    ],
    [RAW_SQL.insertAuditAndEvent, auditAndEventOf(organizationId, actorId, documentId, added.clientId, added.version)],
    ['commit', []],
  ];
}

/** The statements of a stale attempt (the conflict path). */
export function conflictStatements(actorId: string, documentId: string, expectedVersion: number, object: NewObject): Query[] {
  return [
    ['begin', []],
    [RAW_SQL.bumpVersion, [object.storageKey, actorId, documentId, expectedVersion]],
    [RAW_SQL.currentVersion, [documentId]],
    ['rollback', []],
  ];
}
