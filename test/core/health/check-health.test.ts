// checkHealth as a readiness probe: run as the application role (a LOGIN member of org_data_app,
// no superuser, row-level security forced), against an unmigrated database, a rolled-back
// migration, a closed port, a server that accepts and never answers, and a destroyed handle.
// An unhealthy database is a result; only bad arguments reject (typed).
import { createServer, type Server, type Socket } from 'node:net';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditPartitions } from '../../../src/core/audit/audit-partitions.js';
import { createDatabase } from '../../../src/core/database/create-database.js';
import { ValidationError } from '../../../src/core/errors/validation-error.js';
import { checkHealth } from '../../../src/core/health/check-health.js';
import type { HealthReport } from '../../../src/core/health/health-report.js';
import { poolFiguresOf } from '../../../src/core/health/pool-figures.js';
import { embeddedMigrations } from '../../../src/core/migrations/embedded-migrations.js';
import { migrate } from '../../../src/core/migrations/migrate.js';
import { rollback } from '../../../src/core/migrations/rollback.js';
import { TRACKING_TABLE } from '../../../src/core/migrations/tracking-table.js';
import { APPLICATION_ROLE } from '../../../src/core/tenancy/tenant-setting.js';
import type { DB } from '../../../src/schema/db.js';
import { createTestDatabase } from '../../../src/testing/test-database.js';
import { useTestDatabase } from '../../helpers/database.js';
import { sqlStateOf, useAppLogin } from '../tenancy/app-role.js';

const LAST_MIGRATION = embeddedMigrations.at(-1)!.name;

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Every text of a report that a log line would hold. */
const texts = (report: HealthReport) => JSON.stringify(report);

