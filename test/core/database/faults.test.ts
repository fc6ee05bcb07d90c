// Faults on a real PostgreSQL: a backend terminated mid-transaction, a statement past
// statement_timeout, and a server restart while calls run. The process must survive, errors
// must be typed, nothing half-done may be visible, and later calls must succeed.
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../../src/core/database/create-database.js';
import { transactionWithRetry } from '../../../src/core/unit-of-work/transaction-with-retry.js';
import { DataError } from '../../../src/core/errors/data-error.js';
import { ConnectionLostError, StatementTimeoutError } from '../../../src/core/errors/operational-errors.js';
import { migrate } from '../../../src/core/migrations/migrate.js';
import { createRepositories } from '../../../src/repositories.js';
import type { DB } from '../../../src/schema/db.js';
import { startPostgresServer, type PostgresServer } from '../../../src/testing/postgres-server.js';
import { withDatabase } from '../../../src/testing/template-database.js';
import { useTestDatabase } from '../../helpers/database.js';
import { unique } from '../../helpers/fixtures.js';

/** Collects 'uncaughtException' / 'unhandledRejection' while a test runs. */
function watchProcess() {
  const seen: unknown[] = [];
  const record = (error: unknown) => seen.push(error);
  process.on('uncaughtException', record);
  process.on('unhandledRejection', record);
  return {
    seen,
    stop: () => {
      process.off('uncaughtException', record);
      process.off('unhandledRejection', record);
    },
  };
}

describe('faults on the shared test server', () => {
  const testDb = useTestDatabase();

  it('a backend terminated mid-transaction: typed error, nothing visible, process alive, next call works', async () => {
    const watch = watchProcess();
    const db = createDatabase({ connectionString: testDb.current.connectionString, max: 2 });
    try {
      const repos = createRepositories(db);
      const slug = `killed-${unique()}`;
      const error = await repos
        .transaction(async (tx, trx) => {
          await tx.organizations.create({ slug, name: 'Half done' });
          const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(trx);
          await sql`SELECT pg_terminate_backend(${rows[0]!.pid})`.execute(testDb.current.db);
          await tx.organizations.create({ slug: `${slug}-2`, name: 'Never' });
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectionLostError);
      expect((error as DataError).code).toBe('CONNECTION_LOST');
      const visible = await sql`SELECT 1 FROM organizations WHERE slug LIKE ${`${slug}%`}`.execute(testDb.current.db);
      expect(visible.rows).toHaveLength(0);
      const next = await repos.organizations.create({ slug, name: 'After' });
      expect(next.slug).toBe(slug);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(watch.seen).toEqual([]);
    } finally {
      watch.stop();
      await db.destroy();
    }
  });

  it('a statement past statement_timeout fails typed, and the connection is reusable', async () => {
    const db = createDatabase({ connectionString: testDb.current.connectionString, max: 1, statementTimeoutMs: 200 });
    try {
      const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(db);
      const error = await transactionWithRetry(db, (trx) => sql`SELECT pg_sleep(2)`.execute(trx)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StatementTimeoutError);
      expect((error as DataError).sqlState).toBe('57014');
      const again = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(db);
      expect(again.rows[0]!.pid).toBe(rows[0]!.pid); // the same connection, still usable
    } finally {
      await db.destroy();
    }
  });

  it('every connection runs with the safe session defaults', async () => {
    const db = createDatabase({ connectionString: testDb.current.connectionString, max: 1 });
    try {
      const { rows } = await sql<Record<string, string>>`
        SELECT current_setting('TimeZone') AS tz, current_setting('statement_timeout') AS st,
               current_setting('lock_timeout') AS lt, current_setting('idle_in_transaction_session_timeout') AS it,
               current_setting('application_name') AS app`.execute(db);
      expect(rows[0]).toEqual({ tz: 'UTC', st: '30s', lt: '10s', it: '1min', app: 'org-data' });
    } finally {
      await db.destroy();
    }
  });
});

describe('a server restart while calls run', () => {
  let server: PostgresServer;
  let db: Kysely<DB>;
  beforeAll(async () => {
    server = await startPostgresServer({ url: null });
    const admin = new pg.Client({ connectionString: server.adminUrl });
    await admin.connect();
    await admin.query('CREATE DATABASE restart_test');
    await admin.end();
    db = createDatabase({ connectionString: withDatabase(server.adminUrl, 'restart_test'), max: 4, connectionTimeoutMillis: 2000 });
    await migrate(db);
  }, 120_000);
  afterAll(async () => {
    await db?.destroy();
    await server?.stop();
  });

  it('calls fail with typed errors during the outage, succeed after, and no error escapes', async () => {
    const watch = watchProcess();
    const repos = createRepositories(db);
    const outcomes: string[] = [];
    let running = true;
    const caller = (async () => {
      let n = 0;
      while (running) {
        n += 1;
        try {
          await repos.organizations.create({ slug: `restart-${unique()}-${n}`, name: 'During' });
          outcomes.push('ok');
        } catch (error) {
          outcomes.push(error instanceof DataError ? error.code : `untyped:${(error as Error).message}`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    })();
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      await server.restart!();
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      running = false;
      await caller;
      watch.stop();
    }
    const failures = outcomes.filter((o) => o !== 'ok');
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.filter((f) => f.startsWith('untyped'))).toEqual([]);
    // A call whose COMMIT was in flight when the server went down cannot know its outcome.
    expect(failures.filter((f) => f !== 'CONNECTION_LOST' && f !== 'COMMIT_OUTCOME_UNKNOWN')).toEqual([]);
    expect(failures).toContain('CONNECTION_LOST');
    expect(outcomes.at(-1)).toBe('ok');
    await expect(repos.organizations.create({ slug: `after-${unique()}`, name: 'After' })).resolves.toBeDefined();
    expect(watch.seen).toEqual([]);
  }, 120_000);
});
