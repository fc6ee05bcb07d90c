// OpenTelemetry spans per repository operation, through the real @opentelemetry/api and an
// in-memory exporter of @opentelemetry/sdk-trace-base: one span per call of a repository reached
// through a unit of work or createRepositories, named for the repository and method, with
// the error's code on failure, never a row value; nothing at all without a tracer provider.
import { SpanStatusCode, trace } from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../src/core/errors/not-found-error.js';
import { UniqueViolationError } from '../../../src/core/errors/constraint-errors.js';
import { createUnitOfWork } from '../../../src/core/unit-of-work/create-unit-of-work.js';
import { createRepositories, unitOfWork } from '../../../src/repositories.js';
import { useTestDatabase } from '../../helpers/database.js';
import { unique } from '../../helpers/fixtures.js';

const exporter = new InMemorySpanExporter();

function register(options: { sampled?: boolean } = {}): void {
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    ...(options.sampled === false ? { sampler: new AlwaysOffSampler() } : {}),
  });
  expect(trace.setGlobalTracerProvider(provider)).toBe(true);
}

const spans = (): ReadableSpan[] => exporter.getFinishedSpans().filter((span) => span.name.startsWith('org-data '));

/** Every attribute value and the status message of `span`, as one text. */
const recorded = (span: ReadableSpan) => JSON.stringify([span.attributes, span.status, span.events]);

describe('OpenTelemetry spans per repository operation', () => {
  const testDb = useTestDatabase();
  afterEach(() => {
    trace.disable();
    exporter.reset();
  });

  it('records one span per operation, named for the repository and method, with no row value', async () => {
    register();
    const slug = `traced-${unique()}`;
    const organization = await createRepositories(testDb.current.db).organizations.create({ slug, name: 'Traced Org' });
    await unitOfWork(testDb.current.db, { tenant: organization.id }, async (uow) => {
      await uow.organizations.findById(organization.id);
      await uow.organizations.findBySlug(slug);
    });

    expect(spans().map((span) => span.name)).toEqual([
      'org-data organizations.create',
      'org-data organizations.findById',
      'org-data organizations.findBySlug',
    ]);
    const [, findById] = spans();
    expect(findById!.attributes).toEqual({
      'db.system': 'postgresql',
      'db.system.name': 'postgresql',
      'org_data.repository': 'organizations',
      'org_data.method': 'findById',
    });
    expect(findById!.status.code).toBe(SpanStatusCode.UNSET);
    expect(findById!.instrumentationScope.name).toBe('@org/data');
    for (const span of spans()) {
      expect(recorded(span)).not.toContain(organization.id);
      expect(recorded(span)).not.toContain(slug);
    }
  });

  it('marks a failed operation with the error code and SQLSTATE, not the message', async () => {
    register();
    const repos = createRepositories(testDb.current.db);
    const slug = `dup-${unique()}`;
    await repos.organizations.create({ slug, name: 'First' });
    await expect(repos.organizations.create({ slug, name: 'Second' })).rejects.toBeInstanceOf(UniqueViolationError);
    const missing = '00000000-0000-4000-8000-00000000dead';
    await expect(repos.organizations.getById(missing)).rejects.toBeInstanceOf(NotFoundError);

    const [, duplicate, notFound] = spans();
    expect(duplicate!.name).toBe('org-data organizations.create');
    expect(duplicate!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'UNIQUE_VIOLATION' });
    expect(duplicate!.attributes).toMatchObject({ 'error.type': 'UNIQUE_VIOLATION', 'db.response.status_code': '23505' });
    expect(notFound!.name).toBe('org-data organizations.getById');
    expect(notFound!.attributes).toMatchObject({ 'error.type': 'NOT_FOUND' });
    expect(notFound!.attributes).not.toHaveProperty('db.response.status_code');
    expect(recorded(duplicate!)).not.toContain(slug);
    expect(recorded(notFound!)).not.toContain(missing);
  });

  it('traces a service’s own repositories bound with createUnitOfWork, sync and async methods alike', async () => {
    register();
    const repository = Object.freeze({
      label: 'kept',
      count: () => 3,
      load: async (id: string) => ({ id }),
      fail: () => {
        throw new TypeError('a value 123');
      },
    });
    const kit = createUnitOfWork({ invoices: () => repository });
    const repos = kit.repositories(testDb.current.db);
    expect(repos.invoices).not.toBe(repository);
    expect(Object.isFrozen(repos.invoices)).toBe(true);
    expect(repos.invoices.label).toBe('kept');
    expect(repos.invoices.count()).toBe(3);
    expect(await repos.invoices.load('x')).toEqual({ id: 'x' });
    expect(() => repos.invoices.fail()).toThrow(TypeError);
    expect(spans().map((span) => [span.name, span.attributes['error.type']])).toEqual([
      ['org-data invoices.count', undefined],
      ['org-data invoices.load', undefined],
      ['org-data invoices.fail', 'TypeError'],
    ]);
    expect(recorded(spans()[2]!)).not.toContain('123');
  });

  it('leaves repositories untouched and records nothing without a tracer provider', async () => {
    const repository = Object.freeze({ count: () => 3 });
    const kit = createUnitOfWork({ invoices: () => repository });
    expect(kit.repositories(testDb.current.db).invoices).toBe(repository);
    await createRepositories(testDb.current.db).organizations.findBySlug(`none-${unique()}`);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('records nothing when the sampler drops the spans, and the operations still work', async () => {
    register({ sampled: false });
    const organization = await createRepositories(testDb.current.db).organizations.create({ slug: `off-${unique()}`, name: 'Off' });
    expect(await createRepositories(testDb.current.db).organizations.findById(organization.id)).toMatchObject({ id: organization.id });
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('picks up a provider registered after the package was loaded, for repositories built from then on', async () => {
    const before = createRepositories(testDb.current.db);
    await before.organizations.findBySlug(`early-${unique()}`);
    register();
    await before.organizations.findBySlug(`early-${unique()}`);
    expect(spans()).toEqual([]);
    await createRepositories(testDb.current.db).organizations.findBySlug(`late-${unique()}`);
    expect(spans().map((span) => span.name)).toEqual(['org-data organizations.findBySlug']);
  });

  it('stops tracing repositories built after trace.disable(), and starts again when a provider is registered again', async () => {
    register();
    const kit = createUnitOfWork({ invoices: () => Object.freeze({ count: () => 3 }) });
    await createRepositories(testDb.current.db).organizations.findBySlug(`on-${unique()}`);
    trace.disable();
    const plain = Object.freeze({ count: () => 3 });
    expect(createUnitOfWork({ invoices: () => plain }).repositories(testDb.current.db).invoices).toBe(plain);
    await createRepositories(testDb.current.db).organizations.findBySlug(`off-${unique()}`);
    register();
    expect(kit.repositories(testDb.current.db).invoices.count()).toBe(3);
    await createRepositories(testDb.current.db).organizations.findBySlug(`again-${unique()}`);
    expect(spans().map((span) => span.name)).toEqual([
      'org-data organizations.findBySlug',
      'org-data invoices.count',
      'org-data organizations.findBySlug',
    ]);
  });
});
