import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { UniqueViolationError } from '../../../../src/core/errors/constraint-errors.js';
import { NotFoundError } from '../../../../src/core/errors/not-found-error.js';
import { ValidationError } from '../../../../src/core/errors/validation-error.js';
import { createRepositories, type Repositories } from '../../../../src/repositories.js';
import { seedDefaults } from '../../../../src/contexts/identity/seeders/seed-defaults.js';
import { useTestDatabase } from '../../../helpers/database.js';
import { anOrganization, aUser, unique } from '../../../helpers/fixtures.js';

describe('users repository', () => {
  const testDb = useTestDatabase();
  let repos: Repositories;
  let organizationId: string;
  beforeAll(async () => {
    await seedDefaults(testDb.current.db);
    repos = createRepositories(testDb.current.db);
    organizationId = (await anOrganization(repos)).id;
  });
  const counts = async () => {
    const { rows } = await sql<{ users: string; profiles: string; roles: string }>`
      SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM user_profiles) AS profiles,
             (SELECT count(*) FROM user_roles) AS roles`.execute(testDb.current.db);
    return rows[0];
  };

  it('registers user, profile and default role in one call', async () => {
    const registered = await repos.users.register({
      organizationId,
      authSubject: `cognito|${unique()}`,
      email: 'Mai.Tran@Example.com',
      fullName: 'Trần Thị Mai',
      birthdate: '1990-02-28',
      locale: 'vi-VN',
      timeZone: 'Asia/Ho_Chi_Minh',
    });
    expect(registered.user).toEqual({
      id: expect.any(String),
      organizationId,
      authSubject: expect.stringMatching(/^cognito\|/),
      email: 'Mai.Tran@Example.com',
      isActive: true,
      createdAt: expect.any(Date),
      updatedAt: expect.any(Date),
      deletedAt: null,
    });
    expect(registered.profile).toEqual({
      userId: registered.user.id,
      organizationId,
      fullName: 'Trần Thị Mai',
      birthdate: '1990-02-28',
      locale: 'vi-VN',
      timeZone: 'Asia/Ho_Chi_Minh',
      createdAt: expect.any(Date),
      updatedAt: expect.any(Date),
    });
    expect(registered.roles).toEqual(['user']);
    expect(await repos.access.listUserRoles(registered.user.id)).toEqual(['user']);
  });

  it('finds by id, by auth subject and by email (case-insensitive)', async () => {
    const { user } = await aUser(repos, organizationId, { email: `Case.${unique()}@Example.COM` });
    expect(await repos.users.findById(user.id)).toEqual(user);
    expect(await repos.users.getById(user.id)).toEqual(user);
    expect(await repos.users.findByAuthSubject(user.authSubject)).toEqual(user);
    expect(await repos.users.findByEmail(organizationId, user.email.toLowerCase())).toEqual(user);
    expect(await repos.users.findByEmail(organizationId, user.email.toUpperCase())).toEqual(user);
    const other = await anOrganization(repos);
    expect(await repos.users.findByEmail(other.id, user.email)).toBeUndefined();
    await expect(repos.users.getById('00000000-0000-0000-0000-000000000000')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('rejects a second user with the same email in any case, in the same organization only', async () => {
    const email = `dup.${unique()}@example.com`;
    await aUser(repos, organizationId, { email });
    const error = await aUser(repos, organizationId, { email: email.toUpperCase() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect(error).toMatchObject({ constraint: 'users_organization_email_key' });
    const other = await anOrganization(repos);
    await expect(aUser(repos, other.id, { email })).resolves.toBeDefined();
  });

  it('rejects a duplicate auth subject and leaves nothing half-registered', async () => {
    const { user } = await aUser(repos, organizationId);
    const before = await counts();
    const error = await repos.users
      .register({ organizationId, authSubject: user.authSubject, email: `x.${unique()}@example.com`, fullName: 'X' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UNIQUE_VIOLATION', constraint: 'users_auth_subject_key' });
    expect(await counts()).toEqual(before);
  });

  it('registration into a missing or deleted organization is NotFound and writes nothing', async () => {
    const before = await counts();
    await expect(aUser(repos, '00000000-0000-0000-0000-000000000000')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      entity: 'organization',
    });
    const gone = await anOrganization(repos);
    await repos.organizations.softDelete(gone.id);
    await expect(aUser(repos, gone.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await counts()).toEqual(before);
  });

  it('without the default role, registration fails and rolls back user and profile', async () => {
    const before = await counts();
    await sql`UPDATE roles SET name = 'user-renamed' WHERE name = 'user'`.execute(testDb.current.db);
    try {
      await expect(aUser(repos, organizationId)).rejects.toMatchObject({ entity: 'role' });
    } finally {
      await sql`UPDATE roles SET name = 'user' WHERE name = 'user-renamed'`.execute(testDb.current.db);
    }
    expect(await counts()).toEqual(before);
    // Inside a caller's transaction that catches the error and commits: nothing half-written.
    await testDb.current.db.transaction().execute(async (trx) => {
      await sql`UPDATE roles SET name = 'user-renamed' WHERE name = 'user'`.execute(trx);
      await expect(aUser(createRepositories(trx), organizationId)).rejects.toMatchObject({ entity: 'role' });
      await sql`UPDATE roles SET name = 'user' WHERE name = 'user-renamed'`.execute(trx);
    });
    expect(await counts()).toEqual(before);
  });

  it('bad input lists every invalid field and writes nothing', async () => {
    const before = await counts();
    const error = await repos.users
      .register({
        organizationId: 'nope',
        authSubject: '',
        email: 'not-an-email',
        fullName: '   ',
        birthdate: '2999-01-01',
        locale: 'english please',
        timeZone: 'Mars/Olympus',
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual([
      'organizationId',
      'authSubject',
      'email',
      'fullName',
      'birthdate',
      'locale',
      'timeZone',
    ]);
    expect((error as ValidationError).message).not.toContain('not-an-email');
    await expect(
      repos.users.register({ organizationId, authSubject: 'a', email: `${'a'.repeat(250)}@b.co`, fullName: 'A' }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(await counts()).toEqual(before);
  });

  it('updates the profile: only given fields change, null clears the birthdate', async () => {
    const { user, profile } = await aUser(repos, organizationId);
    const updated = await repos.users.updateProfile(user.id, { fullName: 'New Name', birthdate: '2000-01-31' });
    expect(updated).toMatchObject({ fullName: 'New Name', birthdate: '2000-01-31', locale: profile.locale });
    const cleared = await repos.users.updateProfile(user.id, { birthdate: null });
    expect(cleared.birthdate).toBeNull();
    expect(await repos.users.findProfile(user.id)).toEqual(cleared);
    await expect(repos.users.updateProfile(user.id, {})).rejects.toBeInstanceOf(ValidationError);
    await expect(
      repos.users.updateProfile('00000000-0000-0000-0000-000000000000', { fullName: 'x' }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('deactivates and reactivates', async () => {
    const { user } = await aUser(repos, organizationId);
    expect((await repos.users.deactivate(user.id)).isActive).toBe(false);
    expect((await repos.users.findById(user.id))?.isActive).toBe(false);
    expect((await repos.users.reactivate(user.id)).isActive).toBe(true);
    await expect(repos.users.deactivate('00000000-0000-0000-0000-000000000000')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('soft delete hides the user, frees the email, and keeps the row', async () => {
    const { user } = await aUser(repos, organizationId);
    await repos.users.softDelete(user.id);
    expect(await repos.users.findById(user.id)).toBeUndefined();
    expect(await repos.users.findByAuthSubject(user.authSubject)).toBeUndefined();
    expect(await repos.users.findByEmail(organizationId, user.email)).toBeUndefined();
    expect(await repos.users.findProfile(user.id)).toBeUndefined();
    await expect(repos.users.softDelete(user.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(repos.users.updateProfile(user.id, { fullName: 'x' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(repos.users.reactivate(user.id)).rejects.toBeInstanceOf(NotFoundError);
    const row = await sql<{ is_active: boolean; deleted: boolean }>`
      SELECT is_active, deleted_at IS NOT NULL AS deleted FROM users WHERE id = ${user.id}`.execute(testDb.current.db);
    expect(row.rows).toEqual([{ is_active: false, deleted: true }]);
    await expect(aUser(repos, organizationId, { email: user.email })).resolves.toBeDefined();
  });

  it('strings with quotes, NULs and unicode round-trip or are rejected cleanly', async () => {
    const name = `O'Brien "Bobby"; DROP TABLE users; -- 🎉 Ñguyễn`;
    const { user, profile } = await repos.users.register({
      organizationId,
      authSubject: `sub'";--${unique()}`,
      email: `quote.${unique()}@example.com`,
      fullName: name,
    });
    expect(profile.fullName).toBe(name);
    expect((await repos.users.findByAuthSubject(user.authSubject))?.id).toBe(user.id);
    // PostgreSQL text cannot hold NUL: rejected by validation, before any SQL.
    const before = await counts();
    const error = await repos.users
      .register({ organizationId, authSubject: `nul\u0000${unique()}`, email: `nul.${unique()}@example.com`, fullName: 'N\u0000' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['authSubject', 'fullName']);
    expect(await counts()).toEqual(before);
  });
});
