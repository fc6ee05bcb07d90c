// Integrity rules of forms and form_versions, from
// sql/migrations/20261207090000_create_forms.up.sql, exercised with raw SQL. The harness, and how
// coverage is checked: test/helpers/constraints.ts.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CHECK,
  client,
  create,
  expectRejected,
  expectUpdatedAtTrigger,
  FOREIGN_KEY,
  HUGE,
  insert,
  markTriggerChecked,
  markViolated,
  NOT_NULL,
  OLD,
  organizationRow,
  type Row,
  UNIQUE,
  useConstraintHarness,
  userRow, expectSameKey } from '../../../helpers/constraints.js';
import { coverage } from './forms.constraints.js';

useConstraintHarness(coverage);

const SHA = 'a'.repeat(64);
const DEFINITION = JSON.stringify({ format: 1, pages: [] });

let organizationId: string;
let userId: string;
beforeAll(async () => {
  organizationId = (await create('organizations', organizationRow())).id as string;
  userId = (await create('users', userRow(organizationId))).id as string;
});
let slugs = 0;
const formRow = (overrides: Row = {}): Row => ({ organization_id: organizationId, slug: `form-${(slugs += 1)}`, name: 'Expense claim', ...overrides });
const versionRow = (formId: unknown, version: number, overrides: Row = {}): Row => ({
  organization_id: organizationId,
  form_id: formId,
  version,
  definition: DEFINITION,
  definition_sha256: SHA,
  ...overrides,
});

/** A form with `published` published versions and, when `draft`, a draft after them. */
async function aForm(published = 0, draft = false): Promise<Row> {
  const form = await create('forms', formRow());
  for (let v = 1; v <= published; v += 1) {
    await create('form_versions', versionRow(form.id, v, { is_published: true, published_at: new Date(Date.now() + 1000).toISOString() }));
  }
  if (published > 0) await client.query(`UPDATE forms SET status = 'published', published_version = $2 WHERE id = $1`, [form.id, published]);
  if (draft) await create('form_versions', versionRow(form.id, published + 1));
  return (await client.query<Row>('SELECT * FROM forms WHERE id = $1', [form.id])).rows[0]!;
}

describe('forms', () => {
  it.each(['id', 'created_at', 'updated_at', 'organization_id', 'slug', 'name', 'status', 'latest_version'])('NOT NULL %s', (column) =>
    expectRejected(insert('forms', formRow({ [column]: null })), NOT_NULL, `forms.${column}`),
  );

  it('forms_pkey; forms_organization_id_slug_key among live forms only; forms_organization_id_id_key is the versions’ target', async () => {
    const first = await aForm();
    await expectRejected(insert('forms', formRow({ id: first.id })), UNIQUE, 'forms_organization_id_id_key');
    await expectSameKey('forms_pkey', 'PRIMARY KEY (id, organization_id)', 'forms_organization_id_id_key');
    await expectRejected(insert('forms', formRow({ slug: first.slug })), UNIQUE, 'forms_organization_id_slug_key');
    await create('forms', formRow({ slug: first.slug, deleted_at: '2031-01-01T00:00:00Z' }));
    const other = (await create('organizations', organizationRow())).id as string;
    await create('forms', formRow({ organization_id: other, slug: first.slug }));
    const { rows } = await client.query(`
      SELECT pg_get_constraintdef(k.oid) AS definition,
             array(SELECT f.conname::text FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = k.conindid ORDER BY 1) AS referenced_by
      FROM pg_constraint k WHERE k.conname = 'forms_organization_id_id_key'`);
    expect(rows).toEqual([{ definition: 'UNIQUE (organization_id, id)', referenced_by: ['form_collaborators_form_id_fkey', 'form_versions_form_id_fkey', 'workflow_triggers_form_id_fkey'] }]);
    markViolated('forms_organization_id_id_key');
  });

  it('forms_organization_id_fkey', () => expectRejected(insert('forms', formRow({ organization_id: randomUUID() })), FOREIGN_KEY, 'forms_organization_id_fkey'));

  it.each([
    ['forms_slug_format', { slug: 'Claims' }],
    ['forms_slug_format', { slug: 'a--b' }],
    ['forms_slug_format', { slug: 'a'.repeat(64) }],
    
    ['forms_name_length', { name: ' ' }],
    ['forms_name_length', { name: 'n'.repeat(201) }],
    ['forms_description_length', { description: 'd'.repeat(1001) }],
    ['forms_status_values', { status: 'live', latest_version: 1, published_version: 1 }],
    ['forms_published_when_not_draft', { status: 'published' }],
    ['forms_published_when_not_draft', { status: 'archived' }],
    ['forms_latest_version_range', { latest_version: -1 }],
    ['forms_published_version_range', { status: 'published', published_version: 1 }],
    ['forms_published_version_range', { status: 'published', latest_version: 1, published_version: 0 }],
    ['forms_deleted_after_created', { created_at: '2031-01-02T00:00:00Z', deleted_at: '2031-01-01T00:00:00Z' }],
  ] as [string, Row][])('%s rejects %j', (constraint, overrides) => expectRejected(insert('forms', formRow(overrides)), CHECK, constraint));

  it('forms_slug_format rejects a huge slug at once (no backtracking)', () => expectRejected(insert('forms', formRow({ slug: HUGE })), CHECK, 'forms_slug_format'));

  it('forms_published_when_not_draft: a draft form points at no version', async () => {
    const form = await aForm(1);
    await expectRejected({ text: `UPDATE forms SET status = 'draft' WHERE id = $1`, values: [form.id] }, CHECK, 'forms_published_when_not_draft');
  });

  it('forms_published_version_published: the form points only at a published version of its own', async () => {
    const form = await aForm(1, true);
    const reject = (version: number, id = form.id) =>
      expect(client.query(`UPDATE forms SET published_version = $2 WHERE id = $1`, [id, version])).rejects.toMatchObject({
        code: CHECK,
        constraint: 'forms_published_version_published',
      });
    await reject(2); // the draft
    const other = await aForm(2);
    await client.query(`UPDATE forms SET published_version = 1 WHERE id = $1`, [other.id]); // its own, older: fine
    // Version 2 of another form does not count: latest_version lets the number through, the trigger refuses it.
    await client.query(`UPDATE forms SET latest_version = 2 WHERE id = $1`, [form.id]);
    await reject(2);
    markTriggerChecked('forms_published_version_published');
  });

  it('forms_set_updated_at keeps updated_at current', async () => {
    const made = await create('forms', formRow({ created_at: OLD, updated_at: OLD }));
    await expectUpdatedAtTrigger('forms', { id: made.id });
  });
});

