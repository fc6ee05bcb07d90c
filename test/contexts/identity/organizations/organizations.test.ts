import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../../src/core/errors/not-found-error.js';
import { UniqueViolationError } from '../../../../src/core/errors/constraint-errors.js';
import { ValidationError } from '../../../../src/core/errors/validation-error.js';
import { createRepositories, type Repositories } from '../../../../src/repositories.js';
import { useTestDatabase } from '../../../helpers/database.js';
import { anOrganization, unique } from '../../../helpers/fixtures.js';

describe('organizations repository', () => {
  const testDb = useTestDatabase();
  let repos: Repositories;
  beforeAll(() => {
    repos = createRepositories(testDb.current.db);
  });
  const count = async () =>
    Number((await sql<{ c: string }>`SELECT count(*) AS c FROM organizations`.execute(testDb.current.db)).rows[0]?.c);

  it('creates an organization and returns a plain camelCase object', async () => {
    const slug = `acme-${unique()}`;
    const org = await repos.organizations.create({
      slug,
      name: '  Acme Corp  ',
      settings: { defaultTimeZone: 'Asia/Ho_Chi_Minh', security: { mfaRequired: true } },
    });
    expect(Object.getPrototypeOf(org)).toBe(Object.prototype);
    expect(org).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      slug,
      name: 'Acme Corp',
      settings: { defaultTimeZone: 'Asia/Ho_Chi_Minh', security: { mfaRequired: true } },
      createdAt: expect.any(Date),
      updatedAt: expect.any(Date),
      deletedAt: null,
    });
    expect(await repos.organizations.findById(org.id)).toEqual(org);
    expect(await repos.organizations.findBySlug(slug)).toEqual(org);
  });

  it('rejects bad input with a ValidationError listing the fields, and writes nothing', async () => {
    const before = await count();
    const error = await repos.organizations
      .create({ slug: 'Not A Slug', name: '', settings: { unknownKey: 1 } as never })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['slug', 'name', 'settings']);
    await expect(
      repos.organizations.create({ slug: 'ok', name: 'x', settings: { security: { sessionTimeoutMinutes: 1 } } }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(repos.organizations.create({ slug: '-a', name: 'x' })).rejects.toBeInstanceOf(ValidationError);
    await expect(repos.organizations.create({ slug: 'a--b', name: 'x' })).rejects.toBeInstanceOf(ValidationError);
    expect(await count()).toBe(before);
  });

  it('rejects a duplicate live slug with the constraint name', async () => {
    const org = await anOrganization(repos);
    const error = await repos.organizations.create({ slug: org.slug, name: 'Other' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect(error).toMatchObject({ code: 'UNIQUE_VIOLATION', constraint: 'organizations_slug_key', table: 'organizations' });
  });

  it('soft delete hides the organization and frees its slug', async () => {
    const org = await anOrganization(repos);
    await repos.organizations.softDelete(org.id);
    expect(await repos.organizations.findById(org.id)).toBeUndefined();
    expect(await repos.organizations.findBySlug(org.slug)).toBeUndefined();
    await expect(repos.organizations.softDelete(org.id)).rejects.toBeInstanceOf(NotFoundError);
    const again = await repos.organizations.create({ slug: org.slug, name: 'Reborn' });
    expect(again.id).not.toBe(org.id);
  });

  it('updates settings with validation; updated_at is kept by the database', async () => {
    const org = await anOrganization(repos);
    await sql`UPDATE organizations SET updated_at = now() - interval '1 day' WHERE id = ${org.id}`.execute(testDb.current.db);
    const updated = await repos.organizations.updateSettings(org.id, { branding: { primaryColor: '#112233' } });
    expect(updated.settings).toEqual({ branding: { primaryColor: '#112233' } });
    expect(updated.updatedAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
    await expect(
      repos.organizations.updateSettings(org.id, { branding: { primaryColor: 'red' } }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      repos.organizations.updateSettings('00000000-0000-0000-0000-000000000000', {}),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('find returns undefined for unknown ids and rejects malformed ids before any SQL', async () => {
    expect(await repos.organizations.findById('00000000-0000-0000-0000-000000000000')).toBeUndefined();
    await expect(repos.organizations.findById('not-a-uuid')).rejects.toBeInstanceOf(ValidationError);
  });
});
