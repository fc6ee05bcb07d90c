// Named server-side prepared statements (issue 9): the package's statements are prepared once
// per connection; a schema change that alters a prepared statement's result type is recovered
// without the caller seeing it when nothing else ran in the transaction, and is a typed,
// retryable error otherwise; terminated backends and server restarts re-create them; row-level
// security holds on one pooled connection that alternates tenants; and the option (or the
// environment) turns them off.
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../../src/core/database/create-database.js';
import { StatementInvalidatedError } from '../../../src/core/errors/statement-invalidated.js';
import { compiledQuery } from '../../../src/core/kernel/compiled-query.js';
import { statementName } from '../../../src/core/kernel/statement-name.js';
import { migrate } from '../../../src/core/migrations/migrate.js';
import { seedDefaults } from '../../../src/contexts/identity/seeders/seed-defaults.js';
import { createRepositories, unitOfWork } from '../../../src/repositories.js';
import type { DB } from '../../../src/schema/db.js';
import { startPostgresServer, type PostgresServer } from '../../../src/testing/postgres-server.js';
import { withDatabase } from '../../../src/testing/template-database.js';
import { useTestDatabase } from '../../helpers/database.js';
import { aUser, anOrganization, unique } from '../../helpers/fixtures.js';
import { useAppLogin } from '../tenancy/app-role.js';

/** A statement over a table the tests change: `select *`, so an added column changes its result type. */
const probeById = compiledQuery((_db, p: { id: number }) => sql<Record<string, unknown>>`select * from prepared_probe where id = ${p.id}`);

