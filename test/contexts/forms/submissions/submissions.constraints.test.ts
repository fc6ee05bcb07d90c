// Integrity rules of submissions and submission_attachments, from
// sql/migrations/20261208090000_create_submissions.up.sql, exercised with raw SQL. The harness,
// and how coverage is checked: test/helpers/constraints.ts.
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
import { coverage } from './submissions.constraints.js';

useConstraintHarness(coverage);

const SHA = 'a'.repeat(64);
/** One instant a minute ahead (the same each call: a decision is never before its submission by a millisecond). */
const LATER_AT = new Date(Date.now() + 60_000).toISOString();
const LATER = () => LATER_AT;
let organizationId: string;
let userId: string;
let formId: string;
let versionId: string;
let draftVersionId: string;
let slugs = 0;

/** A form with version 1 published and version 2 a draft. */
async function aForm(org = organizationId): Promise<{ formId: string; versionId: string; draftVersionId: string }> {
  const form = await create('forms', { organization_id: org, slug: `form-${(slugs += 1)}`, name: 'Claim' });
  const published = await create('form_versions', {
    organization_id: org,
    form_id: form.id,
    version: 1,
    definition: '{}',
    definition_sha256: SHA,
    is_published: true,
    published_at: LATER(),
  });
  await client.query(`UPDATE forms SET status = 'published', published_version = 1 WHERE id = $1`, [form.id]);
  const draft = await create('form_versions', { organization_id: org, form_id: form.id, version: 2, definition: '{}', definition_sha256: SHA });
  return { formId: form.id as string, versionId: published.id as string, draftVersionId: draft.id as string };
}

beforeAll(async () => {
  organizationId = (await create('organizations', organizationRow())).id as string;
  userId = (await create('users', userRow(organizationId))).id as string;
  ({ formId, versionId, draftVersionId } = await aForm());
});
const row = (overrides: Row = {}): Row => ({ organization_id: organizationId, form_id: formId, form_version_id: versionId, ...overrides });
/** A submitted submission's columns (number `n`). */
const submitted = (n: number, overrides: Row = {}): Row => row({ status: 'submitted', number: n, submitted_at: LATER(), ...overrides });

