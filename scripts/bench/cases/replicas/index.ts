// Section "replicas" (issue 15): reads on a streaming standby against the same reads on the
// primary, and what read-your-writes costs. The section starts a primary and a standby of its own
// (test/helpers/replication.ts: the embedded binaries, a copy of the stopped primary's data
// directory; both servers on this machine's two cores, beside the benchmark's own server), as
// the application role. Nothing here is checked by bench:verify (no cases): the replica tests
// (test/core/replicas) prove the routing; this measures it.
//   - reads: unitOfWork({ tenant }) + clients.findById on the primary (read write and read only),
//     on the replica, and on the replica with a token it has already replayed (the router's
//     cached path), interleaved.
//   - write then read: clients.create then clients.findById of the new client, (a) both on the
//     primary, (b) the read on the replica after replicaToken (waits until replayed), (c) the read
//     on the replica without a token (counts how often it misses the write).
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { createDatabase, createRepositories, migrate, replicaToken, seedDefaults, unitOfWork, type DB } from '../../../../src/index.js';
import { startReplicatedPair } from '../../../../test/helpers/replication.js';
import type { BenchGroup } from '../../case.js';
import { cyclic, measureInterleaved, ratio, summarize, us } from '../../measure.js';
import { markdownTable, step } from '../../support.js';

const READS = 3000;
const READ_WARMUP = 500;
const WRITES = 400;
const WRITE_WARMUP = 50;
const CLIENTS = 200;

/** Waits until the standby has replayed everything the primary wrote so far. */
async function caughtUp(db: Kysely<DB>, tenant: string): Promise<void> {
  const token = await replicaToken(db);
  await unitOfWork(db, { tenant, readFrom: 'replica', after: token }, async () => undefined);
}

async function measureReplicas(): Promise<string> {
  const pair = await step('replicas / a primary and a streaming standby', () =>
    startReplicatedPair(async (url) => {
      const db = createDatabase({ connectionString: url });
      try {
        await migrate(db);
        await seedDefaults(db);
      } finally {
        await db.destroy();
      }
    }),
  );
  const owner = createDatabase({ connectionString: pair.primaryUrl });
  const db = createDatabase({
    connectionString: pair.primaryAppUrl,
    replicas: [{ name: 'standby', connectionString: pair.replicaAppUrl }],
    replicaRouting: { readYourWritesTimeoutMs: 5_000 },
  });
  try {
    const tenant = (await createRepositories(owner).organizations.create({ slug: 'bench-replicas', name: 'Bench replicas' })).id;
    const ids: string[] = [];
    await unitOfWork(db, { tenant }, async (uow) => {
      for (let i = 0; i < CLIENTS; i += 1) ids.push((await uow.clients.create({ organizationId: tenant, code: `R-${i}`, name: `Client ${i}` })).id);
    });
    const replayed = await replicaToken(db);
    await caughtUp(db, tenant);

    const reads = await measureInterleaved('replicas / reads', READS, READ_WARMUP, {
      primary: (i) => unitOfWork(db, { tenant }, (uow) => uow.clients.findById(cyclic(ids, i))),
      'primary, read only': (i) => unitOfWork(db, { tenant, accessMode: 'read only' }, (uow) => uow.clients.findById(cyclic(ids, i))),
      replica: (i) => unitOfWork(db, { tenant, readFrom: 'replica' }, (uow) => uow.clients.findById(cyclic(ids, i))),
      'replica, replayed token': (i) =>
        unitOfWork(db, { tenant, readFrom: 'replica', after: replayed }, (uow) => uow.clients.findById(cyclic(ids, i))),
    });

    const missed = { withToken: 0, withoutToken: 0 };
    const writeThenRead = (where: 'primary' | 'token' | 'no token') => async () => {
      const client = await unitOfWork(db, { tenant }, (uow) =>
        uow.clients.create({ organizationId: tenant, code: `W-${randomUUID()}`, name: 'Written' }),
      );
      if (where === 'primary') return unitOfWork(db, { tenant }, (uow) => uow.clients.findById(client.id));
      const after = where === 'token' ? await replicaToken(db) : undefined;
      const found = await unitOfWork(db, { tenant, readFrom: 'replica', ...(after ? { after } : {}) }, (uow) => uow.clients.findById(client.id));
      if (!found) missed[where === 'token' ? 'withToken' : 'withoutToken'] += 1;
      return found;
    };
    const writes = await measureInterleaved('replicas / write then read', WRITES, WRITE_WARMUP, {
      'write, read on the primary': writeThenRead('primary'),
      'write, replicaToken, read on the replica after it': writeThenRead('token'),
      'write, read on the replica without a token': writeThenRead('no token'),
    });

    const base = summarize(reads.primary);
    const readRows = Object.entries(reads).map(([side, latencies]) => {
      const s = summarize(latencies);
      return [side, us(s.median), us(s.p99), ratio(s.median, base.median), ratio(s.p99, base.p99)];
    });
    const writeBase = summarize(writes['write, read on the primary']);
    const writeRows = Object.entries(writes).map(([side, latencies]) => {
      const s = summarize(latencies);
      return [side, us(s.median), us(s.p99), ratio(s.median, writeBase.median), us(s.median - writeBase.median)];
    });
    return [
      `${READS} reads per side after ${READ_WARMUP} warm-up, interleaved; ${WRITES} write-then-read pairs per side after ${WRITE_WARMUP}. ` +
        'Primary and standby run on this machine beside the benchmark (the standby replays at once: no apply delay).',
      '',
      markdownTable(['read: unitOfWork({ tenant }) + clients.findById', 'median µs', 'p99 µs', 'median / primary', 'p99 / primary'], readRows),
      '',
      markdownTable(['write, then read the new client', 'median µs', 'p99 µs', 'median / primary', 'median − primary µs'], writeRows),
      '',
      `Reads that missed the write: with the token ${missed.withToken} of ${WRITES + WRITE_WARMUP}, without it ${missed.withoutToken} of ${WRITES + WRITE_WARMUP}.`,
    ].join('\n');
  } finally {
    await db.destroy();
    await owner.destroy();
    await pair.stop();
  }
}

/** The replicas section. */
export const replicas: BenchGroup = {
  section: 'replicas',
  title: 'Read replicas: a read on the standby vs the primary, and the cost of reading your writes',
  method: `${READS} reads and ${WRITES} write-then-read pairs per side on a primary and a streaming standby of the section's own`,
  cases: [],
  report: async () => measureReplicas(),
};
