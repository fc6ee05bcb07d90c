// Integrity rules of workflows, workflow_versions, workflow_triggers, workflow_executions and
// workflow_execution_steps, from sql/migrations/20261210090000_create_workflows.up.sql, exercised
// with raw SQL. The harness, and how coverage is checked: test/helpers/constraints.ts.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CHECK,
  client,
  count,
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
import { coverage } from './workflows.constraints.js';

useConstraintHarness(coverage);

const SHA = 'a'.repeat(64);
const DEFINITION = JSON.stringify({ format: 1, initial: 'start', states: { start: { type: 'end', outcome: 'completed' } } });
/**
 * One instant ten minutes ahead (the file runs in seconds), the same for every row: when two
 * columns must be ordered (published after created, finished after started), they never differ
 * by a millisecond.
 */
const LATER_AT = new Date(Date.now() + 600_000).toISOString();

let organizationId: string;
let otherOrganizationId: string;
let userId: string;
/** A user of the other organization. */
let strangerId: string;
let slugs = 0;

/** A workflow: its key, and its versions' ids by number (versions[0] is version 1). */
interface WorkflowKey {
  id: string;
  organization_id: string;
  versions: string[];
}

const workflowRow = (overrides: Row = {}): Row => ({
  organization_id: organizationId,
  slug: `workflow-${(slugs += 1)}`,
  name: 'Approve expense claims',
  ...overrides,
});
const versionRow = (workflowId: unknown, version: number, overrides: Row = {}): Row => ({
  organization_id: organizationId,
  workflow_id: workflowId,
  version,
  definition: DEFINITION,
  definition_sha256: SHA,
  ...overrides,
});
/** The columns of a published version. */
const PUBLISHED: Row = { is_published: true, published_at: LATER_AT };

/** A workflow of `org` with `published` published versions (the last one live) and, when `draft`, a draft after them. */
async function aWorkflow(published = 0, draft = false, org = organizationId): Promise<WorkflowKey> {
  const workflow = await create('workflows', workflowRow({ organization_id: org }));
  const versions: string[] = [];
  for (let v = 1; v <= published; v += 1) {
    versions.push((await create('workflow_versions', versionRow(workflow.id, v, { organization_id: org, ...PUBLISHED }))).id as string);
  }
  if (published > 0) {
    await client.query(`UPDATE workflows SET status = 'published', published_version = $2 WHERE id = $1`, [workflow.id, published]);
  }
  if (draft) versions.push((await create('workflow_versions', versionRow(workflow.id, published + 1, { organization_id: org }))).id as string);
  return { id: workflow.id as string, organization_id: org, versions };
}

/** A form of `org` with version 1 published (submissions need a published version). */
async function aForm(org = organizationId): Promise<{ formId: string; versionId: string }> {
  const form = await create('forms', { organization_id: org, slug: `form-${(slugs += 1)}`, name: 'Expense claim' });
  const version = await create('form_versions', {
    organization_id: org,
    form_id: form.id,
    version: 1,
    definition: '{}',
    definition_sha256: SHA,
    ...PUBLISHED,
  });
  await client.query(`UPDATE forms SET status = 'published', published_version = 1 WHERE id = $1`, [form.id]);
  return { formId: form.id as string, versionId: version.id as string };
}

/** A draft submission of the form; returns its id. */
const aSubmission = async (form: { formId: string; versionId: string }, org = organizationId): Promise<string> =>
  (await create('submissions', { organization_id: org, form_id: form.formId, form_version_id: form.versionId })).id as string;

const triggerRow = (workflowId: string, overrides: Row = {}): Row => ({
  organization_id: organizationId,
  workflow_id: workflowId,
  kind: 'manual',
  ...overrides,
});

/** A running execution's columns; a finished one's, by final status. */
const RUNNING_EXECUTION: Row = { status: 'running', started_at: LATER_AT };
const COMPLETED_EXECUTION: Row = { status: 'completed', started_at: LATER_AT, finished_at: LATER_AT };
const FAILED_EXECUTION: Row = { status: 'failed', started_at: LATER_AT, finished_at: LATER_AT, error: 'ActionFailed:webhook_status' };

const executionRow = (workflow: WorkflowKey, overrides: Row = {}): Row => ({
  organization_id: workflow.organization_id,
  workflow_id: workflow.id,
  workflow_version_id: workflow.versions[0],
  current_state: 'start',
  ...overrides,
});

let stepNumbers = 0;
const stepRow = (executionId: string, overrides: Row = {}): Row => ({
  organization_id: organizationId,
  execution_id: executionId,
  number: (stepNumbers += 1),
  state: 'start',
  action_index: 0,
  action_type: 'notify',
  timeout_seconds: 30,
  ...overrides,
});
/** A step's columns while a worker holds it; when finished, by final status. */
const RUNNING_STEP: Row = { status: 'running', attempts: 1, started_at: LATER_AT, leased_by: 'worker-1', leased_until: LATER_AT };
const COMPLETED_STEP: Row = { status: 'completed', attempts: 1, started_at: LATER_AT, finished_at: LATER_AT };
const FAILED_STEP: Row = { status: 'failed', attempts: 1, started_at: LATER_AT, finished_at: LATER_AT, error: 'HttpError:503' };

/** The foreign keys backed by the unique constraint `name`, and its definition. */
async function referencedBy(name: string): Promise<Row[]> {
  const { rows } = await client.query(
    `SELECT pg_get_constraintdef(k.oid) AS definition,
            array(SELECT f.conname::text FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = k.conindid ORDER BY 1) AS referenced_by
     FROM pg_constraint k WHERE k.conname = $1`,
    [name],
  );
  return rows;
}

/** Asserts that `statement` is refused by a trigger raising 23514 with constraint `constraint`. */
const expectRefusedBy = (text: string, values: unknown[] | undefined, constraint: string) =>
  expect(client.query(text, values)).rejects.toMatchObject({ code: CHECK, constraint });

let flow: WorkflowKey;
beforeAll(async () => {
  organizationId = (await create('organizations', organizationRow())).id as string;
  otherOrganizationId = (await create('organizations', organizationRow())).id as string;
  userId = (await create('users', userRow(organizationId))).id as string;
  strangerId = (await create('users', userRow(otherOrganizationId))).id as string;
  flow = await aWorkflow(1);
});