describe('submissions', () => {
  it.each(['id', 'created_at', 'updated_at', 'organization_id', 'form_id', 'form_version_id', 'status', 'version', 'data', 'status_changed_at'])(
    'NOT NULL %s',
    (column) => expectRejected(insert('submissions', row({ [column]: null })), NOT_NULL, `submissions.${column}`),
  );

  it('keys: submissions_pkey; one number per form (submissions_form_id_number_key); submissions_organization_id_id_key is the attachments’ target', async () => {
    const first = await create('submissions', submitted(1));
    await expectRejected(insert('submissions', row({ id: first.id })), UNIQUE, 'submissions_organization_id_id_key');
    await expectSameKey('submissions_pkey', 'PRIMARY KEY (id, organization_id)', 'submissions_organization_id_id_key');
    await expectRejected(insert('submissions', submitted(1)), UNIQUE, 'submissions_form_id_number_key');
    await create('submissions', row()); // drafts: no number, any count
    await create('submissions', row());
    const other = await aForm();
    await create('submissions', submitted(1, { form_id: other.formId, form_version_id: other.versionId }));
    const { rows } = await client.query(`
      SELECT pg_get_constraintdef(k.oid) AS definition,
             array(SELECT f.conname::text FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = k.conindid ORDER BY 1) AS referenced_by
      FROM pg_constraint k WHERE k.conname = 'submissions_organization_id_id_key'`);
    expect(rows).toEqual([{ definition: 'UNIQUE (organization_id, id)', referenced_by: ['submission_attachments_submission_id_fkey', 'workflow_executions_submission_id_fkey'] }]);
    markViolated('submissions_organization_id_id_key');
  });

  it('submissions_form_version_id_fkey: the version must be one of the submission’s own form, in its organization', async () => {
    const other = await aForm();
    await expectRejected(insert('submissions', row({ form_version_id: other.versionId })), FOREIGN_KEY, 'submissions_form_version_id_fkey');
    await expectRejected(insert('submissions', row({ form_version_id: randomUUID() })), FOREIGN_KEY, 'submissions_form_version_id_fkey');
  });

  it('foreign keys to users and teams stay within the organization', async () => {
    const otherOrg = (await create('organizations', organizationRow())).id as string;
    const stranger = (await create('users', userRow(otherOrg))).id;
    const team = await create('teams', { organization_id: otherOrg, slug: `t-${(slugs += 1)}`, name: 'Elsewhere' }).catch(() => undefined);
    await expectRejected(insert('submissions', row({ created_by: stranger })), FOREIGN_KEY, 'submissions_created_by_fkey');
    await expectRejected(insert('submissions', row({ assigned_user_id: stranger })), FOREIGN_KEY, 'submissions_assigned_user_id_fkey');
    await expectRejected(insert('submissions', row({ assigned_team_id: team?.id ?? randomUUID() })), FOREIGN_KEY, 'submissions_assigned_team_id_fkey');
    await expectRejected(
      insert('submissions', submitted(90, { status: 'approved', decided_at: LATER(), decided_by: stranger })),
      FOREIGN_KEY,
      'submissions_decided_by_fkey',
    );
  });

  it.each([
    ['submissions_status_values', { status: 'pending', number: 96, submitted_at: 'LATER' }],
    ['submissions_version_positive', { version: 0 }],
    ['submissions_number_positive', { number: 0 }],
    ['submissions_number_when_submitted', { status: 'submitted', submitted_at: 'LATER' }],
    ['submissions_submitted_at_when_not_draft', { submitted_at: 'LATER' }],
    ['submissions_submitted_at_when_not_draft', { status: 'submitted', number: 91 }],
    ['submissions_rejection_needs_reason', { status: 'rejected', number: 92, submitted_at: 'LATER', decided_at: 'LATER' }],
    ['submissions_rejection_reason_length', { rejection_reason: ' ' }],
    ['submissions_rejection_reason_length', { rejection_reason: 'r'.repeat(2001) }],
    ['submissions_decided_when_decided', { status: 'approved', number: 93, submitted_at: 'LATER' }],
    ['submissions_decided_by_with_decided_at', { decided_by: 'USER' }],
    ['submissions_one_assignee', { assigned_user_id: 'USER', assigned_team_id: 'TEAM' }],
    ['submissions_data_object', { data: '[]' }],
    ['submissions_data_object', { data: JSON.stringify({ big: 'x'.repeat(4_200_000) }) }],
    ['submissions_sensitive_data_size', { sensitive_data_encrypted: Buffer.alloc(1_100_001) }],
    ['submissions_submitted_after_created', { status: 'submitted', number: 94, created_at: '2031-01-02T00:00:00Z', submitted_at: '2031-01-01T00:00:00Z' }],
    ['submissions_decided_after_submitted', { status: 'approved', number: 95, submitted_at: '2031-01-02T00:00:00Z', decided_at: '2031-01-01T00:00:00Z' }],
  ] as [string, Row][])('%s rejects %s', async (constraint, overrides) => {
    const values: Row = {};
    for (const [k, v] of Object.entries(overrides)) values[k] = v === 'LATER' ? LATER() : v === 'USER' ? userId : v;
    if (overrides.assigned_team_id === 'TEAM') {
      const team = await client.query<{ id: string }>(
        `WITH t AS (INSERT INTO teams (organization_id, slug, name) VALUES ($1, $2, 'Team') RETURNING id),
           m AS (INSERT INTO team_members (organization_id, team_id, user_id, role) SELECT $1, id, $3, 'owner' FROM t) SELECT id FROM t`,
        [organizationId, `t-${(slugs += 1)}`, userId],
      );
      values.assigned_team_id = team.rows[0]!.id;
    }
    await expectRejected(insert('submissions', row(values)), CHECK, constraint);
  });

  it('submissions_form_version_published: only a published version accepts submissions', async () => {
    await expect(client.query(insert('submissions', row({ form_version_id: draftVersionId })))).rejects.toMatchObject({
      code: CHECK,
      constraint: 'submissions_form_version_published',
    });
    markTriggerChecked('submissions_form_version_published');
  });

  it('submissions_attachments_clean: a draft with an attachment not scanned clean cannot leave draft', async () => {
    const draft = await create('submissions', row());
    const attachment = await create('submission_attachments', attachmentRow(draft.id as string));
    const submit = () => client.query(`UPDATE submissions SET status = 'submitted', number = $2, submitted_at = now() WHERE id = $1`, [draft.id, 700 + slugs++]);
    await expect(submit()).rejects.toMatchObject({ code: CHECK, constraint: 'submissions_attachments_clean' });
    await client.query(`UPDATE submission_attachments SET scan_status = 'infected', scanned_at = now() WHERE id = $1`, [attachment.id]);
    await expect(submit()).rejects.toMatchObject({ code: CHECK, constraint: 'submissions_attachments_clean' });
    await client.query(`DELETE FROM submission_attachments WHERE id = $1`, [attachment.id]);
    const clean = await create('submission_attachments', attachmentRow(draft.id as string));
    await client.query(`UPDATE submission_attachments SET scan_status = 'clean', scanned_at = now() WHERE id = $1`, [clean.id]);
    await submit();
    markTriggerChecked('submissions_attachments_clean');
  });

  it('submissions_set_updated_at keeps updated_at current', async () => {
    const made = await create('submissions', row({ created_at: OLD, updated_at: OLD }));
    await expectUpdatedAtTrigger('submissions', { id: made.id });
  });
});

let keys = 0;
function attachmentRow(submissionId: string, overrides: Row = {}): Row {
  return {
    organization_id: organizationId,
    submission_id: submissionId,
    storage_key: `org/${organizationId}/files/${(keys += 1)}-${randomUUID()}`,
    file_name: 'receipt.pdf',
    sha256: SHA,
    size_bytes: 1234,
    mime_type: 'application/pdf',
    ...overrides,
  };
}

