import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, type CreateTestDatabaseOptions, type TestDatabase } from '../../src/testing/test-database.js';

/**
 * Set this environment variable to `1` to keep the database of a test file whose tests failed:
 * it is not dropped, and one line names it with a psql URL (no password). Passing files still
 * drop theirs. Useful with `DATABASE_URL` (a server that outlives the run): a run's own
 * embedded server or container takes its databases with it when it stops.
 */
export const KEEP_FAILED_DB_ENV = 'ORG_DATA_KEEP_FAILED_DB';

/**
 * What {@link failedIn} and {@link passedEveryTest} read of a vitest task (a file, a describe
 * block or a test): vitest's `RunnerTestFile` and `RunnerTestSuite` fit it.
 */
export interface TaskOutcome {
  /** The task's name (a file's is its path relative to the project). */
  readonly name: string;
  /** `run`, or `skip`/`todo` when it was skipped or filtered out. */
  readonly mode: string;
  /** How it went, once it ran: `state` is `pass` or `fail`; `errors` holds hook failures too. */
  readonly result?: { readonly state?: string; readonly errors?: readonly unknown[] } | undefined;
  /** Its tests and describe blocks, for a file or a describe block. */
  readonly tasks?: readonly TaskOutcome[];
}

/** Whether a test or hook of `task` failed (looked up in its describe blocks too). */
export function failedIn(task: TaskOutcome): boolean {
  if (task.result?.state === 'fail' || (task.result?.errors?.length ?? 0) > 0) return true;
  return (task.tasks ?? []).some(failedIn);
}

/** Whether every test of `task` ran and passed: none failed, none was skipped or filtered out. */
export function passedEveryTest(task: TaskOutcome): boolean {
  if (failedIn(task)) return false;
  if (task.tasks) return task.tasks.every(passedEveryTest);
  return (task.mode === 'run' || task.mode === 'only') && task.result?.state === 'pass';
}

/** `url` with its password removed, safe to print. */
function withoutPassword(url: string): string {
  const parsed = new URL(url);
  parsed.password = '';
  return parsed.toString();
}

/** Options of {@link disposeAfterTests}. */
export interface DisposeAfterTestsOptions {
  /** Where the flags are read. (Default: `process.env`) */
  readonly env?: NodeJS.ProcessEnv;
  /** Where the line naming a kept database goes. (Default: `console.warn`) */
  readonly log?: (line: string) => void;
}

/**
 * Disposes of `database` once the tests of `outcome` are over: drops it, or, when
 * {@link KEEP_FAILED_DB_ENV} is `1` and a test or hook failed, keeps it and logs one line with
 * its name and a psql URL without the password. Returns what it did.
 */
export async function disposeAfterTests(
  database: TestDatabase,
  outcome: TaskOutcome,
  options: DisposeAfterTestsOptions = {},
): Promise<'dropped' | 'kept'> {
  const env = options.env ?? process.env;
  const keep = env[KEEP_FAILED_DB_ENV] === '1' && failedIn(outcome);
  await database.dispose({ keep });
  if (!keep) return 'dropped';
  const lifetime = env.DATABASE_URL
    ? `drop it when done: DROP DATABASE "${database.name}"`
    : "on this run's own server, which stops when the run ends: set DATABASE_URL to keep it";
  const log = options.log ?? ((line: string) => console.warn(line));
  const url = withoutPassword(database.connectionString);
  log(`${KEEP_FAILED_DB_ENV}: kept database ${database.name} of ${outcome.name}: psql ${url} (${lifetime})`);
  return 'kept';
}

/**
 * Gives the calling test file a fresh database, created before its tests and dropped after
 * them (kept when {@link KEEP_FAILED_DB_ENV} is `1` and a test failed). Read `.current` inside
 * tests and hooks.
 */
export function useTestDatabase(options: CreateTestDatabaseOptions = {}): { readonly current: TestDatabase } {
  const holder: { current: TestDatabase | undefined } = { current: undefined };
  beforeAll(async () => {
    holder.current = await createTestDatabase(options);
  });
  // vitest hands a hook's suite only as the second parameter, after a destructured context.
  afterAll(async ({}, suite) => {
    if (holder.current) await disposeAfterTests(holder.current, suite);
  });
  return {
    get current(): TestDatabase {
      if (!holder.current) throw new Error('test database not ready');
      return holder.current;
    },
  };
}