describe('checkHealth', () => {
  const testDb = useTestDatabase();
  const app = useAppLogin(testDb);

  beforeAll(async () => {
    // The owner keeps partitions ahead (as a service's scheduled job would).
    await createAuditPartitions(testDb.current.db, { monthsAhead: 2 });
  });

  it('as the application role on a migrated database: ok, every check passes', async () => {
    const db = app.current.connect({ max: 3 });
    const { rows } = await sql<{ superuser: boolean; bypass: boolean }>`
      SELECT rolsuper AS superuser, rolbypassrls AS bypass FROM pg_roles WHERE rolname = current_user`.execute(db);
    expect(rows[0]).toEqual({ superuser: false, bypass: false });

    const report = await checkHealth(db);

    expect(report).toMatchObject({
      ok: true,
      status: 'pass',
      server: { status: 'pass', reachable: true, problem: undefined },
      migrations: { status: 'pass', pending: [], mismatched: [], newer: 0, problem: undefined },
      auditPartitions: { status: 'pass', currentMonth: true, ahead: 2, problem: undefined },
    });
    expect(report.server.roundTripMs).toBeGreaterThanOrEqual(0);
    expect(report.server.acquireMs).toBeGreaterThanOrEqual(0);
    expect(report.checkedAt).toBeInstanceOf(Date);
    expect(report.durationMs).toBeGreaterThanOrEqual(report.server.roundTripMs!);
    // Read before the check took its connection: the one the query above used, idle.
    expect(report.pool).toEqual({ total: 1, idle: 1, waiting: 0, max: 3 });
  });

  it('the application role reads the tracking table and cannot change it (migration 20261202090000)', async () => {
    const db = app.current.connect({ max: 1 });
    const table = sql.table(TRACKING_TABLE);
    expect(await sqlStateOf(db, sql`SELECT name FROM ${table} LIMIT 1`)).toBe('ok');
    expect(await sqlStateOf(db, sql`INSERT INTO ${table} (name, checksum, down_checksum, duration_ms) VALUES ('x', ${'0'.repeat(64)}, ${'0'.repeat(64)}, 0)`)).toBe('42501');
    expect(await sqlStateOf(db, sql`UPDATE ${table} SET duration_ms = 0`)).toBe('42501');
    expect(await sqlStateOf(db, sql`DELETE FROM ${table}`)).toBe('42501');
  });

  it('reports the pool as the application uses it: connections checked out, callers waiting', async () => {
    const db = app.current.connect({ max: 1 });
    let release!: () => void;
    let taken!: () => void;
    const holding = new Promise<void>((resolve) => (taken = resolve));
    const held = db.connection().execute(async (connection) => {
      await sql`SELECT 1`.execute(connection);
      taken();
      await new Promise<void>((resolve) => (release = resolve));
    });
    await holding;
    // Another caller queues for it.
    const waiter = sql`SELECT 2`.execute(db);
    await expect.poll(() => poolFiguresOf(db)?.waiting).toBe(1);
    // The probe queues too, and runs out of time.
    const report = await checkHealth(db, { timeoutMs: 200 });
    release();
    await Promise.all([held, waiter]);
    expect(report.pool).toEqual({ total: 1, idle: 0, waiting: 1, max: 1 });
    expect(report).toMatchObject({ ok: false, server: { reachable: false, problem: { code: 'TIMEOUT' } } });
    // The probe that timed out got its connection once it was free, and gave it back.
    await expect.poll(() => checkHealth(db).then((r) => r.ok)).toBe(true);
  });

  it('without SELECT on the tracking table (before this release’s migrations): migrations unknown, a warning, still ok', async () => {
    const owner = testDb.current.db;
    await sql`REVOKE SELECT ON ${sql.table(TRACKING_TABLE)} FROM ${sql.id(APPLICATION_ROLE)}`.execute(owner);
    try {
      const report = await checkHealth(app.current.connect({ max: 1 }));
      expect(report).toMatchObject({
        ok: true,
        status: 'warn',
        migrations: { status: 'warn', pending: undefined, problem: { code: 'FORBIDDEN' } },
      });
      expect(report.migrations.problem!.message).toContain(TRACKING_TABLE);
    } finally {
      await sql`GRANT SELECT ON ${sql.table(TRACKING_TABLE)} TO ${sql.id(APPLICATION_ROLE)}`.execute(owner);
    }
  });

  it('warns when too few audit partitions lie ahead', async () => {
    const report = await checkHealth(app.current.connect({ max: 1 }), { minPartitionsAhead: 3 });
    expect(report).toMatchObject({ ok: true, status: 'warn', auditPartitions: { status: 'warn', ahead: 2, currentMonth: true } });
  });

  it('a pending migration is not ready (ok: false) and is named', async () => {
    const database = await createTestDatabase({ max: 1 });
    try {
      await rollback(database.db, { steps: 1 });
      const report = await checkHealth(database.db);
      expect(report).toMatchObject({
        ok: false,
        status: 'fail',
        server: { status: 'pass' },
        migrations: { status: 'fail', pending: [LAST_MIGRATION], mismatched: [] },
      });
      await migrate(database.db);
      expect((await checkHealth(database.db)).migrations).toMatchObject({ status: 'pass', pending: [] });
    } finally {
      await database.dispose();
    }
  });

  it('an unmigrated database: every migration pending, partitions unknown, not ready', async () => {
    const database = await createTestDatabase({ migrated: false, max: 1 });
    try {
      const report = await checkHealth(database.db);
      expect(report.ok).toBe(false);
      expect(report.migrations.pending).toEqual(embeddedMigrations.map((m) => m.name));
      expect(report.auditPartitions).toMatchObject({ status: 'warn', ahead: undefined, problem: { sqlState: '42P01' } });
    } finally {
      await database.dispose();
    }
  });

  it('works on any Kysely instance (no pool figures for one createDatabase did not build)', async () => {
    const db = new Kysely<DB>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: app.current.connectionString, max: 1 }) }),
    });
    try {
      const report = await checkHealth(db);
      expect(report).toMatchObject({ ok: true, pool: undefined, migrations: { status: 'pass' } });
    } finally {
      await db.destroy();
    }
  });

  describe('a server that cannot be reached', () => {
    let silent: Server;
    const sockets: Socket[] = [];
    beforeAll(async () => {
      // Accepts connections and never says a word.
      silent = createServer((socket) => void sockets.push(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });

    it('a closed port: ok false, connection lost, and no host or port in the report', async () => {
      const port = await closedPort();
      const db = createDatabase({ host: '127.0.0.1', port, user: 'nobody', password: 'pw-canary-991', database: 'x', max: 1 });
      try {
        const report = await checkHealth(db);
        expect(report).toMatchObject({
          ok: false,
          status: 'fail',
          server: { status: 'fail', reachable: false, roundTripMs: undefined, problem: { code: 'CONNECTION_LOST' } },
          migrations: { status: 'warn', pending: undefined, problem: { code: 'CONNECTION_LOST' } },
          auditPartitions: { status: 'warn', ahead: undefined },
        });
        expect(texts(report)).not.toContain(String(port));
        expect(texts(report)).not.toContain('127.0.0.1');
        expect(texts(report)).not.toContain('pw-canary-991');
      } finally {
        await db.destroy();
      }
    });

    it('a database that does not exist: ok false, with its SQLSTATE, and not its name', async () => {
      const url = new URL(testDb.current.connectionString);
      url.pathname = '/org_data_no_such_database_4c1e';
      const db = createDatabase({ connectionString: url.toString(), max: 1 });
      try {
        const report = await checkHealth(db);
        expect(report).toMatchObject({ ok: false, server: { reachable: false, problem: { sqlState: '3D000' } } });
        expect(texts(report)).not.toContain('org_data_no_such_database_4c1e');
      } finally {
        await db.destroy();
      }
    });

    it('a server that never answers: the probe returns at its timeout, not the pool’s (a minute here)', async () => {
      const { port } = silent.address() as { port: number };
      const db = createDatabase({ host: '127.0.0.1', port, user: 'nobody', database: 'x', max: 1, connectionTimeoutMillis: 60_000 });
      try {
        const report = await checkHealth(db, { timeoutMs: 300 });
        expect(report).toMatchObject({
          ok: false,
          server: { reachable: false, problem: { code: 'TIMEOUT', message: 'no answer within 300 ms' } },
          migrations: { problem: { code: 'TIMEOUT' } },
          auditPartitions: { problem: { code: 'TIMEOUT' } },
        });
        expect(report.pool).toMatchObject({ total: 0, waiting: 0 });
      } finally {
        for (const socket of sockets) socket.destroy();
        await db.destroy();
      }
    });
  });

  it('after db.destroy(): ok false, database closed', async () => {
    const db = createDatabase({ connectionString: testDb.current.connectionString, max: 1 });
    await sql`SELECT 1`.execute(db);
    await db.destroy();
    const report = await checkHealth(db);
    expect(report).toMatchObject({ ok: false, server: { reachable: false, problem: { code: 'DATABASE_CLOSED' } } });
  });

  it.each([
    ['db null', null, undefined],
    ['db undefined', undefined, undefined],
    ['db a string', 'postgres://x', undefined],
    ['options null', 'db', null],
    ['a zero timeout', 'db', { timeoutMs: 0 }],
    ['a fractional timeout', 'db', { timeoutMs: 1.5 }],
    ['a negative minPartitionsAhead', 'db', { minPartitionsAhead: -1 }],
  ])('rejects %s with a ValidationError', async (_, db, options) => {
    const handle = db === 'db' ? testDb.current.db : db;
    await expect(checkHealth(handle as never, options as never)).rejects.toBeInstanceOf(ValidationError);
  });

  it('rejects a transaction with a ValidationError (the probe takes its own connection)', async () => {
    await testDb.current.db.transaction().execute(async (trx) => {
      await expect(checkHealth(trx)).rejects.toBeInstanceOf(ValidationError);
    });
  });
});
