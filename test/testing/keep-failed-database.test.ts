// ORG_DATA_KEEP_FAILED_DB: TestDatabase.dispose({ keep }) and the decision useTestDatabase
// takes after a file's tests (test/helpers/database.ts), run on synthetic outcomes so that no
// test of the suite has to fail. Every database kept here is dropped again.
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../src/testing/test-database.js';
import {
  disposeAfterTests,
  failedIn,
  KEEP_FAILED_DB_ENV,
  passedEveryTest,
  type TaskOutcome,
} from '../helpers/database.js';
import { databaseExists, withAdmin } from '../helpers/run-server.js';

const exists = databaseExists;

/** Databases kept by the tests below, dropped at the end whatever happened. */
const kept: string[] = [];
afterAll(() =>
  withAdmin(async (admin) => {
    for (const name of kept) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }),
);

const test = (name: string, state: 'pass' | 'fail', mode = 'run'): TaskOutcome => ({ name, mode, result: { state } });
const file = (tasks: TaskOutcome[], errors: unknown[] = []): TaskOutcome => ({
  name: 'test/some.test.ts',
  mode: 'run',
  result: { state: 'run', errors },
  tasks,
});
const passing = file([test('a', 'pass'), { name: 'block', mode: 'run', tasks: [test('b', 'pass')] }]);
const failingInABlock = file([test('a', 'pass'), { name: 'block', mode: 'run', tasks: [test('b', 'fail')] }]);

describe('the outcome of a file', () => {
  it('fails with a failed test in a nested describe block, or a failed hook', () => {
    expect(failedIn(passing)).toBe(false);
    expect(failedIn(failingInABlock)).toBe(true);
    expect(failedIn(file([test('a', 'pass')], [new Error('beforeAll failed')]))).toBe(true);
  });

  it('passed every test only when each ran and passed: a skipped or filtered-out one does not', () => {
    expect(passedEveryTest(passing)).toBe(true);
    expect(passedEveryTest(failingInABlock)).toBe(false);
    expect(passedEveryTest(file([test('a', 'pass'), { name: 'b', mode: 'skip' }]))).toBe(false);
    expect(passedEveryTest(file([test('a', 'pass'), { name: 'b', mode: 'todo' }]))).toBe(false);
  });
});

describe(KEEP_FAILED_DB_ENV, () => {
  it('dispose({ keep: true }) leaves the database and its rows on the server; dispose() drops it', async () => {
    const keptDb = await createTestDatabase();
    kept.push(keptDb.name);
    await sql`INSERT INTO roles (name) VALUES ('left_for_inspection')`.execute(keptDb.db);
    await keptDb.dispose({ keep: true });
    expect(await exists(keptDb.name)).toBe(true);
    const inspector = new pg.Client({ connectionString: keptDb.connectionString });
    await inspector.connect();
    try {
      const { rows } = await inspector.query(`SELECT name FROM roles WHERE name = 'left_for_inspection'`);
      expect(rows).toEqual([{ name: 'left_for_inspection' }]);
    } finally {
      await inspector.end();
    }

    const dropped = await createTestDatabase();
    await dropped.dispose();
    expect(await exists(dropped.name)).toBe(false);
  });

  it('keeps the database of a file with a failed test and names it in one line, without the password', async () => {
    const database = await createTestDatabase();
    kept.push(database.name);
    const lines: string[] = [];
    const env = { [KEEP_FAILED_DB_ENV]: '1', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' };
    expect(await disposeAfterTests(database, failingInABlock, { env, log: (line) => lines.push(line) })).toBe('kept');
    expect(await exists(database.name)).toBe(true);

    expect(lines).toHaveLength(1);
    const [line] = lines as [string];
    expect(line).not.toContain('\n');
    expect(line).toContain(`kept database ${database.name} of test/some.test.ts`);
    expect(line).toContain(`DROP DATABASE "${database.name}"`);
    const url = new URL(/psql (\S+)/.exec(line)![1]!);
    const full = new URL(database.connectionString);
    expect([url.password, url.username, url.host, url.pathname]).toEqual(['', full.username, full.host, `/${database.name}`]);
    if (full.password) expect(line).not.toContain(full.password);
  });

  it("says when the database goes with the run's own server (no DATABASE_URL)", async () => {
    const database = await createTestDatabase();
    kept.push(database.name);
    const lines: string[] = [];
    const env = { [KEEP_FAILED_DB_ENV]: '1' };
    expect(await disposeAfterTests(database, failingInABlock, { env, log: (line) => lines.push(line) })).toBe('kept');
    expect(lines).toEqual([expect.stringContaining('set DATABASE_URL to keep it')]);
  });

  it.each([
    ['a passing file with the flag', { [KEEP_FAILED_DB_ENV]: '1' }, passing],
    ['a failed file without the flag', {}, failingInABlock],
    ['a failed file with the flag set to something else than 1', { [KEEP_FAILED_DB_ENV]: 'true' }, failingInABlock],
  ])('drops the database of %s, silently', async (_, env, outcome) => {
    const database = await createTestDatabase();
    const lines: string[] = [];
    expect(await disposeAfterTests(database, outcome, { env, log: (line) => lines.push(line) })).toBe('dropped');
    expect(await exists(database.name)).toBe(false);
    expect(lines).toEqual([]);
  });
});