/** The prepared statements of the connection `db` runs on (a pool of one, or a transaction). */
async function preparedNames(db: Kysely<DB>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from pg_prepared_statements order by name`.execute(db);
  return rows.map((row) => row.name);
}

async function backendPid(db: Kysely<DB>): Promise<number> {
  const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db);
  return rows[0]!.pid;
}

describe('prepared statements on one connection', () => {
  const testDb = useTestDatabase();
  const opened: Kysely<DB>[] = [];
  // On unless a test says otherwise: CI also runs the suite with ORG_DATA_PREPARED_STATEMENTS=off.
  const open = (prepared: boolean | 'from the environment' = true) => {
    const preparedStatements = prepared === 'from the environment' ? undefined : prepared;
    const db = createDatabase({ connectionString: testDb.current.connectionString, max: 1, preparedStatements });
    opened.push(db);
    return db;
  };
  let userId: string;
  let changes = 0;

  /** Changes the probe table's row type, as a migration would (from another connection). */
  async function migrateProbe(): Promise<void> {
    changes += 1;
    await sql`alter table prepared_probe add column ${sql.id(`extra_${changes}`)} text default 'x'`.execute(testDb.current.db);
  }

  beforeAll(async () => {
    await seedDefaults(testDb.current.db);
    const system = createRepositories(testDb.current.db);
    userId = (await aUser(system, (await anOrganization(system)).id)).user.id;
    await sql`create table prepared_probe (id int primary key, label text not null)`.execute(testDb.current.db);
    await sql`insert into prepared_probe values (1, 'one')`.execute(testDb.current.db);
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((db) => db.destroy()));
  });

  it("runs the repositories' statements as named prepared statements, prepared once per connection", async () => {
    const db = open();
    const repos = createRepositories(db);
    for (let i = 0; i < 3; i += 1) expect(await repos.users.findById(userId)).toMatchObject({ id: userId });
    const names = await preparedNames(db);
    const { rows } = await sql<{ name: string; statement: string }>`
      select name, statement from pg_prepared_statements`.execute(db);
    expect(names.every((name) => /^od_[0-9a-f]{24}$/.test(name))).toBe(true);
    expect(names).toHaveLength(1); // three calls, one statement prepared
    expect(rows[0]!.name).toBe(statementName(rows[0]!.statement));
  });

  it('prepares nothing when turned off, by the option or by ORG_DATA_PREPARED_STATEMENTS=off', async () => {
    const off = open(false);
    expect(await createRepositories(off).users.findById(userId)).toMatchObject({ id: userId });
    expect(await preparedNames(off)).toEqual([]);
    const saved = process.env.ORG_DATA_PREPARED_STATEMENTS;
    process.env.ORG_DATA_PREPARED_STATEMENTS = 'off';
    try {
      const byEnv = open('from the environment');
      expect(await createRepositories(byEnv).users.findById(userId)).toMatchObject({ id: userId });
      expect(await preparedNames(byEnv)).toEqual([]);
      // The option wins over the environment.
      const on = open(true);
      await createRepositories(on).users.findById(userId);
      expect(await preparedNames(on)).toHaveLength(1);
    } finally {
      if (saved === undefined) delete process.env.ORG_DATA_PREPARED_STATEMENTS;
      else process.env.ORG_DATA_PREPARED_STATEMENTS = saved;
    }
  });

  it('a migration while the pool holds the statement: the next call succeeds and sees the new columns', async () => {
    const db = open();
    for (let i = 0; i < 6; i += 1) expect(await probeById(db, { id: 1 })).toHaveLength(1);
    await createRepositories(db).users.findById(userId);
    expect(await preparedNames(db)).toHaveLength(2);
    await migrateProbe();
    const [row] = await probeById(db, { id: 1 });
    expect(row).toMatchObject({ id: 1, label: 'one', [`extra_${changes}`]: 'x' });
    // The connection forgot every statement it had prepared and prepared again what it ran.
    expect(await preparedNames(db)).toEqual([probeById.name]);
    expect(await createRepositories(db).users.findById(userId)).toMatchObject({ id: userId });
  });

  it('a statement run on the instance gives its one connection back whatever its outcome: failed, recovered, or run after a stale transaction', async () => {
    // A pool of one: a connection kept after any of these would leave the next call waiting
    // for the pool's connection timeout.
    const db = open();
    for (let i = 0; i < 3; i += 1) {
      const error = await probeById(db, { id: 'not a number' as unknown as number }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: '22P02' });
    }
    expect(await probeById(db, { id: 1 })).toHaveLength(1);
    await migrateProbe();
    expect(await probeById(db, { id: 1 })).toHaveLength(1);
    // Invalidated after another statement of its transaction: the connection forgets its
    // statements before its next statement, here one run on the instance.
    await migrateProbe();
    const error = await unitOfWork(db, async (uow) => {
      await sql`select 1`.execute(uow.trx);
      return probeById(uow.trx, { id: 1 });
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StatementInvalidatedError);
    expect(await probeById(db, { id: 1 })).toMatchObject([{ id: 1, [`extra_${changes}`]: 'x' }]);
    expect(await preparedNames(db)).toEqual([probeById.name]);
  });

  it('first(): the first row or undefined, with its one connection given back whatever the outcome, on the instance and in a transaction', async () => {
    // The same paths as above through the driver's first-row answer (a pool of one: a kept
    // connection would leave the next call waiting for the pool's connection timeout).
    const db = open();
    for (let i = 0; i < 3; i += 1) {
      const error = await probeById.first(db, { id: 'not a number' as unknown as number }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: '22P02' });
    }
    expect(await probeById.first(db, { id: 1 })).toMatchObject({ id: 1, label: 'one' });
    expect(await probeById.first(db, { id: -1 })).toBeUndefined();
    await migrateProbe();
    expect(await probeById.first(db, { id: 1 })).toMatchObject({ id: 1, [`extra_${changes}`]: 'x' });
    // Stale after a failed transaction: forgotten first, then answered with the first row.
    await migrateProbe();
    const error = await unitOfWork(db, async (uow) => {
      await sql`select 1`.execute(uow.trx);
      return probeById.first(uow.trx, { id: 1 });
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StatementInvalidatedError);
    expect(await probeById.first(db, { id: 1 })).toMatchObject({ id: 1, [`extra_${changes}`]: 'x' });
    expect(await preparedNames(db)).toEqual([probeById.name]);
    // In a unit of work and in a Kysely transaction (no first-row path of their own).
    expect(await unitOfWork(db, (uow) => probeById.first(uow.trx, { id: 1 }))).toMatchObject({ id: 1 });
    expect(await db.transaction().execute((trx) => probeById.first(trx, { id: -1 }))).toBeUndefined();
    // A closed instance refuses, typed.
    await db.destroy();
    await expect(probeById.first(db, { id: 1 })).rejects.toMatchObject({ code: 'DATABASE_CLOSED' });
  });

  it("… also when it is the first statement of a unit of work's transaction (the transaction starts again)", async () => {
    const db = open();
    await probeById(db, { id: 1 });
    await migrateProbe();
    const result = await unitOfWork(db, async (uow) => {
      const [row] = await probeById(uow.trx, { id: 1 });
      await sql`insert into prepared_probe (id, label) values (2, 'two')`.execute(uow.trx);
      return row;
    });
    expect(result).toMatchObject({ id: 1, [`extra_${changes}`]: 'x' });
    expect(await probeById(db, { id: 2 })).toHaveLength(1);
    await sql`delete from prepared_probe where id = 2`.execute(db);
  });

  it('after other statements of its transaction: StatementInvalidatedError (retryable), nothing written; retry succeeds', async () => {
    const db = open();
    await probeById(db, { id: 1 });
    await migrateProbe();
    const error = await unitOfWork(db, async (uow) => {
      await sql`insert into prepared_probe (id, label) values (3, 'three')`.execute(uow.trx);
      return probeById(uow.trx, { id: 1 });
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StatementInvalidatedError);
    expect(error).toMatchObject({ code: 'STATEMENT_INVALIDATED', sqlState: '0A000', retryable: true });
    expect(await probeById(db, { id: 3 })).toEqual([]);

    await probeById(db, { id: 1 });
    await migrateProbe();
    let attempts = 0;
    const rows = await unitOfWork(db, { retry: { attempts: 2 } }, async (uow) => {
      attempts += 1;
      await sql`insert into prepared_probe (id, label) values (3, 'three')`.execute(uow.trx);
      return probeById(uow.trx, { id: 3 });
    });
    expect(attempts).toBe(2);
    expect(rows).toMatchObject([{ id: 3, label: 'three' }]);
    await sql`delete from prepared_probe where id = 3`.execute(db);
  });

  it('a terminated backend: the next call gets a new connection and prepares again', async () => {
    const db = open();
    const repos = createRepositories(db);
    await repos.users.findById(userId);
    const pid = await backendPid(db);
    await sql`select pg_terminate_backend(${pid})`.execute(testDb.current.db);
    // The pool drops the dead idle client when its socket closes; a call that raced it may
    // fail with ConnectionLostError, the next one succeeds.
    let found: unknown;
    for (let attempt = 0; attempt < 20 && found === undefined; attempt += 1) {
      found = await repos.users.findById(userId).catch(() => undefined);
      if (found === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(found).toMatchObject({ id: userId });
    expect(await backendPid(db)).not.toBe(pid);
    expect(await preparedNames(db)).toHaveLength(1);
  });
});

describe('row-level security with prepared statements on a pool of one alternating tenants', () => {
  const testDb = useTestDatabase();
  const login = useAppLogin(testDb);

  it('each tenant reads its own rows only, call after call, on the one connection', async () => {
    await seedDefaults(testDb.current.db);
    const system = createRepositories(testDb.current.db);
    const tenants = await Promise.all(
      [0, 1].map(async () => {
        const organizationId = (await anOrganization(system)).id;
        const { user } = await aUser(system, organizationId);
        return { organizationId, userId: user.id, authSubject: user.authSubject };
      }),
    );
    const app = login.current.connect({ max: 1, preparedStatements: true });
    const pids = new Set<number>();
    // More than five executions: PostgreSQL may switch to a generic plan after the fifth.
    for (let round = 0; round < 8; round += 1) {
      for (const [i, tenant] of tenants.entries()) {
        const other = tenants[1 - i]!;
        await unitOfWork(app, { tenant: tenant.organizationId }, async (uow) => {
          expect(await uow.users.findById(tenant.userId)).toMatchObject({ id: tenant.userId });
          expect(await uow.users.findById(other.userId)).toBeUndefined();
          expect(await uow.users.findByAuthSubject(other.authSubject)).toBeUndefined();
          expect(await uow.organizations.findById(other.organizationId)).toBeUndefined();
          pids.add(await backendPid(uow.trx));
        });
      }
    }
    expect(pids.size).toBe(1);
    // Outside any tenant, the same prepared statements find nothing.
    expect(await createRepositories(app).users.findById(tenants[0]!.userId)).toBeUndefined();
    const names = await preparedNames(app);
    expect(names.length).toBeGreaterThanOrEqual(3);
    const { rows } = await sql<{ generic: number }>`
      select coalesce(sum(generic_plans), 0)::int as generic from pg_prepared_statements`
      .execute(app)
      .catch(() => ({ rows: [{ generic: -1 }] })); // generic_plans exists from PostgreSQL 14
    expect(rows[0]!.generic).not.toBe(0);
  });
});

describe('a server restart', () => {
  let server: PostgresServer;
  let db: Kysely<DB>;
  beforeAll(async () => {
    server = await startPostgresServer({ url: null });
    const admin = new pg.Client({ connectionString: server.adminUrl });
    await admin.connect();
    await admin.query('CREATE DATABASE prepared_restart');
    await admin.end();
    db = createDatabase({ connectionString: withDatabase(server.adminUrl, 'prepared_restart'), max: 1, connectionTimeoutMillis: 2000, preparedStatements: true });
    await migrate(db);
    await seedDefaults(db);
  }, 120_000);
  afterAll(async () => {
    await db?.destroy();
    await server?.stop();
  });

  it('prepared statements are created again on the new connection, transparently', async () => {
    const repos = createRepositories(db);
    const organization = await anOrganization(repos, `restart-${unique()}`);
    expect(await repos.organizations.findById(organization.id)).toMatchObject({ id: organization.id });
    const before = await preparedNames(db);
    expect(before.length).toBeGreaterThan(0);
    await server.restart!();
    let found: unknown;
    for (let attempt = 0; attempt < 40 && found === undefined; attempt += 1) {
      found = await repos.organizations.findById(organization.id).catch(() => undefined);
      if (found === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(found).toMatchObject({ id: organization.id });
    // A new backend, the same statement names (derived from the SQL text), prepared on first use.
    const after = await preparedNames(db);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((name) => before.includes(name))).toBe(true);
  });
});
