// Workflows, their versions and their triggers on real PostgreSQL, as the application role in a
// tenant's unit of work: made with a first draft, drafts edited and published, published versions
// immutable, rollback, archive and restore (each audited, with its event); the races (two
// publishers → one winner; ten concurrent new drafts → one draft); invalid definitions (fuzzed)
// and bad arguments are ValidationErrors that write nothing; triggers of every kind; other
// tenants see nothing.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { sql, type Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { CheckViolationError, ForeignKeyViolationError, UniqueViolationError } from '../../../../src/core/errors/constraint-errors.js';
import { NotFoundError } from '../../../../src/core/errors/not-found-error.js';
import { TenantIsolationError } from '../../../../src/core/errors/tenant-isolation-error.js';
import { TransitionConflictError } from '../../../../src/core/errors/transition-conflict-error.js';
import { ValidationError } from '../../../../src/core/errors/validation-error.js';
import { VersionConflictError } from '../../../../src/core/errors/version-conflict-error.js';
import { eventPayloadSchema } from '../../../../src/contexts/events/event-catalog.js';
import { canonicalJson, definitionSha256 } from '../../../../src/contexts/forms/definitions/definition-hash.js';
import { nextCronTime, parseCron } from '../../../../src/contexts/workflows/definitions/cron.js';
import { parseWorkflowDefinition } from '../../../../src/contexts/workflows/definitions/workflow-definition.js';
import { WORKFLOW_TRANSITIONS } from '../../../../src/contexts/workflows/workflows/workflow-machine.js';
import { createRepositories, unitOfWork, type UnitOfWork } from '../../../../src/repositories.js';
import type { DB } from '../../../../src/schema/db.js';
import { useTestDatabase } from '../../../helpers/database.js';
import { anOrganization, aUser, unique } from '../../../helpers/fixtures.js';
import { expenseClaim } from '../../../helpers/form-definitions.js';
import { notifyAndEnd } from '../../../helpers/workflow-definitions.js';
import { workflowDefinitionArbitrary } from '../definitions/workflow-arbitraries.js';
import { editedDefinitionArbitrary, flow, invalidDefinitionArbitrary, isRefused } from './workflow-fixtures.js';

