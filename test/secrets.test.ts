// Errors never carry secrets or row values: this file provokes every kind of error with canary
// values and the test server's password, and scans everything an error exposes. The global
// teardown (test/global-setup.ts) also scans every log line of the whole suite for them.
import { inspect } from 'node:util';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../src/core/database/create-database.js';
import { transactionWithRetry } from '../src/core/unit-of-work/transaction-with-retry.js';
import { mapDatabaseError } from '../src/core/errors/map-database-error.js';
import { createRepositories, type Repositories } from '../src/repositories.js';
import { TEST_SERVER_ENV } from '../src/testing/test-database.js';
import { CANARIES } from './helpers/canaries.js';
import { useTestDatabase } from './helpers/database.js';
import { aStaffWorld } from './helpers/staff.js';

const [EMAIL, SUBJECT, EMPLOYEE] = CANARIES;

/** Everything a logger could print of an error, causes included. */
function exposed(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth += 1) {
    const e = current as Error & { cause?: unknown };
    parts.push(String(e), e.message ?? '', e.stack ?? '', JSON.stringify(e) ?? '', inspect(e, { depth: 5 }));
    current = e.cause;
  }
  return parts.join('\n');
}

describe('no secrets or row values in errors', () => {
  const testDb = useTestDatabase();
  let repos: Repositories;
  let organizationId: string;
  const secrets = () => {
    const password = new URL(process.env[TEST_SERVER_ENV]!).password;
    return [...CANARIES, ...(password ? [decodeURIComponent(password)] : [])];
  };
  const expectClean = (error: unknown) => {
    expect(error).toBeInstanceOf(Error);
    const text = exposed(error);
    for (const secret of secrets()) expect(text).not.toContain(secret);
  };

  beforeAll(async () => {
    const world = await aStaffWorld(testDb.current.db);
    repos = world.system;
    organizationId = world.organizationId;
    await repos.users.register({ organizationId, authSubject: SUBJECT, email: EMAIL, fullName: 'Canary' });
    await world.asApplicant.staffProfiles.edit(world.applicantId, { employeeId: EMPLOYEE });
  });

  it('unique violations (email, subject, employee id) name the constraint only', async () => {
    expectClean(
      await repos.users
        .register({ organizationId, authSubject: `${SUBJECT}-2`, email: EMAIL.toUpperCase(), fullName: 'x' })
        .catch((e: unknown) => e),
    );
    expectClean(
      await repos.users
        .register({ organizationId, authSubject: SUBJECT, email: `other-${EMAIL}`, fullName: 'x' })
        .catch((e: unknown) => e),
    );
    const other = await aStaffWorld(testDb.current.db);
    expectClean(
      await other.asApplicant.staffProfiles.edit(other.applicantId, { employeeId: EMPLOYEE }).catch((e: unknown) => e),
    );
  });

  it('check, invalid-input and raw driver errors are mapped without their detail', async () => {
    const raw = await sql`UPDATE users SET email = ${'no-at-sign ' + EMAIL.replace('@', '')} WHERE auth_subject = ${SUBJECT}`
      .execute(testDb.current.db)
      .catch((e: unknown) => e);
    expectClean(mapDatabaseError(raw));
    const cast = await sql`SELECT ${SUBJECT}::uuid`.execute(testDb.current.db).catch((e: unknown) => e);
    expectClean(mapDatabaseError(cast));
    expectClean(await transactionWithRetry(testDb.current.db, (trx) => sql`SELECT ${EMAIL}::int`.execute(trx)).catch((e: unknown) => e));
  });

  it('validation errors list fields, not values', async () => {
    expectClean(
      await repos.users
        .register({ organizationId, authSubject: '', email: `${EMAIL} not valid`, fullName: EMPLOYEE.repeat(20) })
        .catch((e: unknown) => e),
    );
  });

  it('connection and authentication failures do not print the password', async () => {
    const url = new URL(testDb.current.connectionString);
    const password = decodeURIComponent(url.password || 'not-used');
    const closedPort = new URL(url);
    closedPort.port = '1';
    const closed = createDatabase({ connectionString: closedPort.toString(), connectionTimeoutMillis: 2000 });
    expectClean(await createRepositories(closed).users.findById('00000000-0000-0000-0000-000000000000').catch((e: unknown) => e));
    await closed.destroy();
    const wrong = new URL(url);
    wrong.password = `${password}-wrong`;
    const rejected = createDatabase({ connectionString: wrong.toString(), connectionTimeoutMillis: 2000 });
    const error = await createRepositories(rejected)
      .users.findById('00000000-0000-0000-0000-000000000000')
      .then(() => undefined, (e: unknown) => e);
    await rejected.destroy();
    // Against a trust-auth server (PostgreSQL 15 via DATABASE_URL) the wrong password is accepted.
    if (error) expectClean(error);
  });
});
