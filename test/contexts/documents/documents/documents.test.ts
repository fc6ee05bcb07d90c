import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../../../src/core/database/create-database.js';
import { UniqueViolationError } from '../../../../src/core/errors/constraint-errors.js';
import { NotFoundError } from '../../../../src/core/errors/not-found-error.js';
import { ValidationError } from '../../../../src/core/errors/validation-error.js';
import { VersionConflictError } from '../../../../src/core/errors/version-conflict-error.js';
import { createRepositories, type Repositories } from '../../../../src/repositories.js';
import { seedDefaults } from '../../../../src/contexts/identity/seeders/seed-defaults.js';
import { useTestDatabase } from '../../../helpers/database.js';
import { aClient, aDocument, anObject } from '../../../helpers/documents.js';
import { anOrganization, aUser } from '../../../helpers/fixtures.js';

describe('documents repository', () => {
  const testDb = useTestDatabase();
  let repos: Repositories;
  let organizationId: string;
  let actorId: string;
  let clientId: string;
  beforeAll(async () => {
    await seedDefaults(testDb.current.db);
    const system = createRepositories(testDb.current.db);
    organizationId = (await anOrganization(system)).id;
    actorId = (await aUser(system, organizationId)).user.id;
    repos = createRepositories(testDb.current.db, { actorUserId: actorId });
    clientId = (await aClient(repos, organizationId)).id;
  });
  const auditActions = async (documentId: string) =>
    (
      await sql<{ action: string }>`SELECT action FROM audit_logs WHERE entity_id = ${documentId} ORDER BY event_id`.execute(
        testDb.current.db,
      )
    ).rows.map((r) => r.action);

  it('creates a document with version 1 and both audit rows in one transaction', async () => {
    const object = anObject('hello');
    const { document, version } = await repos.documents.create({
      clientId,
      originalName: 'Hợp đồng thuê nhà 2026 — bản ký có tên rất dài '.repeat(8).trim(),
      mimeType: 'Application/PDF',
      metadata: { kind: 'contract', year: 2026 },
      ...object,
    });
    expect(document).toMatchObject({ clientId, organizationId, currentVersion: 1, mimeType: 'application/pdf', createdBy: actorId });
    expect(document.originalName.length).toBeGreaterThan(255);
    expect(version).toEqual({
      id: expect.any(String),
      documentId: document.id,
      versionNumber: 1,
      storageKey: object.storageKey,
      checksumSha256: object.checksumSha256,
      sizeBytes: 5,
      createdBy: actorId,
      createdAt: expect.any(Date),
    });
    expect(await auditActions(document.id)).toEqual(['document.create', 'document.add_version']);
  });

  it('rejects bad input before SQL, and a missing or deleted client as NotFound', async () => {
    await expect(
      repos.documents.create({ clientId, originalName: 'a.pdf', mimeType: 'pdf', ...anObject() }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      repos.documents.create({ clientId, originalName: 'a.pdf', mimeType: 'application/pdf', ...anObject(), checksumSha256: 'abc' }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      repos.documents.create({ clientId, originalName: 'a.pdf', mimeType: 'application/pdf', ...anObject(), sizeBytes: -1 }),
    ).rejects.toBeInstanceOf(ValidationError);
    const gone = await aClient(repos, organizationId);
    await repos.clients.softDelete(gone.id);
    await expect(aDocument(repos, gone.id)).rejects.toMatchObject({ code: 'NOT_FOUND', entity: 'client' });
  });

  it('adds versions with optimistic concurrency; a stale caller gets VersionConflictError', async () => {
    const { document } = await aDocument(repos, clientId);
    const v2 = await repos.documents.addVersion(document.id, { expectedVersion: 1, ...anObject() });
    expect(v2.document.currentVersion).toBe(2);
    expect(v2.document.storageKey).toBe(v2.version.storageKey);
    const stale = await repos.documents.addVersion(document.id, { expectedVersion: 1, ...anObject() }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(VersionConflictError);
    expect(stale).toMatchObject({ code: 'VERSION_CONFLICT', expectedVersion: 1, currentVersion: 2 });
    expect((await repos.documents.listVersions(document.id)).map((v) => v.versionNumber)).toEqual([1, 2]);
    expect((await repos.documents.findVersion(document.id, 2))?.storageKey).toBe(v2.version.storageKey);
    expect(await repos.documents.findVersion(document.id, 3)).toBeUndefined();
    await expect(
      repos.documents.addVersion('00000000-0000-0000-0000-000000000000', { expectedVersion: 1, ...anObject() }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('addVersion counts the storage key in UTF-8 bytes: 1024 accepted, 1025 refused before SQL', async () => {
    const { document } = await aDocument(repos, clientId);
    // 341 three-byte characters + 1 ASCII = 1024 bytes in 342 UTF-16 units; one more ASCII: 1025.
    const atLimit = `${'€'.repeat(341)}k`;
    const added = await repos.documents.addVersion(document.id, { expectedVersion: 1, ...anObject(), storageKey: atLimit });
    expect(added.version.storageKey).toBe(atLimit);
    for (const storageKey of [`${atLimit}k`, '€'.repeat(342), '😀'.repeat(257)]) {
      await expect(
        repos.documents.addVersion(document.id, { expectedVersion: 2, ...anObject(), storageKey }),
      ).rejects.toBeInstanceOf(ValidationError);
    }
    expect((await repos.documents.findById(document.id))?.currentVersion).toBe(2);
  });

  it('20 concurrent addVersion calls, each retrying on conflict: versions 1..21, contiguous, 21 audit rows', async () => {
    const { document } = await aDocument(repos, clientId);
    const writers = Array.from({ length: 20 }, () =>
      createDatabase({ connectionString: testDb.current.connectionString, max: 1 }),
    );
    try {
      let conflicts = 0;
      await Promise.all(
        writers.map(async (db) => {
          const mine = createRepositories(db, { actorUserId: actorId });
          for (;;) {
            const current = await mine.documents.findById(document.id);
            try {
              await mine.documents.addVersion(document.id, { expectedVersion: current!.currentVersion, ...anObject() });
              return;
            } catch (error) {
              if (!(error instanceof VersionConflictError)) throw error;
              conflicts += 1;
            }
          }
        }),
      );
      const versions = await repos.documents.listVersions(document.id);
      expect(versions.map((v) => v.versionNumber)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
      expect(new Set(versions.map((v) => v.storageKey)).size).toBe(21);
      expect((await repos.documents.findById(document.id))?.currentVersion).toBe(21);
      const actions = await auditActions(document.id);
      expect(actions.filter((a) => a === 'document.add_version')).toHaveLength(21);
      expect(conflicts).toBeGreaterThan(0);
    } finally {
      await Promise.all(writers.map((db) => db.destroy()));
    }
  });

  it('soft delete frees the name within the client; restore then conflicts', async () => {
    const name = 'report.pdf';
    const { document: first } = await aDocument(repos, clientId, name);
    await expect(aDocument(repos, clientId, name)).rejects.toMatchObject({ constraint: 'documents_client_name_key' });
    await repos.documents.softDelete(first.id);
    expect(await repos.documents.findById(first.id)).toBeUndefined();
    expect(await repos.documents.listVersions(first.id)).toEqual([]);
    const { document: second } = await aDocument(repos, clientId, name);
    const error = await repos.documents.restore(first.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect(error).toMatchObject({ constraint: 'documents_client_name_key' });
    await repos.documents.softDelete(second.id);
    expect((await repos.documents.restore(first.id)).deletedAt).toBeNull();
    expect(await auditActions(first.id)).toEqual(['document.create', 'document.add_version', 'document.delete', 'document.restore']);
  });

  it('versions are immutable through raw SQL', async () => {
    const { document } = await aDocument(repos, clientId);
    const { db } = testDb.current;
    await expect(sql`UPDATE document_versions SET size_bytes = 0 WHERE document_id = ${document.id}`.execute(db)).rejects.toMatchObject({
      code: '42501',
    });
    await expect(sql`DELETE FROM document_versions WHERE document_id = ${document.id}`.execute(db)).rejects.toMatchObject({
      code: '42501',
    });
    await expect(sql`TRUNCATE document_versions CASCADE`.execute(db)).rejects.toMatchObject({ code: '42501' });
    expect(await repos.documents.listVersions(document.id)).toHaveLength(1);
  });

  it('fuzzy search by name finds near misses within the client, best first', async () => {
    const client = await aClient(repos, organizationId);
    for (const name of ['Annual Report 2025.pdf', 'Annual Budget 2025.xlsx', 'Invoice 0042.pdf', 'Anual Reprot draft.docx']) {
      await aDocument(repos, client.id, name);
    }
    const other = await aClient(repos, organizationId);
    await aDocument(repos, other.id, 'Annual Report 2025.pdf');
    const matches = await repos.documents.searchByName(client.id, 'anual report');
    expect(matches.map((m) => m.originalName)).toEqual(['Anual Reprot draft.docx', 'Annual Report 2025.pdf'].sort((a, b) => {
      const score = (n: string) => matches.find((m) => m.originalName === n)!.score;
      return score(b) - score(a);
    }));
    expect(matches.every((m) => m.clientId === client.id)).toBe(true);
    expect(matches[0]!.score).toBeGreaterThanOrEqual(matches[1]!.score);
    expect(await repos.documents.searchByName(client.id, 'zzzzqqq')).toEqual([]);
  });

  it('searches document metadata by containment within a client', async () => {
    const client = await aClient(repos, organizationId);
    await repos.documents.create({ clientId: client.id, originalName: 'a.pdf', mimeType: 'application/pdf', metadata: { kind: 'invoice', paid: true }, ...anObject() });
    await repos.documents.create({ clientId: client.id, originalName: 'b.pdf', mimeType: 'application/pdf', metadata: { kind: 'invoice', paid: false }, ...anObject() });
    const unpaid = await repos.documents.searchByMetadata(client.id, { kind: 'invoice', paid: false });
    expect(unpaid.map((d) => d.originalName)).toEqual(['b.pdf']);
  });

  it('purge hard-deletes old soft-deleted documents with their versions, returns the keys, and audits', async () => {
    const client = await aClient(repos, organizationId);
    const { document: old, version: v1 } = await aDocument(repos, client.id);
    const { version: v2 } = await repos.documents.addVersion(old.id, { expectedVersion: 1, ...anObject() });
    const { document: recent } = await aDocument(repos, client.id);
    const { document: kept } = await aDocument(repos, client.id);
    await repos.documents.softDelete(old.id);
    await repos.documents.softDelete(recent.id);
    await sql`UPDATE documents SET deleted_at = now() - interval '400 days' WHERE id = ${old.id}`.execute(testDb.current.db);
    const result = await repos.documents.purgeDeleted({ deletedBefore: new Date(Date.now() - 365 * 86_400_000) });
    expect(result.documentIds).toEqual([old.id]);
    expect([...result.storageKeys].sort()).toEqual([v1.storageKey, v2.storageKey].sort());
    const left = await sql<{ id: string }>`SELECT id FROM documents WHERE id IN (${old.id}, ${recent.id}, ${kept.id})`.execute(
      testDb.current.db,
    );
    expect(left.rows.map((r) => r.id).sort()).toEqual([recent.id, kept.id].sort());
    const versions = await sql`SELECT 1 FROM document_versions WHERE document_id = ${old.id}`.execute(testDb.current.db);
    expect(versions.rows).toHaveLength(0);
    expect((await auditActions(old.id)).at(-1)).toBe('document.purge');
    // A later cutoff takes the recently deleted one too (and other tests' deleted documents),
    // never a live one; the flag the purge sets does not outlive its transaction.
    const later = await repos.documents.purgeDeleted({ deletedBefore: new Date() });
    expect(later.documentIds).toContain(recent.id);
    expect(later.documentIds).not.toContain(kept.id);
    await expect(sql`DELETE FROM document_versions WHERE document_id = ${kept.id}`.execute(testDb.current.db)).rejects.toMatchObject({
      code: '42501',
    });
  });
});