describe('workflows', () => {
  it.each(['id', 'created_at', 'updated_at', 'organization_id', 'slug', 'name', 'status', 'latest_version'])('NOT NULL %s', (column) =>
    expectRejected(insert('workflows', workflowRow({ [column]: null })), NOT_NULL, `workflows.${column}`),
  );

  it('workflows_pkey; workflows_organization_id_slug_key among live workflows only; workflows_organization_id_id_key is the target of the tenant-scoped keys', async () => {
    const first = await create('workflows', workflowRow());
    await expectRejected(insert('workflows', workflowRow({ id: first.id })), UNIQUE, 'workflows_organization_id_id_key');
    await expectSameKey('workflows_pkey', 'PRIMARY KEY (id, organization_id)', 'workflows_organization_id_id_key');
    await expectRejected(insert('workflows', workflowRow({ slug: first.slug })), UNIQUE, 'workflows_organization_id_slug_key');
    // A deleted workflow's slug can be taken again, and another organization has slugs of its own.
    await create('workflows', workflowRow({ slug: first.slug, deleted_at: '2031-01-01T00:00:00Z' }));
    await create('workflows', workflowRow({ organization_id: otherOrganizationId, slug: first.slug }));
    await client.query(`UPDATE workflows SET deleted_at = now() WHERE id = $1`, [first.id]);
    await create('workflows', workflowRow({ slug: first.slug }));
    expect(await referencedBy('workflows_organization_id_id_key')).toEqual([
      { definition: 'UNIQUE (organization_id, id)', referenced_by: ['workflow_triggers_workflow_id_fkey', 'workflow_versions_workflow_id_fkey'] },
    ]);
    markViolated('workflows_organization_id_id_key');
  });

  it('workflows_organization_id_fkey', () =>
    expectRejected(insert('workflows', workflowRow({ organization_id: randomUUID() })), FOREIGN_KEY, 'workflows_organization_id_fkey'));

  it.each([
    ['workflows_slug_format', { slug: 'Claims' }],
    ['workflows_slug_format', { slug: 'a--b' }],
    ['workflows_slug_format', { slug: '-a' }],
    ['workflows_slug_format', { slug: 'a-' }],
    ['workflows_slug_format', { slug: 'a_b' }],
    ['workflows_slug_format', { slug: '' }],
    ['workflows_slug_format', { slug: 'a'.repeat(64) }],
    ['workflows_name_length', { name: '' }],
    ['workflows_name_length', { name: ' \t\n' }],
    ['workflows_name_length', { name: 'n'.repeat(201) }],
    ['workflows_description_length', { description: 'd'.repeat(1001) }],
    ['workflows_status_values', { status: 'live', latest_version: 1, published_version: 1 }],
    ['workflows_published_when_not_draft', { status: 'published' }],
    ['workflows_published_when_not_draft', { status: 'archived' }],
    ['workflows_published_when_not_draft', { status: 'draft', latest_version: 1, published_version: 1 }],
    ['workflows_latest_version_range', { latest_version: -1 }],
    ['workflows_published_version_range', { status: 'published', published_version: 1 }],
    ['workflows_published_version_range', { status: 'published', latest_version: 1, published_version: 0 }],
    ['workflows_published_version_range', { status: 'published', latest_version: 2, published_version: 3 }],
    ['workflows_deleted_after_created', { created_at: '2031-01-02T00:00:00Z', deleted_at: '2031-01-01T00:00:00Z' }],
  ] as [string, Row][])('%s rejects %j', (constraint, overrides) => expectRejected(insert('workflows', workflowRow(overrides)), CHECK, constraint));

  it('near misses are accepted: the longest slug and name, a one-word slug, the longest description, deleted when created', async () => {
    await create('workflows', workflowRow({ slug: `a${'-b'.repeat(31)}` }));
    await create('workflows', workflowRow({ slug: 'x'.repeat(63) }));
    await create('workflows', workflowRow({ slug: `2026-${(slugs += 1)}` }));
    await create('workflows', workflowRow({ name: 'n'.repeat(200), description: 'd'.repeat(1000) }));
    await create('workflows', workflowRow({ name: ' x ', description: '' }));
    await create('workflows', workflowRow({ created_at: '2031-01-01T00:00:00Z', deleted_at: '2031-01-01T00:00:00Z' }));
  });

  it('workflows_slug_format rejects a huge slug at once (no backtracking)', () =>
    expectRejected(insert('workflows', workflowRow({ slug: HUGE })), CHECK, 'workflows_slug_format'));

  it('workflows_published_when_not_draft: a published workflow cannot go back to draft; archived keeps its version', async () => {
    const workflow = await aWorkflow(1);
    await expectRejected(
      { text: `UPDATE workflows SET status = 'draft' WHERE id = $1`, values: [workflow.id] },
      CHECK,
      'workflows_published_when_not_draft',
    );
    await client.query(`UPDATE workflows SET status = 'archived' WHERE id = $1`, [workflow.id]);
    await expectRejected(
      { text: `UPDATE workflows SET published_version = NULL WHERE id = $1`, values: [workflow.id] },
      CHECK,
      'workflows_published_when_not_draft',
    );
  });

  it('workflows_published_version_published: the workflow points only at a published version of its own', async () => {
    const workflow = await aWorkflow(1, true);
    const reject = (id: string, version: number) =>
      expectRefusedBy(`UPDATE workflows SET published_version = $2 WHERE id = $1`, [id, version], 'workflows_published_version_published');
    await reject(workflow.id, 2); // the draft
    // Its own older published version: a rollback, fine.
    const other = await aWorkflow(2);
    await client.query(`UPDATE workflows SET published_version = 1 WHERE id = $1`, [other.id]);
    await client.query(`UPDATE workflows SET published_version = 2 WHERE id = $1`, [other.id]);
    // Version 2 of another workflow does not count: latest_version lets the number through, the trigger refuses it.
    const single = await aWorkflow(1);
    await client.query(`UPDATE workflows SET latest_version = 2 WHERE id = $1`, [single.id]);
    await reject(single.id, 2);
    // On INSERT too: a workflow born published, with no version at all.
    const born = insert('workflows', workflowRow({ status: 'published', latest_version: 1, published_version: 1 }));
    await expectRefusedBy(born.text, born.values, 'workflows_published_version_published');
    markTriggerChecked('workflows_published_version_published');
  });

  it('workflows_set_updated_at keeps updated_at current', async () => {
    const made = await create('workflows', workflowRow({ created_at: OLD, updated_at: OLD }));
    await expectUpdatedAtTrigger('workflows', { id: made.id });
  });
});

