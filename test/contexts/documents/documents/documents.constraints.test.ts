// Integrity rules of documents, from
// sql/migrations/20261121110000_create_clients_and_documents.up.sql, exercised with raw SQL. The
// harness, and how coverage is checked: test/helpers/constraints.ts.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CHECK,
  client,
  type ClientKey,
  create,
  createClient,
  createDocument,
  createOrganization,
  documentRow,
  expectRejected,
  expectUpdatedAtTrigger,
  FOREIGN_KEY,
  HUGE,
  insert,
  markViolated,
  metadataChecks,
  next,
  NOT_NULL,
  OLD,
  UNIQUE,
  useConstraintHarness, expectSameKey } from '../../../helpers/constraints.js';
import { coverage } from './documents.constraints.js';

useConstraintHarness(coverage);

describe('documents', () => {
  let organizationId: string;
  let owner: ClientKey;
  beforeAll(async () => {
    organizationId = await createOrganization();
    owner = await createClient(organizationId);
  });

  it('accepts a row with only the required columns; defaults fill the rest', async () => {
    const row = await create('documents', {
      organization_id: organizationId,
      client_id: owner.id,
      original_name: 'only-required.pdf',
      storage_key: 'objects/only-required',
      mime_type: 'application/pdf',
    });
    expect(row).toMatchObject({ current_version: 1, metadata: {}, created_by: null, updated_by: null, deleted_at: null });
    expect(row.id).toEqual(expect.any(String));
    expect(row.created_at).toEqual(row.updated_at);
  });

  it.each([
    'id',
    'organization_id',
    'client_id',
    'original_name',
    'storage_key',
    'mime_type',
    'current_version',
    'metadata',
    'created_at',
    'updated_at',
  ])('NOT NULL %s', (column) =>
    expectRejected(insert('documents', documentRow(owner, { [column]: null })), NOT_NULL, `documents.${column}`),
  );

  it('documents_pkey is (id, organization_id): a duplicate id in its organization is rejected', async () => {
    const { id } = await createDocument(owner);
    await expectRejected(insert('documents', documentRow(owner, { id })), UNIQUE, 'documents_organization_id_id_key');
    await expectSameKey('documents_pkey', 'PRIMARY KEY (id, organization_id)', 'documents_organization_id_id_key');
    await createDocument(owner, { id: randomUUID() });
  });

  it('documents_organization_id_id_key is UNIQUE (organization_id, id), the key of document_versions_document_id_fkey', async () => {
    // As users_organization_id_id_key: documents_pkey reports a duplicate first. Its behaviour
    // as the referenced key is covered by document_versions_document_id_fkey.
    const { id } = await createDocument(owner);
    await expectRejected(insert('documents', documentRow(owner, { id })), UNIQUE, 'documents_organization_id_id_key');
    const { rows } = await client.query(`
      SELECT pg_get_constraintdef(k.oid) AS definition,
             array(SELECT f.conname::text FROM pg_constraint f
                   WHERE f.contype = 'f' AND f.conindid = k.conindid ORDER BY 1) AS referenced_by
      FROM pg_constraint k WHERE k.conname = 'documents_organization_id_id_key'`);
    expect(rows).toEqual([
      { definition: 'UNIQUE (organization_id, id)', referenced_by: ['document_versions_document_id_fkey'] },
    ]);
    markViolated('documents_organization_id_id_key');
  });

  it('documents_client_id_fkey rejects an unknown client', () =>
    expectRejected(
      insert('documents', documentRow({ ...owner, id: randomUUID() })),
      FOREIGN_KEY,
      'documents_client_id_fkey',
    ));

  it('documents_client_id_fkey rejects a client of another organization', async () => {
    const foreign = await createClient(await createOrganization());
    // The client of another organization, under this organization's id …
    await expectRejected(
      insert('documents', documentRow({ id: foreign.id, organization_id: organizationId })),
      FOREIGN_KEY,
      'documents_client_id_fkey',
    );
    // … and this organization's client under another organization's id.
    await expectRejected(
      insert('documents', documentRow({ id: owner.id, organization_id: foreign.organization_id })),
      FOREIGN_KEY,
      'documents_client_id_fkey',
    );
    // UPDATE path: moving a document to another organization's client.
    const document = await createDocument(owner);
    await expectRejected(
      { text: 'UPDATE documents SET client_id = $1 WHERE id = $2', values: [foreign.id, document.id] },
      FOREIGN_KEY,
      'documents_client_id_fkey',
    );
    // Near misses: each client with its own organization; moving to another client of the same one.
    await createDocument(foreign);
    await client.query({
      text: 'UPDATE documents SET client_id = $1 WHERE id = $2',
      values: [(await createClient(organizationId)).id, document.id],
    });
  });

  it('documents_client_id_fkey does not know soft delete: a deleted client still satisfies it', async () => {
    // The repository refuses documents for a deleted client (INSERT … SELECT from live clients);
    // the database does not.
    const deleted = await createClient(organizationId, { deleted_at: OLD });
    await createDocument(deleted);
  });

  it('documents_client_id_fkey keeps a client with documents from being deleted or moved to another organization', async () => {
    const holder = await createClient(organizationId);
    await createDocument(holder, { deleted_at: OLD });
    await expectRejected(
      { text: 'DELETE FROM clients WHERE id = $1', values: [holder.id] },
      FOREIGN_KEY,
      'documents_client_id_fkey',
    );
    await expectRejected(
      { text: 'UPDATE clients SET organization_id = $1 WHERE id = $2', values: [await createOrganization(), holder.id] },
      FOREIGN_KEY,
      'documents_client_id_fkey',
    );
    // Near misses: a client without documents can be moved, and deleted.
    const empty = await createClient(organizationId);
    await client.query({
      text: 'UPDATE clients SET organization_id = $1 WHERE id = $2',
      values: [await createOrganization(), empty.id],
    });
    await client.query({ text: 'DELETE FROM clients WHERE id = $1', values: [empty.id] });
  });

  it('documents_client_name_key: one live document per name and client, case-sensitively; soft-deleted ones free it', async () => {
    const holder = await createClient(organizationId);
    const original_name = `Annual Report ${next()}.pdf`;
    const first = await createDocument(holder, { original_name });
    await expectRejected(insert('documents', documentRow(holder, { original_name })), UNIQUE, 'documents_client_name_key');
    // Near misses: the same name at another client (of the same organization), another case.
    await createDocument(await createClient(organizationId), { original_name });
    await createDocument(holder, { original_name: original_name.toLowerCase() });
    await createDocument(holder, { original_name: ` ${original_name}` });
    // UPDATE path: renaming another document onto the name.
    const other = await createDocument(holder);
    await expectRejected(
      { text: 'UPDATE documents SET original_name = $1 WHERE id = $2', values: [original_name, other.id] },
      UNIQUE,
      'documents_client_name_key',
    );

    await client.query({ text: 'UPDATE documents SET deleted_at = now() WHERE id = $1', values: [first.id] });
    const second = await createDocument(holder, { original_name });
    await expectRejected(insert('documents', documentRow(holder, { original_name })), UNIQUE, 'documents_client_name_key');
    // Restoring the first while the second is live is a duplicate.
    await expectRejected(
      { text: 'UPDATE documents SET deleted_at = NULL WHERE id = $1', values: [first.id] },
      UNIQUE,
      'documents_client_name_key',
    );
    await client.query({ text: 'UPDATE documents SET deleted_at = now() WHERE id = $1', values: [second.id] });
    await createDocument(holder, { original_name, deleted_at: OLD });
    await client.query({ text: 'UPDATE documents SET deleted_at = NULL WHERE id = $1', values: [first.id] });
  });

  it.each([
    ['an empty string', ''],
    ['only spaces', '   '],
    ['only a tab and a newline', '\t\n'],
    ['1025 characters', 'n'.repeat(1025)],
    ['1025 Vietnamese characters', '\u1ebf'.repeat(1025)],
    ['683 three-byte characters (2049 bytes)', '\u1ebf'.repeat(683)],
  ])('documents_original_name_length rejects %s', (_, original_name) =>
    expectRejected(
      insert('documents', documentRow(owner, { original_name })),
      CHECK,
      'documents_original_name_length',
    ),
  );

  it.each([
    ['one character', 'X'],
    ['256 characters (no 255 cap)', `${'n'.repeat(252)}.pdf`],
    ['1024 characters', 'n'.repeat(1024)],
    ['682 three-byte characters (2046 bytes)', '\u1ebf'.repeat(682)],
    ['1024 two-byte characters (2048 bytes)', '\u00e9'.repeat(1024)],
    ['surrounding spaces and Vietnamese', '  Hợp đồng thuê nhà 2026 (bản ký).pdf  '],
  ])('documents_original_name_length accepts %s', async (_, original_name) => {
    await createDocument(owner, { original_name });
  });

  // The name is also a key of the btree documents_client_name_key, whose entries hold at most
  // 2704 bytes: 1024 CJK characters (3072 bytes of UTF-8) must be refused by the CHECK's byte
  // bound, not fail in the index (54000).
  it('documents_original_name_length rejects 1024 CJK characters (3072 bytes)', async () => {
    let seed = 7;
    const name = Array.from({ length: 1024 }, () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return String.fromCodePoint(0x4e00 + (seed % 20_000));
    }).join('');
    expect(Buffer.byteLength(name)).toBe(3072);
    await expectRejected(insert('documents', documentRow(owner, { original_name: name })), CHECK, 'documents_original_name_length');
    await createDocument(owner, { original_name: name.slice(0, 682) });
  });

  it.each([
    ['an empty string', ''],
    ['1025 characters', `objects/${'k'.repeat(1017)}`],
  ])('documents_storage_key_length rejects %s', (_, storage_key) =>
    expectRejected(insert('documents', documentRow(owner, { storage_key })), CHECK, 'documents_storage_key_length'),
  );

  it.each([
    ['one character', 'k'],
    ['1024 characters', `objects/${'k'.repeat(1016)}`],
  ])('documents_storage_key_length accepts %s', async (_, storage_key) => {
    await createDocument(owner, { storage_key });
  });

  it.each([
    ['an empty string', ''],
    ['no slash', 'text'],
    ['an empty subtype', 'text/'],
    ['an empty type', '/plain'],
    ['only a slash', '/'],
    ['capitalised words (the CHECK is lower case only)', 'Text/Plain'],
    ['an uppercase subtype', 'application/PDF'],
    ['all upper case', 'TEXT/PLAIN'],
    ['two slashes', 'application/pdf/x'],
    ['parameters', 'text/plain; charset=utf-8'],
    ['a space', 'text/ plain'],
    ['a leading space', ' text/plain'],
    ['a trailing newline', 'text/plain\n'],
    ['a type starting with punctuation', '-text/plain'],
    ['a subtype starting with punctuation', 'text/.plain'],
    ['a non-ASCII letter', 'text/plaín'],
    ['256 characters', `application/${'x'.repeat(244)}`],
    ['100 000 × a then ! (catastrophic backtracking)', HUGE],
    ['50 000 × a, a slash, 50 000 × a then !', `${'a'.repeat(50_000)}/${'a'.repeat(50_000)}!`],
  ])('documents_mime_type_format rejects %s', (_, mime_type) =>
    expectRejected(insert('documents', documentRow(owner, { mime_type })), CHECK, 'documents_mime_type_format'),
  );

  it.each([
    ['text/plain', 'text/plain'],
    ['application/pdf', 'application/pdf'],
    ['a vendor tree with dots and hyphens', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ['a structured-syntax suffix', 'image/svg+xml'],
    ['an x- subtype with a leading digit', 'application/x-7z-compressed'],
    ['the shortest', 'a/b'],
    ['every allowed punctuation mark', 'a!#$&^_.+-/b!#$&^_.+-'],
    ['255 characters', `application/${'x'.repeat(243)}`],
  ])('documents_mime_type_format accepts %s', async (_, mime_type) => {
    await createDocument(owner, { mime_type });
  });

  it('documents_mime_type_format also guards UPDATE', async () => {
    const { id } = await createDocument(owner);
    await expectRejected(
      { text: 'UPDATE documents SET mime_type = $1 WHERE id = $2', values: ['Text/Plain', id] },
      CHECK,
      'documents_mime_type_format',
    );
    await client.query({ text: 'UPDATE documents SET mime_type = $1 WHERE id = $2', values: ['text/plain', id] });
  });

  it.each([
    ['0', 0],
    ['-1', -1],
  ])('documents_current_version_positive rejects current_version %s', (_, current_version) =>
    expectRejected(
      insert('documents', documentRow(owner, { current_version })),
      CHECK,
      'documents_current_version_positive',
    ),
  );

  it.each([
    ['1', 1],
    ['2147483647', 2_147_483_647],
  ])('documents_current_version_positive accepts current_version %s', async (_, current_version) => {
    await createDocument(owner, { current_version });
  });

  metadataChecks(
    'documents',
    (metadata) => documentRow(owner, { metadata }),
    async () => (await createDocument(owner)).id,
  );

  it('documents_set_updated_at sets updated_at on UPDATE', async () => {
    const { id } = await createDocument(owner, { created_at: OLD, updated_at: OLD });
    await expectUpdatedAtTrigger('documents', { id });
  });
});
