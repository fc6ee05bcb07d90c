// Forms and their versions on real PostgreSQL, as the application role in a tenant's unit of
// work: made with a first draft, drafts edited and published, published versions immutable,
// rollback, archive and restore (each audited, with its event), and the races: two publishers →
// one winner; ten concurrent new drafts → one draft.
import { sql, type Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { CheckViolationError, UniqueViolationError } from '../../../../src/core/errors/constraint-errors.js';
import { NotFoundError } from '../../../../src/core/errors/not-found-error.js';
import { TransitionConflictError } from '../../../../src/core/errors/transition-conflict-error.js';
import { ValidationError } from '../../../../src/core/errors/validation-error.js';
import { VersionConflictError } from '../../../../src/core/errors/version-conflict-error.js';
import { eventPayloadSchema } from '../../../../src/contexts/events/event-catalog.js';
import { compiledFormVersion } from '../../../../src/contexts/forms/definitions/compile-form-definition.js';
import { definitionSha256 } from '../../../../src/contexts/forms/definitions/definition-hash.js';
import { FORM_TRANSITIONS } from '../../../../src/contexts/forms/forms/form-machine.js';
import { createRepositories, unitOfWork, type UnitOfWork } from '../../../../src/repositories.js';
import type { DB } from '../../../../src/schema/db.js';
import { useTestDatabase } from '../../../helpers/database.js';
import { expenseClaim } from '../../../helpers/form-definitions.js';
import { anOrganization, aUser, unique } from '../../../helpers/fixtures.js';

describe('forms', () => {
  const testDb = useTestDatabase({ seed: true });
  let owner: Kysely<DB>;
  let app: Kysely<DB>;

  beforeAll(() => {
    owner = testDb.current.db;
    app = testDb.current.app;
  });

  /** An organization with two users; `as(user)` runs a tenant unit of work acting as one. */
  const anOrg = async () => {
    const system = createRepositories(owner);
    const org = await anOrganization(system, `fm-${unique()}`);
    const [ada, bob] = await Promise.all([0, 1].map(async () => (await aUser(system, org.id)).user.id));
    const as = <T>(actor: string, fn: (uow: UnitOfWork) => Promise<T>) => unitOfWork(app, { tenant: org.id, context: { actorUserId: actor } }, fn);
    return { organizationId: org.id, ada: ada!, bob: bob!, as };
  };
  type Org = Awaited<ReturnType<typeof anOrg>>;
  const aForm = (org: Org, slug = `f-${unique()}`) =>
    org.as(org.ada, (uow) => uow.forms.create({ organizationId: org.organizationId, slug, name: 'Expense claim', definition: expenseClaim() }));
  const actions = async (formId: string) =>
    (await sql<{ action: string }>`SELECT action FROM audit_logs WHERE entity_id = ${formId} ORDER BY created_at, action`.execute(owner)).rows.map((r) => r.action);
  const events = async (org: Org, formId: string) =>
    (
      await sql<{ event_type_code: string; payload: object }>`
        SELECT event_type_code, payload FROM domain_events WHERE aggregate_id = ${formId} AND organization_id = ${org.organizationId} ORDER BY created_at`.execute(owner)
    ).rows;
  const rejection = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e);
  /** Which declared transitions a test drove (checked at the end). */
  const driven = new Set<string>();

  it('create: a draft form with its first draft version; audited with its event; the slug is unique among live forms; other tenants see nothing', async () => {
    const org = await anOrg();
    const { form, draft } = await org.as(org.ada, (uow) =>
      uow.forms.create({ organizationId: org.organizationId, slug: 'expense-claim', name: 'Expense claim', description: 'Claims up to 100k', definition: expenseClaim() }),
    );
    driven.add('create:null');
    expect(form).toMatchObject({ slug: 'expense-claim', status: 'draft', latestVersion: 1, publishedVersion: null });
    expect(draft).toMatchObject({ formId: form.id, version: 1, isPublished: false, publishedAt: null, createdBy: org.ada });
    expect(draft.definitionSha256).toBe(definitionSha256(draft.definition));
    expect(await org.as(org.ada, (uow) => uow.forms.findById(form.id))).toEqual(form);
    expect(await actions(form.id)).toEqual(['form.create']);
    const [created] = await events(org, form.id);
    expect(eventPayloadSchema('form.created', 1).parse(created!.payload)).toMatchObject({ slug: 'expense-claim', definitionSha256: draft.definitionSha256 });
    const again = await rejection(aForm(org, 'expense-claim'));
    expect(again).toBeInstanceOf(UniqueViolationError);
    expect((again as UniqueViolationError).constraint).toBe('forms_organization_id_slug_key');
    // Deleted: gone, its slug free again, its versions kept.
    await org.as(org.bob, (uow) => uow.forms.delete(form.id));
    expect(await org.as(org.ada, (uow) => uow.forms.findById(form.id))).toBeUndefined();
    expect(await org.as(org.ada, (uow) => uow.forms.getVersion(form.id, 1))).toBeUndefined();
    const { form: second } = await aForm(org, 'expense-claim');
    expect((await org.as(org.ada, (uow) => uow.forms.list(org.organizationId))).map((f) => f.id)).toEqual([second.id]);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM form_versions WHERE form_id = ${form.id}`.execute(owner);
    expect(rows[0]!.n).toBe(1);
    const other = await anOrg();
    expect(await other.as(other.ada, (uow) => uow.forms.findById(second.id))).toBeUndefined();
    expect(await other.as(other.ada, (uow) => uow.forms.getVersion(second.id, 1))).toBeUndefined();
  });

  it('invalid input and definitions are ValidationErrors with paths, and nothing is written', async () => {
    const org = await anOrg();
    const count = async () =>
      (await sql<{ n: number }>`SELECT (SELECT count(*) FROM forms WHERE organization_id = ${org.organizationId}) + (SELECT count(*) FROM form_versions WHERE organization_id = ${org.organizationId})::int AS n`.execute(owner)).rows[0]!.n;
    const base = { organizationId: org.organizationId, slug: 'ok', name: 'Ok', definition: expenseClaim() };
    const cases: [unknown, string][] = [
      [{ ...base, slug: 'Bad Slug' }, 'slug'],
      [{ ...base, definition: { ...expenseClaim(), format: 2 } }, 'definition.format'],
      [{ ...base, definition: { format: 1, pages: [{ key: 'p', title: 'P', fields: [{ key: 'a', type: 'text', label: 'A', pattern: '^(a+)+$' }] }] } }, 'definition.pages.0.fields.0'],
      [{ ...base, definition: { format: 1, pages: [{ key: 'p', title: 'P', fields: [{ key: 'a', type: 'text', label: 'A' }, { key: 'a', type: 'text', label: 'B' }] }] } }, 'definition.pages.0.fields.1.key'],
      [{ ...base, definition: { format: 1, pages: [{ key: 'p', title: 'P', fields: [{ key: 'b', type: 'text', label: 'B', visibleWhen: { field: 'a', equals: 'x' } }, { key: 'a', type: 'text', label: 'A' }] }] } }, 'definition.pages.0.fields.0.visibleWhen.field'],
      [{ ...base, definition: null }, 'definition'],
      [null, 'input'],
    ];
    for (const [input, path] of cases) {
      const error = await rejection(org.as(org.ada, (uow) => uow.forms.create(input as never)));
      expect(error, path).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((i) => i.path)).toContain(path);
    }
    // None of the refused creations wrote a form or a version.
    expect(Number(await count())).toBe(0);
    const { form } = await aForm(org);
    const before = await count();
    const calls: ((uow: UnitOfWork) => Promise<unknown>)[] = [
      (uow: UnitOfWork) => uow.forms.createDraft(form.id, { format: 1, pages: [] } as never),
      (uow: UnitOfWork) => uow.forms.updateDraft(form.id, 1, { format: 1 } as never),
      (uow: UnitOfWork) => uow.forms.updateDraft(form.id, 0, expenseClaim()),
      (uow: UnitOfWork) => uow.forms.updateDraft(form.id, 1, expenseClaim(), { expectedRevision: 0 }),
      (uow: UnitOfWork) => uow.forms.updateDraft(form.id, 1, expenseClaim(), null as never),
      (uow: UnitOfWork) => uow.forms.publish(form.id, { version: 1, expectedPublishedVersion: null, expectedRevision: -1 }),
      (uow: UnitOfWork) => uow.forms.publish(form.id, { version: 1 } as never),
      (uow: UnitOfWork) => uow.forms.rollback('nope', { toVersion: 1, expectedPublishedVersion: 1 }),
      (uow: UnitOfWork) => uow.forms.update(form.id, {}),
    ];
    for (const call of calls) {
      expect(await rejection(org.as(org.ada, call))).toBeInstanceOf(ValidationError);
    }
    expect(await count()).toBe(before);
  });

  it('an edit and a publish of the reviewed revision at the same moment: the publisher that waited for the edit gets VersionConflictError (form draft), not NotFoundError; nothing unreviewed is published', async () => {
    const org = await anOrg();
    const { form } = await aForm(org);
    // The edit holds the draft's row until released; the publish starts meanwhile and waits for it.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let edited!: () => void;
    const editing = new Promise<void>((resolve) => (edited = resolve));
    const edit = org.as(org.ada, async (uow) => {
      await uow.forms.updateDraft(form.id, 1, expenseClaim('Unreviewed'), { expectedRevision: 1 });
      edited();
      await gate;
    });
    await editing;
    const publish = rejection(org.as(org.bob, (uow) => uow.forms.publish(form.id, { version: 1, expectedPublishedVersion: null, expectedRevision: 1 })));
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    await edit;
    const refused = await publish;
    expect(refused).toBeInstanceOf(VersionConflictError);
    expect(refused).toMatchObject({ entity: 'form draft', expectedVersion: 1, currentVersion: 2 });
    expect(await org.as(org.ada, (uow) => uow.forms.findById(form.id))).toMatchObject({ status: 'draft', publishedVersion: null });
  });

  it('drafts: one per form; edited until published (audited only when the definition changes); published versions are immutable', async () => {
    const org = await anOrg();
    const { form, draft } = await aForm(org);
    const second = await rejection(org.as(org.ada, (uow) => uow.forms.createDraft(form.id, expenseClaim('v2'))));
    expect(second).toBeInstanceOf(UniqueViolationError);
    expect((second as UniqueViolationError).constraint).toBe('form_versions_one_draft_key');
    expect(draft.revision).toBe(1);
    const edited = await org.as(org.bob, (uow) => uow.forms.updateDraft(form.id, 1, expenseClaim('Edited'), { expectedRevision: 1 }));
    expect(edited.definitionSha256).not.toBe(draft.definitionSha256);
    expect(edited.definition.pages[0]!.title).toBe('Edited');
    expect(edited.revision).toBe(2);
    // Two editors who read revision 1: the second is refused, nothing written.
    const stale = await rejection(org.as(org.ada, (uow) => uow.forms.updateDraft(form.id, 1, expenseClaim('Mine'), { expectedRevision: 1 })));
    expect(stale).toBeInstanceOf(VersionConflictError);
    expect(stale).toMatchObject({ entity: 'form draft', expectedVersion: 1, currentVersion: 2 });
    await org.as(org.bob, (uow) => uow.forms.updateDraft(form.id, 1, expenseClaim('Edited'))); // same definition: no audit row
    // A publisher who reviewed revision 2 publishes only that: an edit since is refused.
    const afterReview = await org.as(org.ada, (uow) => uow.forms.updateDraft(form.id, 1, expenseClaim('Edited again')));
    const unreviewed = await rejection(org.as(org.bob, (uow) => uow.forms.publish(form.id, { version: 1, expectedPublishedVersion: null, expectedRevision: 2 })));
    expect(unreviewed).toMatchObject({ entity: 'form draft', expectedVersion: 2, currentVersion: afterReview.revision });
    await org.as(org.ada, (uow) => uow.forms.updateDraft(form.id, 1, expenseClaim('Edited'), { expectedRevision: afterReview.revision }));
    const { form: published, version } = await org.as(org.bob, (uow) =>
      uow.forms.publish(form.id, { version: 1, expectedPublishedVersion: null, expectedRevision: afterReview.revision + 1 }),
    );
    driven.add('publish:draft');
    expect(published).toMatchObject({ status: 'published', publishedVersion: 1, latestVersion: 1 });
    expect(version).toMatchObject({ version: 1, isPublished: true, publishedBy: org.bob, definitionSha256: edited.definitionSha256 });
    expect(version.publishedAt).toBeInstanceOf(Date);
    // The published version can no longer be edited, through the repository or by SQL.
    expect(await rejection(org.as(org.ada, (uow) => uow.forms.updateDraft(form.id, 1, expenseClaim('Again'))))).toBeInstanceOf(NotFoundError);
    const direct = await rejection(
      unitOfWork(app, { tenant: org.organizationId }, (uow) => sql`UPDATE form_versions SET definition = '{}' WHERE form_id = ${form.id}`.execute(uow.trx)),
    );
    expect(direct).toBeInstanceOf(CheckViolationError);
    expect((direct as CheckViolationError).constraint).toBe('form_versions_immutable');
    // Publishing it again: a TransitionConflictError naming the version.
    expect(await rejection(org.as(org.ada, (uow) => uow.forms.publish(form.id, { version: 1, expectedPublishedVersion: 1 })))).toBeInstanceOf(TransitionConflictError);
    const v2 = await org.as(org.ada, (uow) => uow.forms.createDraft(form.id, expenseClaim('v2')));
    expect(v2).toMatchObject({ version: 2, isPublished: false });
    expect(await actions(form.id)).toEqual(['form.create', 'form.update_draft', 'form.update_draft', 'form.update_draft', 'form.publish', 'form.create_draft']);
    expect((await events(org, form.id)).map((e) => e.event_type_code)).toEqual([
      'form.created',
      'form.draft_saved',
      'form.draft_saved',
      'form.draft_saved',
      'form.published',
      'form.draft_saved',
    ]);
    expect((await org.as(org.ada, (uow) => uow.forms.listVersions(form.id))).map((v) => [v.version, v.isPublished])).toEqual([
      [2, false],
      [1, true],
    ]);
    // Read back: the stored definition hashes to its sha256 and compiles from the cache.
    const stored = (await org.as(org.ada, (uow) => uow.forms.getVersion(form.id, 1)))!;
    expect(definitionSha256(stored.definition)).toBe(stored.definitionSha256);
    expect(compiledFormVersion(stored).sha256).toBe(stored.definitionSha256);
    expect(await org.as(org.ada, (uow) => uow.forms.getPublishedVersion(form.id))).toEqual(stored);
  });

  it('publish, rollback, archive, restore: conditional on the published version expected; stale callers get VersionConflictError, wrong states TransitionConflictError', async () => {
    const org = await anOrg();
    const { form } = await aForm(org);
    const as = <T>(fn: (uow: UnitOfWork) => Promise<T>) => org.as(org.ada, fn);
    // A draft form can be neither archived nor rolled back.
    expect(await rejection(as((uow) => uow.forms.archive(form.id)))).toBeInstanceOf(TransitionConflictError);
    const stale = await rejection(as((uow) => uow.forms.publish(form.id, { version: 1, expectedPublishedVersion: 3 })));
    expect(stale).toBeInstanceOf(VersionConflictError);
    expect(stale).toMatchObject({ expectedVersion: 3, currentVersion: 0, currentStatus: 'draft' });
    await as((uow) => uow.forms.publish(form.id, { version: 1, expectedPublishedVersion: null }));
    expect(await rejection(as((uow) => uow.forms.publish(form.id, { version: 2, expectedPublishedVersion: 1 })))).toBeInstanceOf(NotFoundError);
    await as((uow) => uow.forms.createDraft(form.id, expenseClaim('v2')));
    expect(await rejection(as((uow) => uow.forms.publish(form.id, { version: 2, expectedPublishedVersion: null })))).toBeInstanceOf(VersionConflictError);
    const { form: second } = await as((uow) => uow.forms.publish(form.id, { version: 2, expectedPublishedVersion: 1 }));
    driven.add('publish:published');
    expect(second).toMatchObject({ status: 'published', publishedVersion: 2, latestVersion: 2 });
    // Rollback: to an older published version; not to the current one, nor to a missing or draft one.
    await as((uow) => uow.forms.createDraft(form.id, expenseClaim('v3')));
    expect(await rejection(as((uow) => uow.forms.rollback(form.id, { toVersion: 3, expectedPublishedVersion: 2 })))).toBeInstanceOf(NotFoundError);
    expect(await rejection(as((uow) => uow.forms.rollback(form.id, { toVersion: 9, expectedPublishedVersion: 2 })))).toBeInstanceOf(NotFoundError);
    expect(await rejection(as((uow) => uow.forms.rollback(form.id, { toVersion: 2, expectedPublishedVersion: 2 })))).toBeInstanceOf(TransitionConflictError);
    expect(await rejection(as((uow) => uow.forms.rollback(form.id, { toVersion: 1, expectedPublishedVersion: 1 })))).toBeInstanceOf(VersionConflictError);
    const rolled = await as((uow) => uow.forms.rollback(form.id, { toVersion: 1, expectedPublishedVersion: 2 }));
    driven.add('rollback:published');
    expect(rolled).toMatchObject({ status: 'published', publishedVersion: 1, latestVersion: 3 });
    expect((await as((uow) => uow.forms.getPublishedVersion(form.id)))!.version).toBe(1);
    // Archive: no version accepts submissions; publishing and rolling back are refused; restore.
    const archived = await as((uow) => uow.forms.archive(form.id));
    driven.add('archive:published');
    expect(archived).toMatchObject({ status: 'archived', publishedVersion: 1 });
    expect(await as((uow) => uow.forms.getPublishedVersion(form.id))).toBeUndefined();
    expect(await rejection(as((uow) => uow.forms.publish(form.id, { version: 3, expectedPublishedVersion: 1 })))).toBeInstanceOf(TransitionConflictError);
    expect(await rejection(as((uow) => uow.forms.rollback(form.id, { toVersion: 2, expectedPublishedVersion: 1 })))).toBeInstanceOf(TransitionConflictError);
    expect(await rejection(as((uow) => uow.forms.archive(form.id)))).toBeInstanceOf(TransitionConflictError);
    expect(await as((uow) => uow.forms.restore(form.id))).toMatchObject({ status: 'published', publishedVersion: 1 });
    driven.add('restore:archived');
    expect(await rejection(as((uow) => uow.forms.restore(form.id)))).toBeInstanceOf(TransitionConflictError);
    expect(await actions(form.id)).toEqual([
      'form.create',
      'form.publish',
      'form.create_draft',
      'form.publish',
      'form.create_draft',
      'form.rollback',
      'form.archive',
      'form.restore',
    ]);
    const published = (await events(org, form.id)).filter((e) => e.event_type_code === 'form.published' || e.event_type_code === 'form.rolled_back');
    expect(published.map((e) => [e.event_type_code, (e.payload as { version: number }).version, (e.payload as { previousVersion: number | null }).previousVersion])).toEqual([
      ['form.published', 1, null],
      ['form.published', 2, 1],
      ['form.rolled_back', 1, 2],
    ]);
    // A missing form: NotFoundError everywhere.
    const missing = '00000000-0000-4000-8000-000000000000';
    const calls: ((uow: UnitOfWork) => Promise<unknown>)[] = [
      (uow: UnitOfWork) => uow.forms.publish(missing, { version: 1, expectedPublishedVersion: null }),
      (uow: UnitOfWork) => uow.forms.rollback(missing, { toVersion: 1, expectedPublishedVersion: 2 }),
      (uow: UnitOfWork) => uow.forms.archive(missing),
      (uow: UnitOfWork) => uow.forms.restore(missing),
      (uow: UnitOfWork) => uow.forms.delete(missing),
      (uow: UnitOfWork) => uow.forms.update(missing, { name: 'x' }),
      (uow: UnitOfWork) => uow.forms.createDraft(missing, expenseClaim()),
    ];
    for (const call of calls) {
      expect(await rejection(as(call))).toBeInstanceOf(NotFoundError);
    }
  });

  it('two publishers at the same moment: one wins, the other waits for it and gets VersionConflictError', async () => {
    const org = await anOrg();
    const { form } = await aForm(org);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let published!: () => void;
    const first = new Promise<void>((resolve) => (published = resolve));
    const ada = org.as(org.ada, async (uow) => {
      await uow.forms.publish(form.id, { version: 1, expectedPublishedVersion: null });
      published();
      await gate;
    });
    await first;
    const bob = org.as(org.bob, (uow) => uow.forms.publish(form.id, { version: 1, expectedPublishedVersion: null }));
    await new Promise((resolve) => setTimeout(resolve, 200)); // bob waits for the form's row
    release();
    const [a, b] = await Promise.allSettled([ada, bob]);
    expect(a.status).toBe('fulfilled');
    expect((b as PromiseRejectedResult).reason).toBeInstanceOf(VersionConflictError);
    expect(await actions(form.id)).toEqual(['form.create', 'form.publish']);
  });

  it('ten publishers at once, over and over: exactly one wins each time', async () => {
    const org = await anOrg();
    for (let round = 0; round < 5; round += 1) {
      const { form } = await aForm(org);
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) => org.as(i % 2 ? org.ada : org.bob, (uow) => uow.forms.publish(form.id, { version: 1, expectedPublishedVersion: null }))),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(VersionConflictError);
      expect((await actions(form.id)).filter((a) => a === 'form.publish')).toHaveLength(1);
    }
  });

  it('ten concurrent new drafts: one draft, numbered next; the others get UniqueViolationError (form_versions_one_draft_key)', async () => {
    const org = await anOrg();
    for (let round = 0; round < 5; round += 1) {
      const { form } = await aForm(org);
      await org.as(org.ada, (uow) => uow.forms.publish(form.id, { version: 1, expectedPublishedVersion: null }));
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => org.as(org.ada, (uow) => uow.forms.createDraft(form.id, expenseClaim(`r${i}`)))));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) {
        if (r.status === 'rejected') expect(r.reason).toMatchObject({ constraint: 'form_versions_one_draft_key' });
      }
      const { rows } = await sql<{ version: number; is_published: boolean }>`
        SELECT version, is_published FROM form_versions WHERE form_id = ${form.id} ORDER BY version`.execute(owner);
      expect(rows).toEqual([
        { version: 1, is_published: true },
        { version: 2, is_published: false },
      ]);
    }
  });

  it('drove every declared form transition', () => {
    expect([...driven].sort()).toEqual(FORM_TRANSITIONS.map((t) => `${t.event}:${t.from}`).sort());
  });
});