describe('workflow_versions', () => {
  let withOne: WorkflowKey;
  /** A workflow without versions: each test row would be its version 1. */
  let empty: WorkflowKey;
  beforeAll(async () => {
    withOne = await aWorkflow(1);
    empty = await aWorkflow();
  });

  it.each(['id', 'created_at', 'updated_at', 'organization_id', 'workflow_id', 'version', 'definition', 'definition_sha256', 'revision', 'is_published'])(
    'NOT NULL %s',
    (column) => expectRejected(insert('workflow_versions', versionRow(withOne.id, 2, { [column]: null })), NOT_NULL, `workflow_versions.${column}`),
  );

  it('keys: workflow_versions_pkey, (workflow, version) unique, (workflow, id) the executions’ target; one draft per workflow', async () => {
    const workflow = await aWorkflow(1, true);
    await expectRejected(insert('workflow_versions', versionRow((await aWorkflow()).id, 1, { id: workflow.versions[0] })), UNIQUE, 'workflow_versions_pkey');
    await expectRejected(insert('workflow_versions', versionRow(workflow.id, 3)), UNIQUE, 'workflow_versions_one_draft_key');
    // The key is on drafts only: a published version beside the draft does not conflict.
    await create('workflow_versions', versionRow(workflow.id, 3, PUBLISHED));
    // A number taken: workflow_versions_contiguous refuses it first; with user triggers off (a
    // replica session), the unique key still does.
    await client.query('BEGIN');
    try {
      await client.query('SET LOCAL session_replication_role = replica');
      await expectRejected(insert('workflow_versions', versionRow(workflow.id, 1, PUBLISHED)), UNIQUE, 'workflow_versions_organization_id_workflow_id_version_key');
    } finally {
      await client.query('ROLLBACK');
    }
    expect(await referencedBy('workflow_versions_organization_id_workflow_id_id_key')).toEqual([
      { definition: 'UNIQUE (organization_id, workflow_id, id)', referenced_by: ['workflow_executions_workflow_version_id_fkey'] },
    ]);
    markViolated('workflow_versions_organization_id_workflow_id_id_key');
  });

  it('foreign keys: the workflow, and the users who made and published it, within the organization', async () => {
    const workflow = await aWorkflow();
    await expectRejected(insert('workflow_versions', versionRow(workflow.id, 1, { created_by: strangerId })), FOREIGN_KEY, 'workflow_versions_created_by_fkey');
    await expectRejected(
      insert('workflow_versions', versionRow(workflow.id, 1, { ...PUBLISHED, published_by: strangerId })),
      FOREIGN_KEY,
      'workflow_versions_published_by_fkey',
    );
    await create('workflow_versions', versionRow(workflow.id, 1, { ...PUBLISHED, created_by: userId, published_by: userId }));
    // A version of a missing workflow is refused by workflow_versions_contiguous first (it finds
    // no workflow to number after); the foreign key keeps the workflow from going while it has versions.
    await expectRejected({ text: 'DELETE FROM workflows WHERE id = $1', values: [workflow.id] }, FOREIGN_KEY, 'workflow_versions_workflow_id_fkey');
  });

  it.each([
    ['workflow_versions_version_range', { version: 0 }],
    ['workflow_versions_version_range', { version: -1 }],
    ['workflow_versions_revision_positive', { revision: 0 }],
    ['workflow_versions_definition_object', { definition: '[]' }],
    ['workflow_versions_definition_object', { definition: '"x"' }],
    ['workflow_versions_definition_object', { definition: 'null' }],
    ['workflow_versions_definition_object', { definition: JSON.stringify({ big: 'x'.repeat(1_100_000) }) }],
    ['workflow_versions_definition_sha256_format', { definition_sha256: 'A'.repeat(64) }],
    ['workflow_versions_definition_sha256_format', { definition_sha256: 'a'.repeat(63) }],
    ['workflow_versions_definition_sha256_format', { definition_sha256: 'a'.repeat(65) }],
    ['workflow_versions_definition_sha256_format', { definition_sha256: 'g'.repeat(64) }],
    ['workflow_versions_definition_sha256_format', { definition_sha256: `${'a'.repeat(64)}\n` }],
    ['workflow_versions_published_at_when_published', { is_published: true }],
    ['workflow_versions_published_at_when_published', { published_at: LATER_AT }],
    ['workflow_versions_published_by_when_published', { published_by: 'USER' }],
    ['workflow_versions_published_after_created', { is_published: true, created_at: '2031-01-02T00:00:00Z', published_at: '2031-01-01T00:00:00Z' }],
  ] as [string, Row][])('%s rejects %j', async (constraint, overrides) => {
    const row = versionRow(empty.id, 1, overrides);
    if (row.published_by === 'USER') row.published_by = userId;
    await expectRejected(insert('workflow_versions', row), CHECK, constraint);
  });

  it('workflow_versions_published_after_created accepts a version published the instant it was made', async () => {
    const workflow = await aWorkflow();
    await create('workflow_versions', versionRow(workflow.id, 1, { is_published: true, created_at: LATER_AT, published_at: LATER_AT }));
  });

  it('workflow_versions_contiguous: numbered latest + 1 of a live workflow of the same organization, and counted on the workflow', async () => {
    const workflow = await aWorkflow(1);
    const reject = (row: Row) => {
      const { text, values } = insert('workflow_versions', row);
      return expectRefusedBy(text, values, 'workflow_versions_contiguous');
    };
    await reject(versionRow(workflow.id, 3)); // a gap
    await reject(versionRow(workflow.id, 1, PUBLISHED)); // taken, behind the latest
    await reject(versionRow(workflow.id, 2, { organization_id: otherOrganizationId })); // not a workflow of that organization
    await reject(versionRow(randomUUID(), 1)); // no such workflow
    const deleted = await aWorkflow();
    await client.query(`UPDATE workflows SET deleted_at = now() WHERE id = $1`, [deleted.id]);
    await reject(versionRow(deleted.id, 1)); // a deleted workflow
    await create('workflow_versions', versionRow(workflow.id, 2));
    expect((await client.query('SELECT latest_version FROM workflows WHERE id = $1', [workflow.id])).rows).toEqual([{ latest_version: 2 }]);
    markTriggerChecked('workflow_versions_contiguous');
  });

  it('workflow_versions_immutable: a published version never changes; no version is deleted; a draft’s identity stays', async () => {
    const workflow = await aWorkflow(1, true);
    const reject = (text: string) => expectRefusedBy(text, [workflow.id], 'workflow_versions_immutable');
    await reject(`UPDATE workflow_versions SET definition = '{"format":1,"states":{}}' WHERE workflow_id = $1 AND version = 1`);
    await reject(`UPDATE workflow_versions SET updated_at = now() WHERE workflow_id = $1 AND version = 1`);
    await reject(`UPDATE workflow_versions SET is_published = false, published_at = NULL WHERE workflow_id = $1 AND version = 1`);
    await reject(`DELETE FROM workflow_versions WHERE workflow_id = $1 AND version = 1`);
    await reject(`DELETE FROM workflow_versions WHERE workflow_id = $1 AND version = 2`);
    await reject(`UPDATE workflow_versions SET version = 3 WHERE workflow_id = $1 AND version = 2`);
    await reject(`UPDATE workflow_versions SET id = gen_random_uuid() WHERE workflow_id = $1 AND version = 2`);
    await reject(`UPDATE workflow_versions SET created_at = created_at - interval '1 day' WHERE workflow_id = $1 AND version = 2`);
    await reject(`UPDATE workflow_versions SET created_by = '${userId}' WHERE workflow_id = $1 AND version = 2`);
    await reject(`UPDATE workflow_versions SET workflow_id = '${flow.id}' WHERE workflow_id = $1 AND version = 2`);
    await reject(`UPDATE workflow_versions SET organization_id = '${otherOrganizationId}' WHERE workflow_id = $1 AND version = 2`);
    // The draft may change its definition (a new revision), and be published once.
    await client.query(
      `UPDATE workflow_versions SET definition = '{"format":1}', definition_sha256 = $2, revision = revision + 1 WHERE workflow_id = $1 AND version = 2`,
      [workflow.id, 'b'.repeat(64)],
    );
    await client.query(`UPDATE workflow_versions SET is_published = true, published_at = now(), published_by = $2 WHERE workflow_id = $1 AND version = 2`, [
      workflow.id,
      userId,
    ]);
    await reject(`UPDATE workflow_versions SET published_by = NULL WHERE workflow_id = $1 AND version = 2`);
    markTriggerChecked('workflow_versions_immutable');
  });

  it('workflow_versions_set_updated_at keeps updated_at current', async () => {
    const workflow = await aWorkflow();
    const made = await create('workflow_versions', versionRow(workflow.id, 1, { created_at: OLD, updated_at: OLD }));
    await expectUpdatedAtTrigger('workflow_versions', { id: made.id });
  });
});

