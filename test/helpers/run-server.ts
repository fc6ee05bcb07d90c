import pg from 'pg';
import { TEST_SERVER_ENV } from '../../src/testing/test-database.js';

/** Runs `fn` with a client on the run's server (its maintenance database). */
export async function withAdmin<T>(fn: (admin: pg.Client) => Promise<T>): Promise<T> {
  const url = process.env[TEST_SERVER_ENV];
  if (!url) throw new Error(`${TEST_SERVER_ENV} is not set: the global setup did not run`);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

/** Whether the run's server has a database named `name`. */
export const databaseExists = (name: string) =>
  withAdmin(async (admin) => (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1);
