// Integrity rules of organizations, from sql/migrations/20261121090000_create_organizations.up.sql,
// exercised with raw SQL. The harness, and how coverage is checked: test/helpers/constraints.ts.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CHECK,
  client,
  create,
  createOrganization,
  expectRejected,
  expectUpdatedAtTrigger,
  HUGE,
  insert,
  next,
  NOT_NULL,
  OLD,
  organizationRow,
  UNIQUE,
  useConstraintHarness,
} from '../../../helpers/constraints.js';
import { coverage } from './organizations.constraints.js';

useConstraintHarness(coverage);

describe('organizations', () => {
  it('accepts a row with only the required columns; defaults fill the rest', async () => {
    const row = await create('organizations', { slug: 'only-required', name: 'Acme' });
    expect(row).toMatchObject({ settings: {}, deleted_at: null });
    expect(row.id).toEqual(expect.any(String));
    expect(row.created_at).toEqual(row.updated_at);
  });

  it.each(['id', 'slug', 'name', 'settings', 'created_at', 'updated_at'])('NOT NULL %s', (column) =>
    expectRejected(insert('organizations', organizationRow({ [column]: null })), NOT_NULL, `organizations.${column}`),
  );

  it('organizations_pkey rejects a duplicate id', async () => {
    const id = await createOrganization();
    await expectRejected(insert('organizations', organizationRow({ id })), UNIQUE, 'organizations_pkey');
    await createOrganization({ id: randomUUID() });
  });

  it.each([
    ['an empty string', ''],
    ['an uppercase letter', 'Acme'],
    ['a leading hyphen', '-acme'],
    ['a trailing hyphen', 'acme-'],
    ['a double hyphen', 'acme--corp'],
    ['an underscore', 'acme_corp'],
    ['a space', 'acme corp'],
    ['a trailing newline', 'acme\n'],
    ['a non-ASCII letter', 'café'],
    ['64 characters', 'a'.repeat(64)],
    ['62 × a then ! (63 characters)', `${'a'.repeat(62)}!`],
    ['100 000 × a then ! (catastrophic backtracking)', HUGE],
  ])('organizations_slug_format rejects %s', (_, slug) =>
    expectRejected(insert('organizations', organizationRow({ slug })), CHECK, 'organizations_slug_format'),
  );

  it.each([
    ['one letter', 'a'],
    ['one digit', '7'],
    ['hyphenated words and digits', 'acme-corp-2'],
    ['a leading digit', '3m-company'],
    ['63 characters', 'b'.repeat(63)],
  ])('organizations_slug_format accepts %s', async (_, slug) => {
    await create('organizations', organizationRow({ slug }));
  });

  it('organizations_id_not_platform rejects the nil uuid (the audit trail\'s platform marker), on INSERT and UPDATE', async () => {
    const nil = '00000000-0000-0000-0000-000000000000';
    await expectRejected(insert('organizations', organizationRow({ id: nil })), CHECK, 'organizations_id_not_platform');
    const row = await create('organizations', organizationRow());
    await expectRejected(
      { text: 'UPDATE organizations SET id = $1 WHERE id = $2', values: [nil, row.id] },
      CHECK,
      'organizations_id_not_platform',
    );
    // Near miss: any other uuid is an organization's.
    await create('organizations', organizationRow({ id: '00000000-0000-0000-0000-000000000001' }));
  });

  it('organizations_slug_format also guards UPDATE', async () => {
    const id = await createOrganization();
    await expectRejected(
      { text: 'UPDATE organizations SET slug = $1 WHERE id = $2', values: ['Acme', id] },
      CHECK,
      'organizations_slug_format',
    );
    await client.query({ text: 'UPDATE organizations SET slug = $1 WHERE id = $2', values: [`renamed-${next()}`, id] });
  });

  it.each([
    ['an empty string', ''],
    ['only spaces', '   '],
    ['only a tab and a newline', '\t\n'],
    ['201 characters', 'n'.repeat(201)],
  ])('organizations_name_length rejects %s', (_, name) =>
    expectRejected(insert('organizations', organizationRow({ name })), CHECK, 'organizations_name_length'),
  );

  it.each([
    ['one character', 'X'],
    ['200 characters', 'n'.repeat(200)],
    ['surrounding spaces', '  Acme  '],
  ])('organizations_name_length accepts %s', async (_, name) => {
    await create('organizations', organizationRow({ name }));
  });

  it.each([
    ['an array', '[]'],
    ['a string', '"x"'],
    ['a number', '1'],
    ['a JSON null', 'null'],
  ])('organizations_settings_is_object rejects %s', (_, settings) =>
    expectRejected(insert('organizations', organizationRow({ settings })), CHECK, 'organizations_settings_is_object'),
  );

  it.each([
    ['an empty object', '{}'],
    ['a nested object', '{"features": ["sso"], "limits": {"users": 10}}'],
  ])('organizations_settings_is_object accepts %s', async (_, settings) => {
    await create('organizations', organizationRow({ settings }));
  });

  it('organizations_slug_key: one live organization per slug; soft-deleted ones free it', async () => {
    const slug = `soft-${next()}`;
    const first = await createOrganization({ slug });
    await expectRejected(insert('organizations', organizationRow({ slug })), UNIQUE, 'organizations_slug_key');
    await create('organizations', organizationRow({ slug: `${slug}-2` }));

    await client.query({ text: 'UPDATE organizations SET deleted_at = now() WHERE id = $1', values: [first] });
    const second = await createOrganization({ slug });
    await expectRejected(insert('organizations', organizationRow({ slug })), UNIQUE, 'organizations_slug_key');

    // Restoring the first while the second is live is a duplicate too (UPDATE path).
    await expectRejected(
      { text: 'UPDATE organizations SET deleted_at = NULL WHERE id = $1', values: [first] },
      UNIQUE,
      'organizations_slug_key',
    );
    // Several soft-deleted rows may share the slug.
    await client.query({ text: 'UPDATE organizations SET deleted_at = now() WHERE id = $1', values: [second] });
    await createOrganization({ slug, deleted_at: OLD });
    await createOrganization({ slug });
  });

  it('organizations_set_updated_at sets updated_at on UPDATE', async () => {
    const id = await createOrganization({ created_at: OLD, updated_at: OLD });
    await expectUpdatedAtTrigger('organizations', { id });
  });
});