describe('workflow_triggers', () => {
  let form: { formId: string; versionId: string };
  beforeAll(async () => {
    form = await aForm();
  });

  it.each(['id', 'created_at', 'updated_at', 'organization_id', 'workflow_id', 'kind', 'is_active'])('NOT NULL %s', (column) =>
    expectRejected(insert('workflow_triggers', triggerRow(flow.id, { [column]: null })), NOT_NULL, `workflow_triggers.${column}`),
  );

  it('keys: workflow_triggers_pkey; workflow_triggers_organization_id_workflow_id_id_key is the executions’ target', async () => {
    const workflow = await aWorkflow();
    const first = await create('workflow_triggers', triggerRow(workflow.id));
    await expectRejected(insert('workflow_triggers', triggerRow((await aWorkflow()).id, { id: first.id })), UNIQUE, 'workflow_triggers_pkey');
    expect(await referencedBy('workflow_triggers_organization_id_workflow_id_id_key')).toEqual([
      { definition: 'UNIQUE (organization_id, workflow_id, id)', referenced_by: ['workflow_executions_trigger_id_fkey'] },
    ]);
    markViolated('workflow_triggers_organization_id_workflow_id_id_key');
  });

  it('workflow_triggers_form_key: one active trigger per workflow and form', async () => {
    const workflow = await aWorkflow();
    const other = await aForm();
    const first = await create('workflow_triggers', triggerRow(workflow.id, { kind: 'form_submission', form_id: form.formId }));
    await expectRejected(insert('workflow_triggers', triggerRow(workflow.id, { kind: 'form_submission', form_id: form.formId })), UNIQUE, 'workflow_triggers_form_key');
    // Inactive ones, another form, the same form on another workflow: no conflict.
    await create('workflow_triggers', triggerRow(workflow.id, { kind: 'form_submission', form_id: form.formId, is_active: false }));
    await create('workflow_triggers', triggerRow(workflow.id, { kind: 'form_submission', form_id: other.formId }));
    await create('workflow_triggers', triggerRow((await aWorkflow()).id, { kind: 'form_submission', form_id: form.formId }));
    // Turned off, the form can have an active trigger again; turning the old one back on conflicts.
    await client.query(`UPDATE workflow_triggers SET is_active = false WHERE id = $1`, [first.id]);
    await create('workflow_triggers', triggerRow(workflow.id, { kind: 'form_submission', form_id: form.formId }));
    await expectRejected({ text: `UPDATE workflow_triggers SET is_active = true WHERE id = $1`, values: [first.id] }, UNIQUE, 'workflow_triggers_form_key');
  });

  it('workflow_triggers_event_key: one active trigger per workflow and event type', async () => {
    const workflow = await aWorkflow();
    await create('workflow_triggers', triggerRow(workflow.id, { kind: 'event', event_type_code: 'form.published' }));
    await expectRejected(insert('workflow_triggers', triggerRow(workflow.id, { kind: 'event', event_type_code: 'form.published' })), UNIQUE, 'workflow_triggers_event_key');
    await create('workflow_triggers', triggerRow(workflow.id, { kind: 'event', event_type_code: 'form.published', is_active: false }));
    await create('workflow_triggers', triggerRow(workflow.id, { kind: 'event', event_type_code: 'form.archived' }));
    await create('workflow_triggers', triggerRow((await aWorkflow()).id, { kind: 'event', event_type_code: 'form.published' }));
  });

  it('workflow_triggers_manual_key: one active manual trigger per workflow; schedules are not limited', async () => {
    const workflow = await aWorkflow();
    await create('workflow_triggers', triggerRow(workflow.id));
    await expectRejected(insert('workflow_triggers', triggerRow(workflow.id)), UNIQUE, 'workflow_triggers_manual_key');
    await create('workflow_triggers', triggerRow(workflow.id, { is_active: false }));
    await create('workflow_triggers', triggerRow((await aWorkflow()).id));
    await create('workflow_triggers', triggerRow(workflow.id, { kind: 'schedule', cron: '0 9 * * 1' }));
    await create('workflow_triggers', triggerRow(workflow.id, { kind: 'schedule', cron: '0 9 * * 1' }));
  });

  it('foreign keys: the workflow, form and creator within the organization; a known event type', async () => {
    const foreign = await aWorkflow(0, false, otherOrganizationId);
    const foreignForm = await aForm(otherOrganizationId);
    await expectRejected(insert('workflow_triggers', triggerRow(foreign.id)), FOREIGN_KEY, 'workflow_triggers_workflow_id_fkey');
    await expectRejected(insert('workflow_triggers', triggerRow(randomUUID())), FOREIGN_KEY, 'workflow_triggers_workflow_id_fkey');
    const workflow = await aWorkflow();
    await expectRejected(
      insert('workflow_triggers', triggerRow(workflow.id, { kind: 'form_submission', form_id: foreignForm.formId })),
      FOREIGN_KEY,
      'workflow_triggers_form_id_fkey',
    );
    await expectRejected(
      insert('workflow_triggers', triggerRow(workflow.id, { kind: 'event', event_type_code: 'workflow.no_such_event' })),
      FOREIGN_KEY,
      'workflow_triggers_event_type_code_fkey',
    );
    await expectRejected(insert('workflow_triggers', triggerRow(workflow.id, { created_by: strangerId })), FOREIGN_KEY, 'workflow_triggers_created_by_fkey');
    await create('workflow_triggers', triggerRow(workflow.id, { created_by: userId }));
    await create('workflow_triggers', triggerRow(workflow.id, { kind: 'event', event_type_code: 'workflow_execution.completed' }));
  });

  it.each([
    ['workflow_triggers_kind_values', { kind: 'webhook' }],
    ['workflow_triggers_kind_values', { kind: 'Manual' }],
    ['workflow_triggers_form_when_form_submission', { kind: 'form_submission' }],
    ['workflow_triggers_form_when_form_submission', { form_id: 'FORM' }],
    ['workflow_triggers_event_type_when_event', { kind: 'event' }],
    ['workflow_triggers_event_type_when_event', { event_type_code: 'form.published' }],
    ['workflow_triggers_cron_when_schedule', { kind: 'schedule' }],
    ['workflow_triggers_cron_when_schedule', { cron: '* * * * *' }],
    ['workflow_triggers_next_run_when_schedule', { next_run_at: LATER_AT }],
    ['workflow_triggers_cron_shape', { kind: 'schedule', cron: '* * * *' }],
    ['workflow_triggers_cron_shape', { kind: 'schedule', cron: '* * * * * *' }],
    ['workflow_triggers_cron_shape', { kind: 'schedule', cron: '*  * * * *' }],
    ['workflow_triggers_cron_shape', { kind: 'schedule', cron: ' * * * * *' }],
    ['workflow_triggers_cron_shape', { kind: 'schedule', cron: '* * * * * ' }],
    ['workflow_triggers_cron_shape', { kind: 'schedule', cron: '0 9 * * MON' }],
    ['workflow_triggers_cron_shape', { kind: 'schedule', cron: '@daily' }],
    ['workflow_triggers_cron_shape', { kind: 'schedule', cron: '' }],
    ['workflow_triggers_cron_shape', { kind: 'schedule', cron: '* * * * *\n' }],
    ['workflow_triggers_cron_shape', { kind: 'schedule', cron: `${'1,'.repeat(96)}1 * * * *` }],
  ] as [string, Row][])('%s rejects %j', async (constraint, overrides) => {
    const values: Row = { ...overrides };
    if (values.form_id === 'FORM') values.form_id = form.formId;
    await expectRejected(insert('workflow_triggers', triggerRow(flow.id, values)), CHECK, constraint);
  });

  it('workflow_triggers_cron_shape accepts five fields of digits, *, /, , and -, up to 200 characters', async () => {
    const workflow = await aWorkflow();
    const longest = `${'1,'.repeat(95)}1 * * * *`;
    expect(longest.length).toBe(199);
    for (const cron of ['* * * * *', '*/5 0-6 1,15 * 1-5', '0 9 1 1 0', longest, `1${longest}`]) {
      await create('workflow_triggers', triggerRow(workflow.id, { kind: 'schedule', cron, next_run_at: LATER_AT }));
    }
  });

  it('workflow_triggers_cron_shape rejects a huge expression at once (no backtracking)', () =>
    expectRejected(
      insert('workflow_triggers', triggerRow(flow.id, { kind: 'schedule', cron: `${'1 '.repeat(50_000)}!` })),
      CHECK,
      'workflow_triggers_cron_shape',
    ));

  it('workflow_triggers_set_updated_at keeps updated_at current', async () => {
    const made = await create('workflow_triggers', triggerRow((await aWorkflow()).id, { created_at: OLD, updated_at: OLD }));
    await expectUpdatedAtTrigger('workflow_triggers', { id: made.id });
  });
});

