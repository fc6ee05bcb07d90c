// End-to-end events per second through the worker: an outbox filled with `count` events (of one
// organization per 500 events, `user.registered`), drained by 1 and by 4 workers (each a pool of
// its own, as a login role granted org_data_worker, concurrency 4, batches of 100), to one
// consumer whose handler writes a row in the delivery's transaction. Time from the workers'
// start until the outbox and the deliveries are empty; every event must have been handled
// exactly once.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type pg from 'pg';
import { createDatabase } from '../../../../src/core/database/create-database.js';
import type { EventHandler } from '../../../../src/core/events/event-handler.js';
import { createWorker, eventQueueStatus } from '../../../../src/core/events/worker.js';
import { progress } from '../../support.js';

/** One measured drain. */
export interface DrainRow {
  readonly workers: number;
  readonly events: number;
  readonly seconds: number;
}

/** Fills the outbox with `count` fresh `user.registered` events of `organizations`. */
async function fill(pool: pg.Pool, organizations: readonly string[], count: number): Promise<void> {
  await pool.query(
    `WITH e AS (
       INSERT INTO domain_events (organization_id, event_type_code, payload_version, aggregate_type, aggregate_id, payload)
       SELECT ($1::uuid[])[1 + (g / 500) % cardinality($1::uuid[])], 'user.registered', 1, 'user', gen_random_uuid(), '{"bench": true}'
       FROM generate_series(0, $2::int - 1) g
       RETURNING organization_id, id, created_at
     ) INSERT INTO outbox_messages (organization_id, event_id, event_created_at) SELECT organization_id, id, created_at FROM e`,
    [organizations, count],
  );
}

/** Drains `count` events with 1 and 4 workers, `rounds` times each (alternating); one row per drain. */
export async function measureWorkerThroughput(
  url: string,
  pool: pg.Pool,
  organizations: readonly string[],
  count: number,
  rounds: number,
): Promise<DrainRow[]> {
  const role = `bench_worker_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  await pool.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}' IN ROLE org_data_worker`);
  await pool.query('CREATE TABLE IF NOT EXISTS bench_handled (event_id uuid NOT NULL)');
  await pool.query('GRANT INSERT ON bench_handled TO org_data_worker');
  const workerUrl = new URL(url);
  workerUrl.username = role;
  workerUrl.password = password;
  const handler: EventHandler = {
    name: 'bench.record',
    eventTypes: ['user.registered'],
    async handle(event, { trx }) {
      await sql`INSERT INTO bench_handled (event_id) VALUES (${event.id})`.execute(trx);
    },
  };
  const rows: DrainRow[] = [];
  try {
    for (let round = 0; round < rounds; round += 1) {
      for (const workers of round % 2 === 0 ? [1, 4] : [4, 1]) {
        await pool.query('TRUNCATE bench_handled');
        await fill(pool, organizations, count);
        const dbs = Array.from({ length: workers }, () => createDatabase({ connectionString: workerUrl.toString(), max: 5 }));
        const running = dbs.map((db) => createWorker(db, { handlers: [handler], concurrency: 4, batchSize: 100, pollIntervalMs: 10 }));
        const started = performance.now();
        for (const worker of running) worker.start();
        for (;;) {
          const status = await eventQueueStatus(dbs[0]!);
          if (status.outboxDepth + status.deliveries.pending + status.deliveries.inFlight === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        const seconds = (performance.now() - started) / 1000;
        for (const worker of running) await worker.stop();
        for (const db of dbs) await db.destroy();
        const handled = await pool.query('SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS d FROM bench_handled');
        assert.deepEqual(handled.rows[0], { n: count, d: count }, `${workers} worker(s): every event handled exactly once`);
        progress(`events / worker: ${workers} worker(s), ${count} events in ${seconds.toFixed(2)} s`);
        rows.push({ workers, events: count, seconds });
      }
    }
  } finally {
    await pool.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
  }
  return rows;
}
