// The outermost unit of work on an instance createDatabase built runs its transaction on a
// connection of the driver itself: BEGIN (isolation level, access mode) and the tenant in ONE
// simple-protocol message, the work, COMMIT. On any other Kysely instance it goes through
// db.transaction() with a separate set_config statement. Both keep every guarantee: the
// tenant is set, a transaction kept past its unit of work refuses to run, rollback on error,
// CommitOutcomeUnknownError when the connection is lost during COMMIT, retry with the tenant.
import { CamelCasePlugin, CompiledQuery, Kysely, PostgresDialect, sql, Transaction } from 'kysely';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, createPool } from '../../../src/core/database/create-database.js';
import { UniqueViolationError } from '../../../src/core/errors/constraint-errors.js';
import { CommitOutcomeUnknownError, ConnectionLostError } from '../../../src/core/errors/operational-errors.js';
import { TransactionScopeError } from '../../../src/core/errors/transaction-scope-error.js';
import { ValidationError } from '../../../src/core/errors/validation-error.js';
import { currentTenant } from '../../../src/core/tenancy/current-tenant.js';
import { createRepositories, unitOfWork, type UnitOfWork } from '../../../src/repositories.js';
import type { DB } from '../../../src/schema/db.js';
import { seedDefaults } from '../../../src/contexts/identity/seeders/seed-defaults.js';
import { useTestDatabase } from '../../helpers/database.js';
import { anOrganization, aUser, unique } from '../../helpers/fixtures.js';
import { recordStatements } from './record-statements.js';

const SET_TENANT = `select set_config('app.organization_id', $1, true)`;
const beginWith = (organizationId: string, begin = 'begin') =>
  `${begin}; select set_config('app.organization_id', '${organizationId}', true)`;

