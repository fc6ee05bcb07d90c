// Integrity rules of users, from sql/migrations/20261121090100_create_users.up.sql, exercised with
// raw SQL. The harness, and how coverage is checked: test/helpers/constraints.ts.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CHECK,
  client,
  create,
  createOrganization,
  createUser,
  expectRejected,
  expectUpdatedAtTrigger,
  FOREIGN_KEY,
  HUGE,
  insert,
  markViolated,
  next,
  NOT_NULL,
  OLD,
  UNIQUE,
  useConstraintHarness,
  userRow, expectSameKey } from '../../../helpers/constraints.js';
import { coverage } from './users.constraints.js';

useConstraintHarness(coverage);

describe('users', () => {
  let organizationId: string;
  beforeAll(async () => {
    organizationId = await createOrganization();
  });

  it('accepts a row with only the required columns; defaults fill the rest', async () => {
    const row = await create('users', {
      organization_id: organizationId,
      auth_subject: 'idp|only-required',
      email: 'only@required.io',
    });
    expect(row).toMatchObject({ is_active: true, deleted_at: null });
    expect(row.id).toEqual(expect.any(String));
  });

  it.each(['id', 'organization_id', 'auth_subject', 'email', 'is_active', 'created_at', 'updated_at'])(
    'NOT NULL %s',
    (column) =>
      expectRejected(insert('users', userRow(organizationId, { [column]: null })), NOT_NULL, `users.${column}`),
  );

  it('users_pkey is (id, organization_id): a duplicate id in its organization is rejected', async () => {
    const user = await createUser(organizationId);
    await expectRejected(insert('users', userRow(organizationId, { id: user.id })), UNIQUE, 'users_organization_id_id_key');
    await expectSameKey('users_pkey', 'PRIMARY KEY (id, organization_id)', 'users_organization_id_id_key');
    await createUser(organizationId, { id: randomUUID() });
  });

  it('users_organization_id_id_key is UNIQUE (organization_id, id), the key of the composite foreign keys', async () => {
    // It cannot be violated on its own: a duplicate (organization_id, id) is a duplicate id, and
    // users_pkey (the older index) reports it first. Its behaviour as the referenced key is
    // covered by user_profiles_user_id_fkey, user_roles_user_id_fkey,
    // user_staff_profiles_user_id_fkey and clients_manager_user_id_fkey below.
    const user = await createUser(organizationId);
    await expectRejected(insert('users', userRow(organizationId, { id: user.id })), UNIQUE, 'users_organization_id_id_key');
    const { rows } = await client.query(`
      SELECT pg_get_constraintdef(k.oid) AS definition,
             array(SELECT f.conname::text FROM pg_constraint f
                   WHERE f.contype = 'f' AND f.conindid = k.conindid ORDER BY 1) AS referenced_by
      FROM pg_constraint k WHERE k.conname = 'users_organization_id_id_key'`);
    expect(rows).toEqual([
      {
        definition: 'UNIQUE (organization_id, id)',
        referenced_by: [
          'api_keys_created_by_user_id_fkey',
          'api_keys_revoked_by_user_id_fkey',
          'clients_manager_user_id_fkey',
          'form_collaborators_created_by_fkey',
          'form_collaborators_user_id_fkey',
          'form_versions_created_by_fkey',
          'form_versions_published_by_fkey',
          'notifications_user_id_fkey',
          'submissions_assigned_user_id_fkey',
          'submissions_created_by_fkey',
          'submissions_decided_by_fkey',
          'team_members_user_id_fkey',
          'user_profiles_user_id_fkey',
          'user_roles_granted_by_fkey',
          'user_roles_user_id_fkey',
          'user_staff_profiles_user_id_fkey',
          'user_staff_profiles_verified_by_user_id_fkey',
          'webhooks_created_by_user_id_fkey',
          'workflow_executions_started_by_fkey',
          'workflow_triggers_created_by_fkey',
          'workflow_versions_created_by_fkey',
          'workflow_versions_published_by_fkey',
        ],
      },
    ]);
    markViolated('users_organization_id_id_key');
  });

  it('users_organization_id_fkey rejects an unknown organization, and deleting an organization that has users', async () => {
    await expectRejected(insert('users', userRow(randomUUID())), FOREIGN_KEY, 'users_organization_id_fkey');
    const withUser = await createOrganization();
    await createUser(withUser);
    await expectRejected(
      { text: 'DELETE FROM organizations WHERE id = $1', values: [withUser] },
      FOREIGN_KEY,
      'users_organization_id_fkey',
    );
    // Near miss: an organization without users can be deleted.
    const empty = await createOrganization();
    await client.query({ text: 'DELETE FROM organizations WHERE id = $1', values: [empty] });
  });

  it('users_auth_subject_key: an identity-provider subject is unique across organizations, case-sensitively', async () => {
    const subject = `idp|Subject-${next()}`;
    await createUser(organizationId, { auth_subject: subject });
    await expectRejected(
      insert('users', userRow(await createOrganization(), { auth_subject: subject })),
      UNIQUE,
      'users_auth_subject_key',
    );
    await createUser(organizationId, { auth_subject: subject.toLowerCase() });
  });

  it.each([
    ['an empty string', ''],
    ['256 characters', 's'.repeat(256)],
  ])('users_auth_subject_length rejects %s', (_, auth_subject) =>
    expectRejected(insert('users', userRow(organizationId, { auth_subject })), CHECK, 'users_auth_subject_length'),
  );

  it.each([
    ['one character', 'x'],
    ['255 characters', 's'.repeat(255)],
  ])('users_auth_subject_length accepts %s', async (_, auth_subject) => {
    await createUser(organizationId, { auth_subject });
  });

  it.each([
    ['an empty string', ''],
    ['no @', 'ada.example.com'],
    ['two @', 'ada@@example.com'],
    ['an @ in the domain', 'ada@exam@ple.com'],
    ['an empty local part', '@example.com'],
    ['a dotless domain', 'ada@localhost'],
    ['an empty domain label', 'ada@example..com'],
    ['a leading dot in the domain', 'ada@.example.com'],
    ['a trailing dot', 'ada@example.com.'],
    ['a space', 'ada lovelace@example.com'],
    ['a tab', 'ada@exam\tple.com'],
    ['a trailing newline', 'ada@example.com\n'],
    ['255 characters', `${'a'.repeat(243)}@example.com`],
    ['253 × a then ! (254 characters)', `${'a'.repeat(253)}!`],
    ['100 000 × a then ! (catastrophic backtracking)', HUGE],
  ])('users_email_format rejects %s', (_, email) =>
    expectRejected(insert('users', userRow(organizationId, { email })), CHECK, 'users_email_format'),
  );

  it.each([
    ['a minimal address', 'a@b.io'],
    ['dots, a plus tag and subdomains', 'first.last+tag@mail.example.co.uk'],
    ['a hyphenated domain', 'ada@my-company.example'],
    ['uppercase letters', 'Grace.Hopper@NAVY.MIL'],
    ['254 characters', `${'a'.repeat(242)}@example.com`],
  ])('users_email_format accepts %s', async (_, email) => {
    await createUser(organizationId, { email });
  });

  it('users_email_format also guards UPDATE', async () => {
    const user = await createUser(organizationId);
    await expectRejected(
      { text: 'UPDATE users SET email = $1 WHERE id = $2', values: ['not-an-email', user.id] },
      CHECK,
      'users_email_format',
    );
    await client.query({
      text: 'UPDATE users SET email = $1 WHERE id = $2',
      values: [`changed${next()}@example.com`, user.id],
    });
  });

  it('users_organization_email_key: one live user per email and organization, case-insensitively; soft-deleted ones free it', async () => {
    const org = await createOrganization();
    const first = await createUser(org, { email: 'Ada@Example.com' });
    await expectRejected(
      insert('users', userRow(org, { email: 'ada@example.COM' })),
      UNIQUE,
      'users_organization_email_key',
    );
    // Near misses: another address in the same organization, the same address in another one.
    await createUser(org, { email: 'ada+work@example.com' });
    await createUser(await createOrganization(), { email: 'ada@example.com' });

    // UPDATE path: renaming another user onto the address.
    const other = await createUser(org, { email: 'grace@example.com' });
    await expectRejected(
      { text: 'UPDATE users SET email = $1 WHERE id = $2', values: ['ADA@example.com', other.id] },
      UNIQUE,
      'users_organization_email_key',
    );

    await client.query({ text: 'UPDATE users SET deleted_at = now() WHERE id = $1', values: [first.id] });
    const second = await createUser(org, { email: 'ADA@EXAMPLE.COM' });
    await expectRejected(
      insert('users', userRow(org, { email: 'ada@example.com' })),
      UNIQUE,
      'users_organization_email_key',
    );
    await expectRejected(
      { text: 'UPDATE users SET deleted_at = NULL WHERE id = $1', values: [first.id] },
      UNIQUE,
      'users_organization_email_key',
    );
    await client.query({ text: 'UPDATE users SET deleted_at = now() WHERE id = $1', values: [second.id] });
    await createUser(org, { email: 'ada@example.com' });
  });

  it('users_set_updated_at sets updated_at on UPDATE', async () => {
    const user = await createUser(organizationId, { created_at: OLD, updated_at: OLD });
    await expectUpdatedAtTrigger('users', { id: user.id });
  });
});
