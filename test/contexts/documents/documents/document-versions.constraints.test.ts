// Integrity rules of document_versions (immutable, deleted only by purge_deleted_documents), from
// sql/migrations/20261121110000_create_clients_and_documents.up.sql, exercised with raw SQL. The
// harness, and how coverage is checked: test/helpers/constraints.ts.
import { createHash, randomUUID } from 'node:crypto';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CHECK,
  client,
  type ClientKey,
  count,
  create,
  createClient,
  createDocument,
  createOrganization,
  type DocumentKey,
  expectRejected,
  FOREIGN_KEY,
  HUGE,
  IMMUTABLE,
  inRolledBackTransaction,
  insert,
  markTriggerChecked,
  next,
  NOT_NULL,
  OLD,
  type Row,
  testDatabase,
  UNIQUE,
  useConstraintHarness,
} from '../../../helpers/constraints.js';
import { coverage } from './document-versions.constraints.js';

useConstraintHarness(coverage);

/** A valid document_versions row of the document. */
const versionRow = (document: DocumentKey, overrides: Row = {}): Row => {
  const n = next();
  return {
    organization_id: document.organization_id,
    document_id: document.id,
    // Unique in the whole file, so never a duplicate (document_id, version_number) by accident.
    version_number: n,
    storage_key: `objects/${randomUUID()}`,
    checksum_sha256: createHash('sha256').update(`content ${n}`).digest('hex'),
    size_bytes: 1024,
    ...overrides,
  };
};

