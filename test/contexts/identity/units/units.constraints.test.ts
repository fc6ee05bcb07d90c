// Integrity rules of units, from
// sql/migrations/20261121100000_create_academic_titles_and_units.up.sql, exercised with raw SQL.
// The harness, and how coverage is checked: test/helpers/constraints.ts.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CHECK,
  client,
  create,
  createOrganization,
  createUnit,
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
  unitRow,
  useConstraintHarness, expectSameKey } from '../../../helpers/constraints.js';
import { coverage } from './units.constraints.js';

useConstraintHarness(coverage);

describe('units', () => {
  let organizationId: string;
  beforeAll(async () => {
    organizationId = await createOrganization();
  });

  it('accepts a row with only the required columns; defaults fill the rest', async () => {
    const row = await create('units', { organization_id: organizationId, code: 'ONLY-REQUIRED', name: 'Only' });
    expect(row).toMatchObject({ parent_unit_id: null, is_active: true });
    expect(row.id).toEqual(expect.any(String));
    expect(row.created_at).toEqual(row.updated_at);
  });

  it.each(['id', 'organization_id', 'code', 'name', 'is_active', 'created_at', 'updated_at'])('NOT NULL %s', (column) =>
    expectRejected(insert('units', unitRow(organizationId, { [column]: null })), NOT_NULL, `units.${column}`),
  );

  it('units_pkey is (id, organization_id): a duplicate id in its organization is rejected', async () => {
    const id = await createUnit(organizationId);
    await expectRejected(insert('units', unitRow(organizationId, { id })), UNIQUE, 'units_organization_id_id_key');
    await expectSameKey('units_pkey', 'PRIMARY KEY (id, organization_id)', 'units_organization_id_id_key');
    await createUnit(organizationId, { id: randomUUID() });
  });

  it('units_organization_id_id_key is UNIQUE (organization_id, id), the key of the composite foreign keys', async () => {
    // As users_organization_id_id_key: a duplicate (organization_id, id) is a duplicate id, which
    // units_pkey reports first. Its behaviour as the referenced key is covered by
    // units_parent_unit_id_fkey and user_staff_profiles_unit_id_fkey.
    const id = await createUnit(organizationId);
    await expectRejected(insert('units', unitRow(organizationId, { id })), UNIQUE, 'units_organization_id_id_key');
    const { rows } = await client.query(`
      SELECT pg_get_constraintdef(k.oid) AS definition,
             array(SELECT f.conname::text FROM pg_constraint f
                   WHERE f.contype = 'f' AND f.conindid = k.conindid ORDER BY 1) AS referenced_by
      FROM pg_constraint k WHERE k.conname = 'units_organization_id_id_key'`);
    expect(rows).toEqual([
      {
        definition: 'UNIQUE (organization_id, id)',
        referenced_by: ['units_parent_unit_id_fkey', 'user_staff_profiles_unit_id_fkey'],
      },
    ]);
    markViolated('units_organization_id_id_key');
  });

  it('units_organization_id_fkey rejects an unknown organization, and deleting an organization that has units', async () => {
    await expectRejected(insert('units', unitRow(randomUUID())), FOREIGN_KEY, 'units_organization_id_fkey');
    const withUnit = await createOrganization();
    await createUnit(withUnit);
    await expectRejected(
      { text: 'DELETE FROM organizations WHERE id = $1', values: [withUnit] },
      FOREIGN_KEY,
      'units_organization_id_fkey',
    );
    const empty = await createOrganization();
    await client.query({ text: 'DELETE FROM organizations WHERE id = $1', values: [empty] });
  });

  it('units_organization_id_code_key: a code is unique per organization, case-sensitively', async () => {
    const code = `HR-${next()}`;
    await createUnit(organizationId, { code });
    await expectRejected(insert('units', unitRow(organizationId, { code })), UNIQUE, 'units_organization_id_code_key');
    // Near misses: the same code in another organization, another case in the same one.
    await createUnit(await createOrganization(), { code });
    await createUnit(organizationId, { code: code.toLowerCase() });
    // UPDATE path: renaming another unit onto the code.
    const other = await createUnit(organizationId);
    await expectRejected(
      { text: 'UPDATE units SET code = $1 WHERE id = $2', values: [code, other] },
      UNIQUE,
      'units_organization_id_code_key',
    );
  });

  it('units_parent_unit_id_fkey accepts a parent of the same organization, or none', async () => {
    const parent = await createUnit(organizationId);
    const child = await createUnit(organizationId, { parent_unit_id: parent });
    await createUnit(organizationId, { parent_unit_id: child });
    await createUnit(organizationId, { parent_unit_id: null });
  });

  it('units_parent_unit_id_fkey rejects an unknown parent', () =>
    expectRejected(
      insert('units', unitRow(organizationId, { parent_unit_id: randomUUID() })),
      FOREIGN_KEY,
      'units_parent_unit_id_fkey',
    ));

  it('units_parent_unit_id_fkey rejects a parent unit of another organization', async () => {
    const foreignParent = await createUnit(await createOrganization());
    await expectRejected(
      insert('units', unitRow(organizationId, { parent_unit_id: foreignParent })),
      FOREIGN_KEY,
      'units_parent_unit_id_fkey',
    );
    // UPDATE path: re-parenting an existing unit under another organization's unit.
    const unit = await createUnit(organizationId);
    await expectRejected(
      { text: 'UPDATE units SET parent_unit_id = $1 WHERE id = $2', values: [foreignParent, unit] },
      FOREIGN_KEY,
      'units_parent_unit_id_fkey',
    );
  });

  it('units_parent_unit_id_fkey keeps a parent with children from being deleted or moved to another organization', async () => {
    const parent = await createUnit(organizationId);
    await createUnit(organizationId, { parent_unit_id: parent });
    await expectRejected(
      { text: 'DELETE FROM units WHERE id = $1', values: [parent] },
      FOREIGN_KEY,
      'units_parent_unit_id_fkey',
    );
    await expectRejected(
      { text: 'UPDATE units SET organization_id = $1 WHERE id = $2', values: [await createOrganization(), parent] },
      FOREIGN_KEY,
      'units_parent_unit_id_fkey',
    );
    // Near miss: a leaf unit can be deleted.
    const leaf = await createUnit(organizationId, { parent_unit_id: parent });
    await client.query({ text: 'DELETE FROM units WHERE id = $1', values: [leaf] });
  });

  it('units_not_own_parent rejects a unit that is its own parent', async () => {
    const id = randomUUID();
    await expectRejected(
      insert('units', unitRow(organizationId, { id, parent_unit_id: id })),
      CHECK,
      'units_not_own_parent',
    );
    const unit = await createUnit(organizationId, { id });
    expect(unit).toBe(id);
    await expectRejected(
      { text: 'UPDATE units SET parent_unit_id = id WHERE id = $1', values: [id] },
      CHECK,
      'units_not_own_parent',
    );
    // Near miss: another unit of the organization as the parent.
    await client.query({
      text: 'UPDATE units SET parent_unit_id = $1 WHERE id = $2',
      values: [await createUnit(organizationId), id],
    });
  });

  it.each([
    ['an empty string', ''],
    ['a leading hyphen', '-HR'],
    ['a leading dot', '.HR'],
    ['a leading underscore', '_HR'],
    ['a space', 'HR 1'],
    ['a slash', 'HR/1'],
    ['a trailing newline', 'HR\n'],
    ['a non-ASCII letter', 'PHÒNG'],
    ['65 characters', 'U'.repeat(65)],
    ['100 000 × a then ! (catastrophic backtracking)', HUGE],
  ])('units_code_format rejects %s', (_, code) =>
    expectRejected(insert('units', unitRow(organizationId, { code })), CHECK, 'units_code_format'),
  );

  it.each([
    ['one letter', 'A'],
    ['one digit', '7'],
    ['mixed case, digits, dots, hyphens and underscores', 'Fac-IT.dept_2'],
    ['64 characters', 'U'.repeat(64)],
  ])('units_code_format accepts %s', async (_, code) => {
    await createUnit(organizationId, { code });
  });

  it.each([
    ['an empty string', ''],
    ['only spaces', '   '],
    ['only a tab and a newline', '\t\n'],
    ['201 characters', 'n'.repeat(201)],
  ])('units_name_length rejects %s', (_, name) =>
    expectRejected(insert('units', unitRow(organizationId, { name })), CHECK, 'units_name_length'),
  );

  it.each([
    ['one character', 'X'],
    ['200 characters', 'n'.repeat(200)],
    ['surrounding spaces and Vietnamese', '  Phòng Tổ chức – Hành chính  '],
  ])('units_name_length accepts %s', async (_, name) => {
    await createUnit(organizationId, { name });
  });

  it('units_set_updated_at sets updated_at on UPDATE', async () => {
    const id = await createUnit(organizationId, { created_at: OLD, updated_at: OLD });
    await expectUpdatedAtTrigger('units', { id });
  });
});
