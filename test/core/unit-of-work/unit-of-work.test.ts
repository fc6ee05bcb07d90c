import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRepositories, type Repositories } from '../../../src/repositories.js';
import { seedDefaults } from '../../../src/contexts/identity/seeders/seed-defaults.js';
import { useTestDatabase } from '../../helpers/database.js';
import { unique } from '../../helpers/fixtures.js';

describe('unit of work', () => {
  const testDb = useTestDatabase();
  let repos: Repositories;
  beforeAll(async () => {
    await seedDefaults(testDb.current.db);
    repos = createRepositories(testDb.current.db);
  });
  const orgCount = async (slug: string) =>
    (await sql`SELECT 1 FROM organizations WHERE slug = ${slug}`.execute(testDb.current.db)).rows.length;

  it('commits several repository calls together', async () => {
    const slug = `uow-${unique()}`;
    const result = await repos.transaction(async (tx) => {
      const org = await tx.organizations.create({ slug, name: 'UoW' });
      const { user } = await tx.users.register({
        organizationId: org.id,
        authSubject: `uow|${slug}`,
        email: `first@${slug}.example.com`,
        fullName: 'First',
      });
      const admin = (await tx.roles.findByName('admin'))!;
      await tx.access.assignRole(user.id, admin.id);
      return user.id;
    });
    expect(await orgCount(slug)).toBe(1);
    expect(await repos.access.hasPermission(result, 'role:manage')).toBe(true);
  });

  it('rolls back every call when one fails, including a nested register transaction', async () => {
    const slug = `uow-${unique()}`;
    const error = await repos
      .transaction(async (tx) => {
        const org = await tx.organizations.create({ slug, name: 'UoW' });
        await tx.users.register({ organizationId: org.id, authSubject: `a|${slug}`, email: `a@${slug}.example.com`, fullName: 'A' });
        // Same email: the unique index fails the second registration and the whole unit.
        await tx.users.register({ organizationId: org.id, authSubject: `b|${slug}`, email: `A@${slug}.example.com`, fullName: 'B' });
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UNIQUE_VIOLATION' });
    expect(await orgCount(slug)).toBe(0);
    expect(await repos.users.findByAuthSubject(`a|${slug}`)).toBeUndefined();
  });

  it('composes into a transaction the caller opened with Kysely', async () => {
    const slug = `uow-${unique()}`;
    await testDb.current.db
      .transaction()
      .execute(async (trx) => {
        const tx = createRepositories(trx);
        await tx.organizations.create({ slug, name: 'Caller' });
        // Visible inside the caller's transaction, invisible outside it until commit.
        expect(await tx.organizations.findBySlug(slug)).toBeDefined();
        expect(await repos.organizations.findBySlug(slug)).toBeUndefined();
        throw new Error('caller aborts');
      })
      .catch(() => undefined);
    expect(await orgCount(slug)).toBe(0);
  });
});