describe('form_versions', () => {
  let formId: unknown;
  beforeAll(async () => {
    formId = (await aForm(1)).id;
  });

  it.each(['id', 'created_at', 'updated_at', 'organization_id', 'form_id', 'version', 'definition', 'definition_sha256', 'revision', 'is_published'])(
    'NOT NULL %s',
    (column) => expectRejected(insert('form_versions', versionRow(formId, 2, { [column]: null })), NOT_NULL, `form_versions.${column}`),
  );

  it('keys: form_versions_pkey, (form, version) unique, (form, id) the submissions’ target; one draft per form', async () => {
    const form = await aForm(1, true);
    const { rows } = await client.query<Row>('SELECT * FROM form_versions WHERE form_id = $1 AND version = 1', [form.id]);
    const first = rows[0]!;
    await expectRejected(insert('form_versions', versionRow((await aForm()).id, 1, { id: first.id })), UNIQUE, 'form_versions_pkey');
    await expectRejected(insert('form_versions', versionRow(form.id, 3)), UNIQUE, 'form_versions_one_draft_key');
    // A number taken: form_versions_contiguous refuses it first; with user triggers off (a
    // replica session), the unique key still does.
    await client.query('BEGIN');
    try {
      await client.query('SET LOCAL session_replication_role = replica');
      const published = { is_published: true, published_at: new Date(Date.now() + 1000).toISOString() };
      await expectRejected(insert('form_versions', versionRow(form.id, 1, published)), UNIQUE, 'form_versions_organization_id_form_id_version_key');
    } finally {
      await client.query('ROLLBACK');
    }
    const { rows: keys } = await client.query(`
      SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE conname = 'form_versions_organization_id_form_id_id_key'`);
    expect(keys).toEqual([{ definition: 'UNIQUE (organization_id, form_id, id)' }]);
    markViolated('form_versions_organization_id_form_id_id_key');
  });

  it('foreign keys: the form, and the users who made and published it, within the organization', async () => {
    const form = await aForm();
    const other = (await create('organizations', organizationRow())).id as string;
    const stranger = (await create('users', userRow(other))).id;
    await expectRejected(insert('form_versions', versionRow(form.id, 1, { created_by: stranger })), FOREIGN_KEY, 'form_versions_created_by_fkey');
    await expectRejected(
      insert('form_versions', versionRow(form.id, 1, { is_published: true, published_at: new Date(Date.now() + 1000).toISOString(), published_by: stranger })),
      FOREIGN_KEY,
      'form_versions_published_by_fkey',
    );
    await create('form_versions', versionRow(form.id, 1, { created_by: userId }));
    // A version of a missing form is refused by form_versions_contiguous first (it finds no form
    // to number after); the foreign key keeps the form from going while it has versions.
    await expectRejected({ text: 'DELETE FROM forms WHERE id = $1', values: [form.id] }, FOREIGN_KEY, 'form_versions_form_id_fkey');
  });

  it.each([
    ['form_versions_version_range', { version: 0 }],
    ['form_versions_revision_positive', { revision: 0 }],
    ['form_versions_definition_object', { definition: '[]' }],
    ['form_versions_definition_object', { definition: JSON.stringify({ big: 'x'.repeat(1_100_000) }) }],
    ['form_versions_definition_sha256_format', { definition_sha256: 'A'.repeat(64) }],
    ['form_versions_definition_sha256_format', { definition_sha256: 'a'.repeat(63) }],
    ['form_versions_definition_sha256_format', { definition_sha256: `${'a'.repeat(64)}\n` }],
    ['form_versions_published_at_when_published', { is_published: true }],
    ['form_versions_published_at_when_published', { published_at: '2031-01-01T00:00:00Z' }],
    ['form_versions_published_by_when_published', { published_by: 'USER' }],
    ['form_versions_published_after_created', { is_published: true, created_at: '2031-01-02T00:00:00Z', published_at: '2031-01-01T00:00:00Z' }],
  ] as [string, Row][])('%s rejects %j', async (constraint, overrides) => {
    const form = await aForm();
    const row = versionRow(form.id, 1, overrides);
    if (row.published_by === 'USER') row.published_by = userId;
    await expectRejected(insert('form_versions', row), CHECK, constraint);
  });

  it('form_versions_contiguous: numbered latest + 1 of a live form of the same organization, and counted on the form', async () => {
    const form = await aForm(1);
    const reject = (row: Row) => expect(client.query(insert('form_versions', row))).rejects.toMatchObject({ code: CHECK, constraint: 'form_versions_contiguous' });
    await reject(versionRow(form.id, 3)); // a gap
    await reject(versionRow(form.id, 1, { is_published: true, published_at: new Date(Date.now() + 1000).toISOString() })); // taken, behind the latest
    const other = (await create('organizations', organizationRow())).id as string;
    await reject(versionRow(form.id, 2, { organization_id: other })); // not a form of that organization
    await client.query(`UPDATE forms SET deleted_at = now() WHERE id = $1`, [(await aForm()).id]);
    const deleted = (await client.query<Row>('SELECT id FROM forms WHERE deleted_at IS NOT NULL LIMIT 1')).rows[0]!;
    await reject(versionRow(deleted.id, 1)); // a deleted form
    await create('form_versions', versionRow(form.id, 2));
    expect((await client.query('SELECT latest_version FROM forms WHERE id = $1', [form.id])).rows).toEqual([{ latest_version: 2 }]);
    markTriggerChecked('form_versions_contiguous');
  });

  it('form_versions_immutable: a published version never changes; no version is deleted; a draft’s identity stays', async () => {
    const form = await aForm(1, true);
    const reject = (text: string) => expect(client.query(text, [form.id])).rejects.toMatchObject({ code: CHECK, constraint: 'form_versions_immutable' });
    await reject(`UPDATE form_versions SET definition = '{"format":1,"pages":[{}]}' WHERE form_id = $1 AND version = 1`);
    await reject(`UPDATE form_versions SET updated_at = now() WHERE form_id = $1 AND version = 1`);
    await reject(`UPDATE form_versions SET is_published = false, published_at = NULL WHERE form_id = $1 AND version = 1`);
    await reject(`DELETE FROM form_versions WHERE form_id = $1 AND version = 1`);
    await reject(`DELETE FROM form_versions WHERE form_id = $1 AND version = 2`);
    await reject(`UPDATE form_versions SET version = 3 WHERE form_id = $1 AND version = 2`);
    await reject(`UPDATE form_versions SET created_by = '${userId}' WHERE form_id = $1 AND version = 2`);
    // The draft may change its definition, and be published once.
    await client.query(`UPDATE form_versions SET definition = '{"format":1}', definition_sha256 = $2 WHERE form_id = $1 AND version = 2`, [form.id, 'b'.repeat(64)]);
    await client.query(`UPDATE form_versions SET is_published = true, published_at = now() WHERE form_id = $1 AND version = 2`, [form.id]);
    await reject(`UPDATE form_versions SET published_by = '${userId}' WHERE form_id = $1 AND version = 2`);
    markTriggerChecked('form_versions_immutable');
  });

  it('form_versions_set_updated_at keeps updated_at current', async () => {
    const form = await aForm();
    const made = await create('form_versions', versionRow(form.id, 1, { created_at: OLD, updated_at: OLD }));
    await expectUpdatedAtTrigger('form_versions', { id: made.id });
  });
});
