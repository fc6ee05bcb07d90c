// Errors that say what to do: an unmigrated or unseeded database, a refused login, a missing
// database, a read-only transaction, a row refused by row-level security, and validation
// issues that name the positional argument. Against real PostgreSQL.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../../src/core/database/create-database.js';
import {
  AuthenticationFailedError,
  DatabaseNotFoundError,
  DataError,
  ForbiddenError,
  mapDatabaseError,
  NotFoundError,
  ReadOnlyTransactionError,
  SchemaNotMigratedError,
  TenantIsolationError,
  ValidationError,
} from '../../../src/core/errors/index.js';
import { isAuthenticationError } from '../../../src/core/config/authentication-error.js';
import { createRepositories, unitOfWork } from '../../../src/repositories.js';
import { seedDefaults } from '../../../src/contexts/identity/seeders/seed-defaults.js';
import { useTestDatabase } from '../../helpers/database.js';
import { useAppLogin } from '../tenancy/app-role.js';

/** Everything a logger could print of an error. */
function everything(error: unknown): string {
  const e = error as Error;
  return [e.message, e.stack, JSON.stringify(error), String(error), JSON.stringify(Object.entries(e))].join('\n');
}

/** The connection string of the test database with another user or database name. */
function variant(connectionString: string, change: { user?: string; database?: string }): string {
  const url = new URL(connectionString);
  if (change.user !== undefined) url.username = change.user;
  if (change.database !== undefined) url.pathname = `/${change.database}`;
  return url.toString();
}

describe('an unmigrated database', () => {
  const empty = useTestDatabase({ migrated: false });

  it('names the missing relation and says to run the migrations', async () => {
    const repos = createRepositories(empty.current.db);
    const error = await repos.users.findById(randomUUID()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaNotMigratedError);
    expect(error).toMatchObject({ code: 'SCHEMA_NOT_MIGRATED', sqlState: '42P01', missingKind: 'relation', missing: 'users' });
    expect((error as Error).message).toContain('relation "users" does not exist');
    expect((error as Error).message).toContain('migrate(db)');
    expect((error as Error).message).toContain('org-data migrate');
  });

  it('a missing column or function of a later migration is the same error; other 42P01/42883 are not', async () => {
    const { db } = empty.current;
    await sql`CREATE TABLE od_half_migrated (id int)`.execute(db);
    const caught = async (statement: ReturnType<typeof sql>) =>
      mapDatabaseError(await statement.execute(db).then(() => undefined, (e: unknown) => e));
    expect(await caught(sql`SELECT missing_column FROM od_half_migrated`)).toMatchObject({
      code: 'SCHEMA_NOT_MIGRATED',
      missingKind: 'column',
      missing: 'missing_column',
    });
    expect(await caught(sql`SELECT od_missing_function(1)`)).toMatchObject({
      code: 'SCHEMA_NOT_MIGRATED',
      missingKind: 'function',
      missing: 'od_missing_function(integer)',
    });
    expect(await caught(sql`SELECT * FROM od_missing_schema.t`)).toMatchObject({ code: 'SCHEMA_NOT_MIGRATED', sqlState: '42P01' });
    // Programming errors with the same SQLSTATEs: not a missing migration.
    expect(await caught(sql`SELECT od_half_migrated.id FROM (SELECT 1) AS x`)).toMatchObject({
      code: 'DATABASE_ERROR',
      sqlState: '42P01',
    });
    expect(await caught(sql`SELECT 1 = 'x'::text`)).toMatchObject({ code: 'DATABASE_ERROR', sqlState: '42883' });
  });

  it('a name that is not a plain identifier is still reported without backtracking', () => {
    const long = `relation "${'x'.repeat(100_000)}" does not exist`;
    const error = mapDatabaseError({ code: '42P01', message: long });
    expect(error).toMatchObject({ code: 'SCHEMA_NOT_MIGRATED', missing: undefined });
    expect((error as Error).message.length).toBeLessThan(400);
  });
});

