// Integrity rules of roles, from sql/migrations/20261121090200_create_rbac.up.sql, exercised with
// raw SQL. The harness, and how coverage is checked: test/helpers/constraints.ts.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CHECK,
  create,
  createRole,
  expectRejected,
  expectUpdatedAtTrigger,
  HUGE,
  insert,
  next,
  NOT_NULL,
  OLD,
  roleRow,
  UNIQUE,
  useConstraintHarness,
} from '../../../helpers/constraints.js';
import { coverage } from './roles.constraints.js';

useConstraintHarness(coverage);

describe('roles', () => {
  it('accepts a row with only the required columns; defaults fill the rest', async () => {
    const row = await create('roles', { name: 'only_required' });
    expect(row).toMatchObject({ description: null });
    expect(row.id).toEqual(expect.any(String));
  });

  it.each(['id', 'name', 'created_at', 'updated_at'])('NOT NULL %s', (column) =>
    expectRejected(insert('roles', roleRow({ [column]: null })), NOT_NULL, `roles.${column}`),
  );

  it('roles_pkey rejects a duplicate id', async () => {
    const id = await createRole();
    await expectRejected(insert('roles', roleRow({ id })), UNIQUE, 'roles_pkey');
    await createRole({ id: randomUUID() });
  });

  it('roles_name_key rejects a duplicate name', async () => {
    const name = `auditor_${next()}`;
    await createRole({ name });
    await expectRejected(insert('roles', roleRow({ name })), UNIQUE, 'roles_name_key');
    await createRole({ name: `${name}s` });
  });

  it.each([
    ['an empty string', ''],
    ['an uppercase letter', 'Admin'],
    ['a leading digit', '1admin'],
    ['a leading underscore', '_admin'],
    ['a leading hyphen', '-admin'],
    ['a space', 'org admin'],
    ['a colon', 'org:admin'],
    ['a trailing newline', 'admin\n'],
    ['65 characters', 'r'.repeat(65)],
    ['100 000 × a then ! (catastrophic backtracking)', HUGE],
  ])('roles_name_format rejects %s', (_, name) =>
    expectRejected(insert('roles', roleRow({ name })), CHECK, 'roles_name_format'),
  );

  it.each([
    ['one letter', 'r'],
    ['digits, hyphens and underscores', 'org-admin_2'],
    ['64 characters', 'r'.repeat(64)],
  ])('roles_name_format accepts %s', async (_, name) => {
    await createRole({ name });
  });

  it('roles_description_length rejects 1001 characters', () =>
    expectRejected(insert('roles', roleRow({ description: 'd'.repeat(1001) })), CHECK, 'roles_description_length'));

  it.each([
    ['1000 characters', 'd'.repeat(1000)],
    ['no description (NULL)', null],
  ])('roles_description_length accepts %s', async (_, description) => {
    await createRole({ description });
  });

  it('roles_set_updated_at sets updated_at on UPDATE', async () => {
    const id = await createRole({ created_at: OLD, updated_at: OLD });
    await expectUpdatedAtTrigger('roles', { id });
  });
});
