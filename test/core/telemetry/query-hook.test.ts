// The onQuery hook of createDatabase: one event per statement sent to PostgreSQL, with the
// prepared-statement name, the text, the duration, the rows and the SQLSTATE of a failure;
// parameters only when asked for; a failing hook never reaches the query.
import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../src/core/config/configuration-error.js';
import { createDatabase, createPool, type DatabaseConfig } from '../../../src/core/database/create-database.js';
import { UniqueViolationError } from '../../../src/core/errors/constraint-errors.js';
import { observeQueries } from '../../../src/core/telemetry/query-hook.js';
import { registeredPool } from '../../../src/core/health/pool-figures.js';
import type { QueryEvent } from '../../../src/core/telemetry/query-event.js';
import { createRepositories, unitOfWork } from '../../../src/repositories.js';
import type { DB } from '../../../src/schema/db.js';
import { useTestDatabase } from '../../helpers/database.js';
import { unique } from '../../helpers/fixtures.js';

describe('createDatabase({ onQuery })', () => {
  const testDb = useTestDatabase();
  const opened: Kysely<DB>[] = [];
  const open = (config: Omit<DatabaseConfig, 'connectionString'>) => {
    const db = createDatabase({ connectionString: testDb.current.connectionString, max: 2, ...config });
    opened.push(db);
    return db;
  };
  afterAll(async () => {
    await Promise.all(opened.map((db) => db.destroy()));
  });

  it('reports a prepared statement by name, with its text, duration and rows, and no parameters by default', async () => {
    const events: QueryEvent[] = [];
    // On explicitly: CI also runs the suite with ORG_DATA_PREPARED_STATEMENTS=off.
    const db = open({ preparedStatements: true, onQuery: (event) => void events.push(event) });
    const repos = createRepositories(db);
    const slug = `hook-${unique()}`;
    const created = await repos.organizations.create({ slug, name: 'Hooked' });
    events.length = 0;

    expect(await repos.organizations.findById(created.id)).toMatchObject({ id: created.id });

    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event).toMatchObject({ failed: false, sqlState: undefined, rowCount: 1, parameterCount: 1 });
    expect(event!.name).toMatch(/^od_/);
    expect(event!.sql).toMatch(/from "organizations"/i);
    expect(event!.sql).not.toContain(created.id);
    expect(event!.durationMs).toBeGreaterThanOrEqual(0);
    expect(event).not.toHaveProperty('parameters');
    // No row value anywhere in the event.
    expect(JSON.stringify(event)).not.toContain(created.id);
    expect(JSON.stringify(event)).not.toContain(slug);
  });

  it('passes the parameters with includeParameters: true', async () => {
    const events: QueryEvent[] = [];
    const db = open({ onQuery: { hook: (event) => void events.push(event), includeParameters: true } });
    await sql`SELECT ${'a value'}::text AS v, ${42}::int AS n`.execute(db);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ name: undefined, parameterCount: 2, parameters: ['a value', 42], rowCount: 1 });
  });

  it('reports a failed statement with its SQLSTATE, and the query still fails as it would', async () => {
    const events: QueryEvent[] = [];
    const db = open({ onQuery: (event) => void events.push(event) });
    const repos = createRepositories(db);
    const slug = `dup-${unique()}`;
    await repos.organizations.create({ slug, name: 'First' });
    events.length = 0;
    await expect(repos.organizations.create({ slug, name: 'Second' })).rejects.toBeInstanceOf(UniqueViolationError);
    const failed = events.filter((event) => event.failed);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ sqlState: '23505', rowCount: undefined });
  });

  it('reports statements sent in pg’s callback form (pool.query on the instance’s pool), failed ones with their SQLSTATE', async () => {
    const events: QueryEvent[] = [];
    const db = open({ onQuery: (event) => void events.push(event) });
    const pool = registeredPool(db) as unknown as pg.Pool;
    const { rows } = await pool.query<{ one: number }>('select $1::int as one', [1]);
    const failure = await new Promise<unknown>((resolve) => {
      pool.query('select 1 / $1::int', [0], (error) => resolve(error));
    });
    expect(rows).toEqual([{ one: 1 }]);
    expect(failure).toMatchObject({ code: '22012' });
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ sql: 'select $1::int as one', failed: false, rowCount: 1, parameterCount: 1 });
    expect(events[1]).toMatchObject({ sql: 'select 1 / $1::int', failed: true, sqlState: '22012', rowCount: undefined });
  });

  it('reports the statements of a unit of work, BEGIN with the tenant to COMMIT, rows summed over a multi-statement text', async () => {
    const events: QueryEvent[] = [];
    const db = open({ onQuery: (event) => void events.push(event) });
    const organization = await createRepositories(db).organizations.create({ slug: `uow-${unique()}`, name: 'Tenant' });
    events.length = 0;
    await unitOfWork(db, { tenant: organization.id }, async (uow) => {
      await uow.organizations.findById(organization.id);
    });
    const texts = events.map((event) => event.sql.split(';')[0]!.trim().toLowerCase());
    expect(texts[0]).toBe('begin');
    expect(texts.at(-1)).toBe('commit');
    expect(events).toHaveLength(3);
    // `begin; select set_config(…)`: BEGIN reports no rows, the select one.
    expect(events[0]!.rowCount).toBe(1);
    expect(events[2]!.rowCount).toBeUndefined();
  });

  it('runs statements unnamed, and reports them so, with prepared statements off', async () => {
    const events: QueryEvent[] = [];
    const db = open({ preparedStatements: false, onQuery: (event) => void events.push(event) });
    const repos = createRepositories(db);
    const created = await repos.organizations.create({ slug: `unnamed-${unique()}`, name: 'Unnamed' });
    events.length = 0;
    await repos.organizations.findById(created.id);
    expect(events.map((event) => event.name)).toEqual([undefined]);
  });

  describe('a failing hook', () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => void warnings.push(warning);
    process.on('warning', onWarning);
    afterEach(() => {
      warnings.length = 0;
    });
    afterAll(() => {
      process.off('warning', onWarning);
    });

    /** Lets `process.emitWarning` (delivered on the next tick) arrive. */
    const nextTick = () => new Promise((resolve) => setImmediate(resolve));

    it('that throws does not affect the query, and is reported once, without the message', async () => {
      let calls = 0;
      const db = open({
        onQuery: () => {
          calls += 1;
          throw new TypeError('secret row value 12345');
        },
      });
      const { rows } = await sql<{ one: number }>`SELECT 1 AS one`.execute(db);
      expect(rows).toEqual([{ one: 1 }]);
      await sql`SELECT 2`.execute(db);
      await nextTick();
      expect(calls).toBe(2);
      const ours = warnings.filter((w) => (w as { code?: string }).code === 'ORG_DATA_QUERY_HOOK');
      expect(ours).toHaveLength(1);
      expect(ours[0]!.message).toContain('TypeError');
      expect(ours[0]!.message).not.toContain('12345');
    });

    it('that rejects does not affect the query, and is reported once', async () => {
      const db = open({ onQuery: async () => Promise.reject(new RangeError('no')) });
      await sql`SELECT 1`.execute(db);
      await sql`SELECT 1`.execute(db);
      await nextTick();
      const ours = warnings.filter((w) => (w as { code?: string }).code === 'ORG_DATA_QUERY_HOOK');
      expect(ours).toHaveLength(1);
      expect(ours[0]!.message).toContain('RangeError');
    });
  });

  it.each([
    ['a string', 'log'],
    ['null', null],
    ['an object without hook', { includeParameters: true }],
    ['a non-boolean includeParameters', { hook: () => undefined, includeParameters: 'yes' }],
  ])('refuses %s with a ConfigurationError', (_, onQuery) => {
    expect(() => createDatabase({ connectionString: testDb.current.connectionString, onQuery: onQuery as never })).toThrow(
      ConfigurationError,
    );
  });

  it('leaves the pool untouched without a hook: clients keep pg’s own query', async () => {
    const pool = createPool({ connectionString: testDb.current.connectionString, max: 1 });
    try {
      expect(observeQueries(pool, undefined)).toBe(pool);
      const client = await pool.connect();
      expect(Object.hasOwn(client, 'query')).toBe(false);
      client.release();
      observeQueries(pool, () => undefined);
      // Only clients connected after the hook was set are observed.
      const same = await pool.connect();
      expect(Object.hasOwn(same, 'query')).toBe(false);
      same.release(true);
      const fresh = await pool.connect();
      expect(Object.hasOwn(fresh, 'query')).toBe(true);
      fresh.release();
    } finally {
      await pool.end();
    }
  });
});