describe('a migrated database without the default roles', () => {
  const testDb = useTestDatabase();

  it('register says to run seedDefaults or org-data seed', async () => {
    const repos = createRepositories(testDb.current.db);
    const org = await repos.organizations.create({ slug: 'unseeded', name: 'Unseeded' });
    const error = await repos.users
      .register({ organizationId: org.id, authSubject: 'sub-1', email: 'a@example.com', fullName: 'A' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', entity: 'role' });
    expect((error as Error).message).toContain('seedDefaults(db)');
    expect((error as Error).message).toContain('org-data seed');
    // …and after seeding it works.
    await seedDefaults(testDb.current.db);
    await expect(
      repos.users.register({ organizationId: org.id, authSubject: 'sub-1', email: 'a@example.com', fullName: 'A' }),
    ).resolves.toMatchObject({ roles: ['user'] });
  });
});

describe('connections the server refuses', () => {
  const testDb = useTestDatabase();

  it('an unknown login role: AuthenticationFailedError (28000, or 28P01 where the server asks for a password), naming neither the user nor the host', async () => {
    const user = `od_nobody_${randomUUID().slice(0, 8)}`;
    const db = createDatabase({ connectionString: variant(testDb.current.connectionString, { user }), max: 1 });
    try {
      const error = await createRepositories(db).users.findById(randomUUID()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthenticationFailedError);
      // Trust authentication says the role does not exist (28000); password authentication does
      // not tell (28P01, as for a wrong password): the embedded server asks for one.
      expect(error).toMatchObject({ code: 'AUTHENTICATION_FAILED' });
      expect(['28000', '28P01']).toContain((error as AuthenticationFailedError).sqlState);
      expect(isAuthenticationError(error)).toBe(true);
      expect(everything(error)).not.toContain(user);
      expect(everything(error)).not.toContain(new URL(testDb.current.connectionString).hostname);
    } finally {
      await db.destroy();
    }
  });

  it('a wrong password (28P01) maps to AuthenticationFailedError without the server text', () => {
    // A trust-auth test server never asks for a password: the mapping is checked on pg's shape.
    const error = mapDatabaseError(
      Object.assign(new Error('password authentication failed for user "secret_user"'), { code: '28P01', severity: 'FATAL' }),
    );
    expect(error).toBeInstanceOf(AuthenticationFailedError);
    expect(error).toMatchObject({ code: 'AUTHENTICATION_FAILED', sqlState: '28P01' });
    expect(everything(error)).not.toContain('secret_user');
  });

  it('a database that does not exist: DatabaseNotFoundError (3D000), not naming it', async () => {
    const database = `od_missing_${randomUUID().slice(0, 8)}`;
    const db = createDatabase({ connectionString: variant(testDb.current.connectionString, { database }), max: 1 });
    try {
      const error = await createRepositories(db).users.findById(randomUUID()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatabaseNotFoundError);
      expect(error).toMatchObject({ code: 'DATABASE_NOT_FOUND', sqlState: '3D000' });
      expect(everything(error)).not.toContain(database);
    } finally {
      await db.destroy();
    }
  });
});

describe('read-only transactions and row-level security', () => {
  const testDb = useTestDatabase();
  const app = useAppLogin(testDb);
  let organizationId: string;
  let otherOrganizationId: string;

  beforeAll(async () => {
    const repos = createRepositories(testDb.current.db);
    organizationId = (await repos.organizations.create({ slug: 'ro-a', name: 'A' })).id;
    otherOrganizationId = (await repos.organizations.create({ slug: 'ro-b', name: 'B' })).id;
  });

  it('a write in a read-only unit of work: ReadOnlyTransactionError (25006)', async () => {
    const error = await unitOfWork(testDb.current.db, { tenant: organizationId, accessMode: 'read only' }, (uow) =>
      uow.clients.create({ organizationId, code: 'RO-1', name: 'Read only' }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReadOnlyTransactionError);
    expect(error).toMatchObject({ code: 'READ_ONLY_TRANSACTION', sqlState: '25006' });
    const clients = await createRepositories(testDb.current.db).clients.pageByOrganization(organizationId);
    expect(clients.items).toEqual([]);
  });

  it('a row of another tenant: TenantIsolationError, not FORBIDDEN, with its SQLSTATE and table', async () => {
    const db = app.current.connect({ max: 1 });
    const error = await unitOfWork(db, { tenant: organizationId }, (uow) =>
      uow.clients.create({ organizationId: otherOrganizationId, code: 'INTRUDER', name: 'x' }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TenantIsolationError);
    expect(error).toBeInstanceOf(ForbiddenError); // handlers written for 0.6 still catch it
    expect(error).toMatchObject({ code: 'TENANT_ISOLATION', sqlState: '42501', table: 'clients' });
    expect(everything(error)).not.toContain(otherOrganizationId);
  });

  it('other 42501 refusals stay FORBIDDEN', async () => {
    const db = app.current.connect({ max: 1 });
    const error = mapDatabaseError(await sql`INSERT INTO roles (name) VALUES ('intruder')`.execute(db).catch((e: unknown) => e));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error).not.toBeInstanceOf(TenantIsolationError);
    expect(error).toMatchObject({ code: 'FORBIDDEN', sqlState: '42501' });
  });
});

describe('validation issues name positional arguments', () => {
  const testDb = useTestDatabase();

  it('a wrong id, patch, option or database argument is a ValidationError whose path names it', async () => {
    const repos = createRepositories(testDb.current.db);
    const pathsOf = async (call: () => Promise<unknown>) => {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ValidationError);
      return (error as ValidationError).issues.map((issue) => issue.path);
    };
    expect(await pathsOf(() => repos.users.findById(123 as never))).toEqual(['id']);
    expect(await pathsOf(() => repos.users.findById(null as never))).toEqual(['id']);
    expect(await pathsOf(() => repos.users.updateProfile(randomUUID(), null as never))).toEqual(['patch']);
    expect(await pathsOf(() => repos.users.updateProfile(randomUUID(), { fullName: '' }))).toEqual(['fullName']);
    expect(await pathsOf(() => repos.users.findByEmail('nope', 'a@example.com'))).toEqual(['organizationId']);
    expect(await pathsOf(() => repos.clients.pageByOrganization(randomUUID(), null as never))).toEqual(['options']);
    expect(await pathsOf(() => repos.clients.pageByOrganization(randomUUID(), { limit: 0 }))).toEqual(['options.limit']);
    expect(await pathsOf(() => repos.clients.pageByOrganization(randomUUID(), { after: 'x' }))).toEqual(['options.after']);
    expect(await pathsOf(() => repos.roles.grantPermission(randomUUID(), 7 as never))).toEqual(['permission']);
    expect(() => createRepositories(null as never).users).toThrow(ValidationError);
    expect(await pathsOf(() => seedDefaults(undefined as never))).toEqual(['db']);
  });

  it('class 22 SQLSTATEs are INVALID_INPUT (README), others DATABASE_ERROR', async () => {
    const { db } = testDb.current;
    const caught = async (statement: ReturnType<typeof sql>) =>
      mapDatabaseError(await statement.execute(db).then(() => undefined, (e: unknown) => e));
    expect(await caught(sql`SELECT 2147483648::int4`)).toMatchObject({ code: 'INVALID_INPUT', sqlState: '22003' });
    expect(await caught(sql`SELECT 1 / 0`)).toMatchObject({ code: 'INVALID_INPUT', sqlState: '22012' });
    expect(await caught(sql`SELECT 'x'::jsonb`)).toMatchObject({ code: 'INVALID_INPUT', sqlState: '22P02' });
    const other = await caught(sql`SELEC 1`);
    expect(other).toMatchObject({ code: 'DATABASE_ERROR', sqlState: '42601' });
    expect(other).toBeInstanceOf(DataError);
  });
});