describe('submission_attachments', () => {
  let draftId: string;
  beforeAll(async () => {
    draftId = (await create('submissions', row())).id as string;
  });

  it.each(['id', 'created_at', 'updated_at', 'organization_id', 'submission_id', 'storage_key', 'file_name', 'sha256', 'size_bytes', 'mime_type', 'scan_status'])(
    'NOT NULL %s',
    (column) => expectRejected(insert('submission_attachments', attachmentRow(draftId, { [column]: null })), NOT_NULL, `submission_attachments.${column}`),
  );

  it('keys: the primary key, a storage key once, the submission within the organization', async () => {
    const first = await create('submission_attachments', attachmentRow(draftId));
    await expectRejected(insert('submission_attachments', attachmentRow(draftId, { id: first.id })), UNIQUE, 'submission_attachments_pkey');
    await expectRejected(insert('submission_attachments', attachmentRow(draftId, { storage_key: first.storage_key })), UNIQUE, 'submission_attachments_storage_key_key');
    const otherOrg = (await create('organizations', organizationRow())).id as string;
    await expectRejected(insert('submission_attachments', attachmentRow(draftId, { organization_id: otherOrg })), FOREIGN_KEY, 'submission_attachments_submission_id_fkey');
  });

  it.each([
    ['submission_attachments_storage_key_length', { storage_key: '' }],
    ['submission_attachments_storage_key_length', { storage_key: 'a b' }],
    ['submission_attachments_storage_key_length', { storage_key: 'k'.repeat(1025) }],
    ['submission_attachments_file_name_length', { file_name: '' }],
    ['submission_attachments_file_name_length', { file_name: '../etc/passwd' }],
    ['submission_attachments_file_name_length', { file_name: 'a\\b' }],
    ['submission_attachments_file_name_length', { file_name: 'line\nbreak' }],
    ['submission_attachments_sha256_format', { sha256: 'A'.repeat(64) }],
    ['submission_attachments_size_range', { size_bytes: -1 }],
    ['submission_attachments_size_range', { size_bytes: 5368709121 }],
    ['submission_attachments_mime_type_format', { mime_type: 'application' }],
    ['submission_attachments_mime_type_format', { mime_type: 'Application/PDF' }],
    ['submission_attachments_mime_type_format', { mime_type: 'a/b/c' }],
    ['submission_attachments_mime_type_format', { mime_type: `${'a'.repeat(128)}/pdf` }],
    ['submission_attachments_scan_status_values', { scan_status: 'unknown' }],
    ['submission_attachments_scanned_at_when_scanned', { scan_status: 'clean' }],
    ['submission_attachments_scanned_at_when_scanned', { scanned_at: '2031-01-01T00:00:00Z' }],
  ] as [string, Row][])('%s rejects %j', (constraint, overrides) => expectRejected(insert('submission_attachments', attachmentRow(draftId, overrides)), CHECK, constraint));

  it('submission_attachments_mime_type_format rejects a huge type at once (no backtracking)', () =>
    expectRejected(insert('submission_attachments', attachmentRow(draftId, { mime_type: `${HUGE}/${HUGE}` })), CHECK, 'submission_attachments_mime_type_format'));

  it('submission_attachments_draft_only: added and removed only while the submission is a draft; scanned once; the file never changes', async () => {
    const draft = (await create('submissions', row())).id as string;
    const attachment = await create('submission_attachments', attachmentRow(draft));
    const reject = (text: string, values: unknown[], constraint: string) => expect(client.query(text, values)).rejects.toMatchObject({ code: CHECK, constraint });
    await reject(`UPDATE submission_attachments SET sha256 = $2 WHERE id = $1`, [attachment.id, 'b'.repeat(64)], 'submission_attachments_scan_once');
    await client.query(`UPDATE submission_attachments SET scan_status = 'clean', scanned_at = now() WHERE id = $1`, [attachment.id]);
    await reject(`UPDATE submission_attachments SET scan_status = 'infected' WHERE id = $1`, [attachment.id], 'submission_attachments_scan_once');
    await client.query(`UPDATE submissions SET status = 'submitted', number = $2, submitted_at = now() WHERE id = $1`, [draft, 800 + slugs++]);
    await reject(insert('submission_attachments', attachmentRow(draft)).text, insert('submission_attachments', attachmentRow(draft)).values!, 'submission_attachments_draft_only');
    await reject(`DELETE FROM submission_attachments WHERE id = $1`, [attachment.id], 'submission_attachments_draft_only');
    markTriggerChecked('submission_attachments_draft_only');
  });

  it('submission_attachments_set_updated_at keeps updated_at current', async () => {
    const made = await create('submission_attachments', attachmentRow(draftId, { created_at: OLD, updated_at: OLD }));
    await expectUpdatedAtTrigger('submission_attachments', { id: made.id });
  });
});