describe('document_versions', () => {
  let organizationId: string;
  let owner: ClientKey;
  let document: DocumentKey;
  beforeAll(async () => {
    organizationId = await createOrganization();
    owner = await createClient(organizationId);
    document = await createDocument(owner);
  });

  const createVersion = (of: DocumentKey = document, overrides: Row = {}): Promise<Row> =>
    create('document_versions', versionRow(of, overrides));

  /** Asserts the immutability trigger function rejects `statement` for `operation`. */
  const expectImmutable = (statement: pg.QueryConfig, operation: 'UPDATE' | 'DELETE' | 'TRUNCATE') =>
    expect(client.query(statement)).rejects.toMatchObject({
      code: IMMUTABLE,
      message: `document_versions is immutable: ${operation} is not allowed`,
    });

  it('accepts a row with only the required columns; defaults fill the rest', async () => {
    const row = await create('document_versions', {
      organization_id: organizationId,
      document_id: (await createDocument(owner)).id,
      version_number: 1,
      storage_key: 'objects/only-required',
      checksum_sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      size_bytes: 0,
    });
    expect(row).toMatchObject({ created_by: null });
    expect(row.id).toEqual(expect.any(String));
    expect(row.created_at).toEqual(row.updated_at);
  });

  it.each([
    'id',
    'organization_id',
    'document_id',
    'version_number',
    'storage_key',
    'checksum_sha256',
    'size_bytes',
    'created_at',
    'updated_at',
  ])('NOT NULL %s', (column) =>
    expectRejected(
      insert('document_versions', versionRow(document, { [column]: null })),
      NOT_NULL,
      `document_versions.${column}`,
    ),
  );

  it('document_versions_pkey is (id, organization_id): a duplicate id in its organization is rejected', async () => {
    const { id } = await createVersion();
    await expectRejected(insert('document_versions', versionRow(document, { id })), UNIQUE, 'document_versions_pkey');
    await createVersion(document, { id: randomUUID() });
  });

  it('document_versions_document_id_version_number_key: a version number once per document', async () => {
    const of = await createDocument(owner);
    await createVersion(of, { version_number: 1 });
    await expectRejected(
      insert('document_versions', versionRow(of, { version_number: 1 })),
      UNIQUE,
      'document_versions_document_id_version_number_key',
    );
    // Near misses: the next number of the same document, the same number of another document.
    await createVersion(of, { version_number: 2 });
    await createVersion(await createDocument(owner), { version_number: 1 });
  });

  it('document_versions_storage_key_key: an object belongs to one version, across documents and organizations', async () => {
    const storage_key = `objects/${randomUUID()}`;
    const of = await createDocument(owner);
    await createVersion(of, { storage_key, version_number: 1 });
    await expectRejected(
      insert('document_versions', versionRow(of, { storage_key, version_number: 2 })),
      UNIQUE,
      'document_versions_storage_key_key',
    );
    await expectRejected(
      insert('document_versions', versionRow(await createDocument(await createClient()), { storage_key })),
      UNIQUE,
      'document_versions_storage_key_key',
    );
    // Near misses: another case of the key (object keys are case-sensitive), and the document
    // row's own storage_key, which repeats its current version's key.
    await createVersion(of, { storage_key: storage_key.toUpperCase(), version_number: 2 });
    await createDocument(owner, { storage_key });
  });

  it('document_versions_document_id_fkey rejects an unknown document', () =>
    expectRejected(
      insert('document_versions', versionRow({ ...document, id: randomUUID() })),
      FOREIGN_KEY,
      'document_versions_document_id_fkey',
    ));

  it('document_versions_document_id_fkey rejects a version of a document of another organization', async () => {
    const foreign = await createDocument(await createClient(await createOrganization()));
    await expectRejected(
      insert('document_versions', versionRow({ id: foreign.id, organization_id: organizationId })),
      FOREIGN_KEY,
      'document_versions_document_id_fkey',
    );
    await expectRejected(
      insert('document_versions', versionRow({ id: document.id, organization_id: foreign.organization_id })),
      FOREIGN_KEY,
      'document_versions_document_id_fkey',
    );
    // Near miss: each document with its own organization.
    await createVersion(foreign);
  });

  it('document_versions_document_id_fkey keeps a document with versions from being deleted, even soft-deleted', async () => {
    const of = await createDocument(owner, { deleted_at: OLD });
    await createVersion(of);
    await expectRejected(
      { text: 'DELETE FROM documents WHERE id = $1', values: [of.id] },
      FOREIGN_KEY,
      'document_versions_document_id_fkey',
    );
    // Near miss: a document without versions can be deleted.
    const bare = await createDocument(owner);
    await client.query({ text: 'DELETE FROM documents WHERE id = $1', values: [bare.id] });
  });

  it.each([
    ['0', 0],
    ['-1', -1],
  ])('document_versions_version_number_positive rejects version_number %s', (_, version_number) =>
    expectRejected(
      insert('document_versions', versionRow(document, { version_number })),
      CHECK,
      'document_versions_version_number_positive',
    ),
  );

  it.each([
    ['1', 1],
    ['2147483647', 2_147_483_647],
  ])('document_versions_version_number_positive accepts version_number %s', async (_, version_number) => {
    await createVersion(await createDocument(owner), { version_number });
  });

  it.each([
    ['an empty string', ''],
    ['1025 characters', `objects/${'k'.repeat(1017)}`],
  ])('document_versions_storage_key_length rejects %s', (_, storage_key) =>
    expectRejected(
      insert('document_versions', versionRow(document, { storage_key })),
      CHECK,
      'document_versions_storage_key_length',
    ),
  );

  it.each([
    ['one character', 'k'],
    ['1024 characters', `objects/${'k'.repeat(1016)}`],
  ])('document_versions_storage_key_length accepts %s', async (_, storage_key) => {
    await createVersion(document, { storage_key });
  });

  const HEX64 = createHash('sha256').update('hello').digest('hex');

  it.each([
    ['an empty string', ''],
    ['63 hex digits', HEX64.slice(1)],
    ['65 hex digits', `${HEX64}0`],
    ['upper-case hex', HEX64.toUpperCase()],
    ['one upper-case digit', `A${'a'.repeat(63)}`],
    ['a non-hex letter', `g${HEX64.slice(1)}`],
    ['a 0x prefix', `0x${HEX64.slice(2)}`],
    ['a leading space', ` ${HEX64.slice(1)}`],
    ['a trailing newline', `${HEX64}\n`],
    ['base64 instead of hex', createHash('sha256').update('hello').digest('base64')],
    ['100 000 × a then ! (catastrophic backtracking)', HUGE],
  ])('document_versions_checksum_format rejects %s', (_, checksum_sha256) =>
    expectRejected(
      insert('document_versions', versionRow(document, { checksum_sha256 })),
      CHECK,
      'document_versions_checksum_format',
    ),
  );

  it.each([
    ['the sha256 of nothing', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['64 zeros', '0'.repeat(64)],
    ['64 × f', 'f'.repeat(64)],
  ])('document_versions_checksum_format accepts %s', async (_, checksum_sha256) => {
    await createVersion(document, { checksum_sha256 });
  });

  it.each([
    ['-1', -1],
    ['the smallest bigint', '-9223372036854775808'],
  ])('document_versions_size_non_negative rejects size_bytes %s', (_, size_bytes) =>
    expectRejected(
      insert('document_versions', versionRow(document, { size_bytes })),
      CHECK,
      'document_versions_size_non_negative',
    ),
  );

  it.each([
    ['0 (an empty file)', 0],
    ['5 TiB', 5 * 2 ** 40],
    ['the largest bigint', '9223372036854775807'],
  ])('document_versions_size_non_negative accepts size_bytes %s', async (_, size_bytes) => {
    await createVersion(document, { size_bytes });
  });

  describe('immutability', () => {
    /** A version of a live document: what the rejected statements aim at. */
    let target: Row;
    beforeAll(async () => {
      target = await createVersion(await createDocument(owner));
    });
    const snapshot = async (): Promise<Row[]> =>
      (await client.query<Row>({ text: 'SELECT * FROM document_versions WHERE id = $1', values: [target.id] })).rows;
    const remove = (): pg.QueryConfig => ({ text: 'DELETE FROM document_versions WHERE id = $1', values: [target.id] });
    const purgingFlag = (value: string): pg.QueryConfig => ({
      text: `SELECT set_config('org_data.purging_documents', $1, true)`,
      values: [value],
    });
    /** What purge_deleted_documents sets: the gate holds the current transaction's id. */
    const purgingGate: pg.QueryConfig = {
      text: `SELECT set_config('org_data.purging_documents', txid_current()::text, true)`,
    };

    it('document_versions_immutable rejects UPDATE of any column, even a no-op', async () => {
      const before = await snapshot();
      for (const set of [
        `storage_key = 'objects/tampered'`,
        `checksum_sha256 = repeat('0', 64)`,
        'size_bytes = size_bytes + 1',
        'version_number = version_number',
        'updated_at = now()',
      ]) {
        await expectImmutable({ text: `UPDATE document_versions SET ${set} WHERE id = $1`, values: [target.id] }, 'UPDATE');
      }
      expect(await snapshot()).toEqual(before);
      markTriggerChecked('document_versions_immutable');
    });

    it("document_versions_immutable rejects DELETE, also of a soft-deleted document's versions", async () => {
      const before = await snapshot();
      await expectImmutable(remove(), 'DELETE');
      const deleted = await createDocument(owner, { deleted_at: OLD });
      await createVersion(deleted);
      await expectImmutable(
        { text: 'DELETE FROM document_versions WHERE document_id = $1', values: [deleted.id] },
        'DELETE',
      );
      expect(await snapshot()).toEqual(before);
      expect(await count('document_versions WHERE document_id = $1', [deleted.id])).toBe(1);
    });

    it('document_versions_no_truncate rejects TRUNCATE, also through TRUNCATE documents CASCADE', async () => {
      const rows = await count('document_versions', []);
      await inRolledBackTransaction(() => expectImmutable({ text: 'TRUNCATE document_versions' }, 'TRUNCATE'));
      await inRolledBackTransaction(() => expectImmutable({ text: 'TRUNCATE documents CASCADE' }, 'TRUNCATE'));
      await inRolledBackTransaction(() => expectImmutable({ text: 'TRUNCATE clients CASCADE' }, 'TRUNCATE'));
      expect(await count('document_versions', [])).toBe(rows);
      markTriggerChecked('document_versions_no_truncate');
    });

    it('the purging gate opens DELETE only for the transaction whose id it holds', async () => {
      // In the transaction that sets it, DELETE goes through (rolled back here).
      await inRolledBackTransaction(async () => {
        await client.query(purgingGate);
        expect((await client.query(remove())).rowCount).toBe(1);
        expect(await snapshot()).toEqual([]);
      });
      expect(await snapshot()).toHaveLength(1);
      // A committed transaction takes the gate with it …
      await client.query('BEGIN');
      await client.query(purgingGate);
      await client.query('COMMIT');
      await expectImmutable(remove(), 'DELETE');
      // … and so does an implicit one: outside BEGIN, the SELECT is a transaction of its own.
      await client.query(purgingGate);
      await expectImmutable(remove(), 'DELETE');
      expect(await snapshot()).toHaveLength(1);
    });

    it("only the transaction's own id opens DELETE, and nothing opens UPDATE or TRUNCATE", async () => {
      for (const value of ['on', 'true', '1', '', '12345']) {
        await inRolledBackTransaction(async () => {
          await client.query(purgingFlag(value));
          await expectImmutable(remove(), 'DELETE');
        });
      }
      await inRolledBackTransaction(async () => {
        await client.query(purgingGate);
        await client.query('SAVEPOINT before_update');
        await expectImmutable(
          { text: `UPDATE document_versions SET storage_key = 'objects/tampered' WHERE id = $1`, values: [target.id] },
          'UPDATE',
        );
        await client.query('ROLLBACK TO SAVEPOINT before_update');
        await expectImmutable({ text: 'TRUNCATE document_versions' }, 'TRUNCATE');
      });
      expect(await snapshot()).toHaveLength(1);
    });

    // The gate holds the purging transaction's id, so a session-level SET cannot keep it open
    // for later transactions.
    it('a session-level SET does not open the gate for later transactions', async () => {
      const session = new pg.Client({ connectionString: testDatabase().connectionString });
      await session.connect();
      try {
        // Even the id of the transaction that set it does not carry over to the next one.
        const { rows } = await session.query<{ id: string }>('SELECT txid_current()::text AS id');
        await session.query(`SET org_data.purging_documents = '${rows[0]!.id}'`);
        await session.query('BEGIN');
        try {
          await expect(session.query(remove())).rejects.toMatchObject({ code: IMMUTABLE });
        } finally {
          await session.query('ROLLBACK');
        }
      } finally {
        await session.end();
      }
    });

    describe('purge_deleted_documents, the one way to delete versions', () => {
      // Deletion times far before anything else in this file, so that only these documents
      // are older than the cutoff.
      const CUTOFF = '1990-01-01T00:00:00.000Z';
      let oldest: DocumentKey;
      let older: DocumentKey;
      /** Soft-deleted exactly at the cutoff: not before it. */
      let atCutoff: DocumentKey;
      let live: DocumentKey;
      /** storage_key of every version, by document id. */
      const keys = new Map<string, string[]>();

      beforeAll(async () => {
        oldest = await createDocument(owner, { deleted_at: '1989-01-01T00:00:00Z' });
        older = await createDocument(await createClient(), { deleted_at: '1989-06-01T00:00:00Z' });
        atCutoff = await createDocument(owner, { deleted_at: CUTOFF });
        live = await createDocument(owner);
        for (const [of, versions] of [
          [oldest, 2],
          [older, 1],
          [atCutoff, 1],
          [live, 2],
        ] as const) {
          for (let version_number = 1; version_number <= versions; version_number += 1) {
            const row = await createVersion(of, { version_number });
            keys.set(of.id, [...(keys.get(of.id) ?? []), row.storage_key as string]);
          }
        }
      });

      /** In JavaScript: the database's collation may order the keys differently. */
      const byStorageKey = (a: { storage_key: string }, b: { storage_key: string }) =>
        a.storage_key < b.storage_key ? -1 : a.storage_key > b.storage_key ? 1 : 0;
      const purge = async (limit: number) =>
        (
          await client.query<{ document_id: string; organization_id: string; storage_key: string }>({
            text: 'SELECT document_id, organization_id, storage_key FROM purge_deleted_documents($1, $2)',
            values: [CUTOFF, limit],
          })
        ).rows.sort(byStorageKey);
      const expectedRows = (...documents: DocumentKey[]) =>
        documents
          .flatMap((d) => keys.get(d.id)!.map((storage_key) => ({ document_id: d.id, organization_id: d.organization_id, storage_key })))
          .sort(byStorageKey);
      const versionsOf = (...documents: DocumentKey[]) =>
        count('document_versions WHERE document_id = ANY($1::uuid[])', [documents.map((d) => d.id)]);
      const documentsOf = (...documents: DocumentKey[]) =>
        count('documents WHERE id = ANY($1::uuid[])', [documents.map((d) => d.id)]);

      it('deletes the documents soft-deleted before the cutoff with every version, and returns their object keys', () =>
        inRolledBackTransaction(async () => {
          expect(await purge(100)).toEqual(expectedRows(oldest, older));
          expect(await versionsOf(oldest, older)).toBe(0);
          expect(await documentsOf(oldest, older)).toBe(0);
          // Near misses: deleted exactly at the cutoff, and live, keep everything.
          expect(await versionsOf(atCutoff, live)).toBe(3);
          expect(await documentsOf(atCutoff, live)).toBe(2);
          // The function turns the flag off again before it returns: a direct DELETE later in
          // the same transaction is rejected.
          const { rows } = await client.query(`SELECT current_setting('org_data.purging_documents', true) AS flag`);
          expect(rows).toEqual([{ flag: '' }]);
          await expectImmutable(
            { text: 'DELETE FROM document_versions WHERE document_id = $1', values: [live.id] },
            'DELETE',
          );
        }));

      it('takes the oldest deletions first, at most limit documents a call', () =>
        inRolledBackTransaction(async () => {
          expect(await purge(1)).toEqual(expectedRows(oldest));
          expect(await versionsOf(older)).toBe(1);
          expect(await purge(1)).toEqual(expectedRows(older));
          expect(await purge(1)).toEqual([]);
        }));

      it('the rolled-back purges left every document and version in place', async () => {
        expect(await versionsOf(oldest, older, atCutoff, live)).toBe(6);
        expect(await documentsOf(oldest, older, atCutoff, live)).toBe(4);
      });
    });
  });
});
