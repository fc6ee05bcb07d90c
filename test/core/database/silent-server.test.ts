// A server that goes silent (a partition, a black-holed route) while a call is in flight: the
// call fails with ConnectionLostError (CommitOutcomeUnknownError at COMMIT) within the response
// bound instead of hanging, the broken connection is destroyed rather than returned to the pool,
// and once the network is back the pool serves calls again. A TCP proxy between the pool and
// PostgreSQL stops forwarding without closing any socket.
import { sql, type Kysely } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, createPool, type DatabaseConfig } from '../../../src/core/database/create-database.js';
import { ConfigurationError } from '../../../src/core/config/configuration-error.js';
import { DataError } from '../../../src/core/errors/data-error.js';
import { CommitOutcomeUnknownError, ConnectionLostError } from '../../../src/core/errors/operational-errors.js';
import { createRepositories, unitOfWork } from '../../../src/repositories.js';
import type { DB } from '../../../src/schema/db.js';
import { useTestDatabase } from '../../helpers/database.js';
import { unique } from '../../helpers/fixtures.js';
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy.js';

/** Settles `promise` into the rejection (or `ok`) and how long it took, in ms. */
async function timed(promise: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  const error = await promise.then(
    () => 'ok',
    (e: unknown) => e,
  );
  return { error, ms: performance.now() - started };
}

describe('a silent server', () => {
  const testDb = useTestDatabase();
  let proxy: TcpProxy;
  const opened: Kysely<DB>[] = [];

  beforeAll(async () => {
    const url = new URL(testDb.current.connectionString);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
  });
  afterEach(async () => {
    proxy.blackhole(false);
    await Promise.all(opened.splice(0).map((db) => db.destroy()));
  });
  afterAll(async () => {
    await proxy?.close();
  });

  /** A database whose connections go through the proxy. */
  function throughProxy(config: DatabaseConfig = {}): Kysely<DB> {
    const url = new URL(testDb.current.connectionString);
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    const db = createDatabase({ connectionString: url.toString(), max: 1, ...config });
    opened.push(db);
    return db;
  }

  it('a query in flight fails with ConnectionLostError within the bound; the slot is freed', async () => {
    const db = throughProxy({ responseTimeoutMs: 400 });
    await sql`select 1`.execute(db); // one connection open through the proxy
    expect(proxy.openConnections).toBe(1);
    proxy.blackhole(true);
    const { error, ms } = await timed(sql`select 1`.execute(db));
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect((error as DataError).message).toContain('400 ms');
    expect(ms).toBeGreaterThanOrEqual(390);
    expect(ms).toBeLessThan(400 + 5_000);
    // The broken client was destroyed (its proxied connection closed), not kept in the pool.
    await expect.poll(() => proxy.openConnections).toBe(0);
    proxy.blackhole(false);
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(db); // max 1: the slot is free
    expect(rows).toEqual([{ one: 1 }]);
  });

  it('a unit of work whose statement meets silence fails typed and changes nothing', async () => {
    const db = throughProxy({ responseTimeoutMs: 400 });
    const repos = createRepositories(db);
    const slug = `silent-${unique()}`;
    const { error } = await timed(
      unitOfWork(db, async (uow) => {
        await uow.organizations.create({ slug, name: 'Before' });
        proxy.blackhole(true);
        await uow.organizations.create({ slug: `${slug}-2`, name: 'During' });
      }),
    );
    expect(error).toBeInstanceOf(ConnectionLostError);
    proxy.blackhole(false);
    // The server rolls back the transaction of the closed session.
    await expect
      .poll(async () => (await sql`select 1 from organizations where slug like ${`${slug}%`}`.execute(testDb.current.db)).rows.length)
      .toBe(0);
    expect((await repos.organizations.create({ slug, name: 'After' })).slug).toBe(slug);
  });

  it('COMMIT in flight meets silence: CommitOutcomeUnknownError, then the pool serves again', async () => {
    const db = throughProxy({ responseTimeoutMs: 400 });
    const slug = `commit-${unique()}`;
    const { error, ms } = await timed(
      unitOfWork(db, async (uow) => {
        await uow.organizations.create({ slug, name: 'Maybe' });
        proxy.blackhole(true); // the next message is COMMIT
      }),
    );
    expect(error).toBeInstanceOf(CommitOutcomeUnknownError);
    expect((error as DataError).code).toBe('COMMIT_OUTCOME_UNKNOWN');
    expect(ms).toBeLessThan(400 + 5_000);
    await expect.poll(() => proxy.openConnections).toBe(0);
    proxy.blackhole(false);
    expect(await unitOfWork(db, async () => 'served')).toBe('served');
  });

  it('the default bound is statement_timeout plus a margin', async () => {
    const db = throughProxy({ statementTimeoutMs: 200 });
    await sql`select 1`.execute(db);
    proxy.blackhole(true);
    const { error, ms } = await timed(sql`select 1`.execute(db));
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect((error as DataError).message).toContain('5200 ms');
    expect(ms).toBeGreaterThanOrEqual(5_190);
  }, 20_000);

  it('a long statement that answers within the bound is not cut short', async () => {
    const db = throughProxy({ responseTimeoutMs: 600, statementTimeoutMs: 0 });
    const { error } = await timed(sql`select pg_sleep(0.3)`.execute(db));
    expect(error).toBe('ok');
    // Statements queued on one connection: the bound counts from the last answer, not the first send.
    const results = await db
      .connection()
      .execute((c) => Promise.all([0, 1, 2].map(() => sql`select pg_sleep(0.25)`.execute(c))));
    expect(results).toHaveLength(3);
  });

  it('connections use TCP keepalive; responseTimeoutMs 0 turns the bound off; bad values are refused', () => {
    const pool = createPool({ connectionString: testDb.current.connectionString, keepAliveInitialDelayMs: 5_000 });
    const options = (pool as unknown as { options: { keepAlive?: boolean; keepAliveInitialDelayMillis?: number } }).options;
    expect(options.keepAlive).toBe(true);
    expect(options.keepAliveInitialDelayMillis).toBe(5_000);
    void pool.end();
    for (const bad of [-1, 1.5, Number.NaN, null, '1000']) {
      expect(() => createDatabase({ responseTimeoutMs: bad as unknown as number })).toThrow(ConfigurationError);
    }
  });
});
