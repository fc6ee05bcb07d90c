// Inputs outside the TypeScript types that used to escape as TypeError/RangeError, reach the
// server as a generic error, or lose a key: JSON of any depth, integers beyond their column,
// timestamps beyond what PostgreSQL prints back, prototype-named keys, null/undefined arguments.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { DataError } from '../../src/core/errors/data-error.js';
import { ValidationError } from '../../src/core/errors/validation-error.js';
import { MAX_JSON_DEPTH } from '../../src/core/kernel/metadata.js';
import { MetadataSchema } from '../../src/schemas.js';
import { createRepositories, type Repositories } from '../../src/repositories.js';
import { seedDefaults } from '../../src/contexts/identity/seeders/seed-defaults.js';
import { useTestDatabase } from '../helpers/database.js';
import { anObject } from '../helpers/documents.js';

/** `{ a: { a: … 1 } }` or `[[… 1]]`, `depth` levels deep. */
function nested(depth: number, kind: 'array' | 'object'): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i += 1) value = kind === 'array' ? [value] : { a: value };
  return value;
}

/** What `call` threw (or rejected with); fails when it succeeded. */
async function thrown(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

/** The ValidationError `call` fails with, or a failing assertion. */
async function validationOf(call: () => unknown): Promise<ValidationError> {
  const error = await thrown(call);
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe('hostile inputs', () => {
  const testDb = useTestDatabase();
  let repos: Repositories;
  let organizationId: string;
  let clientId: string;

  beforeAll(async () => {
    await seedDefaults(testDb.current.db);
    repos = createRepositories(testDb.current.db);
    organizationId = (await repos.organizations.create({ slug: 'hostile', name: 'Hostile' })).id;
    clientId = (await repos.clients.create({ organizationId, code: 'H-1', name: 'Hostile client' })).id;
  });

  it('a lone UTF-16 surrogate in metadata is a ValidationError before any SQL, and nothing is written', async () => {
    const code = `S-${randomUUID().slice(0, 6)}`;
    for (const metadata of [{ note: 'a\ud800b' }, { '\udc00': 1 }, { nested: { list: ['\ud83d'] } }]) {
      const error = await validationOf(() => repos.clients.create({ organizationId, code, name: 'x', metadata: metadata as never }));
      expect(error.issues[0]?.message).toMatch(/lone UTF-16 surrogate|Invalid key in record/);
      await validationOf(() => repos.clients.pageByMetadata(organizationId, metadata as never));
    }
    expect(await repos.clients.findByCode(organizationId, code)).toBeUndefined();
  });

  it('JSON nested a thousand or a hundred thousand levels deep is a ValidationError, never a RangeError', async () => {
    for (const deep of [nested(1_000, 'object'), nested(100_000, 'object'), nested(100_000, 'array')]) {
      const error = await validationOf(() =>
        repos.clients.create({ organizationId, code: `H-${randomUUID().slice(0, 6)}`, name: 'x', metadata: { deep } as never }),
      );
      expect(error.issues[0]?.message).toContain(`${MAX_JSON_DEPTH} levels`);
      await validationOf(() => repos.clients.pageByMetadata(organizationId, { deep } as never));
      await validationOf(() => repos.documents.searchByMetadata(clientId, { deep } as never));
      await validationOf(() =>
        repos.documents.create({ clientId, originalName: 'deep.bin', mimeType: 'application/octet-stream', metadata: { deep } as never, ...anObject() }),
      );
    }
    // A shared subtree referenced many times (or a cycle) is bounded too.
    let wide: unknown = 1;
    for (let i = 0; i < 40; i += 1) wide = [wide, wide];
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(MetadataSchema.safeParse({ wide }).success).toBe(false);
    expect(MetadataSchema.safeParse(cyclic).success).toBe(false);
  });

  it('JSON at the depth limit is stored and read back as it was', async () => {
    const deep = nested(MAX_JSON_DEPTH - 1, 'object') as Record<string, unknown>;
    const client = await repos.clients.create({ organizationId, code: 'H-DEEP', name: 'Deep', metadata: deep as never });
    expect((await repos.clients.getById(client.id)).metadata).toEqual(deep);
    await validationOf(() => repos.clients.update(client.id, { metadata: nested(MAX_JSON_DEPTH + 1, 'object') as never }));
  });

  it('integers beyond an int4 column are refused before SQL, not a server error', async () => {
    const { document } = await repos.documents.create({ clientId, originalName: 'v.bin', mimeType: 'application/octet-stream', ...anObject() });
    const tooBig = 2 ** 31;
    expect(
      (await validationOf(() => repos.documents.addVersion(document.id, { expectedVersion: tooBig, ...anObject() }))).issues.map((i) => i.path),
    ).toEqual(['expectedVersion']);
    expect((await validationOf(() => repos.documents.findVersion(document.id, tooBig))).issues.map((i) => i.path)).toEqual(['versionNumber']);
    await validationOf(() => repos.documents.addVersion(document.id, { expectedVersion: 1, ...anObject(), sizeBytes: 2 ** 63 }));
    // The largest int4 passes validation and is simply stale.
    const stale = await thrown(() => repos.documents.addVersion(document.id, { expectedVersion: 2 ** 31 - 1, ...anObject() }));
    expect(stale).toMatchObject({ code: 'VERSION_CONFLICT' });
  });

  it('timestamps outside the years 1–9999 are refused before SQL', async () => {
    for (const date of [new Date(8.64e15), new Date(-8.64e15), new Date(Number.NaN), new Date('0000-06-01T00:00:00Z')]) {
      await validationOf(() => repos.staffProfileQueries.pageExpiringBefore(date));
      await validationOf(() => repos.documents.purgeDeleted({ deletedBefore: date }));
    }
  });

  it('__proto__ keys are refused at any depth, in documents and in filters: never silently dropped', async () => {
    const top = JSON.parse('{"__proto__": {"x": 1}, "kept": true}') as Record<string, unknown>;
    const deep = JSON.parse('{"a": [{"b": {"__proto__": null}}]}') as Record<string, unknown>;
    for (const metadata of [top, deep]) {
      const error = await validationOf(() => repos.clients.create({ organizationId, code: 'H-PROTO', name: 'x', metadata: metadata as never }));
      expect(error.issues[0]?.message).toContain('__proto__');
      await validationOf(() => repos.clients.pageByMetadata(organizationId, metadata as never));
    }
    // In a strict input object it is an unknown key, refused like any other.
    const organization = JSON.parse('{"slug": "proto-org", "name": "P", "__proto__": {"slug": "other"}}') as never;
    await validationOf(() => repos.organizations.create(organization));
    const settings = JSON.parse('{"__proto__": {"security": {"mfaRequired": true}}}') as never;
    await validationOf(() => repos.organizations.updateSettings(organizationId, settings));
    expect(await repos.organizations.findBySlug('proto-org')).toBeUndefined();
  });

  it('constructor, prototype, toString and hasOwnProperty keys are stored faithfully and filter exactly', async () => {
    const metadata = JSON.parse('{"constructor": {"prototype": {"x": 1}}, "toString": "s", "hasOwnProperty": 2, "valueOf": null}') as Record<string, unknown>;
    const tagged = await repos.clients.create({ organizationId, code: 'H-KEYS', name: 'Keys', metadata: metadata as never });
    const plain = await repos.clients.create({ organizationId, code: 'H-PLAIN', name: 'Plain', metadata: { toString: 'other' } });
    expect((await repos.clients.getById(tagged.id)).metadata).toEqual(metadata);
    const matched = await repos.clients.pageByMetadata(organizationId, JSON.parse('{"constructor": {"prototype": {"x": 1}}}') as never);
    expect(matched.items.map((c) => c.id)).toEqual([tagged.id]);
    const byToString = await repos.clients.pageByMetadata(organizationId, { toString: 'other' });
    expect(byToString.items.map((c) => c.id)).toEqual([plain.id]);
  });

  it('null or undefined for any argument of a repository method is a ValidationError naming it', async () => {
    const probe = repos as unknown as Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>>;
    const cases: [string, string, unknown[], string][] = [
      ['users', 'findById', [null], 'id'],
      ['users', 'getById', [undefined], 'id'],
      ['users', 'register', [null], 'input'],
      ['users', 'updateProfile', [randomUUID(), undefined], 'patch'],
      ['organizations', 'updateSettings', [organizationId, null], 'settings'],
      ['clients', 'create', [undefined], 'input'],
      ['clients', 'pageByMetadata', [organizationId, null], 'containment'],
      ['documents', 'searchByName', [clientId, null], 'query'],
      ['documents', 'purgeDeleted', [null], 'options'],
      ['staffProfiles', 'edit', [randomUUID(), { jobTitle: 'x' }, null], 'options'],
      ['staffProfileQueries', 'pagePendingQueue', [organizationId, null], 'options'],
      ['access', 'assignRole', [randomUUID(), randomUUID(), null], 'options'],
      ['roles', 'findByName', [null], 'name'],
      ['units', 'create', [null], 'input'],
    ];
    for (const [repository, method, args, path] of cases) {
      const error = await validationOf(() => probe[repository]![method]!(...args));
      expect(error.issues.map((issue) => issue.path), `${repository}.${method}`).toContain(path);
      expect(error).toBeInstanceOf(DataError);
    }
  });
});
