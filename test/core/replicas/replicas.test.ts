// Read replicas against a real streaming standby of a primary on this machine (see
// test/helpers/replication.ts): routing, read-your-writes, a replica that is down, a write
// refused on a replica, and what checkHealth reports. The standby replays with a delay
// (recovery_min_apply_delay), so a read right after a write is stale without a token every time.
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkHealth,
  createDatabase,
  DatabaseClosedError,
  createRepositories,
  migrate,
  ReadOnlyTransactionError,
  ReplicaUnavailableError,
  replicaToken,
  seedDefaults,
  TransactionScopeError,
  unitOfWork,
  ValidationError,
  type DB,
} from '../../../src/index.js';
import { ConfigurationError } from '../../../src/core/config/configuration-error.js';
import { runTransaction } from '../../../src/core/unit-of-work/transaction.js';
import { startReplicatedPair, type ReplicatedPair } from '../../helpers/replication.js';

/** The standby's replay delay while a test needs it stale. */
const DELAY_MS = 400;

let pair: ReplicatedPair;
let owner: Kysely<DB>;
let organizationId: string;
let otherOrganizationId: string;

beforeAll(async () => {
  pair = await startReplicatedPair(async (url) => {
    const db = createDatabase({ connectionString: url });
    try {
      await migrate(db);
      await seedDefaults(db);
    } finally {
      await db.destroy();
    }
  });
  owner = createDatabase({ connectionString: pair.primaryUrl });
  const organizations = createRepositories(owner).organizations;
  organizationId = (await organizations.create({ slug: 'replica-a', name: 'Replica A' })).id;
  otherOrganizationId = (await organizations.create({ slug: 'replica-b', name: 'Replica B' })).id;
}, 180_000);

afterAll(async () => {
  await owner?.destroy();
  await pair?.stop();
});

/** The service's handle: the application role on the primary, the standby as its replica. */
const serviceDatabase = (routing: Parameters<typeof createDatabase>[0] = {}) =>
  createDatabase({
    connectionString: pair.primaryAppUrl,
    replicas: [{ name: 'standby', connectionString: pair.replicaAppUrl }],
    ...routing,
  });

const clientCount = (db: Kysely<DB>, options: { readFrom?: 'replica'; after?: string; tenant?: string } = {}) =>
  unitOfWork(db, { tenant: options.tenant ?? organizationId, ...options }, async (uow) => {
    const row = await uow.trx.selectFrom('clients').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  });

const createClient = (db: Kysely<DB>, code: string, tenant = organizationId) =>
  unitOfWork(db, { tenant }, (uow) => uow.clients.create({ organizationId: tenant, code, name: `Client ${code}` }));

/** Where a unit of work ran: the server's `pg_is_in_recovery()` inside it. */
const ranOn = (db: Kysely<DB>, options: { readFrom?: 'replica'; after?: string } = {}) =>
  unitOfWork(db, { tenant: organizationId, ...options }, async (uow) => {
    const { rows } = await sql<{ standby: boolean }>`select pg_is_in_recovery() as standby`.execute(uow.trx);
    return rows[0]!.standby ? 'replica' : 'primary';
  });