describe('workflows', () => {
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
    const org = await anOrganization(system, `wf-${unique()}`);
    const [ada, bob] = await Promise.all([0, 1].map(async () => (await aUser(system, org.id)).user.id));
    const as = <T>(actor: string, fn: (uow: UnitOfWork) => Promise<T>) => unitOfWork(app, { tenant: org.id, context: { actorUserId: actor } }, fn);
    return { organizationId: org.id, ada: ada!, bob: bob!, as };
  };
  type Org = Awaited<ReturnType<typeof anOrg>>;
  const aWorkflow = (org: Org, slug = `w-${unique()}`) =>
    org.as(org.ada, (uow) => uow.workflows.create({ organizationId: org.organizationId, slug, name: 'Approve claims', definition: notifyAndEnd(org.bob) }));
  /** A workflow whose version 1 is published (no draft). */
  const aPublishedWorkflow = async (org: Org) => {
    const { workflow } = await aWorkflow(org);
    return (await org.as(org.ada, (uow) => uow.workflows.publish(workflow.id, { version: 1, expectedPublishedVersion: null }))).workflow;
  };
  /** The audit actions of a workflow, its drafts and its triggers, in the order written. */
  const actions = async (workflowId: string) =>
    (
      await sql<{ action: string }>`
        SELECT action FROM audit_logs
        WHERE entity_id = ${workflowId} OR entity_id IN (SELECT id FROM workflow_triggers WHERE workflow_id = ${workflowId})
        ORDER BY event_id`.execute(owner)
    ).rows.map((r) => r.action);
  const events = async (org: Org, workflowId: string) =>
    (
      await sql<{ event_type_code: string; payload: object }>`
        SELECT event_type_code, payload FROM domain_events WHERE aggregate_id = ${workflowId} AND organization_id = ${org.organizationId}
        ORDER BY created_at, event_type_code`.execute(owner)
    ).rows;
  /** What the organization holds: rows of workflows, versions, triggers, audit logs and events, and the drafts' content. */
  const holdings = async (org: Org) =>
    (
      await sql<Record<string, unknown>>`
        SELECT
          (SELECT count(*) FROM workflows WHERE organization_id = ${org.organizationId})::int AS workflows,
          (SELECT count(*) FROM workflow_versions WHERE organization_id = ${org.organizationId})::int AS versions,
          (SELECT count(*) FROM workflow_triggers WHERE organization_id = ${org.organizationId})::int AS triggers,
          (SELECT count(*) FROM audit_logs WHERE organization_id = ${org.organizationId})::int AS audits,
          (SELECT count(*) FROM domain_events WHERE organization_id = ${org.organizationId})::int AS events,
          (SELECT coalesce(jsonb_agg(jsonb_build_array(id, revision, definition_sha256, is_published) ORDER BY id), '[]')
             FROM workflow_versions WHERE organization_id = ${org.organizationId}) AS drafts,
          (SELECT coalesce(jsonb_agg(jsonb_build_array(id, status, published_version, latest_version, name, deleted_at) ORDER BY id), '[]')
             FROM workflows WHERE organization_id = ${org.organizationId}) AS states`.execute(owner)
    ).rows[0]!;
  const rejection = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e);
  const paths = (error: unknown) => (error as ValidationError).issues.map((i) => i.path);
  const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
  const MISSING = '00000000-0000-4000-8000-000000000000';
  /** Which declared transitions a test drove (checked at the end). */
  const driven = new Set<string>();

  it('create: a draft workflow with its first draft version (sha256 of the canonical definition, revision 1); audited with its event; the slug is unique among live workflows; update; delete frees the slug', async () => {
    const org = await anOrg();
    const input = notifyAndEnd(org.bob);
    const { workflow, draft } = await org.as(org.ada, (uow) =>
      uow.workflows.create({ organizationId: org.organizationId, slug: 'approve-claims', name: 'Approve claims', description: 'Routes claims', definition: input }),
    );
    driven.add('create:null');
    expect(workflow).toMatchObject({
      organizationId: org.organizationId,
      slug: 'approve-claims',
      name: 'Approve claims',
      description: 'Routes claims',
      status: 'draft',
      latestVersion: 1,
      publishedVersion: null,
    });
    expect(workflow.createdAt).toBeInstanceOf(Date);
    expect(draft).toMatchObject({
      organizationId: org.organizationId,
      workflowId: workflow.id,
      version: 1,
      revision: 1,
      isPublished: false,
      publishedAt: null,
      publishedBy: null,
      createdBy: org.ada,
    });
    const parsed = parseWorkflowDefinition(input);
    expect(draft.definition).toEqual(parsed);
    expect(draft.definitionSha256).toBe(sha256(canonicalJson(parsed)));
    expect(draft.definitionSha256).toMatch(/^[0-9a-f]{64}$/);
    // The same definition with its keys in another order hashes the same.
    const reordered = JSON.parse(JSON.stringify({ states: parsed.states, initial: parsed.initial, format: parsed.format })) as typeof input;
    const { draft: twin } = await org.as(org.ada, (uow) => uow.workflows.create({ organizationId: org.organizationId, slug: 'twin', name: 'Twin', definition: reordered }));
    expect(twin.definitionSha256).toBe(draft.definitionSha256);
    // Read back.
    expect(await org.as(org.ada, (uow) => uow.workflows.findById(workflow.id))).toEqual(workflow);
    expect(await org.as(org.ada, (uow) => uow.workflows.getVersion(workflow.id, 1))).toEqual(draft);
    expect(await org.as(org.ada, (uow) => uow.workflows.getPublishedVersion(workflow.id))).toBeUndefined();
    const { rows: stored } = await sql<{ definition_sha256: string; created_by: string }>`
      SELECT definition_sha256, created_by FROM workflow_versions WHERE workflow_id = ${workflow.id}`.execute(owner);
    expect(stored).toEqual([{ definition_sha256: draft.definitionSha256, created_by: org.ada }]);
    // Audited, with its event.
    expect(await actions(workflow.id)).toEqual(['workflow.create']);
    const [created, ...others] = await events(org, workflow.id);
    expect(others).toEqual([]);
    expect(created!.event_type_code).toBe('workflow.created');
    expect(eventPayloadSchema('workflow.created', 1).parse(created!.payload)).toEqual({
      workflowId: workflow.id,
      organizationId: org.organizationId,
      slug: 'approve-claims',
      name: 'Approve claims',
      definitionSha256: draft.definitionSha256,
    });
    // The slug is unique among the organization's live workflows (nothing written when refused).
    const before = await holdings(org);
    const again = await rejection(aWorkflow(org, 'approve-claims'));
    expect(again).toBeInstanceOf(UniqueViolationError);
    expect((again as UniqueViolationError).constraint).toBe('workflows_organization_id_slug_key');
    expect(await holdings(org)).toEqual(before);
    // Another organization may use it.
    const other = await anOrg();
    await aWorkflow(other, 'approve-claims');
    // Update: name and description; audited with its event.
    const renamed = await org.as(org.bob, (uow) => uow.workflows.update(workflow.id, { name: 'Approve expense claims', description: null }));
    expect(renamed).toMatchObject({ id: workflow.id, name: 'Approve expense claims', description: null, slug: 'approve-claims', status: 'draft', latestVersion: 1 });
    expect(await org.as(org.bob, (uow) => uow.workflows.update(workflow.id, { description: 'Again' }))).toMatchObject({ name: 'Approve expense claims', description: 'Again' });
    // Deleted: gone, its slug free again, its versions kept.
    await org.as(org.bob, (uow) => uow.workflows.delete(workflow.id));
    expect(await org.as(org.ada, (uow) => uow.workflows.findById(workflow.id))).toBeUndefined();
    expect(await org.as(org.ada, (uow) => uow.workflows.getVersion(workflow.id, 1))).toBeUndefined();
    expect(await org.as(org.ada, (uow) => uow.workflows.listVersions(workflow.id))).toEqual([]);
    expect(await rejection(org.as(org.ada, (uow) => uow.workflows.delete(workflow.id)))).toBeInstanceOf(NotFoundError);
    expect(await rejection(org.as(org.ada, (uow) => uow.workflows.update(workflow.id, { name: 'x' })))).toBeInstanceOf(NotFoundError);
    expect(await rejection(org.as(org.ada, (uow) => uow.workflows.createDraft(workflow.id, flow(org.ada))))).toBeInstanceOf(NotFoundError);
    const { workflow: second } = await aWorkflow(org, 'approve-claims');
    expect((await org.as(org.ada, (uow) => uow.workflows.list(org.organizationId))).map((w) => w.slug)).toEqual(['approve-claims', 'twin']);
    expect((await org.as(org.ada, (uow) => uow.workflows.list(org.organizationId))).map((w) => w.id)).toContain(second.id);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM workflow_versions WHERE workflow_id = ${workflow.id}`.execute(owner);
    expect(rows[0]!.n).toBe(1);
    expect(await actions(workflow.id)).toEqual(['workflow.create', 'workflow.update', 'workflow.update', 'workflow.delete']);
    expect((await events(org, workflow.id)).map((e) => e.event_type_code)).toEqual(['workflow.created', 'workflow.updated', 'workflow.updated', 'workflow.deleted']);
    const deleted = (await events(org, workflow.id)).at(-1)!;
    expect(eventPayloadSchema('workflow.deleted', 1).parse(deleted.payload)).toMatchObject({ workflowId: workflow.id, slug: 'approve-claims', status: 'draft' });
  });

  it('invalid input and definitions are ValidationErrors with paths, and nothing is written', async () => {
    const org = await anOrg();
    const base = { organizationId: org.organizationId, slug: 'ok', name: 'Ok', definition: notifyAndEnd(org.ada) };
    const cases: [unknown, string][] = [
      [{ ...base, slug: 'Bad Slug' }, 'slug'],
      [{ ...base, slug: 'x'.repeat(64) }, 'slug'],
      [{ ...base, name: '   ' }, 'name'],
      [{ ...base, organizationId: 'not-a-uuid' }, 'organizationId'],
      [{ ...base, description: 'nul \u0000' }, 'description'],
      [{ ...base, extra: 1 }, 'input'],
      // Definition issues are reported under definition (as for forms).
      [{ ...base, definition: { ...notifyAndEnd(org.ada), format: 2 } }, 'definition.format'],
      [{ ...base, definition: { format: 1, initial: 'nowhere', states: { a: { then: { end: 'completed' } } } } }, 'definition.initial'],
      [{ ...base, definition: null }, 'definition'],
      [{ ...base, definition: 'a definition' }, 'definition'],
      [null, 'input'],
      ['text', 'input'],
      [[base], 'input'],
    ];
    const before = await holdings(org);
    for (const [input, path] of cases) {
      const error = await rejection(org.as(org.ada, (uow) => uow.workflows.create(input as never)));
      expect(error, path).toBeInstanceOf(ValidationError);
      expect(paths(error), path).toContain(path);
    }
    // Graph errors: a cycle without a wait, a state no path reaches, a goto to nowhere.
    const graphs: unknown[] = [
      { format: 1, initial: 'a', states: { a: { then: { goto: 'b' } }, b: { then: { goto: 'a' } } } },
      { format: 1, initial: 'a', states: { a: { then: { end: 'completed' } }, lost: { then: { end: 'failed' } } } },
      { format: 1, initial: 'a', states: { a: { then: { goto: 'nowhere' } } } },
    ];
    for (const definition of graphs) {
      const error = await rejection(org.as(org.ada, (uow) => uow.workflows.create({ ...base, definition } as never)));
      expect(error).toBeInstanceOf(ValidationError);
      for (const path of paths(error)) expect(path === 'definition' || path.startsWith('definition.')).toBe(true);
    }
    expect(await holdings(org)).toEqual(before);
    const { workflow } = await aWorkflow(org);
    const after = await holdings(org);
    const calls: [string, (uow: UnitOfWork) => Promise<unknown>, string][] = [
      ['createDraft: bad definition', (uow) => uow.workflows.createDraft(workflow.id, { format: 1, initial: 'a', states: {} } as never), 'definition.'],
      ['updateDraft: bad definition', (uow) => uow.workflows.updateDraft(workflow.id, 1, { format: 1 } as never), 'definition'],
      ['updateDraft: version 0', (uow) => uow.workflows.updateDraft(workflow.id, 0, flow(org.ada)), 'version'],
      ['updateDraft: expectedRevision 0', (uow) => uow.workflows.updateDraft(workflow.id, 1, flow(org.ada), { expectedRevision: 0 }), 'expectedRevision'],
      ['updateDraft: null options', (uow) => uow.workflows.updateDraft(workflow.id, 1, flow(org.ada), null as never), 'options'],
      ['publish: expectedRevision -1', (uow) => uow.workflows.publish(workflow.id, { version: 1, expectedPublishedVersion: null, expectedRevision: -1 }), 'expectedRevision'],
      ['publish: no expectedPublishedVersion', (uow) => uow.workflows.publish(workflow.id, { version: 1 } as never), 'expectedPublishedVersion'],
      ['publish: expectedPublishedVersion 0', (uow) => uow.workflows.publish(workflow.id, { version: 1, expectedPublishedVersion: 0 }), 'expectedPublishedVersion'],
      ['rollback: bad id', (uow) => uow.workflows.rollback('nope', { toVersion: 1, expectedPublishedVersion: 1 }), 'workflowId'],
      ['rollback: null expected', (uow) => uow.workflows.rollback(workflow.id, { toVersion: 1, expectedPublishedVersion: null } as never), 'expectedPublishedVersion'],
      ['update: empty patch', (uow) => uow.workflows.update(workflow.id, {}), 'patch'],
      ['update: name too long', (uow) => uow.workflows.update(workflow.id, { name: 'x'.repeat(201) }), 'name'],
    ];
    for (const [name, call, path] of calls) {
      const error = await rejection(org.as(org.ada, call));
      expect(error, name).toBeInstanceOf(ValidationError);
      expect(paths(error).some((p) => p === path || p.startsWith(path) || p.endsWith(path)), `${name}: ${paths(error).join(', ')}`).toBe(true);
    }
    expect(await holdings(org)).toEqual(after);
  });

  it('bad arguments whatever the method (non-uuid ids, non-object inputs, wrong numbers): ValidationError, never a TypeError; nothing written', async () => {
    const org = await anOrg();
    const { workflow } = await aWorkflow(org);
    const trigger = await org.as(org.ada, (uow) => uow.workflows.addTrigger(workflow.id, { kind: 'manual' }));
    const id = workflow.id;
    const def = flow(org.ada);
    const ids: unknown[] = ['nope', '', `${id}x`, id.toUpperCase().replace(/-/g, ''), 42, null, undefined, {}, [], Symbol('id'), 1n];
    const objects: unknown[] = [null, undefined, 'text', 42, true, [], [{}], 1n, Symbol('input'), () => ({}), new Date(0)];
    const numbers: unknown[] = ['1', 0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, null, undefined, {}, 1n];
    type Call = (uow: UnitOfWork) => Promise<unknown>;
    const w = (uow: UnitOfWork) => uow.workflows as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const calls: [string, Call][] = [];
    for (const bad of ids) {
      const label = typeof bad === 'symbol' ? 'symbol' : typeof bad === 'bigint' ? `${bad}n` : JSON.stringify(bad) ?? String(bad);
      calls.push(
        [`findById(${label})`, (uow) => w(uow).findById!(bad)],
        [`list(${label})`, (uow) => w(uow).list!(bad)],
        [`update(${label})`, (uow) => w(uow).update!(bad, { name: 'x' })],
        [`createDraft(${label})`, (uow) => w(uow).createDraft!(bad, def)],
        [`updateDraft(${label})`, (uow) => w(uow).updateDraft!(bad, 1, def)],
        [`publish(${label})`, (uow) => w(uow).publish!(bad, { version: 1, expectedPublishedVersion: null })],
        [`rollback(${label})`, (uow) => w(uow).rollback!(bad, { toVersion: 1, expectedPublishedVersion: 2 })],
        [`archive(${label})`, (uow) => w(uow).archive!(bad)],
        [`restore(${label})`, (uow) => w(uow).restore!(bad)],
        [`delete(${label})`, (uow) => w(uow).delete!(bad)],
        [`getVersion(${label})`, (uow) => w(uow).getVersion!(bad, 1)],
        [`getPublishedVersion(${label})`, (uow) => w(uow).getPublishedVersion!(bad)],
        [`listVersions(${label})`, (uow) => w(uow).listVersions!(bad)],
        [`addTrigger(${label})`, (uow) => w(uow).addTrigger!(bad, { kind: 'manual' })],
        [`deactivateTrigger(${label}, trigger)`, (uow) => w(uow).deactivateTrigger!(bad, trigger.id)],
        [`deactivateTrigger(workflow, ${label})`, (uow) => w(uow).deactivateTrigger!(id, bad)],
        [`listTriggers(${label})`, (uow) => w(uow).listTriggers!(bad)],
      );
    }
    for (const bad of objects) {
      const label = typeof bad === 'symbol' ? 'symbol' : typeof bad === 'bigint' ? `${bad}n` : typeof bad === 'function' ? 'function' : JSON.stringify(bad) ?? String(bad);
      calls.push(
        [`create(${label})`, (uow) => w(uow).create!(bad)],
        [`update(id, ${label})`, (uow) => w(uow).update!(id, bad)],
        [`createDraft(id, ${label})`, (uow) => w(uow).createDraft!(id, bad)],
        [`updateDraft(id, 1, ${label})`, (uow) => w(uow).updateDraft!(id, 1, bad)],
        [`publish(id, ${label})`, (uow) => w(uow).publish!(id, bad)],
        [`rollback(id, ${label})`, (uow) => w(uow).rollback!(id, bad)],
        [`addTrigger(id, ${label})`, (uow) => w(uow).addTrigger!(id, bad)],
      );
      // Options: `undefined` means none; any other object (a Date too) is an options object.
      if (bad !== undefined && !(bad instanceof Date)) calls.push([`updateDraft(id, 1, def, ${label})`, (uow) => w(uow).updateDraft!(id, 1, def, bad)]);
    }
    for (const bad of numbers) {
      const label = typeof bad === 'bigint' ? `${bad}n` : String(bad);
      calls.push(
        [`updateDraft(id, ${label})`, (uow) => w(uow).updateDraft!(id, bad, def)],
        [`getVersion(id, ${label})`, (uow) => w(uow).getVersion!(id, bad)],
        [`publish(id, { version: ${label} })`, (uow) => w(uow).publish!(id, { version: bad, expectedPublishedVersion: null })],
        [`rollback(id, { toVersion: ${label} })`, (uow) => w(uow).rollback!(id, { toVersion: bad, expectedPublishedVersion: 1 })],
      );
      // `expectedRevision: undefined` means any revision.
      if (bad !== undefined) calls.push([`updateDraft(id, 1, def, { expectedRevision: ${label} })`, (uow) => w(uow).updateDraft!(id, 1, def, { expectedRevision: bad })]);
    }
    // Trigger inputs of the wrong shape.
    const triggerInputs: unknown[] = [
      {},
      { kind: 'nope' },
      { kind: 'manual', extra: 1 },
      { kind: 'form_submission' },
      { kind: 'form_submission', formId: 'nope' },
      { kind: 'form_submission', eventType: 'form.published' },
      { kind: 'event' },
      { kind: 'event', eventType: 'Not An Event' },
      { kind: 'event', eventType: 'x'.repeat(101) },
      { kind: 'schedule' },
      { kind: 'schedule', cron: 5 },
      { kind: 'schedule', cron: null },
      Object.assign(Object.create(null) as object, { kind: 'nope' }),
    ];
    for (const input of triggerInputs) calls.push([`addTrigger(id, ${JSON.stringify(input)})`, (uow) => w(uow).addTrigger!(id, input)]);
    const before = await holdings(org);
    for (const [name, call] of calls) {
      const error = await rejection(org.as(org.ada, call));
      expect(error, name).toBeInstanceOf(ValidationError);
    }
    expect(calls.length).toBeGreaterThan(250);
    expect(await holdings(org)).toEqual(before);
  });

  it('definition fuzz: invalid definitions given to create, createDraft and updateDraft are ValidationErrors (never another error) and write nothing, even when the unit of work commits', async () => {
    const org = await anOrg();
    const published = await aPublishedWorkflow(org); // no draft: createDraft would make version 2
    const { workflow: drafted } = await aWorkflow(org); // its draft is version 1
    const before = await holdings(org);
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(invalidDefinitionArbitrary, async (definition) => {
        tried += 1;
        const calls: [string, (uow: UnitOfWork) => Promise<unknown>][] = [
          ['definition', (uow) => uow.workflows.create({ organizationId: org.organizationId, slug: `fz-${unique()}`, name: 'Fuzz', definition: definition as never })],
          ['definition', (uow) => uow.workflows.createDraft(published.id, definition as never)],
          ['definition', (uow) => uow.workflows.updateDraft(drafted.id, 1, definition as never, { expectedRevision: 1 })],
        ];
        for (const [prefix, call] of calls) {
          // Caught inside the unit of work, which then commits: a write before the refusal would stay.
          const error = await org.as(org.ada, (uow) => rejection(call(uow)));
          if (!(error instanceof ValidationError)) throw error ?? new Error(`accepted an invalid definition: ${prefix}`);
          expect(error.issues.length).toBeGreaterThan(0);
          for (const path of paths(error)) expect(path === prefix || path.startsWith(`${prefix}.`), path).toBe(true);
        }
        expect(await holdings(org)).toEqual(before);
      }),
      { numRuns: 60 },
    );
    expect(tried).toBe(60);
  });

  it('definitions the parser accepts (generated, and edited ones still valid) are stored as parsed and read back hashing to their sha256', async () => {
    const org = await anOrg();
    const { workflow: drafted } = await aWorkflow(org);
    const before = await holdings(org);
    const ROLLBACK = new Error('roll back');
    await fc.assert(
      fc.asyncProperty(fc.oneof(workflowDefinitionArbitrary, editedDefinitionArbitrary.filter((d) => !isRefused(d))), async (definition) => {
        const parsed = parseWorkflowDefinition(definition);
        const outcome = await org.as(org.ada, async (uow) => {
          const { workflow, draft } = await uow.workflows.create({ organizationId: org.organizationId, slug: `ok-${unique()}`, name: 'Fuzz', definition: definition as never });
          expect(draft.definition).toEqual(parsed);
          expect(draft.definitionSha256).toBe(definitionSha256(parsed));
          const read = (await uow.workflows.getVersion(workflow.id, 1))!;
          expect(definitionSha256(read.definition)).toBe(read.definitionSha256);
          expect(read.definition).toEqual(parsed);
          const edited = await uow.workflows.updateDraft(drafted.id, 1, definition as never, { expectedRevision: 1 });
          expect(edited).toMatchObject({ revision: 2, definitionSha256: draft.definitionSha256 });
          throw ROLLBACK;
        }).then(() => undefined, (e: unknown) => e);
        expect(outcome).toBe(ROLLBACK);
      }),
      { numRuns: 40 },
    );
    expect(await holdings(org)).toEqual(before);
  });

  it('drafts: numbered without gaps, one per workflow, edited with expectedRevision until published; published versions are immutable', async () => {
    const org = await anOrg();
    const { workflow, draft } = await aWorkflow(org);
    const second = await rejection(org.as(org.ada, (uow) => uow.workflows.createDraft(workflow.id, flow(org.ada, 2))));
    expect(second).toBeInstanceOf(UniqueViolationError);
    expect((second as UniqueViolationError).constraint).toBe('workflow_versions_one_draft_key');
    expect(draft.revision).toBe(1);
    const edited = await org.as(org.bob, (uow) => uow.workflows.updateDraft(workflow.id, 1, flow(org.bob, 10), { expectedRevision: 1 }));
    expect(edited).toMatchObject({ version: 1, revision: 2, isPublished: false, createdBy: org.ada });
    expect(edited.definitionSha256).not.toBe(draft.definitionSha256);
    expect(edited.definitionSha256).toBe(definitionSha256(parseWorkflowDefinition(flow(org.bob, 10))));
    // Two editors who read revision 1: the second is refused, nothing written.
    const held = await holdings(org);
    const stale = await rejection(org.as(org.ada, (uow) => uow.workflows.updateDraft(workflow.id, 1, flow(org.ada, 11), { expectedRevision: 1 })));
    expect(stale).toBeInstanceOf(VersionConflictError);
    expect(stale).toMatchObject({ entity: 'workflow draft', expectedVersion: 1, currentVersion: 2 });
    expect(await holdings(org)).toEqual(held);
    // The same definition again: no audit row, no event (its revision still moves on).
    const same = await org.as(org.bob, (uow) => uow.workflows.updateDraft(workflow.id, 1, flow(org.bob, 10)));
    expect(same).toMatchObject({ definitionSha256: edited.definitionSha256, revision: 3 });
    // A publisher who reviewed one revision publishes only that: an edit since is refused.
    const afterReview = await org.as(org.ada, (uow) => uow.workflows.updateDraft(workflow.id, 1, flow(org.ada, 12)));
    expect(afterReview.revision).toBe(same.revision + 1);
    const unreviewed = await rejection(org.as(org.bob, (uow) => uow.workflows.publish(workflow.id, { version: 1, expectedPublishedVersion: null, expectedRevision: same.revision })));
    expect(unreviewed).toBeInstanceOf(VersionConflictError);
    expect(unreviewed).toMatchObject({ entity: 'workflow draft', expectedVersion: same.revision, currentVersion: afterReview.revision });
    const { workflow: published, version } = await org.as(org.bob, (uow) =>
      uow.workflows.publish(workflow.id, { version: 1, expectedPublishedVersion: null, expectedRevision: afterReview.revision }),
    );
    driven.add('publish:draft');
    expect(published).toMatchObject({ status: 'published', publishedVersion: 1, latestVersion: 1 });
    expect(version).toMatchObject({ version: 1, isPublished: true, publishedBy: org.bob, createdBy: org.ada, definitionSha256: afterReview.definitionSha256 });
    expect(version.publishedAt).toBeInstanceOf(Date);
    // The published version can no longer be edited, through the repository or by SQL.
    const frozen = await rejection(org.as(org.ada, (uow) => uow.workflows.updateDraft(workflow.id, 1, flow(org.ada, 13))));
    expect(frozen).toBeInstanceOf(NotFoundError);
    expect((frozen as NotFoundError).entity).toBe('workflow version');
    const direct = await rejection(
      unitOfWork(app, { tenant: org.organizationId }, (uow) => sql`UPDATE workflow_versions SET definition = '{}' WHERE workflow_id = ${workflow.id}`.execute(uow.trx)),
    );
    expect(direct).toBeInstanceOf(CheckViolationError);
    expect((direct as CheckViolationError).constraint).toBe('workflow_versions_immutable');
    // Publishing it again: a TransitionConflictError naming the version.
    const twice = await rejection(org.as(org.ada, (uow) => uow.workflows.publish(workflow.id, { version: 1, expectedPublishedVersion: 1 })));
    expect(twice).toBeInstanceOf(TransitionConflictError);
    expect(twice).toMatchObject({ entity: 'workflow version', event: 'publish' });
    // Versions are numbered without gaps, refused drafts take no number.
    const v2 = await org.as(org.ada, (uow) => uow.workflows.createDraft(workflow.id, flow(org.ada, 20)));
    expect(v2).toMatchObject({ version: 2, revision: 1, isPublished: false, createdBy: org.ada });
    expect(await rejection(org.as(org.ada, (uow) => uow.workflows.createDraft(workflow.id, flow(org.ada, 21))))).toMatchObject({ constraint: 'workflow_versions_one_draft_key' });
    expect(await rejection(org.as(org.ada, (uow) => uow.workflows.updateDraft(workflow.id, 3, flow(org.ada, 21))))).toBeInstanceOf(NotFoundError);
    await org.as(org.ada, (uow) => uow.workflows.publish(workflow.id, { version: 2, expectedPublishedVersion: 1 }));
    driven.add('publish:published');
    const v3 = await org.as(org.ada, (uow) => uow.workflows.createDraft(workflow.id, flow(org.ada, 30)));
    expect(v3.version).toBe(3);
    expect(await org.as(org.ada, (uow) => uow.workflows.findById(workflow.id))).toMatchObject({ latestVersion: 3, publishedVersion: 2, status: 'published' });
    expect((await org.as(org.ada, (uow) => uow.workflows.listVersions(workflow.id))).map((v) => [v.version, v.isPublished])).toEqual([
      [3, false],
      [2, true],
      [1, true],
    ]);
    const listed = await org.as(org.ada, (uow) => uow.workflows.listVersions(workflow.id));
    expect(listed.every((v) => !('definition' in v))).toBe(true);
    expect(await actions(workflow.id)).toEqual([
      'workflow.create',
      'workflow.update_draft',
      'workflow.update_draft',
      'workflow.publish',
      'workflow.create_draft',
      'workflow.publish',
      'workflow.create_draft',
    ]);
    expect((await events(org, workflow.id)).map((e) => e.event_type_code)).toEqual([
      'workflow.created',
      'workflow.draft_saved',
      'workflow.draft_saved',
      'workflow.published',
      'workflow.draft_saved',
      'workflow.published',
      'workflow.draft_saved',
    ]);
    for (const e of (await events(org, workflow.id)).filter((x) => x.event_type_code === 'workflow.draft_saved')) {
      expect(eventPayloadSchema('workflow.draft_saved', 1).parse(e.payload)).toMatchObject({ workflowId: workflow.id, organizationId: org.organizationId });
    }
    // Read back: the stored definition hashes to its sha256.
    const stored = (await org.as(org.ada, (uow) => uow.workflows.getVersion(workflow.id, 1)))!;
    expect(definitionSha256(stored.definition)).toBe(stored.definitionSha256);
    expect(stored.definitionSha256).toBe(afterReview.definitionSha256);
    expect((await org.as(org.ada, (uow) => uow.workflows.getPublishedVersion(workflow.id)))!.version).toBe(2);
    expect(await org.as(org.ada, (uow) => uow.workflows.getVersion(workflow.id, 4))).toBeUndefined();
  });

  it('publish, rollback, archive, restore: conditional on the published version expected; stale callers get VersionConflictError, wrong states TransitionConflictError', async () => {
    const org = await anOrg();
    const { workflow } = await aWorkflow(org);
    const as = <T>(fn: (uow: UnitOfWork) => Promise<T>) => org.as(org.ada, fn);
    // A draft workflow can be neither archived, restored nor rolled back.
    expect(await rejection(as((uow) => uow.workflows.archive(workflow.id)))).toMatchObject({ constructor: TransitionConflictError, currentStatus: 'draft' });
    expect(await rejection(as((uow) => uow.workflows.restore(workflow.id)))).toBeInstanceOf(TransitionConflictError);
    expect(await rejection(as((uow) => uow.workflows.rollback(workflow.id, { toVersion: 1, expectedPublishedVersion: 1 })))).toBeInstanceOf(VersionConflictError);
    const stale = await rejection(as((uow) => uow.workflows.publish(workflow.id, { version: 1, expectedPublishedVersion: 3 })));
    expect(stale).toBeInstanceOf(VersionConflictError);
    expect(stale).toMatchObject({ entity: 'workflow', expectedVersion: 3, currentVersion: 0, currentStatus: 'draft' });
    await as((uow) => uow.workflows.publish(workflow.id, { version: 1, expectedPublishedVersion: null }));
    expect(await rejection(as((uow) => uow.workflows.publish(workflow.id, { version: 2, expectedPublishedVersion: 1 })))).toMatchObject({
      constructor: NotFoundError,
      entity: 'workflow version',
    });
    await as((uow) => uow.workflows.createDraft(workflow.id, flow(org.ada, 2)));
    expect(await rejection(as((uow) => uow.workflows.publish(workflow.id, { version: 2, expectedPublishedVersion: null })))).toBeInstanceOf(VersionConflictError);
    const { workflow: second } = await as((uow) => uow.workflows.publish(workflow.id, { version: 2, expectedPublishedVersion: 1 }));
    expect(second).toMatchObject({ status: 'published', publishedVersion: 2, latestVersion: 2 });
    // Rollback: to an older published version; not to the current one, nor to a missing or draft one.
    await as((uow) => uow.workflows.createDraft(workflow.id, flow(org.ada, 3)));
    expect(await rejection(as((uow) => uow.workflows.rollback(workflow.id, { toVersion: 3, expectedPublishedVersion: 2 })))).toBeInstanceOf(NotFoundError);
    expect(await rejection(as((uow) => uow.workflows.rollback(workflow.id, { toVersion: 9, expectedPublishedVersion: 2 })))).toBeInstanceOf(NotFoundError);
    expect(await rejection(as((uow) => uow.workflows.rollback(workflow.id, { toVersion: 2, expectedPublishedVersion: 2 })))).toBeInstanceOf(TransitionConflictError);
    expect(await rejection(as((uow) => uow.workflows.rollback(workflow.id, { toVersion: 1, expectedPublishedVersion: 1 })))).toBeInstanceOf(VersionConflictError);
    const rolled = await as((uow) => uow.workflows.rollback(workflow.id, { toVersion: 1, expectedPublishedVersion: 2 }));
    driven.add('rollback:published');
    expect(rolled).toMatchObject({ status: 'published', publishedVersion: 1, latestVersion: 3 });
    expect((await as((uow) => uow.workflows.getPublishedVersion(workflow.id)))!.version).toBe(1);
    // Forward again to 2 (a rollback may point at any other published version).
    expect(await as((uow) => uow.workflows.rollback(workflow.id, { toVersion: 2, expectedPublishedVersion: 1 }))).toMatchObject({ publishedVersion: 2 });
    await as((uow) => uow.workflows.rollback(workflow.id, { toVersion: 1, expectedPublishedVersion: 2 }));
    // Archive: no version starts executions; publishing and rolling back are refused; restore.
    const archived = await as((uow) => uow.workflows.archive(workflow.id));
    driven.add('archive:published');
    expect(archived).toMatchObject({ status: 'archived', publishedVersion: 1 });
    expect(await as((uow) => uow.workflows.getPublishedVersion(workflow.id))).toBeUndefined();
    expect(await as((uow) => uow.workflows.getVersion(workflow.id, 1))).toMatchObject({ version: 1, isPublished: true });
    expect(await rejection(as((uow) => uow.workflows.publish(workflow.id, { version: 3, expectedPublishedVersion: 1 })))).toMatchObject({
      constructor: TransitionConflictError,
      currentStatus: 'archived',
    });
    expect(await rejection(as((uow) => uow.workflows.rollback(workflow.id, { toVersion: 2, expectedPublishedVersion: 1 })))).toBeInstanceOf(TransitionConflictError);
    expect(await rejection(as((uow) => uow.workflows.archive(workflow.id)))).toBeInstanceOf(TransitionConflictError);
    // The draft can still be edited while archived.
    await as((uow) => uow.workflows.updateDraft(workflow.id, 3, flow(org.ada, 33)));
    expect(await as((uow) => uow.workflows.restore(workflow.id))).toMatchObject({ status: 'published', publishedVersion: 1 });
    driven.add('restore:archived');
    expect(await rejection(as((uow) => uow.workflows.restore(workflow.id)))).toBeInstanceOf(TransitionConflictError);
    expect((await as((uow) => uow.workflows.getPublishedVersion(workflow.id)))!.version).toBe(1);
    expect(await actions(workflow.id)).toEqual([
      'workflow.create',
      'workflow.publish',
      'workflow.create_draft',
      'workflow.publish',
      'workflow.create_draft',
      'workflow.rollback',
      'workflow.rollback',
      'workflow.rollback',
      'workflow.archive',
      'workflow.update_draft',
      'workflow.restore',
    ]);
    const all = await events(org, workflow.id);
    const repointed = all.filter((e) => e.event_type_code === 'workflow.published' || e.event_type_code === 'workflow.rolled_back');
    expect(repointed.map((e) => [e.event_type_code, (e.payload as { version: number }).version, (e.payload as { previousVersion: number | null }).previousVersion])).toEqual([
      ['workflow.published', 1, null],
      ['workflow.published', 2, 1],
      ['workflow.rolled_back', 1, 2],
      ['workflow.rolled_back', 2, 1],
      ['workflow.rolled_back', 1, 2],
    ]);
    for (const e of repointed) expect(() => eventPayloadSchema(e.event_type_code, 1).parse(e.payload)).not.toThrow();
    const statuses = all.filter((e) => e.event_type_code === 'workflow.archived' || e.event_type_code === 'workflow.restored');
    expect(statuses.map((e) => [e.event_type_code, eventPayloadSchema(e.event_type_code, 1).parse(e.payload)])).toEqual([
      ['workflow.archived', { workflowId: workflow.id, organizationId: org.organizationId, slug: workflow.slug, status: 'archived' }],
      ['workflow.restored', { workflowId: workflow.id, organizationId: org.organizationId, slug: workflow.slug, status: 'published' }],
    ]);
    // Deleted in any state (here: published); a missing workflow is NotFoundError everywhere.
    await as((uow) => uow.workflows.delete(workflow.id));
    const calls: ((uow: UnitOfWork) => Promise<unknown>)[] = [
      (uow) => uow.workflows.publish(MISSING, { version: 1, expectedPublishedVersion: null }),
      (uow) => uow.workflows.rollback(MISSING, { toVersion: 1, expectedPublishedVersion: 2 }),
      (uow) => uow.workflows.archive(MISSING),
      (uow) => uow.workflows.restore(MISSING),
      (uow) => uow.workflows.delete(MISSING),
      (uow) => uow.workflows.update(MISSING, { name: 'x' }),
      (uow) => uow.workflows.createDraft(MISSING, flow(org.ada)),
      (uow) => uow.workflows.updateDraft(MISSING, 1, flow(org.ada)),
      (uow) => uow.workflows.addTrigger(MISSING, { kind: 'manual' }),
      (uow) => uow.workflows.publish(workflow.id, { version: 3, expectedPublishedVersion: 1 }),
      (uow) => uow.workflows.archive(workflow.id),
      (uow) => uow.workflows.updateDraft(workflow.id, 3, flow(org.ada)),
      (uow) => uow.workflows.addTrigger(workflow.id, { kind: 'manual' }),
    ];
    for (const call of calls) {
      expect(await rejection(as(call))).toBeInstanceOf(NotFoundError);
    }
    expect(await as((uow) => uow.workflows.getPublishedVersion(workflow.id))).toBeUndefined();
  });

  it('two publishers at the same moment: one wins, the other waits for it and is refused (VersionConflictError); one workflow.publish audit row', async () => {
    const org = await anOrg();
    const { workflow } = await aWorkflow(org);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let published!: () => void;
    const first = new Promise<void>((resolve) => (published = resolve));
    const ada = org.as(org.ada, async (uow) => {
      await uow.workflows.publish(workflow.id, { version: 1, expectedPublishedVersion: null });
      published();
      await gate;
    });
    // Settled from the start: an early rejection is never unhandled.
    const adaSettled = Promise.allSettled([ada]);
    await Promise.race([first, ada]);
    const bob = org.as(org.bob, (uow) => uow.workflows.publish(workflow.id, { version: 1, expectedPublishedVersion: null }));
    const bobSettled = Promise.allSettled([bob]);
    await new Promise((resolve) => setTimeout(resolve, 200)); // bob waits for the workflow's row
    release();
    const [[a], [b]] = await Promise.all([adaSettled, bobSettled]);
    expect(a!.status).toBe('fulfilled');
    expect(b!.status).toBe('rejected');
    const reason = (b as PromiseRejectedResult).reason;
    expect(reason).toBeInstanceOf(VersionConflictError);
    expect(reason).toMatchObject({ entity: 'workflow', expectedVersion: 0, currentVersion: 1, currentStatus: 'published' });
    expect(await actions(workflow.id)).toEqual(['workflow.create', 'workflow.publish']);
    expect((await events(org, workflow.id)).filter((e) => e.event_type_code === 'workflow.published')).toHaveLength(1);
    const { rows } = await sql<{ published_by: string }>`SELECT published_by FROM workflow_versions WHERE workflow_id = ${workflow.id}`.execute(owner);
    expect(rows).toEqual([{ published_by: org.ada }]);
  });

  it('publishers at once from separate connections, over and over: exactly one wins each time, the others get VersionConflictError or TransitionConflictError', async () => {
    const org = await anOrg();
    for (let round = 0; round < 5; round += 1) {
      const { workflow } = await aWorkflow(org);
      const results = await Promise.allSettled(
        Array.from({ length: round === 0 ? 2 : 10 }, (_, i) =>
          org.as(i % 2 ? org.ada : org.bob, (uow) => uow.workflows.publish(workflow.id, { version: 1, expectedPublishedVersion: null })),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) {
        if (r.status === 'rejected') expect(r.reason instanceof VersionConflictError || r.reason instanceof TransitionConflictError, String(r.reason)).toBe(true);
      }
      expect((await actions(workflow.id)).filter((a) => a === 'workflow.publish')).toHaveLength(1);
      expect(await org.as(org.ada, (uow) => uow.workflows.findById(workflow.id))).toMatchObject({ status: 'published', publishedVersion: 1 });
    }
  });

  /**
   * Runs `first` in a unit of work that holds its locks until `second` (started once `first`'s
   * call returned) has waited 200 ms for them; both settled from the start.
   */
  const gated = async (org: Org, first: (uow: UnitOfWork) => Promise<unknown>, second: (uow: UnitOfWork) => Promise<unknown>) => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let done!: () => void;
    const called = new Promise<void>((resolve) => (done = resolve));
    const a = org.as(org.ada, async (uow) => {
      const result = await first(uow);
      done();
      await gate;
      return result;
    });
    const aSettled = Promise.allSettled([a]);
    await Promise.race([called, aSettled]);
    const bSettled = Promise.allSettled([org.as(org.bob, second)]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    const [[x], [y]] = await Promise.all([aSettled, bSettled]);
    return [x!, y!] as const;
  };

  it('two editors of one revision at the same moment: the one that waited is refused with VersionConflictError (it reads the revision the other left)', async () => {
    const org = await anOrg();
    const { workflow } = await aWorkflow(org);
    const [a, b] = await gated(
      org,
      (uow) => uow.workflows.updateDraft(workflow.id, 1, flow(org.ada, 1), { expectedRevision: 1 }),
      (uow) => uow.workflows.updateDraft(workflow.id, 1, flow(org.bob, 2), { expectedRevision: 1 }),
    );
    expect(a.status).toBe('fulfilled');
    expect(b.status).toBe('rejected');
    expect((b as PromiseRejectedResult).reason).toBeInstanceOf(VersionConflictError);
    expect((b as PromiseRejectedResult).reason).toMatchObject({ entity: 'workflow draft', expectedVersion: 1, currentVersion: 2 });
    const draft = (await org.as(org.ada, (uow) => uow.workflows.getVersion(workflow.id, 1)))!;
    expect(draft).toMatchObject({ revision: 2, definitionSha256: definitionSha256(parseWorkflowDefinition(flow(org.ada, 1))) });
  });

  it('an edit and a publish of the reviewed revision at the same moment: the publisher that waited for the edit gets VersionConflictError (entity workflow draft); nothing unreviewed is published', async () => {
    const org = await anOrg();
    const { workflow, draft } = await aWorkflow(org);
    const [a, b] = await gated(
      org,
      (uow) => uow.workflows.updateDraft(workflow.id, 1, flow(org.ada, 1), { expectedRevision: 1 }),
      (uow) => uow.workflows.publish(workflow.id, { version: 1, expectedPublishedVersion: null, expectedRevision: draft.revision }),
    );
    expect(a.status).toBe('fulfilled');
    expect(b.status).toBe('rejected');
    expect(await org.as(org.ada, (uow) => uow.workflows.findById(workflow.id))).toMatchObject({ status: 'draft', publishedVersion: null });
    expect((await actions(workflow.id)).filter((x) => x === 'workflow.publish')).toEqual([]);
    const reason = (b as PromiseRejectedResult).reason as Error;
    expect(reason, `${reason.constructor.name}: ${reason.message}`).toBeInstanceOf(VersionConflictError);
    expect(reason).toMatchObject({ entity: 'workflow draft', expectedVersion: 1, currentVersion: 2 });
  });

  it('a publish and an edit at the same moment: the editor that waited for the publish gets NotFoundError (workflow version); the published version is the reviewed one', async () => {
    const org = await anOrg();
    const { workflow, draft } = await aWorkflow(org);
    const [a, b] = await gated(
      org,
      (uow) => uow.workflows.publish(workflow.id, { version: 1, expectedPublishedVersion: null, expectedRevision: 1 }),
      (uow) => uow.workflows.updateDraft(workflow.id, 1, flow(org.bob, 2), { expectedRevision: 1 }),
    );
    expect(a.status).toBe('fulfilled');
    expect((b as PromiseRejectedResult).reason).toMatchObject({ constructor: NotFoundError, entity: 'workflow version' });
    expect(await org.as(org.ada, (uow) => uow.workflows.getPublishedVersion(workflow.id))).toMatchObject({ version: 1, revision: 1, definitionSha256: draft.definitionSha256 });
  });

  it('ten concurrent new drafts: one draft, numbered next; the others get UniqueViolationError (workflow_versions_one_draft_key)', async () => {
    const org = await anOrg();
    for (let round = 0; round < 5; round += 1) {
      const { workflow } = await aWorkflow(org);
      await org.as(org.ada, (uow) => uow.workflows.publish(workflow.id, { version: 1, expectedPublishedVersion: null }));
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => org.as(org.ada, (uow) => uow.workflows.createDraft(workflow.id, flow(org.ada, 100 + i)))));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) {
        if (r.status === 'rejected') {
          expect(r.reason).toBeInstanceOf(UniqueViolationError);
          expect(r.reason).toMatchObject({ constraint: 'workflow_versions_one_draft_key' });
        }
      }
      const { rows } = await sql<{ version: number; is_published: boolean }>`
        SELECT version, is_published FROM workflow_versions WHERE workflow_id = ${workflow.id} ORDER BY version`.execute(owner);
      expect(rows).toEqual([
        { version: 1, is_published: true },
        { version: 2, is_published: false },
      ]);
      expect(await org.as(org.ada, (uow) => uow.workflows.findById(workflow.id))).toMatchObject({ latestVersion: 2 });
      expect((await actions(workflow.id)).filter((a) => a === 'workflow.create_draft')).toHaveLength(1);
    }
  });

  it('triggers: one of each kind (a schedule computes its next run), bad crons and unknown targets refused with nothing written, one active per form / event type / manual, deactivated and listed; audited with events', async () => {
    const org = await anOrg();
    const { workflow } = await aWorkflow(org);
    const { form } = await org.as(org.ada, (uow) => uow.forms.create({ organizationId: org.organizationId, slug: `f-${unique()}`, name: 'Claim', definition: expenseClaim() }));
    const add = (input: Parameters<UnitOfWork['workflows']['addTrigger']>[1], id = workflow.id) => org.as(org.ada, (uow) => uow.workflows.addTrigger(id, input));
    const common = { organizationId: org.organizationId, workflowId: workflow.id, isActive: true, createdBy: org.ada };

    const manual = await add({ kind: 'manual' });
    expect(manual).toMatchObject({ ...common, kind: 'manual', formId: null, eventTypeCode: null, cron: null, nextRunAt: null });
    expect(manual.createdAt).toBeInstanceOf(Date);
    const submitted = await add({ kind: 'form_submission', formId: form.id });
    expect(submitted).toMatchObject({ ...common, kind: 'form_submission', formId: form.id, eventTypeCode: null, cron: null, nextRunAt: null });
    const onEvent = await add({ kind: 'event', eventType: 'form.published' });
    expect(onEvent).toMatchObject({ ...common, kind: 'event', formId: null, eventTypeCode: 'form.published', cron: null, nextRunAt: null });
    // Schedules: the next time the cron matches, after now (UTC).
    const daily = '30 4 * * *';
    const beforeDaily = new Date();
    const atFour = await add({ kind: 'schedule', cron: daily });
    const afterDaily = new Date();
    expect(atFour).toMatchObject({ ...common, kind: 'schedule', cron: daily, formId: null, eventTypeCode: null });
    const next = atFour.nextRunAt!;
    expect(next).toBeInstanceOf(Date);
    expect(next.getTime()).toBeGreaterThan(afterDaily.getTime());
    expect(next.getTime() - beforeDaily.getTime()).toBeLessThanOrEqual(24 * 3600_000);
    expect([next.getUTCHours(), next.getUTCMinutes(), next.getUTCSeconds(), next.getUTCMilliseconds()]).toEqual([4, 30, 0, 0]);
    expect([nextCronTime(parseCron(daily), beforeDaily).getTime(), nextCronTime(parseCron(daily), afterDaily).getTime()]).toContain(next.getTime());
    const quarter = await add({ kind: 'schedule', cron: '*/15 * * * 1-5,0,6' }); // a second schedule is allowed
    const q = quarter.nextRunAt!;
    expect(q.getTime()).toBeGreaterThan(Date.now() - 1000);
    expect(q.getTime() - Date.now()).toBeLessThanOrEqual(15 * 60_000);
    expect([q.getUTCMinutes() % 15, q.getUTCSeconds(), q.getUTCMilliseconds()]).toEqual([0, 0, 0]);
    const { rows: dueRows } = await sql<{ id: string; next_run_at: Date }>`
      SELECT id, next_run_at FROM workflow_triggers WHERE workflow_id = ${workflow.id} AND kind = 'schedule' ORDER BY created_at, id`.execute(owner);
    expect(new Map(dueRows.map((r) => [r.id, r.next_run_at.getTime()]))).toEqual(
      new Map([
        [atFour.id, next.getTime()],
        [quarter.id, q.getTime()],
      ]),
    );

    // Refused, with nothing written: bad crons, unknown targets, a second active trigger of the same thing.
    const held = await holdings(org);
    for (const cron of ['61 * * * *', '* * * *', '* * * * * *', 'every day', '', '0 0 30 2 *', '0 24 * * *', '5-1 * * * *', '*/0 * * * *', '0 0 * 13 *', '0 0 0 * *']) {
      const error = await rejection(add({ kind: 'schedule', cron }));
      expect(error, cron).toBeInstanceOf(ValidationError);
    }
    const other = await anOrg();
    const { form: foreignForm } = await other.as(other.ada, (uow) =>
      uow.forms.create({ organizationId: other.organizationId, slug: `f-${unique()}`, name: 'Foreign', definition: expenseClaim() }),
    );
    for (const formId of [foreignForm.id, MISSING]) {
      const error = await rejection(add({ kind: 'form_submission', formId }));
      expect(error).toBeInstanceOf(ForeignKeyViolationError);
      expect((error as ForeignKeyViolationError).constraint).toBe('workflow_triggers_form_id_fkey');
    }
    const unknownEvent = await rejection(add({ kind: 'event', eventType: 'no_such.event_type' }));
    expect(unknownEvent).toBeInstanceOf(ForeignKeyViolationError);
    expect((unknownEvent as ForeignKeyViolationError).constraint).toBe('workflow_triggers_event_type_code_fkey');
    const duplicates: [Parameters<UnitOfWork['workflows']['addTrigger']>[1], string][] = [
      [{ kind: 'form_submission', formId: form.id }, 'workflow_triggers_form_key'],
      [{ kind: 'event', eventType: 'form.published' }, 'workflow_triggers_event_key'],
      [{ kind: 'manual' }, 'workflow_triggers_manual_key'],
    ];
    for (const [input, constraint] of duplicates) {
      const error = await rejection(add(input));
      expect(error, constraint).toBeInstanceOf(UniqueViolationError);
      expect((error as UniqueViolationError).constraint).toBe(constraint);
    }
    expect(await holdings(org)).toEqual(held);
    // Other event types, and another workflow's trigger of the same form, are fine.
    const onSubmit = await add({ kind: 'event', eventType: 'submission.submitted' });
    const { workflow: sibling } = await aWorkflow(org);
    await add({ kind: 'form_submission', formId: form.id }, sibling.id);
    await add({ kind: 'manual' }, sibling.id);

    // Deactivate: off (a schedule loses its next run); twice → NotFoundError; then a new one may be added.
    const off = await org.as(org.bob, (uow) => uow.workflows.deactivateTrigger(workflow.id, manual.id));
    expect(off).toMatchObject({ id: manual.id, kind: 'manual', isActive: false });
    const offAgain = await rejection(org.as(org.bob, (uow) => uow.workflows.deactivateTrigger(workflow.id, manual.id)));
    expect(offAgain).toBeInstanceOf(NotFoundError);
    expect((offAgain as NotFoundError).entity).toBe('workflow_trigger');
    // Another workflow's trigger, or a missing one: NotFoundError.
    expect(await rejection(org.as(org.bob, (uow) => uow.workflows.deactivateTrigger(sibling.id, submitted.id)))).toBeInstanceOf(NotFoundError);
    expect(await rejection(org.as(org.bob, (uow) => uow.workflows.deactivateTrigger(workflow.id, MISSING)))).toBeInstanceOf(NotFoundError);
    const manual2 = await add({ kind: 'manual' });
    expect(manual2.id).not.toBe(manual.id);
    const stopped = await org.as(org.bob, (uow) => uow.workflows.deactivateTrigger(workflow.id, atFour.id));
    expect(stopped).toMatchObject({ kind: 'schedule', cron: daily, isActive: false, nextRunAt: null });
    await org.as(org.bob, (uow) => uow.workflows.deactivateTrigger(workflow.id, submitted.id));
    const submitted2 = await add({ kind: 'form_submission', formId: form.id });

    // Listed oldest first, active and not.
    const listed = await org.as(org.ada, (uow) => uow.workflows.listTriggers(workflow.id));
    expect(listed.map((t) => [t.id, t.kind, t.isActive])).toEqual([
      [manual.id, 'manual', false],
      [submitted.id, 'form_submission', false],
      [onEvent.id, 'event', true],
      [atFour.id, 'schedule', false],
      [quarter.id, 'schedule', true],
      [onSubmit.id, 'event', true],
      [manual2.id, 'manual', true],
      [submitted2.id, 'form_submission', true],
    ]);
    expect(listed.find((t) => t.id === quarter.id)!.nextRunAt).toEqual(q);
    expect(listed.every((t) => t.createdAt instanceof Date && t.updatedAt instanceof Date)).toBe(true);
    expect((await org.as(org.ada, (uow) => uow.workflows.listTriggers(sibling.id))).map((t) => t.kind)).toEqual(['form_submission', 'manual']);
    expect(await org.as(org.ada, (uow) => uow.workflows.listTriggers(MISSING))).toEqual([]);

    // Audited (per trigger) with events (on the workflow).
    expect(await actions(workflow.id)).toEqual([
      'workflow.create',
      ...Array<string>(6).fill('workflow_trigger.add'),
      'workflow_trigger.deactivate',
      'workflow_trigger.add',
      'workflow_trigger.deactivate',
      'workflow_trigger.deactivate',
      'workflow_trigger.add',
    ]);
    const { rows: audits } = await sql<{ action: string; entity_type: string; entity_id: string }>`
      SELECT action, entity_type, entity_id FROM audit_logs WHERE entity_id = ${manual.id} ORDER BY event_id`.execute(owner);
    expect(audits).toEqual([
      { action: 'workflow_trigger.add', entity_type: 'workflow_trigger', entity_id: manual.id },
      { action: 'workflow_trigger.deactivate', entity_type: 'workflow_trigger', entity_id: manual.id },
    ]);
    const triggerEvents = (await events(org, workflow.id)).filter((e) => e.event_type_code.startsWith('workflow_trigger.'));
    expect(triggerEvents.map((e) => e.event_type_code).sort()).toEqual([
      ...Array<string>(8).fill('workflow_trigger.added'),
      ...Array<string>(3).fill('workflow_trigger.deactivated'),
    ]);
    for (const e of triggerEvents) {
      const payload = eventPayloadSchema(e.event_type_code, 1).parse(e.payload) as { triggerId: string; workflowId: string; organizationId: string };
      expect(payload).toMatchObject({ workflowId: workflow.id, organizationId: org.organizationId });
      expect(listed.map((t) => t.id)).toContain(payload.triggerId);
    }
    expect(triggerEvents.filter((e) => e.event_type_code === 'workflow_trigger.deactivated').map((e) => (e.payload as { triggerId: string }).triggerId).sort()).toEqual(
      [manual.id, atFour.id, submitted.id].sort(),
    );
    // A deleted workflow takes no trigger.
    await org.as(org.ada, (uow) => uow.workflows.delete(sibling.id));
    expect(await rejection(add({ kind: 'event', eventType: 'form.published' }, sibling.id))).toMatchObject({ constructor: NotFoundError, entity: 'workflow' });
  });

  it('row-level security: as the application role in another tenant’s unit of work, nothing of the first tenant’s workflows, versions or triggers is seen or changed', async () => {
    const org = await anOrg();
    const { workflow } = await aWorkflow(org);
    await org.as(org.ada, (uow) => uow.workflows.publish(workflow.id, { version: 1, expectedPublishedVersion: null }));
    await org.as(org.ada, (uow) => uow.workflows.createDraft(workflow.id, flow(org.ada, 2)));
    const manual = await org.as(org.ada, (uow) => uow.workflows.addTrigger(workflow.id, { kind: 'manual' }));
    const { form } = await org.as(org.ada, (uow) => uow.forms.create({ organizationId: org.organizationId, slug: `f-${unique()}`, name: 'Claim', definition: expenseClaim() }));
    // The first tenant sees its own.
    expect(await org.as(org.ada, (uow) => uow.workflows.listTriggers(workflow.id))).toHaveLength(1);
    expect(await org.as(org.ada, (uow) => uow.workflows.listVersions(workflow.id))).toHaveLength(2);

    const other = await anOrg();
    const { workflow: theirs } = await aWorkflow(other);
    const held = await holdings(org);
    const inOther = <T>(fn: (uow: UnitOfWork) => Promise<T>) => unitOfWork(app, { tenant: other.organizationId, context: { actorUserId: other.ada } }, fn);
    expect(await inOther((uow) => uow.workflows.findById(workflow.id))).toBeUndefined();
    expect(await inOther((uow) => uow.workflows.list(org.organizationId))).toEqual([]);
    expect(await inOther((uow) => uow.workflows.getVersion(workflow.id, 1))).toBeUndefined();
    expect(await inOther((uow) => uow.workflows.getPublishedVersion(workflow.id))).toBeUndefined();
    expect(await inOther((uow) => uow.workflows.listVersions(workflow.id))).toEqual([]);
    expect(await inOther((uow) => uow.workflows.listTriggers(workflow.id))).toEqual([]);
    // Without an acting user too.
    expect(await unitOfWork(app, { tenant: other.organizationId }, (uow) => uow.workflows.listTriggers(workflow.id))).toEqual([]);
    const { rows } = await inOther((uow) =>
      sql<{ n: number }>`
        SELECT (SELECT count(*) FROM workflows WHERE organization_id = ${org.organizationId})
          + (SELECT count(*) FROM workflow_versions WHERE organization_id = ${org.organizationId})
          + (SELECT count(*) FROM workflow_triggers WHERE organization_id = ${org.organizationId})::int AS n`.execute(uow.trx),
    );
    expect(Number(rows[0]!.n)).toBe(0);
    // Changes: NotFoundError, nothing written.
    const calls: ((uow: UnitOfWork) => Promise<unknown>)[] = [
      (uow) => uow.workflows.update(workflow.id, { name: 'Stolen' }),
      (uow) => uow.workflows.createDraft(workflow.id, flow(other.ada)),
      (uow) => uow.workflows.updateDraft(workflow.id, 2, flow(other.ada)),
      (uow) => uow.workflows.publish(workflow.id, { version: 2, expectedPublishedVersion: 1 }),
      (uow) => uow.workflows.rollback(workflow.id, { toVersion: 1, expectedPublishedVersion: 1 }),
      (uow) => uow.workflows.archive(workflow.id),
      (uow) => uow.workflows.restore(workflow.id),
      (uow) => uow.workflows.delete(workflow.id),
      (uow) => uow.workflows.addTrigger(workflow.id, { kind: 'event', eventType: 'form.published' }),
      (uow) => uow.workflows.deactivateTrigger(workflow.id, manual.id),
    ];
    for (const call of calls) expect(await rejection(inOther(call))).toBeInstanceOf(NotFoundError);
    // Their own workflow cannot be triggered by the first tenant's form.
    const foreign = await rejection(inOther((uow) => uow.workflows.addTrigger(theirs.id, { kind: 'form_submission', formId: form.id })));
    expect(foreign).toBeInstanceOf(ForeignKeyViolationError);
    expect((foreign as ForeignKeyViolationError).constraint).toBe('workflow_triggers_form_id_fkey');
    // Creating in the first tenant's name is refused by row security.
    const impostor = await rejection(inOther((uow) => uow.workflows.create({ organizationId: org.organizationId, slug: `x-${unique()}`, name: 'Impostor', definition: flow(other.ada) })));
    expect(impostor).toBeInstanceOf(TenantIsolationError);
    expect((impostor as TenantIsolationError).table).toBe('workflows');
    expect(await holdings(org)).toEqual(held);
    expect(await org.as(org.ada, (uow) => uow.workflows.listTriggers(workflow.id))).toMatchObject([{ id: manual.id, isActive: true }]);
  });

  it('drove every declared workflow transition', () => {
    expect([...driven].sort()).toEqual(WORKFLOW_TRANSITIONS.map((t) => `${t.event}:${t.from}`).sort());
  });
});
