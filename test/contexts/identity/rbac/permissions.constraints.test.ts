// Integrity rules of permissions, from sql/migrations/20261121090200_create_rbac.up.sql, exercised
// with raw SQL. The harness, and how coverage is checked: test/helpers/constraints.ts.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CHECK,
  create,
  createPermission,
  expectRejected,
  expectUpdatedAtTrigger,
  HUGE,
  insert,
  next,
  NOT_NULL,
  OLD,
  permissionRow,
  UNIQUE,
  useConstraintHarness,
} from '../../../helpers/constraints.js';
import { coverage } from './permissions.constraints.js';

useConstraintHarness(coverage);

describe('permissions', () => {
  it('accepts a row with only the required columns; defaults fill the rest', async () => {
    const row = await create('permissions', { name: 'only:required' });
    expect(row).toMatchObject({ description: null });
    expect(row.id).toEqual(expect.any(String));
  });

  it.each(['id', 'name', 'created_at', 'updated_at'])('NOT NULL %s', (column) =>
    expectRejected(insert('permissions', permissionRow({ [column]: null })), NOT_NULL, `permissions.${column}`),
  );

  it('permissions_pkey rejects a duplicate id', async () => {
    const id = await createPermission();
    await expectRejected(insert('permissions', permissionRow({ id })), UNIQUE, 'permissions_pkey');
    await createPermission({ id: randomUUID() });
  });

  it('permissions_name_key rejects a duplicate name', async () => {
    const name = `reports_${next()}:export`;
    await createPermission({ name });
    await expectRejected(insert('permissions', permissionRow({ name })), UNIQUE, 'permissions_name_key');
    await createPermission({ name: `${name}s` });
  });

  it.each([
    ['an empty string', ''],
    ['no colon', 'users'],
    ['an empty action', 'users:'],
    ['an empty resource', ':read'],
    ['an uppercase letter', 'Users:read'],
    ['two colons', 'users:read:all'],
    ['a double colon', 'users::read'],
    ['an action starting with a digit', 'users:1read'],
    ['a space', 'users: read'],
    ['a trailing newline', 'users:read\n'],
    ['129 characters', `${'p'.repeat(64)}:${'r'.repeat(64)}`],
    ['100 000 × a then ! (catastrophic backtracking)', HUGE],
    ['100 000 × a, a colon, then ! (catastrophic backtracking)', `${'a'.repeat(100_000)}:!`],
  ])('permissions_name_format rejects %s', (_, name) =>
    expectRejected(insert('permissions', permissionRow({ name })), CHECK, 'permissions_name_format'),
  );

  it.each([
    ['the shortest name', 'p:r'],
    ['digits, hyphens and underscores', 'user-profiles:read_all2'],
    ['128 characters', `${'p'.repeat(63)}:${'r'.repeat(64)}`],
  ])('permissions_name_format accepts %s', async (_, name) => {
    await createPermission({ name });
  });

  it('permissions_description_length rejects 1001 characters', () =>
    expectRejected(
      insert('permissions', permissionRow({ description: 'd'.repeat(1001) })),
      CHECK,
      'permissions_description_length',
    ));

  it.each([
    ['1000 characters', 'd'.repeat(1000)],
    ['no description (NULL)', null],
  ])('permissions_description_length accepts %s', async (_, description) => {
    await createPermission({ description });
  });

  it('permissions_set_updated_at sets updated_at on UPDATE', async () => {
    const id = await createPermission({ created_at: OLD, updated_at: OLD });
    await expectUpdatedAtTrigger('permissions', { id });
  });
});
