// Submissions on real PostgreSQL, as the application role in a tenant's unit of work: bound to
// the published version they were validated against, moved through the declared state machine
// (every event tried in every state), numbered per form without gaps under concurrency,
// assigned, listed by keyset, with attachments gated by their virus scan, and sensitive values
// sealed (a canary is nowhere in plaintext).
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { sql, type Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { CheckViolationError, UniqueViolationError } from '../../../../src/core/errors/constraint-errors.js';
import { NotFoundError } from '../../../../src/core/errors/not-found-error.js';
import { TransitionConflictError } from '../../../../src/core/errors/transition-conflict-error.js';
import { ValidationError } from '../../../../src/core/errors/validation-error.js';
import { VersionConflictError } from '../../../../src/core/errors/version-conflict-error.js';
import { SerializationFailureError } from '../../../../src/core/errors/operational-errors.js';
import { localKeyProvider } from '../../../../src/core/encryption/local-key-provider.js';
import { compileFormDefinition } from '../../../../src/contexts/forms/definitions/compile-form-definition.js';
import type { FormDefinitionInput } from '../../../../src/contexts/forms/definitions/form-definition.js';
import { FORM_STATES } from '../../../../src/contexts/forms/forms/form-machine.js';
import { ATTACHMENT_SCAN_STATES } from '../../../../src/contexts/forms/submissions/attachment-scan-machine.js';
import { SUBMISSION_EVENTS, SUBMISSION_STATES, SUBMISSION_TRANSITIONS, type SubmissionEvent, type SubmissionStatus } from '../../../../src/contexts/forms/submissions/submission-machine.js';
import { createSubmissions, type Submissions } from '../../../../src/contexts/forms/submissions/submissions.js';
import type { SubmissionSummary } from '../../../../src/contexts/forms/submissions/submission.js';
import { createKeyring } from '../../../../src/contexts/integrations/encryption-keys/keyring.js';
import { createRepositories, unitOfWork, type UnitOfWork } from '../../../../src/repositories.js';
import type { DB } from '../../../../src/schema/db.js';
import { CANARIES } from '../../../helpers/canaries.js';
import { useTestDatabase } from '../../../helpers/database.js';
import { expenseClaim } from '../../../helpers/form-definitions.js';
import { anOrganization, aUser, unique } from '../../../helpers/fixtures.js';
import { definitionArbitrary, valuesFor } from '../definitions/definition-arbitraries.js';

const CANARY = CANARIES[4];
const SHA = 'c'.repeat(64);

describe('submissions', () => {
  const testDb = useTestDatabase({ seed: true });
  let owner: Kysely<DB>;
  let app: Kysely<DB>;
  const keyring = createKeyring({ provider: localKeyProvider({ masterKeys: { k1: randomBytes(32).toString('base64') }, current: 'k1' }) });
  const submissions: Submissions = createSubmissions({ keyring });

  beforeAll(() => {
    owner = testDb.current.db;
    app = testDb.current.app;
  });

  /** An organization with two users and a published form; `as(user)` runs a tenant unit of work. */
  const anOrg = async (definition: FormDefinitionInput = expenseClaim()) => {
    const system = createRepositories(owner);
    const org = await anOrganization(system, `sb-${unique()}`);
    const [ada, bob] = await Promise.all([0, 1].map(async () => (await aUser(system, org.id)).user.id));
    const as = <T>(actor: string, fn: (uow: UnitOfWork) => Promise<T>) => unitOfWork(app, { tenant: org.id, context: { actorUserId: actor } }, fn);
    const { form } = await as(ada!, (uow) => uow.forms.create({ organizationId: org.id, slug: `f-${unique()}`, name: 'Claim', definition }));
    await as(ada!, (uow) => uow.forms.publish(form.id, { version: 1, expectedPublishedVersion: null }));
    return { organizationId: org.id, ada: ada!, bob: bob!, formId: form.id, as };
  };
  type Org = Awaited<ReturnType<typeof anOrg>>;
  const rejection = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e);
  const valid = { amount: 12.5, category: 'travel', iban: 'DE89370400440532013000' };
  const aDraft = (org: Org, values: Record<string, unknown> = valid) => org.as(org.ada, (uow) => submissions.create(uow, { formId: org.formId, values }));
  /** Audit rows of the organization (but the keyring's first key, made by the first sensitive value). */
  const writes = async (org: Org) =>
    (await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_logs WHERE organization_id = ${org.organizationId} AND action NOT LIKE 'encryption_key.%'`.execute(owner)).rows[0]!.n;

  /** Drives a fresh submission to `state` along the declared transitions; returns it. */
  async function inState(org: Org, state: SubmissionStatus): Promise<SubmissionSummary> {
    const path: Record<SubmissionStatus, SubmissionEvent[]> = {
      draft: [],
      submitted: ['submit'],
      in_review: ['submit', 'start_review'],
      approved: ['submit', 'start_review', 'approve'],
      rejected: ['submit', 'start_review', 'reject'],
      completed: ['submit', 'start_review', 'approve', 'complete'],
      archived: ['submit', 'start_review', 'approve', 'complete', 'archive'],
    };
    let current: SubmissionSummary = await aDraft(org);
    for (const event of path[state]) current = await fire(org, current, event);
    expect(current.status).toBe(state);
    return current;
  }

  /** Fires `event` on `s` at its version. */
  function fire(org: Org, s: SubmissionSummary, event: SubmissionEvent): Promise<SubmissionSummary> {
    const input = { expectedVersion: s.version };
    return org.as(org.bob, (uow) => {
      switch (event) {
        case 'edit':
          return submissions.edit(uow, s.id, { values: valid, expectedVersion: s.version });
        case 'submit':
          return submissions.submit(uow, s.id, input);
        case 'start_review':
          return submissions.startReview(uow, s.id, input);
        case 'approve':
          return submissions.approve(uow, s.id, input);
        case 'reject':
          return submissions.reject(uow, s.id, { ...input, reason: 'Receipt unreadable' });
        case 'reopen':
          return submissions.reopen(uow, s.id, input);
        case 'complete':
          return submissions.complete(uow, s.id, input);
        case 'archive':
          return submissions.archive(uow, s.id, input);
      }
    });
  }

  it('a submission’s life: draft, submitted (numbered), rejected with a reason, reopened (keeps its number), resubmitted, approved, completed, archived — audited with events, never with values', async () => {
    const org = await anOrg();
    const draft = await aDraft(org, { amount: 40, category: 'other' });
    expect(draft).toMatchObject({ status: 'draft', version: 1, number: null, createdBy: org.ada, submittedAt: null, values: { amount: 40, category: 'other' } });
    const edited = await org.as(org.ada, (uow) => submissions.edit(uow, draft.id, { values: { ...valid, category: 'other', other_reason: 'Taxi' }, expectedVersion: 1 }));
    expect(edited.version).toBe(2);
    let s: SubmissionSummary = await fire(org, edited, 'submit');
    expect(s).toMatchObject({ status: 'submitted', number: 1, version: 3 });
    expect(s.submittedAt).toBeInstanceOf(Date);
    s = await fire(org, s, 'start_review');
    s = await fire(org, s, 'reject');
    expect(s).toMatchObject({ status: 'rejected', rejectionReason: 'Receipt unreadable', decidedBy: org.bob });
    s = await fire(org, s, 'reopen');
    expect(s).toMatchObject({ status: 'draft', number: 1, rejectionReason: null, decidedAt: null, submittedAt: null });
    for (const event of ['submit', 'start_review', 'approve', 'complete', 'archive'] as const) s = await fire(org, s, event);
    expect(s).toMatchObject({ status: 'archived', number: 1, version: 11 });
    const read = await org.as(org.ada, (uow) => submissions.get(uow, draft.id));
    expect(read?.values).toEqual({ ...valid, category: 'other', other_reason: 'Taxi' });
    const { rows } = await sql<{ action: string; before: object | null; after: object | null }>`
      SELECT action, before, after FROM audit_logs WHERE entity_id = ${draft.id} ORDER BY created_at, action`.execute(owner);
    expect(rows.map((r) => r.action)).toEqual([
      'submission.create',
      'submission.edit',
      'submission.submit',
      'submission.start_review',
      'submission.reject',
      'submission.reopen',
      'submission.submit',
      'submission.start_review',
      'submission.approve',
      'submission.complete',
      'submission.archive',
    ]);
    expect(JSON.stringify(rows)).not.toContain('Taxi');
    expect(JSON.stringify(rows)).not.toContain('DE8937');
    const events = await sql<{ event_type_code: string; payload: object }>`
      SELECT event_type_code, payload FROM domain_events WHERE aggregate_id = ${draft.id} AND organization_id = ${org.organizationId} ORDER BY created_at`.execute(owner);
    expect(events.rows.map((e) => e.event_type_code)).toEqual([
      'submission.created',
      'submission.updated',
      'submission.submitted',
      'submission.review_started',
      'submission.rejected',
      'submission.reopened',
      'submission.submitted',
      'submission.review_started',
      'submission.approved',
      'submission.completed',
      'submission.archived',
    ]);
    expect(JSON.stringify(events.rows)).not.toContain('Taxi');
  });

  it('the full matrix from the declaration: every event in every state succeeds exactly when declared; otherwise TransitionConflictError and nothing written; a stale version is VersionConflictError', async () => {
    const org = await anOrg();
    const declared = new Set(SUBMISSION_TRANSITIONS.map((t) => `${t.event}:${t.from}`));
    for (const state of SUBMISSION_STATES) {
      for (const event of SUBMISSION_EVENTS) {
        const s = await inState(org, state);
        const before = await writes(org);
        const outcome = await rejection(fire(org, s, event));
        if (declared.has(`${event}:${state}`)) {
          expect(outcome, `${event} in ${state}`).toBeUndefined();
          const after = (await org.as(org.ada, (uow) => submissions.get(uow, s.id)))!;
          expect(after.status).toBe(SUBMISSION_TRANSITIONS.find((t) => t.event === event && t.from === state)!.to);
          expect(after.version).toBe(s.version + 1);
        } else {
          expect(outcome, `${event} in ${state}`).toBeInstanceOf(TransitionConflictError);
          expect(outcome).toMatchObject({ currentStatus: state, currentVersion: s.version });
          expect(await writes(org)).toBe(before);
        }
        // A stale version, whatever the event: VersionConflictError, nothing written.
        const fresh = (await org.as(org.ada, (uow) => submissions.get(uow, s.id)))!;
        const count = await writes(org);
        const stale = await rejection(fire(org, { ...fresh, version: fresh.version + 5 }, event));
        expect(stale, `${event} in ${fresh.status}, stale`).toBeInstanceOf(VersionConflictError);
        expect(await writes(org)).toBe(count);
      }
    }
  });

  it('two reviewers at the same moment (approve and reject): one wins, the other waits and gets VersionConflictError', async () => {
    const org = await anOrg();
    const s = await inState(org, 'in_review');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let done!: () => void;
    const first = new Promise<void>((resolve) => (done = resolve));
    const approving = org.as(org.ada, async (uow) => {
      await submissions.approve(uow, s.id, { expectedVersion: s.version });
      done();
      await gate;
    });
    await first;
    const rejecting = org.as(org.bob, (uow) => submissions.reject(uow, s.id, { expectedVersion: s.version, reason: 'No' }));
    await new Promise((resolve) => setTimeout(resolve, 200)); // bob waits for the row
    release();
    const [a, b] = await Promise.allSettled([approving, rejecting]);
    expect(a.status).toBe('fulfilled');
    expect((b as PromiseRejectedResult).reason).toBeInstanceOf(VersionConflictError);
    expect((b as PromiseRejectedResult).reason).toMatchObject({ currentStatus: 'approved', currentVersion: s.version + 1 });
  });

  it('an attachment added while a REPEATABLE READ submit holds an older snapshot: the submit fails (40001) instead of missing it', async () => {
    const org = await anOrg();
    const s = await aDraft(org);
    let attached!: () => void;
    const attachedNow = new Promise<void>((resolve) => (attached = resolve));
    const submitting = unitOfWork(app, { tenant: org.organizationId, context: { actorUserId: org.ada }, isolationLevel: 'repeatable read' }, async (uow) => {
      await submissions.get(uow, s.id); // the transaction's snapshot, before the attachment
      await attachedNow;
      return submissions.submit(uow, s.id, { expectedVersion: s.version });
    });
    await org.as(org.bob, (uow) =>
      submissions.attach(uow, s.id, { storageKey: `rr/${unique()}.pdf`, fileName: 'late.pdf', sha256: SHA, sizeBytes: 1, mimeType: 'application/pdf' }),
    );
    attached();
    expect(await rejection(submitting)).toBeInstanceOf(SerializationFailureError);
    expect((await org.as(org.ada, (uow) => submissions.get(uow, s.id)))!.status).toBe('draft');
  });

  it('submit checks the values in full against the bound version, and writes nothing when they are incomplete', async () => {
    const org = await anOrg();
    const draft = await aDraft(org, { amount: 5 });
    const before = await writes(org);
    const error = await rejection(fire(org, draft, 'submit'));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['values.category', 'values.iban']);
    // A hidden field a draft may hold is refused at submit.
    const hidden = await aDraft(org, { ...valid, other_reason: 'not shown for travel' });
    expect((await rejection(fire(org, hidden, 'submit'))) as ValidationError).toMatchObject({ issues: [{ path: 'values.other_reason' }] });
    expect(await writes(org)).toBe(before + 1); // the second draft's create only
    // Drafts are checked for types: a wrong type is refused at once, nothing written.
    expect(await rejection(aDraft(org, { amount: 'twelve' }))).toBeInstanceOf(ValidationError);
    expect(await rejection(aDraft(org, { nope: 1 }))).toBeInstanceOf(ValidationError);
    expect(await writes(org)).toBe(before + 1);
  });

  it('bound to its version for good: a rollback of the form leaves it on its version; only published (not archived) forms take new submissions', async () => {
    const org = await anOrg();
    await org.as(org.ada, (uow) => uow.forms.createDraft(org.formId, expenseClaim('v2')));
    await org.as(org.ada, (uow) => uow.forms.publish(org.formId, { version: 2, expectedPublishedVersion: 1 }));
    const onV2 = await aDraft(org);
    await org.as(org.ada, (uow) => uow.forms.rollback(org.formId, { toVersion: 1, expectedPublishedVersion: 2 }));
    const onV1 = await aDraft(org);
    expect(onV2.formVersionId).not.toBe(onV1.formVersionId);
    const submitted = await fire(org, onV2, 'submit');
    expect(submitted.formVersionId).toBe(onV2.formVersionId);
    await org.as(org.ada, (uow) => uow.forms.archive(org.formId));
    expect(await rejection(aDraft(org))).toBeInstanceOf(NotFoundError);
    expect(await rejection(fire(org, onV1, 'submit'))).toBeInstanceOf(TransitionConflictError);
    // Another tenant's form is not found.
    const other = await anOrg();
    expect(await rejection(other.as(other.ada, (uow) => submissions.create(uow, { formId: org.formId })))).toBeInstanceOf(NotFoundError);
    expect(await other.as(other.ada, (uow) => submissions.get(uow, onV1.id))).toBeUndefined();
  });

  it('twenty concurrent submits on one form, and one rolled back among them: numbers 1…n without gaps or repeats', async () => {
    const org = await anOrg();
    const drafts = await Promise.all(Array.from({ length: 21 }, () => aDraft(org)));
    const doomed = drafts.pop()!;
    const results = await Promise.allSettled([
      ...drafts.map((d) => fire(org, d, 'submit')),
      org.as(org.bob, async (uow) => {
        await submissions.submit(uow, doomed.id, { expectedVersion: doomed.version });
        throw new Error('rolled back after submitting');
      }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(20);
    const { rows } = await sql<{ number: number | null; status: string }>`
      SELECT number, status FROM submissions WHERE form_id = ${org.formId} ORDER BY number NULLS LAST`.execute(owner);
    expect(rows.slice(0, 20).map((r) => r.number)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(rows[20]).toEqual({ number: null, status: 'draft' });
    expect((await fire(org, doomed, 'submit')).number).toBe(21);
  });

  it('assignment: a user or a live team of the organization, or nobody; never both; a stranger is NotFoundError', async () => {
    const org = await anOrg();
    const s = await aDraft(org);
    const { team } = await org.as(org.ada, (uow) => uow.teams.create({ organizationId: org.organizationId, slug: `t-${unique()}`, name: 'Review' }));
    const toBob = await org.as(org.ada, (uow) => submissions.assign(uow, s.id, { expectedVersion: 1, userId: org.bob }));
    expect(toBob).toMatchObject({ assignedUserId: org.bob, assignedTeamId: null, version: 2 });
    const toTeam = await org.as(org.ada, (uow) => submissions.assign(uow, s.id, { expectedVersion: 2, teamId: team.id, userId: null }));
    expect(toTeam).toMatchObject({ assignedUserId: null, assignedTeamId: team.id });
    expect(await rejection(org.as(org.ada, (uow) => submissions.assign(uow, s.id, { expectedVersion: 3, teamId: team.id, userId: org.bob })))).toBeInstanceOf(ValidationError);
    expect(await rejection(org.as(org.ada, (uow) => submissions.assign(uow, s.id, { expectedVersion: 2 })))).toBeInstanceOf(VersionConflictError);
    const other = await anOrg();
    expect(await rejection(org.as(org.ada, (uow) => submissions.assign(uow, s.id, { expectedVersion: 3, userId: other.ada })))).toMatchObject({ entity: 'assignee' });
    await org.as(org.ada, (uow) => uow.teams.delete(team.id));
    expect(await rejection(org.as(org.ada, (uow) => submissions.assign(uow, s.id, { expectedVersion: 3, teamId: team.id })))).toBeInstanceOf(NotFoundError);
    expect(await org.as(org.ada, (uow) => submissions.assign(uow, s.id, { expectedVersion: 3 }))).toMatchObject({ assignedUserId: null, assignedTeamId: null });
  });

  it('queues: a form’s submissions in a status, longest in it first, page by page (keyset) without repeats or gaps', async () => {
    const org = await anOrg();
    const made = await Promise.all(Array.from({ length: 23 }, () => aDraft(org)));
    for (const d of made.slice(0, 17)) await fire(org, d, 'submit');
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page = await org.as(org.ada, (uow) => submissions.queue(uow, { formId: org.formId, status: 'submitted' }, { limit: 5, ...(after ? { after } : {}) }));
      seen.push(...page.items.map((i) => i.id));
      after = page.nextCursor;
    } while (after);
    expect(seen).toHaveLength(17);
    expect(new Set(seen).size).toBe(17);
    const { rows } = await sql<{ id: string }>`
      SELECT id FROM submissions WHERE form_id = ${org.formId} AND status = 'submitted' ORDER BY status_changed_at, id`.execute(owner);
    expect(seen).toEqual(rows.map((r) => r.id));
    const drafts = await org.as(org.ada, (uow) => submissions.queue(uow, { formId: org.formId, status: 'draft' }));
    expect(drafts.items).toHaveLength(6);
    expect(await org.as(org.ada, (uow) => submissions.countByStatus(uow, org.formId))).toEqual({
      draft: 6,
      submitted: 17,
      in_review: 0,
      approved: 0,
      rejected: 0,
      completed: 0,
      archived: 0,
    });
    expect(await rejection(org.as(org.ada, (uow) => submissions.queue(uow, { formId: org.formId, status: 'draft' }, { after: 'bogus' })))).toBeInstanceOf(ValidationError);
  });

  it('attachments: a draft with one pending or infected cannot be submitted; scanned once; added and removed only while a draft', async () => {
    const org = await anOrg();
    const s = await aDraft(org);
    const file = (n: number) => ({ storageKey: `org/${org.organizationId}/${unique()}-${n}.pdf`, fileName: `receipt-${n}.pdf`, sha256: SHA, sizeBytes: 20_480, mimeType: 'application/pdf' });
    const pending = await org.as(org.ada, (uow) => submissions.attach(uow, s.id, file(1)));
    expect(pending).toMatchObject({ scanStatus: 'pending', scannedAt: null, sizeBytes: 20_480 });
    const blocked = await rejection(fire(org, s, 'submit'));
    expect(blocked).toBeInstanceOf(CheckViolationError);
    expect((blocked as CheckViolationError).constraint).toBe('submissions_attachments_clean');
    const infected = await org.as(org.ada, (uow) => submissions.recordScan(uow, pending.id, 'infected'));
    expect(infected.scanStatus).toBe('infected');
    expect(await rejection(org.as(org.ada, (uow) => submissions.recordScan(uow, pending.id, 'clean')))).toBeInstanceOf(TransitionConflictError);
    expect(await rejection(fire(org, s, 'submit'))).toBeInstanceOf(CheckViolationError);
    await org.as(org.ada, (uow) => submissions.detach(uow, pending.id));
    const clean = await org.as(org.ada, (uow) => submissions.attach(uow, s.id, file(2)));
    await org.as(org.ada, (uow) => submissions.recordScan(uow, clean.id, 'clean'));
    const duplicate = await rejection(org.as(org.ada, (uow) => submissions.attach(uow, s.id, { ...file(3), storageKey: clean.storageKey })));
    expect(duplicate).toBeInstanceOf(UniqueViolationError);
    const submitted = await fire(org, s, 'submit');
    expect(submitted.status).toBe('submitted');
    const late = await rejection(org.as(org.ada, (uow) => submissions.attach(uow, s.id, file(4))));
    expect(late).toMatchObject({ constraint: 'submission_attachments_draft_only' });
    expect(await rejection(org.as(org.ada, (uow) => submissions.detach(uow, clean.id)))).toMatchObject({ constraint: 'submission_attachments_draft_only' });
    expect((await org.as(org.ada, (uow) => submissions.listAttachments(uow, s.id))).map((a) => a.scanStatus)).toEqual(['clean']);
    for (const bad of [{ ...file(5), mimeType: 'PDF' }, { ...file(6), fileName: '../x' }, { ...file(7), sha256: 'x' }, { ...file(8), sizeBytes: -1 }]) {
      expect(await rejection(org.as(org.ada, (uow) => submissions.attach(uow, s.id, bad)))).toBeInstanceOf(ValidationError);
    }
    const { rows } = await sql<{ action: string }>`SELECT action FROM audit_logs WHERE entity_id = ${s.id} AND action LIKE 'submission.%' ORDER BY created_at, action`.execute(owner);
    expect(rows.map((r) => r.action).filter((a) => a !== 'submission.create' && a !== 'submission.submit')).toEqual([
      'submission.attach',
      'submission.record_scan',
      'submission.detach',
      'submission.attach',
      'submission.record_scan',
    ]);
  });

  it('sensitive values are sealed: the canary is in no table as text, hex or base64, and reads back only through the keyring', async () => {
    const org = await anOrg();
    const s = await aDraft(org, { ...valid, iban: CANARY });
    await fire(org, s, 'submit');
    expect((await org.as(org.ada, (uow) => submissions.get(uow, s.id)))!.values).toMatchObject({ iban: CANARY, amount: 12.5 });
    const { rows: raw } = await sql<{ data: object; sealed: Buffer | null }>`SELECT data, sensitive_data_encrypted AS sealed FROM submissions WHERE id = ${s.id}`.execute(owner);
    expect(raw[0]!.data).toEqual({ amount: 12.5, category: 'travel' });
    expect(raw[0]!.sealed).toBeInstanceOf(Buffer);
    const forms = [CANARY, Buffer.from(CANARY).toString('hex'), Buffer.from(CANARY).toString('base64')];
    const tables = (await sql<{ name: string }>`SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables WHERE schemaname = 'public'`.execute(owner)).rows;
    for (const { name } of tables) {
      const { rows } = await sql<{ text: string | null }>`SELECT string_agg(t::text, E'\n') AS text FROM ${sql.raw(name)} t`.execute(owner);
      for (const form of forms) expect(rows[0]?.text?.includes(form) ?? false, `${name} holds the canary`).toBe(false);
    }
    // Another keyring (another master key) cannot open it: a typed error, not the value.
    const stranger = createSubmissions({ keyring: createKeyring({ provider: localKeyProvider({ masterKeys: { k9: randomBytes(32).toString('base64') }, current: 'k9' }) }) });
    const error = await rejection(org.as(org.ada, (uow) => stranger.get(uow, s.id)));
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message)).not.toContain(CANARY);
  });

  it('any values the compiled validator accepts are stored and read back equal (sensitive ones too)', async () => {
    const org = await anOrg();
    await fc.assert(
      fc.asyncProperty(
        definitionArbitrary.chain((definition) => fc.tuple(fc.constant(definition), valuesFor(compileFormDefinition(definition)))),
        async ([definition, values]) => {
          const { form } = await org.as(org.ada, (uow) => uow.forms.create({ organizationId: org.organizationId, slug: `p-${unique()}`, name: 'Property', definition }));
          await org.as(org.ada, (uow) => uow.forms.publish(form.id, { version: 1, expectedPublishedVersion: null }));
          const made = await org.as(org.ada, (uow) => submissions.create(uow, { formId: form.id, values }));
          const expected = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Object.is(v, -0) ? 0 : v]));
          expect(made.values).toEqual(expected);
          expect((await org.as(org.ada, (uow) => submissions.get(uow, made.id)))!.values).toEqual(expected);
          const submitted = await fire(org, made, 'submit');
          expect(submitted.number).toBe(1);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('the declared states are exactly what the CHECK constraints allow', async () => {
    const listed = async (name: string) => {
      const { rows } = await sql<{ def: string }>`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = ${name}`.execute(owner);
      return [...rows[0]!.def.matchAll(/'([a-z_]+)'::text/g)].map((m) => m[1]).sort();
    };
    expect(await listed('forms_status_values')).toEqual([...FORM_STATES].sort());
    expect(await listed('submissions_status_values')).toEqual([...SUBMISSION_STATES].sort());
    expect(await listed('submission_attachments_scan_status_values')).toEqual([...ATTACHMENT_SCAN_STATES].sort());
  });

  it('bad calls are typed errors, never raw ones', async () => {
    const org = await anOrg();
    expect(() => createSubmissions({} as never)).toThrow(ValidationError);
    for (const call of [
      () => submissions.create(null as never, { formId: org.formId }),
      () => org.as(org.ada, (uow) => submissions.create(uow, { formId: 'x' })),
      () => org.as(org.ada, (uow) => submissions.submit(uow, 'x', { expectedVersion: 1 })),
      () => org.as(org.ada, (uow) => submissions.reject(uow, org.formId, { expectedVersion: 1, reason: ' ' })),
      () => org.as(org.ada, (uow) => submissions.queue(uow, { formId: org.formId, status: 'waiting' as never })),
      () => org.as(org.ada, (uow) => submissions.recordScan(uow, org.formId, 'maybe' as never)),
      () => unitOfWork(app, {}, (uow) => submissions.get(uow, org.formId)),
    ]) {
      expect(await rejection(call())).toBeInstanceOf(ValidationError);
    }
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const call of [
      (uow: UnitOfWork) => submissions.submit(uow, missing, { expectedVersion: 1 }),
      (uow: UnitOfWork) => submissions.approve(uow, missing, { expectedVersion: 1 }),
      (uow: UnitOfWork) => submissions.edit(uow, missing, { values: {}, expectedVersion: 1 }),
      (uow: UnitOfWork) => submissions.attach(uow, missing, { storageKey: `k-${unique()}`, fileName: 'a.pdf', sha256: SHA, sizeBytes: 1, mimeType: 'application/pdf' }),
      (uow: UnitOfWork) => submissions.recordScan(uow, missing, 'clean'),
      (uow: UnitOfWork) => submissions.detach(uow, missing),
    ] as ((uow: UnitOfWork) => Promise<unknown>)[]) {
      expect(await rejection(org.as(org.ada, call))).toBeInstanceOf(NotFoundError);
    }
  });
});
