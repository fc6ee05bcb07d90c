// Integrity rules of clients, from
// sql/migrations/20261121110000_create_clients_and_documents.up.sql, exercised with raw SQL. The
// harness, and how coverage is checked: test/helpers/constraints.ts.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CHECK,
  client,
  clientRow,
  create,
  createClient,
  createOrganization,
  createUser,
  expectRejected,
  expectUpdatedAtTrigger,
  FOREIGN_KEY,
  HUGE,
  insert,
  INVALID_ENUM,
  markViolated,
  metadataChecks,
  next,
  NOT_NULL,
  OLD,
  UNIQUE,
  useConstraintHarness, expectSameKey } from '../../../helpers/constraints.js';
import { coverage } from './clients.constraints.js';

useConstraintHarness(coverage);

describe('clients', () => {
  let organizationId: string;
  beforeAll(async () => {
    organizationId = await createOrganization();
  });

  it('accepts a row with only the required columns; defaults fill the rest', async () => {
    const row = await create('clients', { organization_id: organizationId, code: 'ONLY-REQUIRED', name: 'Only' });
    expect(row).toMatchObject({
      status: 'active',
      metadata: {},
      manager_user_id: null,
      created_by: null,
      updated_by: null,
      deleted_at: null,
    });
    expect(row.id).toEqual(expect.any(String));
    expect(row.created_at).toEqual(row.updated_at);
  });

  it.each(['id', 'organization_id', 'code', 'name', 'status', 'metadata', 'created_at', 'updated_at'])(
    'NOT NULL %s',
    (column) =>
      expectRejected(insert('clients', clientRow(organizationId, { [column]: null })), NOT_NULL, `clients.${column}`),
  );

  it('clients_pkey is (id, organization_id): a duplicate id in its organization is rejected', async () => {
    const { id } = await createClient(organizationId);
    await expectRejected(insert('clients', clientRow(organizationId, { id })), UNIQUE, 'clients_organization_id_id_key');
    await expectSameKey('clients_pkey', 'PRIMARY KEY (id, organization_id)', 'clients_organization_id_id_key');
    await createClient(organizationId, { id: randomUUID() });
  });

  it('clients_organization_id_id_key is UNIQUE (organization_id, id), the key of documents_client_id_fkey', async () => {
    // As users_organization_id_id_key: a duplicate (organization_id, id) is a duplicate id,
    // which clients_pkey reports first. Its behaviour as the referenced key is covered by
    // documents_client_id_fkey.
    const { id } = await createClient(organizationId);
    await expectRejected(insert('clients', clientRow(organizationId, { id })), UNIQUE, 'clients_organization_id_id_key');
    const { rows } = await client.query(`
      SELECT pg_get_constraintdef(k.oid) AS definition,
             array(SELECT f.conname::text FROM pg_constraint f
                   WHERE f.contype = 'f' AND f.conindid = k.conindid ORDER BY 1) AS referenced_by
      FROM pg_constraint k WHERE k.conname = 'clients_organization_id_id_key'`);
    expect(rows).toEqual([{ definition: 'UNIQUE (organization_id, id)', referenced_by: ['documents_client_id_fkey'] }]);
    markViolated('clients_organization_id_id_key');
  });

  it('clients_organization_id_fkey rejects an unknown organization, and deleting an organization that has clients', async () => {
    await expectRejected(insert('clients', clientRow(randomUUID())), FOREIGN_KEY, 'clients_organization_id_fkey');
    const withClient = await createOrganization();
    await createClient(withClient);
    await expectRejected(
      { text: 'DELETE FROM organizations WHERE id = $1', values: [withClient] },
      FOREIGN_KEY,
      'clients_organization_id_fkey',
    );
    const empty = await createOrganization();
    await client.query({ text: 'DELETE FROM organizations WHERE id = $1', values: [empty] });
  });

  it('clients_organization_code_key: one live client per code and organization, case-sensitively; soft-deleted ones free it', async () => {
    const org = await createOrganization();
    const code = `ACME-${next()}`;
    const first = await createClient(org, { code });
    await expectRejected(insert('clients', clientRow(org, { code })), UNIQUE, 'clients_organization_code_key');
    // Near misses: the same code in another organization, another case in the same one.
    await createClient(await createOrganization(), { code });
    await createClient(org, { code: code.toLowerCase() });
    // UPDATE path: renaming another client onto the code.
    const other = await createClient(org);
    await expectRejected(
      { text: 'UPDATE clients SET code = $1 WHERE id = $2', values: [code, other.id] },
      UNIQUE,
      'clients_organization_code_key',
    );

    // A soft-deleted client's code can be reused …
    await client.query({ text: 'UPDATE clients SET deleted_at = now() WHERE id = $1', values: [first.id] });
    const second = await createClient(org, { code });
    await expectRejected(insert('clients', clientRow(org, { code })), UNIQUE, 'clients_organization_code_key');
    // … and restoring the old one while the new one is live is a duplicate (UPDATE path).
    await expectRejected(
      { text: 'UPDATE clients SET deleted_at = NULL WHERE id = $1', values: [first.id] },
      UNIQUE,
      'clients_organization_code_key',
    );
    // Several soft-deleted clients may share the code; with none live, the old one comes back.
    await client.query({ text: 'UPDATE clients SET deleted_at = now() WHERE id = $1', values: [second.id] });
    await createClient(org, { code, deleted_at: OLD });
    await client.query({ text: 'UPDATE clients SET deleted_at = NULL WHERE id = $1', values: [first.id] });
  });

  it('clients_manager_user_id_fkey accepts a manager of the same organization, or none', async () => {
    const manager = await createUser(organizationId);
    await createClient(organizationId, { manager_user_id: manager.id });
    await createClient(organizationId, { manager_user_id: manager.id });
    await createClient(organizationId, { manager_user_id: null });
  });

  it('clients_manager_user_id_fkey rejects an unknown manager', () =>
    expectRejected(
      insert('clients', clientRow(organizationId, { manager_user_id: randomUUID() })),
      FOREIGN_KEY,
      'clients_manager_user_id_fkey',
    ));

  it('clients_manager_user_id_fkey rejects a manager of another organization', async () => {
    const outsider = await createUser(await createOrganization());
    await expectRejected(
      insert('clients', clientRow(organizationId, { manager_user_id: outsider.id })),
      FOREIGN_KEY,
      'clients_manager_user_id_fkey',
    );
    // UPDATE path: handing an existing client to another organization's user.
    const managed = await createClient(organizationId, { manager_user_id: (await createUser(organizationId)).id });
    await expectRejected(
      { text: 'UPDATE clients SET manager_user_id = $1 WHERE id = $2', values: [outsider.id, managed.id] },
      FOREIGN_KEY,
      'clients_manager_user_id_fkey',
    );
    // Near miss: the same user managing a client of their own organization.
    await createClient(outsider.organization_id, { manager_user_id: outsider.id });
  });

  it('clients_manager_user_id_fkey keeps a manager from being deleted or moved to another organization', async () => {
    const manager = await createUser(organizationId);
    await createClient(organizationId, { manager_user_id: manager.id, deleted_at: OLD });
    // Even a soft-deleted client holds on to its manager: the key does not know soft delete.
    await expectRejected(
      { text: 'DELETE FROM users WHERE id = $1', values: [manager.id] },
      FOREIGN_KEY,
      'clients_manager_user_id_fkey',
    );
    await expectRejected(
      { text: 'UPDATE users SET organization_id = $1 WHERE id = $2', values: [await createOrganization(), manager.id] },
      FOREIGN_KEY,
      'clients_manager_user_id_fkey',
    );
    // Near miss: a user who manages no client can be deleted.
    const bystander = await createUser(organizationId);
    await client.query({ text: 'DELETE FROM users WHERE id = $1', values: [bystander.id] });
  });

  it.each([
    ['an empty string', ''],
    ['a leading hyphen', '-ACME'],
    ['a leading dot', '.ACME'],
    ['a leading underscore', '_ACME'],
    ['a space', 'ACME 1'],
    ['a slash', 'ACME/1'],
    ['a trailing newline', 'ACME\n'],
    ['a non-ASCII letter', 'KHÁCH-01'],
    ['65 characters', 'C'.repeat(65)],
    ['100 000 × a then ! (catastrophic backtracking)', HUGE],
  ])('clients_code_format rejects %s', (_, code) =>
    expectRejected(insert('clients', clientRow(organizationId, { code })), CHECK, 'clients_code_format'),
  );

  it.each([
    ['one letter', 'A'],
    ['one digit', '7'],
    ['mixed case, digits, dots, hyphens and underscores', 'Acme-Corp.hn_2'],
    ['64 characters', 'C'.repeat(64)],
  ])('clients_code_format accepts %s', async (_, code) => {
    await createClient(organizationId, { code });
  });

  it.each([
    ['an empty string', ''],
    ['only spaces', '   '],
    ['only a tab and a newline', '\t\n'],
    ['201 characters', 'n'.repeat(201)],
  ])('clients_name_length rejects %s', (_, name) =>
    expectRejected(insert('clients', clientRow(organizationId, { name })), CHECK, 'clients_name_length'),
  );

  it.each([
    ['one character', 'X'],
    ['200 characters', 'n'.repeat(200)],
    ['200 Vietnamese characters (more than 200 bytes)', '\u1ebf'.repeat(200)],
    ['surrounding spaces', '  Công ty TNHH Ánh Dương  '],
  ])('clients_name_length accepts %s', async (_, name) => {
    await createClient(organizationId, { name });
  });

  metadataChecks(
    'clients',
    (metadata) => clientRow(organizationId, { metadata }),
    async () => (await createClient(organizationId)).id,
  );

  it.each(['active', 'inactive', 'suspended'])('status accepts %s', async (status) => {
    await createClient(organizationId, { status });
  });

  it.each([
    ['an unknown status', 'deleted'],
    ['another case', 'Active'],
    ['an empty string', ''],
  ])('status (the client_status enum, no constraint) rejects %s', async (_, status) => {
    await expect(client.query(insert('clients', clientRow(organizationId, { status })))).rejects.toMatchObject({
      code: INVALID_ENUM,
    });
  });

  it('clients_set_updated_at sets updated_at on UPDATE', async () => {
    const { id } = await createClient(organizationId, { created_at: OLD, updated_at: OLD });
    await expectUpdatedAtTrigger('clients', { id });
  });
});
