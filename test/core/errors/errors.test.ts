import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CheckViolationError,
  DataError,
  ForeignKeyViolationError,
  mapDatabaseError,
  NotNullViolationError,
  UniqueViolationError,
} from '../../../src/core/errors/index.js';
import { createRepositories, type Repositories } from '../../../src/repositories.js';
import { seedDefaults } from '../../../src/contexts/identity/seeders/seed-defaults.js';
import { useTestDatabase } from '../../helpers/database.js';
import { anOrganization } from '../../helpers/fixtures.js';

/** Everything a logger could print of an error. */
function everything(error: unknown): string {
  const e = error as Error;
  return [e.message, e.stack, JSON.stringify(error), String(error), JSON.stringify(Object.entries(e))].join('\n');
}

describe('errors', () => {
  const testDb = useTestDatabase();
  let repos: Repositories;
  beforeAll(async () => {
    await seedDefaults(testDb.current.db);
    repos = createRepositories(testDb.current.db);
  });

  it('maps each integrity SQLSTATE raised by PostgreSQL to its class with a stable code', async () => {
    const { db } = testDb.current;
    const caught = async (statement: ReturnType<typeof sql>) =>
      mapDatabaseError(await statement.execute(db).then(() => undefined, (e: unknown) => e));
    expect(await caught(sql`INSERT INTO roles (name) VALUES ('admin')`)).toBeInstanceOf(UniqueViolationError);
    expect(await caught(sql`INSERT INTO roles (name) VALUES ('Bad')`)).toBeInstanceOf(CheckViolationError);
    expect(await caught(sql`INSERT INTO roles (name) VALUES (NULL)`)).toBeInstanceOf(NotNullViolationError);
    expect(
      await caught(sql`INSERT INTO users (organization_id, auth_subject, email) VALUES (gen_random_uuid(), 's', 'a@b.co')`),
    ).toBeInstanceOf(ForeignKeyViolationError);
    const invalid = await caught(sql`SELECT 'not-a-uuid'::uuid`);
    expect(invalid).toMatchObject({ code: 'INVALID_INPUT', sqlState: '22P02' });
    expect(await caught(sql`SELECT 1 / 0`)).toMatchObject({ code: 'INVALID_INPUT', sqlState: '22012' });
    const other = await caught(sql`SELECT * FROM pg_class WHERE`);
    expect(other).toMatchObject({ code: 'DATABASE_ERROR', sqlState: '42601' });
    expect(other).toBeInstanceOf(DataError);
  });

  it('messages name the constraint but never carry row values (PostgreSQL detail is dropped)', async () => {
    const org = await anOrganization(repos);
    const secretEmail = 'very-secret-person@hidden.example.com';
    await repos.users.register({ organizationId: org.id, authSubject: 'sub-secret-1', email: secretEmail, fullName: 'S' });
    const error = await repos.users
      .register({ organizationId: org.id, authSubject: 'sub-secret-2', email: secretEmail, fullName: 'S' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect((error as Error).message).toBe('Unique constraint violated: users_organization_email_key on users');
    expect(everything(error)).not.toContain('very-secret-person');

    const raw = await sql`SELECT ${'secret-literal-xyz'}::uuid`.execute(testDb.current.db).catch((e: unknown) => e);
    expect((raw as Error).message).toContain('secret-literal-xyz'); // pg's own message has it…
    expect(everything(mapDatabaseError(raw))).not.toContain('secret-literal-xyz'); // …ours does not
  });

  it('validation errors list fields and reasons, never the rejected values', async () => {
    const error = await repos.organizations
      .create({ slug: 'SECRET SLUG VALUE', name: 'x'.repeat(500) })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'VALIDATION' });
    expect(everything(error)).not.toContain('SECRET SLUG VALUE');
    expect(everything(error)).not.toContain('x'.repeat(201));
  });

  it('passes through errors without a SQLSTATE unchanged', () => {
    const plain = new TypeError('programming error');
    expect(mapDatabaseError(plain)).toBe(plain);
  });
});

describe('no raw Error, TypeError or RangeError from public functions called badly', () => {
  it('bad settings, events, migration names and timeouts are DataErrors', async () => {
    const { createDatabase } = await import('../../../src/core/database/create-database.js');
    const { transitionRule } = await import('../../../src/contexts/identity/staff-profiles/verification-machine.js');
    const { defineMigration } = await import('../../../src/core/migrations/migration.js');
    const { DataError } = await import('../../../src/core/errors/data-error.js');
    for (const call of [
      () => createDatabase({ statementTimeoutMs: -1 }),
      () => createDatabase({ lockTimeoutMs: 1.5 }),
      () => transitionRule('frobnicate' as never),
      () => defineMigration('not a name', 'select 1', 'select 1'),
    ]) {
      let thrown: unknown;
      try {
        call();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(DataError);
    }
  });
});