describe('workflow_executions', () => {
  it.each(['id', 'created_at', 'updated_at', 'organization_id', 'workflow_id', 'workflow_version_id', 'status', 'version', 'current_state', 'input', 'context'])(
    'NOT NULL %s',
    (column) => expectRejected(insert('workflow_executions', executionRow(flow, { [column]: null })), NOT_NULL, `workflow_executions.${column}`),
  );

  it('keys: workflow_executions_pkey; workflow_executions_organization_id_id_key is the steps’ target', async () => {
    const first = await create('workflow_executions', executionRow(flow));
    await expectRejected(insert('workflow_executions', executionRow(flow, { id: first.id })), UNIQUE, 'workflow_executions_organization_id_id_key');
    await expectSameKey('workflow_executions_pkey', 'PRIMARY KEY (id, organization_id)', 'workflow_executions_organization_id_id_key');
    expect(await referencedBy('workflow_executions_organization_id_id_key')).toEqual([
      { definition: 'UNIQUE (organization_id, id)', referenced_by: ['workflow_execution_steps_execution_id_fkey'] },
    ]);
    markViolated('workflow_executions_organization_id_id_key');
  });

  it('workflow_executions_trigger_key: one execution per trigger and triggering key; executions without a trigger never conflict', async () => {
    const workflow = await aWorkflow(1);
    const trigger = (await create('workflow_triggers', triggerRow(workflow.id))).id;
    const schedule = (await create('workflow_triggers', triggerRow(workflow.id, { kind: 'schedule', cron: '0 * * * *' }))).id;
    await create('workflow_executions', executionRow(workflow, { trigger_id: trigger, trigger_key: 'event-1' }));
    await expectRejected(
      insert('workflow_executions', executionRow(workflow, { trigger_id: trigger, trigger_key: 'event-1' })),
      UNIQUE,
      'workflow_executions_trigger_key',
    );
    // Whatever its status: a finished execution still holds its key.
    await client.query(`UPDATE workflow_executions SET status = 'cancelled', finished_at = now() WHERE trigger_id = $1`, [trigger]);
    await expectRejected(
      insert('workflow_executions', executionRow(workflow, { trigger_id: trigger, trigger_key: 'event-1' })),
      UNIQUE,
      'workflow_executions_trigger_key',
    );
    await create('workflow_executions', executionRow(workflow, { trigger_id: trigger, trigger_key: 'event-2' }));
    await create('workflow_executions', executionRow(workflow, { trigger_id: schedule, trigger_key: 'event-1' }));
    // NULL trigger_id (and so NULL trigger_key): any number of them.
    await create('workflow_executions', executionRow(workflow));
    await create('workflow_executions', executionRow(workflow));
    expect(await count('workflow_executions WHERE workflow_id = $1 AND trigger_id IS NULL', [workflow.id])).toBe(2);
  });

  it('foreign keys: the version of the execution’s own workflow; the trigger, submission and starter within the organization', async () => {
    const second = await aWorkflow(1);
    // A version of another workflow of the organization, and no version at all.
    await expectRejected(
      insert('workflow_executions', executionRow(flow, { workflow_version_id: second.versions[0] })),
      FOREIGN_KEY,
      'workflow_executions_workflow_version_id_fkey',
    );
    await expectRejected(insert('workflow_executions', executionRow(flow, { workflow_version_id: randomUUID() })), FOREIGN_KEY, 'workflow_executions_workflow_version_id_fkey');
    // The organization's own version, claimed for another organization.
    await expectRejected(
      insert('workflow_executions', executionRow({ ...flow, organization_id: otherOrganizationId })),
      FOREIGN_KEY,
      'workflow_executions_workflow_version_id_fkey',
    );
    const foreign = await aWorkflow(1, false, otherOrganizationId);
    const foreignTrigger = (await create('workflow_triggers', triggerRow(foreign.id, { organization_id: otherOrganizationId }))).id;
    await expectRejected(
      insert('workflow_executions', executionRow(flow, { trigger_id: foreignTrigger, trigger_key: 'k' })),
      FOREIGN_KEY,
      'workflow_executions_trigger_id_fkey',
    );
    await expectRejected(insert('workflow_executions', executionRow(flow, { trigger_id: randomUUID(), trigger_key: 'k' })), FOREIGN_KEY, 'workflow_executions_trigger_id_fkey');
    // A trigger of another workflow of the organization: refused too (an execution runs its own workflow's trigger).
    const othersTrigger = (await create('workflow_triggers', triggerRow((await aWorkflow(1)).id))).id;
    await expectRejected(insert('workflow_executions', executionRow(flow, { trigger_id: othersTrigger, trigger_key: 'k' })), FOREIGN_KEY, 'workflow_executions_trigger_id_fkey');
    const foreignSubmission = await aSubmission(await aForm(otherOrganizationId), otherOrganizationId);
    await expectRejected(insert('workflow_executions', executionRow(flow, { submission_id: foreignSubmission })), FOREIGN_KEY, 'workflow_executions_submission_id_fkey');
    await expectRejected(insert('workflow_executions', executionRow(flow, { started_by: strangerId })), FOREIGN_KEY, 'workflow_executions_started_by_fkey');
    // Their own organization's: accepted.
    const submission = await aSubmission(await aForm());
    const trigger = (await create('workflow_triggers', triggerRow(flow.id, { kind: 'schedule', cron: '*/15 * * * *' }))).id;
    await create('workflow_executions', executionRow(flow, { trigger_id: trigger, trigger_key: LATER_AT, submission_id: submission, started_by: userId }));
  });

  it.each([
    ['workflow_executions_status_values', { status: 'paused', started_at: LATER_AT }],
    ['workflow_executions_status_values', { status: 'Running', started_at: LATER_AT }],
    ['workflow_executions_version_positive', { version: 0 }],
    ['workflow_executions_current_state_format', { current_state: '' }],
    ['workflow_executions_current_state_format', { current_state: 'Start' }],
    ['workflow_executions_current_state_format', { current_state: '1st' }],
    ['workflow_executions_current_state_format', { current_state: '_start' }],
    ['workflow_executions_current_state_format', { current_state: 'a-b' }],
    ['workflow_executions_current_state_format', { current_state: 'start\n' }],
    ['workflow_executions_current_state_format', { current_state: 'a'.repeat(64) }],
    ['workflow_executions_current_state_format', { current_state: HUGE }],
    ['workflow_executions_trigger_key_with_trigger', { trigger_id: 'TRIGGER' }],
    ['workflow_executions_trigger_key_with_trigger', { trigger_key: 'event-1' }],
    ['workflow_executions_trigger_key_length', { trigger_id: 'TRIGGER', trigger_key: '' }],
    ['workflow_executions_trigger_key_length', { trigger_id: 'TRIGGER', trigger_key: 'k'.repeat(201) }],
    ['workflow_executions_input_object', { input: '[]' }],
    ['workflow_executions_input_object', { input: '"x"' }],
    ['workflow_executions_input_object', { input: 'null' }],
    ['workflow_executions_input_object', { input: JSON.stringify({ big: 'x'.repeat(70_000) }) }],
    ['workflow_executions_context_object', { context: '[]' }],
    ['workflow_executions_context_object', { context: '1' }],
    ['workflow_executions_context_object', { context: JSON.stringify({ big: 'x'.repeat(70_000) }) }],
    ['workflow_executions_output_object', { ...COMPLETED_EXECUTION, output: '[]' }],
    ['workflow_executions_output_object', { ...COMPLETED_EXECUTION, output: 'null' }],
    ['workflow_executions_output_object', { ...COMPLETED_EXECUTION, output: JSON.stringify({ big: 'x'.repeat(70_000) }) }],
    ['workflow_executions_error_length', { ...FAILED_EXECUTION, error: '' }],
    ['workflow_executions_error_length', { ...FAILED_EXECUTION, error: 'e'.repeat(501) }],
    ['workflow_executions_started_when_running', { started_at: LATER_AT }],
    ['workflow_executions_started_when_running', { status: 'running' }],
    ['workflow_executions_started_when_running', { status: 'waiting' }],
    ['workflow_executions_started_when_running', { ...COMPLETED_EXECUTION, started_at: null }],
    ['workflow_executions_started_when_running', { ...FAILED_EXECUTION, started_at: null }],
    ['workflow_executions_finished_when_final', { ...COMPLETED_EXECUTION, finished_at: null }],
    ['workflow_executions_finished_when_final', { status: 'cancelled' }],
    ['workflow_executions_finished_when_final', { ...RUNNING_EXECUTION, finished_at: LATER_AT }],
    ['workflow_executions_finished_when_final', { finished_at: LATER_AT }],
    ['workflow_executions_error_when_failed', { ...FAILED_EXECUTION, error: null }],
    ['workflow_executions_error_when_failed', { status: 'timed_out', finished_at: LATER_AT }],
    ['workflow_executions_error_when_failed', { ...COMPLETED_EXECUTION, error: 'ActionFailed:notify' }],
    ['workflow_executions_error_when_failed', { status: 'cancelled', finished_at: LATER_AT, error: 'Cancelled' }],
    ['workflow_executions_error_when_failed', { ...RUNNING_EXECUTION, error: 'ActionFailed:notify' }],
    ['workflow_executions_output_when_completed', { ...RUNNING_EXECUTION, output: '{}' }],
    ['workflow_executions_output_when_completed', { ...FAILED_EXECUTION, output: '{}' }],
    ['workflow_executions_output_when_completed', { output: '{}' }],
    ['workflow_executions_started_after_created', { ...RUNNING_EXECUTION, created_at: '2031-01-02T00:00:00Z', started_at: '2031-01-01T00:00:00Z' }],
    ['workflow_executions_finished_after_created', { status: 'cancelled', created_at: '2031-01-02T00:00:00Z', finished_at: '2031-01-01T00:00:00Z' }],
    ['workflow_executions_deadline_after_created', { created_at: '2031-01-01T00:00:00Z', deadline_at: '2031-01-01T00:00:00Z' }],
    ['workflow_executions_deadline_after_created', { created_at: '2031-01-02T00:00:00Z', deadline_at: '2031-01-01T00:00:00Z' }],
  ] as [string, Row][])('%s rejects %j', async (constraint, overrides) => {
    const values: Row = { ...overrides };
    if (values.trigger_id === 'TRIGGER') {
      values.trigger_id = (await create('workflow_triggers', triggerRow(flow.id, { kind: 'schedule', cron: '0 0 * * *' }))).id;
    }
    await expectRejected(insert('workflow_executions', executionRow(flow, values)), CHECK, constraint);
  });

  it('near misses are accepted: every status with its columns; the longest state and key; a deadline just after creation', async () => {
    const trigger = (await create('workflow_triggers', triggerRow(flow.id, { kind: 'schedule', cron: '0 0 * * *' }))).id;
    for (const row of [
      {},
      RUNNING_EXECUTION,
      { status: 'waiting', started_at: LATER_AT },
      { ...COMPLETED_EXECUTION, output: '{"approved": true}' },
      COMPLETED_EXECUTION,
      FAILED_EXECUTION,
      // Cancelled or timed out before the first step was claimed: never started.
      { status: 'cancelled', finished_at: LATER_AT },
      { status: 'cancelled', started_at: LATER_AT, finished_at: LATER_AT },
      { status: 'timed_out', finished_at: LATER_AT, error: 'Timeout:execution' },
      { status: 'timed_out', started_at: LATER_AT, finished_at: LATER_AT, error: 'e'.repeat(500) },
      { current_state: `a${'b_1'.repeat(20)}ab` },
      { trigger_id: trigger, trigger_key: 'k'.repeat(200) },
      { trigger_id: trigger, trigger_key: 'k' },
      { input: JSON.stringify({ big: 'x'.repeat(60_000) }), context: '{"step": 1}' },
      { created_at: '2031-01-01T00:00:00Z', started_at: '2031-01-01T00:00:00Z', status: 'running', deadline_at: '2031-01-01T00:00:00.001Z' },
    ] as Row[]) {
      await create('workflow_executions', executionRow(flow, row));
    }
    expect(`a${'b_1'.repeat(20)}ab`).toHaveLength(63);
  });

  it('workflow_executions_set_updated_at keeps updated_at current', async () => {
    const made = await create('workflow_executions', executionRow(flow, { created_at: OLD, updated_at: OLD }));
    await expectUpdatedAtTrigger('workflow_executions', { id: made.id });
  });
});