describe('the outermost unit of work: what it sends and what it guarantees', () => {
  const testDb = useTestDatabase();
  const applicationName = `uow-connection-${unique()}`;
  const opened: Kysely<DB>[] = [];
  let organizationId: string;
  let userId: string;
  beforeAll(async () => {
    await seedDefaults(testDb.current.db);
    const owner = createRepositories(testDb.current.db);
    organizationId = (await anOrganization(owner)).id;
    userId = (await aUser(owner, organizationId)).user.id;
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((db) => db.destroy()));
  });
  /** An instance createDatabase built, one connection, its statements recorded under `applicationName`. */
  const packageDatabase = () => {
    const db = createDatabase({ connectionString: testDb.current.connectionString, max: 1, applicationName });
    opened.push(db);
    return db;
  };
  /** A plain Kysely instance over the package's pool (not built by createDatabase). */
  const plainKysely = () => {
    const pool = createPool({ connectionString: testDb.current.connectionString, max: 1, applicationName });
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    opened.push(db);
    return db;
  };
  const kinds = [
    { kind: 'createDatabase', open: packageDatabase },
    { kind: 'a plain Kysely instance', open: plainKysely },
  ] as const;
  const recording = () => {
    const recorder = recordStatements(applicationName);
    stops.push(recorder.stop);
    return recorder.sent;
  };
  const stops: (() => void)[] = [];
  afterEach(() => stops.splice(0).forEach((stop) => stop()));

  it('createDatabase: BEGIN and the tenant go in one simple-protocol message, then the SELECT, then COMMIT', async () => {
    const db = packageDatabase();
    await sql`select 1`.execute(db); // the connection exists before recording starts
    const sent = recording();
    const user = await unitOfWork(db, { tenant: organizationId }, (uow) => uow.users.findById(userId));
    expect(user).toMatchObject({ id: userId, organizationId });
    expect(sent).toHaveLength(3);
    expect(sent[0]).toEqual({ sql: beginWith(organizationId), parameters: [] });
    expect(sent[1]!.sql).toMatch(/^select .* from "users" where/);
    expect(sent[1]!.parameters).toEqual([userId]);
    expect(sent[2]).toEqual({ sql: 'commit', parameters: [] });
  });

  it('a plain Kysely instance: BEGIN, then set_config with a bound parameter, as before', async () => {
    const db = plainKysely();
    await sql`select 1`.execute(db);
    const sent = recording();
    const user = await unitOfWork(db, { tenant: organizationId }, (uow) => uow.users.findById(userId));
    expect(user).toMatchObject({ id: userId });
    // `select 1` before COMMIT: on this path the unit of work cannot see fn's statements, so it
    // asks whether the transaction was aborted (25P02) rather than let COMMIT roll it back silently.
    expect(sent.map((s) => s.sql)).toEqual(['begin', SET_TENANT, sent[2]!.sql, 'select 1', 'commit']);
    expect(sent[1]!.parameters).toEqual([organizationId]);
    // withPlugin returns another instance, not the one createDatabase registered: the same path.
    const camel = packageDatabase().withPlugin(new CamelCasePlugin());
    sent.length = 0;
    await unitOfWork(camel, { tenant: organizationId }, async () => undefined);
    expect(sent.map((s) => s.sql)).toEqual(['begin', SET_TENANT, 'select 1', 'commit']);
  });

  it('without a tenant the first message is a plain begin', async () => {
    const db = packageDatabase();
    await sql`select 1`.execute(db);
    const sent = recording();
    await unitOfWork(db, (uow) => uow.organizations.findById(organizationId));
    expect(sent.map((s) => s.sql)).toEqual(['begin', sent[1]!.sql, 'commit']);
  });

  it.each(kinds)('$kind: the tenant, isolation level and access mode are in force inside', async ({ kind, open }) => {
    const db = open();
    await sql`select 1`.execute(db);
    const sent = recording();
    const seen = await unitOfWork(
      db,
      { tenant: organizationId, isolationLevel: 'serializable', accessMode: 'read only' },
      async (uow) => {
        const { rows } = await sql<{ isolation: string; readOnly: string }>`
          select current_setting('transaction_isolation') as isolation,
            current_setting('transaction_read_only') as "readOnly"`.execute(uow.trx);
        return { tenant: await currentTenant(uow.trx), ...rows[0]! };
      },
    );
    expect(seen).toEqual({ tenant: organizationId, isolation: 'serializable', readOnly: 'on' });
    const begin = 'start transaction isolation level serializable read only';
    expect(sent[0]!.sql).toBe(kind === 'createDatabase' ? beginWith(organizationId, begin) : begin);
    // The setting is transaction-local: the connection back in the pool has no tenant.
    expect(await currentTenant(db)).toBeUndefined();
  });

  it('a tenant that is not a uuid is refused before anything is sent', async () => {
    const db = packageDatabase();
    const sent = recording();
    const error = await unitOfWork(db, { tenant: "x', true); drop table users; --" }, async () => 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(sent).toEqual([]);
  });

  it('the first message kept per tenant never stands in for other settings or another tenant', async () => {
    const db = packageDatabase();
    await sql`select 1`.execute(db);
    const sent = recording();
    const upper = organizationId.toUpperCase();
    const runs = [
      [{ tenant: organizationId }, beginWith(organizationId)],
      [{ tenant: organizationId }, beginWith(organizationId)],
      [{ tenant: organizationId, accessMode: 'read only' }, beginWith(organizationId, 'start transaction read only')],
      [{ tenant: upper }, beginWith(upper)],
      [{ tenant: organizationId, isolationLevel: 'repeatable read' }, beginWith(organizationId, 'start transaction isolation level repeatable read')],
      [{ tenant: organizationId }, beginWith(organizationId)],
    ] as const;
    for (const [options, first] of runs) {
      sent.length = 0;
      const tenant = await unitOfWork(db, options, (uow) => currentTenant(uow.trx));
      expect(tenant?.toLowerCase()).toBe(organizationId);
      expect(sent[0]).toEqual({ sql: first, parameters: [] });
    }
    // A refused tenant after valid ones still sends nothing.
    sent.length = 0;
    await expect(unitOfWork(db, { tenant: `${organizationId}'` }, async () => 1)).rejects.toBeInstanceOf(ValidationError);
    expect(sent).toEqual([]);
  });

  it('createDatabase: uow.trx is a Kysely Transaction in every respect, built or not, all in one transaction', async () => {
    const db = packageDatabase();
    const ids = await unitOfWork(db, { tenant: organizationId }, async (uow) => {
      const trx = uow.trx;
      expect(trx).toBeInstanceOf(Transaction);
      expect(trx.isTransaction).toBe(true);
      // Before any Kysely method ran: a repository's compiled read and a compiled query.
      const found = await uow.users.findById(userId);
      const compiled = await trx.executeQuery<{ id: string }>(CompiledQuery.raw('select txid_current()::text as id'));
      // Kysely's builders, getters, raw sql and derived instances.
      const built = await trx.selectNoFrom(sql<string>`txid_current()::text`.as('id')).executeTakeFirstOrThrow();
      const raw = await sql<{ id: string }>`select txid_current()::text as id`.execute(trx);
      const camel = await trx
        .withPlugin(new CamelCasePlugin())
        .selectNoFrom(sql<string>`txid_current()::text`.as('txId'))
        .executeTakeFirstOrThrow();
      const counted = await trx
        .selectFrom('users')
        .select(trx.fn.countAll<string>().as('n'))
        .where(trx.dynamic.ref('users.id'), '=', userId)
        .executeTakeFirstOrThrow();
      expect(found?.id).toBe(userId);
      expect(counted.n).toBe('1');
      expect(trx.getExecutor()).toBe(trx.getExecutor());
      return [compiled.rows[0]!.id, built.id, raw.rows[0]!.id, camel.txId];
    });
    expect(new Set(ids).size).toBe(1);
  });

  describe.each(kinds)('$kind', ({ kind, open }) => {
    it('a transaction kept past its unit of work refuses every statement with a typed error and sends nothing', async () => {
      const db = open();
      let kept!: UnitOfWork;
      await unitOfWork(db, { tenant: organizationId }, async (uow) => {
        kept = uow;
        await uow.users.findById(userId);
      });
      let rolledBack!: UnitOfWork;
      await unitOfWork(db, { tenant: organizationId }, async (uow) => {
        rolledBack = uow;
        throw new Error('fails');
      }).catch(() => undefined);
      const sent = recording();
      for (const uow of [kept, rolledBack]) {
        const attempts = [
          uow.trx.selectFrom('users').select('id').execute(),
          sql`select 1`.execute(uow.trx),
          uow.trx.withPlugin(new CamelCasePlugin()).selectFrom('users').select('id').execute(),
          uow.users.findById(userId),
        ];
        for (const attempt of attempts) {
          const error = await attempt.catch((e: unknown) => e);
          // Kysely's own guard throws an untyped Error; ours a TransactionScopeError.
          if (kind === 'createDatabase') expect(error).toBeInstanceOf(TransactionScopeError);
          else expect(error).toBeInstanceOf(Error);
        }
      }
      expect(sent).toEqual([]);
      // The connection is back in the pool, usable, and outside any transaction.
      const { rows } = await sql<{ state: string }>`select current_setting('transaction_isolation') as state`.execute(db);
      expect(rows).toHaveLength(1);
    });

    it('rolls back when the work throws: the caller’s error unchanged, nothing committed, the connection reusable', async () => {
      const db = open();
      const slug = `uow-rollback-${unique()}`;
      const thrown = new Error('the work fails');
      const sent = recording();
      const error = await unitOfWork(db, async (uow) => {
        await uow.organizations.create({ slug, name: 'Rolled back' });
        throw thrown;
      }).catch((e: unknown) => e);
      expect(error).toBe(thrown);
      expect(sent.at(-1)).toEqual({ sql: 'rollback', parameters: [] });
      expect(await createRepositories(db).organizations.findBySlug(slug)).toBeUndefined();
      // A database error is mapped, and rolled back too; the single connection keeps working.
      const taken = `uow-taken-${unique()}`;
      await createRepositories(db).organizations.create({ slug: taken, name: 'Taken' });
      const duplicate = await unitOfWork(db, { tenant: organizationId }, (uow) =>
        uow.organizations.create({ slug: taken, name: 'Again' }),
      ).catch((e: unknown) => e);
      expect(duplicate).toBeInstanceOf(UniqueViolationError);
      expect(await unitOfWork(db, { tenant: organizationId }, (uow) => uow.users.findById(userId))).toMatchObject({ id: userId });
    });

    it('a connection lost during COMMIT is CommitOutcomeUnknownError; before COMMIT, ConnectionLostError', async () => {
      const admin = testDb.current.db;
      const table = `uow_commit_probe_${kind === 'createDatabase' ? 'package' : 'plain'}`;
      // A deferred constraint trigger runs at COMMIT; this one terminates its own backend there.
      await sql`create table ${sql.id(table)} (id int)`.execute(admin);
      await sql`create function ${sql.id(`${table}_kill`)}() returns trigger language plpgsql as $$
        begin perform pg_terminate_backend(pg_backend_pid()); perform pg_sleep(5); return null; end $$`.execute(admin);
      await sql`create constraint trigger kill_at_commit after insert on ${sql.id(table)}
        deferrable initially deferred for each row execute function ${sql.id(`${table}_kill`)}()`.execute(admin);
      const db = open();
      const atCommit = await unitOfWork(db, { tenant: organizationId }, async (uow) => {
        await sql`insert into ${sql.id(table)} values (1)`.execute(uow.trx);
        return 'work done';
      }).catch((e: unknown) => e);
      expect(atCommit).toBeInstanceOf(CommitOutcomeUnknownError);
      expect(atCommit).toMatchObject({ code: 'COMMIT_OUTCOME_UNKNOWN' });

      const beforeCommit = await unitOfWork(db, { tenant: organizationId }, async (uow) => {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(uow.trx);
        await sql`select pg_terminate_backend(${rows[0]!.pid})`.execute(admin);
        await uow.users.findById(userId);
      }).catch((e: unknown) => e);
      expect(beforeCommit).toBeInstanceOf(ConnectionLostError);
      // The pool dropped the dead connections: the next unit of work gets a fresh one.
      expect(await unitOfWork(db, { tenant: organizationId }, (uow) => uow.users.findById(userId))).toMatchObject({ id: userId });
    });

    it('a retried attempt begins again with the tenant set', async () => {
      const db = open();
      await sql`select 1`.execute(db);
      const sent = recording();
      const retries: string[] = [];
      let attempt = 0;
      const tenants = await unitOfWork(
        db,
        { tenant: organizationId, retry: { attempts: 2, baseDelayMs: 0, onRetry: (_, error) => retries.push(error.code) } },
        async (uow) => {
          attempt += 1;
          const tenant = await currentTenant(uow.trx);
          if (attempt === 1) {
            await sql`do $$ begin raise exception 'lost a race' using errcode = '40001'; end $$`.execute(uow.trx);
          }
          return tenant;
        },
      );
      expect(tenants).toBe(organizationId);
      expect(retries).toEqual(['SERIALIZATION_FAILURE']);
      const begins = sent.filter((s) => s.sql.startsWith('begin'));
      expect(begins.map((s) => s.sql)).toEqual(
        kind === 'createDatabase' ? [beginWith(organizationId), beginWith(organizationId)] : ['begin', 'begin'],
      );
      expect(sent.filter((s) => s.sql === 'rollback')).toHaveLength(1);
    });
  });
});