describe('read replicas', () => {
  it('runs readFrom: replica units of work on the standby, and everything else on the primary', async () => {
    const db = serviceDatabase();
    try {
      expect(await ranOn(db, { readFrom: 'replica' })).toBe('replica');
      expect(await ranOn(db)).toBe('primary');
    } finally {
      await db.destroy();
    }
  });

  it('reads stale data on a lagging replica without a token, and the write with one, every time', async () => {
    await pair.setApplyDelay(DELAY_MS);
    const db = serviceDatabase({ replicaRouting: { readYourWritesTimeoutMs: 10_000, maxLagMs: 60_000 } });
    try {
      for (let round = 0; round < 5; round += 1) {
        const before = await clientCount(db);
        await createClient(db, `RYW-${round}`);
        expect(await clientCount(db, { readFrom: 'replica' })).toBe(before); // stale: the write is not replayed yet
        const token = await replicaToken(db);
        expect(token).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
        expect(await clientCount(db, { readFrom: 'replica', after: token })).toBe(before + 1);
        expect(await ranOn(db, { readFrom: 'replica', after: token })).toBe('replica');
      }
    } finally {
      await db.destroy();
      await pair.setApplyDelay(0);
    }
  });

  it('keeps tenants apart on the replica: row-level security holds for the application role', async () => {
    const db = serviceDatabase();
    try {
      await createClient(db, 'OTHER-1', otherOrganizationId);
      const token = await replicaToken(db);
      const theirs = await clientCount(db, { readFrom: 'replica', after: token, tenant: otherOrganizationId });
      const ours = await clientCount(db, { readFrom: 'replica', after: token });
      expect(theirs).toBe(1);
      expect(ours).toBe(await clientCount(db));
      // Without a tenant the application role sees no tenant's rows there either.
      const none = await unitOfWork(db, { readFrom: 'replica', after: token }, (uow) =>
        uow.trx.selectFrom('clients').select('id').execute(),
      );
      expect(none).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  it('refuses a write on a replica with ReadOnlyTransactionError (25006), and writes nothing', async () => {
    const db = serviceDatabase();
    try {
      const before = await clientCount(db);
      const error = await unitOfWork(db, { tenant: organizationId, readFrom: 'replica' }, (uow) =>
        uow.clients.create({ organizationId, code: 'NEVER', name: 'Never' }),
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ReadOnlyTransactionError);
      expect((error as ReadOnlyTransactionError).sqlState).toBe('25006');
      expect(await clientCount(db)).toBe(before);
    } finally {
      await db.destroy();
    }
  });

  it('waits for a lagging replica up to the bound, then reads on the primary, or fails when told to', async () => {
    await pair.setApplyDelay(3_000);
    const toPrimary = serviceDatabase({ replicaRouting: { readYourWritesTimeoutMs: 200, maxLagMs: 60_000 } });
    const strict = serviceDatabase({ replicaRouting: { readYourWritesTimeoutMs: 200, maxLagMs: 60_000, whenUnavailable: 'error' } });
    try {
      const before = await clientCount(toPrimary);
      await createClient(toPrimary, 'LATE-1');
      const token = await replicaToken(toPrimary);
      expect(await ranOn(toPrimary, { readFrom: 'replica', after: token })).toBe('primary');
      expect(await clientCount(toPrimary, { readFrom: 'replica', after: token })).toBe(before + 1);
      await expect(clientCount(strict, { readFrom: 'replica', after: token })).rejects.toBeInstanceOf(ReplicaUnavailableError);
    } finally {
      await toPrimary.destroy();
      await strict.destroy();
      await pair.setApplyDelay(0);
    }
  });

  it('skips a replica that lags beyond maxLagMs', async () => {
    await pair.setApplyDelay(1_500);
    const db = serviceDatabase({ replicaRouting: { maxLagMs: 100, healthCheckIntervalMs: 0 } });
    try {
      await createClient(db, 'LAG-1');
      // Past the bound: the standby has received the write and not replayed it for > 100 ms.
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(await ranOn(db, { readFrom: 'replica' })).toBe('primary');
      const [standby] = (await checkHealth(db)).replicas;
      expect(standby).toMatchObject({ name: 'standby', status: 'lagging', health: 'warn', inRecovery: true });
      expect(standby!.lagMs).toBeGreaterThan(100);
    } finally {
      await db.destroy();
      await pair.setApplyDelay(0);
    }
  });

  it('skips a replica that is down (reads go to the primary), reports it, and uses it again once it is back', async () => {
    const db = serviceDatabase({ replicaRouting: { healthCheckIntervalMs: 0 } });
    const strict = serviceDatabase({ replicaRouting: { healthCheckIntervalMs: 0, whenUnavailable: 'error' } });
    try {
      expect(await ranOn(db, { readFrom: 'replica' })).toBe('replica');
      await pair.stopReplica();
      expect(await ranOn(db, { readFrom: 'replica' })).toBe('primary');
      await expect(ranOn(strict, { readFrom: 'replica' })).rejects.toBeInstanceOf(ReplicaUnavailableError);
      const report = await checkHealth(db);
      expect(report.replicas).toEqual([expect.objectContaining({ name: 'standby', status: 'down', health: 'warn', problem: 'CONNECTION_LOST' })]);
      expect(report.ok).toBe(true);
      expect(report.status).toBe('warn');
      await pair.startReplica();
      await expect.poll(() => ranOn(db, { readFrom: 'replica' }), { timeout: 20_000, interval: 100 }).toBe('replica');
    } finally {
      await pair.startReplica().catch(() => undefined);
      await db.destroy();
      await strict.destroy();
    }
  });

  it('skips a standby that stopped receiving WAL (its lag cannot be known) and a server that is not a standby', async () => {
    const notStreaming = serviceDatabase({ replicaRouting: { healthCheckIntervalMs: 0 } });
    const primaryAsReplica = createDatabase({
      connectionString: pair.primaryAppUrl,
      replicas: [{ name: 'not-a-standby', connectionString: pair.primaryAppUrl }],
      replicaRouting: { healthCheckIntervalMs: 0 },
    });
    try {
      await pair.setPrimaryConninfo('');
      await expect
        .poll(async () => (await checkHealth(notStreaming)).replicas[0], { timeout: 20_000, interval: 100 })
        .toMatchObject({ status: 'lagging', problem: 'NOT_STREAMING', health: 'warn' });
      expect(await ranOn(notStreaming, { readFrom: 'replica' })).toBe('primary');
      expect(await ranOn(primaryAsReplica, { readFrom: 'replica' })).toBe('primary');
      expect((await checkHealth(primaryAsReplica)).replicas[0]).toMatchObject({ status: 'down', problem: 'NOT_STANDBY', inRecovery: false });
    } finally {
      await pair.setPrimaryConninfo('original');
      await notStreaming.destroy();
      await primaryAsReplica.destroy();
    }
    const db = serviceDatabase({ replicaRouting: { healthCheckIntervalMs: 0 } });
    try {
      await expect.poll(() => ranOn(db, { readFrom: 'replica' }), { timeout: 20_000, interval: 100 }).toBe('replica');
    } finally {
      await db.destroy();
    }
  });

  it('refuses a replica read after destroy() with DatabaseClosedError, also when told to fail without a replica', async () => {
    const db = serviceDatabase({ replicaRouting: { whenUnavailable: 'error' } });
    await ranOn(db, { readFrom: 'replica' });
    await db.destroy();
    await expect(ranOn(db, { readFrom: 'replica' })).rejects.toBeInstanceOf(DatabaseClosedError);
  });

  it('takes no TLS settings or credentials of the primary a replica cannot use', () => {
    expect(() => createDatabase({ connectionString: pair.primaryUrl, ssl: { rejectUnauthorized: true }, replicas: [{ host: 'replica.internal' }] })).toThrow(
      ConfigurationError,
    );
  });

  it('the first message refuses to start on a server that has not replayed the token (22012), in the same round trip as BEGIN', async () => {
    const standby = createDatabase({ connectionString: pair.replicaAppUrl });
    try {
      const token = await replicaToken(owner);
      const begin = (replayedAfter: string) =>
        runTransaction(standby, { accessMode: 'read only', tenant: organizationId, replayedAfter }, async () => 'ran').catch(
          (error: unknown) => (error as { sqlState?: string }).sqlState,
        );
      expect(await begin('FFFFFFFF/0')).toBe('22012');
      await expect.poll(() => begin(token), { timeout: 10_000, interval: 20 }).toBe('ran');
      // The primary is no standby: it never passes the check (replica reads fall back to it without one).
      expect(await runTransaction(owner, { replayedAfter: token }, async () => 'ran').catch((e: { sqlState?: string }) => e.sqlState)).toBe('22012');
    } finally {
      await standby.destroy();
    }
  });

  it('reports each replica and its lag in checkHealth', async () => {
    const db = serviceDatabase();
    try {
      const report = await checkHealth(db);
      expect(report.ok).toBe(true);
      expect(report.replicas).toEqual([
        expect.objectContaining({ name: 'standby', status: 'up', health: 'pass', inRecovery: true, problem: undefined }),
      ]);
      expect(report.replicas[0]!.lagMs).toBeGreaterThanOrEqual(0);
      expect(report.replicas[0]!.replayLsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
      // A database without replicas reports none.
      expect((await checkHealth(owner)).replicas).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  it('runs replica reads on the primary, read only, when no replica is configured', async () => {
    const before = await clientCount(owner);
    expect(await ranOn(owner, { readFrom: 'replica' })).toBe('primary');
    await expect(
      unitOfWork(owner, { tenant: organizationId, readFrom: 'replica' }, (uow) => uow.clients.create({ organizationId, code: 'RO', name: 'RO' })),
    ).rejects.toBeInstanceOf(ReadOnlyTransactionError);
    expect(await clientCount(owner)).toBe(before);
  });

  it('refuses bad options and configuration with typed errors, before anything runs', async () => {
    const db = serviceDatabase();
    try {
      const work = async () => 1;
      for (const options of [
        { readFrom: 'replica', after: 'not-a-token' },
        { after: '0/16B3748' },
        { readFrom: 'replica', accessMode: 'read write' },
        { readFrom: 'replica', isolationLevel: 'serializable' },
        { readFrom: 'somewhere' },
      ]) {
        await expect(unitOfWork(db, options as never, work)).rejects.toBeInstanceOf(ValidationError);
      }
      await expect(unitOfWork(db, (uow) => unitOfWork(uow.trx, { readFrom: 'replica' }, work))).rejects.toBeInstanceOf(TransactionScopeError);
      await expect(unitOfWork(db, (uow) => replicaToken(uow.trx))).rejects.toBeInstanceOf(TransactionScopeError);
      await expect(replicaToken(null as never)).rejects.toBeInstanceOf(ValidationError);
    } finally {
      await db.destroy();
    }
    for (const config of [
      { replicas: 'x' },
      { replicas: [{ name: 'no address' }] },
      { replicas: [{ host: 'a', name: 'bad name!' }] },
      { replicas: [{ host: 'a', name: 'r' }, { host: 'b', name: 'r' }] },
      { replicas: [{ host: 'a', replicas: [] }] },
      { replicas: [{ host: 'a' }], replicaRouting: { maxLagMs: -1 } },
      { replicas: [{ host: 'a' }], replicaRouting: { whenUnavailable: 'never' } },
      { replicaRouting: { unknown: 1 } },
    ]) {
      expect(() => createDatabase(config as never)).toThrow(ConfigurationError);
    }
  });
});