describe('workflow_execution_steps', () => {
  /** An execution with no unfinished step: the rows under test would be its only open one. */
  let executionId: string;
  const anExecution = async (): Promise<string> => (await create('workflow_executions', executionRow(flow, RUNNING_EXECUTION))).id as string;
  beforeAll(async () => {
    executionId = await anExecution();
  });

  it.each([
    'id',
    'created_at',
    'updated_at',
    'organization_id',
    'execution_id',
    'number',
    'state',
    'action_index',
    'action_type',
    'status',
    'run_after',
    'attempts',
    'timeout_seconds',
  ])('NOT NULL %s', (column) =>
    expectRejected(insert('workflow_execution_steps', stepRow(executionId, { [column]: null })), NOT_NULL, `workflow_execution_steps.${column}`),
  );

  it('keys: workflow_execution_steps_pkey; a number once per execution (workflow_execution_steps_number_key)', async () => {
    const execution = await anExecution();
    const first = await create('workflow_execution_steps', stepRow(execution, { number: 1, ...COMPLETED_STEP }));
    await expectRejected(insert('workflow_execution_steps', stepRow(await anExecution(), { id: first.id })), UNIQUE, 'workflow_execution_steps_pkey');
    await expectRejected(insert('workflow_execution_steps', stepRow(execution, { number: 1, ...COMPLETED_STEP })), UNIQUE, 'workflow_execution_steps_number_key');
    await create('workflow_execution_steps', stepRow(execution, { number: 2, ...COMPLETED_STEP }));
    await create('workflow_execution_steps', stepRow(await anExecution(), { number: 1 }));
  });

  it('workflow_execution_steps_one_open_key: at most one pending or running step per execution', async () => {
    const execution = await anExecution();
    const open = await create('workflow_execution_steps', stepRow(execution, { number: 1 }));
    await expectRejected(insert('workflow_execution_steps', stepRow(execution, { number: 2 })), UNIQUE, 'workflow_execution_steps_one_open_key');
    await expectRejected(insert('workflow_execution_steps', stepRow(execution, { number: 2, ...RUNNING_STEP })), UNIQUE, 'workflow_execution_steps_one_open_key');
    // Finished steps beside it are history, and another execution has its own open step.
    await create('workflow_execution_steps', stepRow(execution, { number: 2, ...COMPLETED_STEP }));
    await create('workflow_execution_steps', stepRow(execution, { number: 3, ...FAILED_STEP }));
    await create('workflow_execution_steps', stepRow(await anExecution(), { number: 1 }));
    // The execution advances: the open step finishes, then the next one opens, in one transaction.
    await client.query('BEGIN');
    try {
      await client.query(`UPDATE workflow_execution_steps SET status = 'cancelled', finished_at = now() WHERE id = $1`, [open.id]);
      await create('workflow_execution_steps', stepRow(execution, { number: 4 }));
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
    expect(await count(`workflow_execution_steps WHERE execution_id = $1 AND status IN ('pending', 'running')`, [execution])).toBe(1);
  });

  it('workflow_execution_steps_execution_id_fkey: the execution within the organization', async () => {
    await expectRejected(
      insert('workflow_execution_steps', stepRow(executionId, { organization_id: otherOrganizationId })),
      FOREIGN_KEY,
      'workflow_execution_steps_execution_id_fkey',
    );
    await expectRejected(insert('workflow_execution_steps', stepRow(randomUUID())), FOREIGN_KEY, 'workflow_execution_steps_execution_id_fkey');
    // And an execution with steps cannot go.
    const execution = await anExecution();
    await create('workflow_execution_steps', stepRow(execution, COMPLETED_STEP));
    await expectRejected({ text: 'DELETE FROM workflow_executions WHERE id = $1', values: [execution] }, FOREIGN_KEY, 'workflow_execution_steps_execution_id_fkey');
  });

  it.each([
    ['workflow_execution_steps_number_positive', { number: 0 }],
    ['workflow_execution_steps_number_positive', { number: -1 }],
    ['workflow_execution_steps_state_format', { state: '' }],
    ['workflow_execution_steps_state_format', { state: 'Review' }],
    ['workflow_execution_steps_state_format', { state: '9lives' }],
    ['workflow_execution_steps_state_format', { state: 'a.b' }],
    ['workflow_execution_steps_state_format', { state: 'a'.repeat(64) }],
    ['workflow_execution_steps_state_format', { state: HUGE }],
    ['workflow_execution_steps_action_index_range', { action_index: -1 }],
    ['workflow_execution_steps_action_index_range', { action_index: 20 }],
    ['workflow_execution_steps_action_type_values', { action_type: 'email' }],
    ['workflow_execution_steps_action_type_values', { action_type: 'Notify' }],
    ['workflow_execution_steps_status_values', { status: 'waiting' }],
    ['workflow_execution_steps_status_values', { status: 'Pending' }],
    ['workflow_execution_steps_attempts_range', { attempts: -1 }],
    ['workflow_execution_steps_attempts_range', { attempts: 1001, started_at: LATER_AT }],
    ['workflow_execution_steps_timeout_range', { timeout_seconds: 0 }],
    ['workflow_execution_steps_timeout_range', { timeout_seconds: 86_401 }],
    ['workflow_execution_steps_lease_when_running', { ...RUNNING_STEP, leased_by: null }],
    ['workflow_execution_steps_lease_when_running', { ...RUNNING_STEP, leased_until: null }],
    ['workflow_execution_steps_lease_when_running', { leased_by: 'worker-1', leased_until: LATER_AT }],
    ['workflow_execution_steps_lease_when_running', { ...COMPLETED_STEP, leased_by: 'worker-1', leased_until: LATER_AT }],
    ['workflow_execution_steps_leased_by_length', { ...RUNNING_STEP, leased_by: 'w'.repeat(201) }],
    ['workflow_execution_steps_started_when_claimed', { attempts: 1 }],
    ['workflow_execution_steps_started_when_claimed', { started_at: LATER_AT }],
    ['workflow_execution_steps_running_claimed', { ...RUNNING_STEP, attempts: 0, started_at: null }],
    ['workflow_execution_steps_finished_when_final', { ...COMPLETED_STEP, finished_at: null }],
    ['workflow_execution_steps_finished_when_final', { status: 'cancelled' }],
    ['workflow_execution_steps_finished_when_final', { finished_at: LATER_AT }],
    ['workflow_execution_steps_finished_when_final', { ...RUNNING_STEP, finished_at: LATER_AT }],
    ['workflow_execution_steps_error_when_failed', { ...FAILED_STEP, error: null }],
    ['workflow_execution_steps_error_when_failed', { status: 'timed_out', attempts: 1, started_at: LATER_AT, finished_at: LATER_AT }],
    ['workflow_execution_steps_error_when_failed', { ...COMPLETED_STEP, error: 'HttpError:503' }],
    ['workflow_execution_steps_error_when_failed', { error: 'HttpError:503' }],
    ['workflow_execution_steps_error_length', { ...FAILED_STEP, error: '' }],
    ['workflow_execution_steps_error_length', { ...FAILED_STEP, error: 'e'.repeat(501) }],
    ['workflow_execution_steps_output_object', { ...COMPLETED_STEP, output: '[]' }],
    ['workflow_execution_steps_output_object', { ...COMPLETED_STEP, output: 'null' }],
    ['workflow_execution_steps_output_object', { ...COMPLETED_STEP, output: JSON.stringify({ big: 'x'.repeat(70_000) }) }],
    ['workflow_execution_steps_finished_after_created', { ...COMPLETED_STEP, created_at: '2031-01-02T00:00:00Z', finished_at: '2031-01-01T00:00:00Z' }],
  ] as [string, Row][])('%s rejects %j', (constraint, overrides) =>
    expectRejected(insert('workflow_execution_steps', stepRow(executionId, overrides)), CHECK, constraint),
  );

  it('near misses are accepted (as finished steps, so they never hold the execution’s open slot)', async () => {
    for (const row of [
      { action_index: 19, action_type: 'wait', timeout_seconds: 86_400 },
      { action_index: 0, action_type: 'webhook', timeout_seconds: 1 },
      { action_type: 'assign', state: `s${'_'.repeat(62)}` },
      { action_type: 'set_submission_status', output: '{"status": "approved"}' },
      { attempts: 1000 },
      // Cancelled before any worker claimed it: never started.
      { status: 'cancelled', attempts: 0, started_at: null },
      { status: 'timed_out', error: 'Timeout:step' },
      { status: 'failed', error: 'e'.repeat(500), output: '{}' },
      // Only a running step must hold both lease columns; a finished one may keep its last worker's name.
      { leased_by: 'worker-1' },
    ] as Row[]) {
      await create('workflow_execution_steps', stepRow(executionId, { ...COMPLETED_STEP, ...row }));
    }
  });

  it('workflow_execution_steps_append_only: an unfinished step progresses pending → running → (retry) → completed, then never changes', async () => {
    const execution = await anExecution();
    const step = await create('workflow_execution_steps', stepRow(execution, { number: 1 }));
    const update = (set: string) => client.query(`UPDATE workflow_execution_steps SET ${set} WHERE id = $1`, [step.id]);
    // Claimed, its lease lapses (a crashed worker), claimed again, finished.
    await update(`status = 'running', attempts = 1, started_at = now(), leased_by = 'worker-1', leased_until = now() + interval '30 seconds'`);
    await update(`leased_until = now() + interval '60 seconds'`);
    await update(`status = 'pending', leased_by = NULL, leased_until = NULL, run_after = now() + interval '5 seconds'`);
    await update(`status = 'running', attempts = 2, leased_by = 'worker-2', leased_until = now() + interval '30 seconds'`);
    await update(`status = 'completed', leased_by = NULL, leased_until = NULL, finished_at = now(), output = '{"sent": 3}'`);
    expect((await client.query(`SELECT status, attempts, output FROM workflow_execution_steps WHERE id = $1`, [step.id])).rows).toEqual([
      { status: 'completed', attempts: 2, output: { sent: 3 } },
    ]);
    const reject = (set: string) =>
      expectRefusedBy(`UPDATE workflow_execution_steps SET ${set} WHERE id = $1`, [step.id], 'workflow_execution_steps_append_only');
    await reject(`output = '{"sent": 4}'`);
    await reject(`updated_at = now()`);
    await reject(`status = 'pending', finished_at = NULL`);
    await reject(`status = 'failed', error = 'HttpError:500'`);
    markTriggerChecked('workflow_execution_steps_append_only');
  });

  it('workflow_execution_steps_append_only: no finished step of any final status changes', async () => {
    for (const finished of [
      COMPLETED_STEP,
      FAILED_STEP,
      { status: 'cancelled', finished_at: LATER_AT },
      { status: 'timed_out', attempts: 1, started_at: LATER_AT, finished_at: LATER_AT, error: 'Timeout:step' },
    ]) {
      const step = await create('workflow_execution_steps', stepRow(executionId, finished));
      await expectRefusedBy(`UPDATE workflow_execution_steps SET run_after = run_after WHERE id = $1`, [step.id], 'workflow_execution_steps_append_only');
      await expectRefusedBy(`DELETE FROM workflow_execution_steps WHERE id = $1`, [step.id], 'workflow_execution_steps_append_only');
    }
    markTriggerChecked('workflow_execution_steps_append_only');
  });

  it('workflow_execution_steps_append_only: no step is deleted, and an unfinished step’s identity never changes', async () => {
    const execution = await anExecution();
    const step = await create('workflow_execution_steps', stepRow(execution, { number: 1, state: 'review', action_index: 1 }));
    const reject = (text: string, values: unknown[] = []) =>
      expectRefusedBy(text, [step.id, ...values], 'workflow_execution_steps_append_only');
    await reject(`DELETE FROM workflow_execution_steps WHERE id = $1`);
    await reject(`UPDATE workflow_execution_steps SET id = gen_random_uuid() WHERE id = $1`);
    await reject(`UPDATE workflow_execution_steps SET organization_id = $2 WHERE id = $1`, [otherOrganizationId]);
    await reject(`UPDATE workflow_execution_steps SET execution_id = $2 WHERE id = $1`, [executionId]);
    await reject(`UPDATE workflow_execution_steps SET number = 2 WHERE id = $1`);
    await reject(`UPDATE workflow_execution_steps SET state = 'approve' WHERE id = $1`);
    await reject(`UPDATE workflow_execution_steps SET action_index = 0 WHERE id = $1`);
    await reject(`UPDATE workflow_execution_steps SET action_type = 'webhook' WHERE id = $1`);
    await reject(`UPDATE workflow_execution_steps SET created_at = created_at - interval '1 second' WHERE id = $1`);
    // Progress columns may change, and the row is still there.
    await client.query(`UPDATE workflow_execution_steps SET run_after = now() + interval '1 hour', timeout_seconds = 60 WHERE id = $1`, [step.id]);
    expect((await client.query(`SELECT number, state, action_index FROM workflow_execution_steps WHERE id = $1`, [step.id])).rows).toEqual([
      { number: 1, state: 'review', action_index: 1 },
    ]);
    markTriggerChecked('workflow_execution_steps_append_only');
  });

  it('workflow_execution_steps_set_updated_at keeps updated_at current', async () => {
    const made = await create('workflow_execution_steps', stepRow(await anExecution(), { created_at: OLD, updated_at: OLD }));
    await expectUpdatedAtTrigger('workflow_execution_steps', { id: made.id });
  });
});
