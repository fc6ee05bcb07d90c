// The worker on real PostgreSQL, connected as a login role granted org_data_worker: every event
// fanned out once per consumer and handled once, retries with bounded backoff, dead letters,
// lease expiry, graceful stop, and workers whose backends are terminated while writers commit.
import { randomBytes, randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDatabase } from '../../../src/core/database/create-database.js';
import { backoffDelayMs, DELIVERY_STATES } from '../../../src/core/events/delivery-machine.js';
import type { EventHandler } from '../../../src/core/events/event-handler.js';
import { createWorker, eventQueueStatus, redeliverDeadDeliveries, type Worker } from '../../../src/core/events/worker.js';
import { ValidationError } from '../../../src/core/errors/validation-error.js';
import { seedDefaults } from '../../../src/contexts/identity/seeders/seed-defaults.js';
import { createRepositories } from '../../../src/repositories.js';
import type { DB } from '../../../src/schema/db.js';
import { anOrganization, aUser, unique } from '../../helpers/fixtures.js';
import { startBackendKiller } from '../../helpers/backend-killer.js';
import { useTestDatabase } from '../../helpers/database.js';

describe('the worker', () => {
  const testDb = useTestDatabase();
  const loginRole = `org_data_test_worker_${randomBytes(4).toString('hex')}`;
  let workerUrl: string;
  const pools: Kysely<DB>[] = [];
  /** A database handle as the worker's login role. */
  const asWorker = (applicationName = 'org-data-test-worker') => {
    const db = createDatabase({ connectionString: workerUrl, applicationName, max: 4 });
    pools.push(db);
    return db;
  };

  beforeAll(async () => {
    const db = testDb.current.db;
    await seedDefaults(db);
    const password = randomBytes(12).toString('hex');
    await sql.raw(`CREATE ROLE ${loginRole} LOGIN PASSWORD '${password}' IN ROLE org_data_worker`).execute(db);
    const url = new URL(testDb.current.connectionString);
    url.username = loginRole;
    url.password = password;
    workerUrl = url.toString();
    // What handlers write: no unique key, so a second run of a handler would show.
    await sql`CREATE TABLE handled_events (event_id uuid NOT NULL, consumer text NOT NULL, organization_id uuid NOT NULL)`.execute(db);
    await sql`GRANT SELECT, INSERT ON handled_events TO org_data_worker`.execute(db);
  });

  // Each test starts with no consumer registered and nothing queued for one: subscriptions
  // outlive the workers that made them (a consumer of an earlier test would get deliveries no
  // worker here takes).
  beforeEach(async () => {
    await sql`DELETE FROM event_deliveries`.execute(testDb.current.db);
    await sql`DELETE FROM event_subscriptions`.execute(testDb.current.db);
    await sql`DELETE FROM outbox_messages`.execute(testDb.current.db);
  });

  afterAll(async () => {
    for (const db of pools) await db.destroy().catch(() => undefined);
    await sql.raw(`DROP ROLE IF EXISTS ${loginRole}`).execute(testDb.current.db).catch(() => undefined);
  });

  /** A handler that records each event it handles in handled_events, in the delivery's transaction. */
  const recording = (name: string, eventTypes: readonly string[], fail?: (attempt: number) => boolean): EventHandler => ({
    name,
    eventTypes,
    async handle(event, { trx, tenant, attempt }) {
      expect(event.organizationId).toBe(tenant);
      await sql`INSERT INTO handled_events (event_id, consumer, organization_id) VALUES (${event.id}, ${name}, ${tenant})`.execute(trx);
      if (fail?.(attempt)) throw new Error(`handler ${name} failed on purpose`);
    },
  });

  const handledCounts = async (consumer: string) =>
    (
      await sql<{ event_id: string; n: number }>`
        SELECT event_id, count(*)::int AS n FROM handled_events WHERE consumer = ${consumer} GROUP BY event_id`.execute(testDb.current.db)
    ).rows;

  /** Runs rounds until the outbox and the due deliveries are empty (or `rounds` ran). */
  async function drain(worker: Worker, rounds = 50): Promise<void> {
    for (let i = 0; i < rounds; i += 1) {
      const round = await worker.runOnce();
      if (round.dispatched + round.delivered + round.retried + round.dead === 0) return;
    }
  }

  it('refuses bad options with a ValidationError', () => {
    expect(() => createWorker(testDb.current.db, { handlers: [{ name: 'Bad Name', eventTypes: [], handle: async () => {} }] })).toThrow(ValidationError);
    expect(() => createWorker(testDb.current.db, { handlers: [], concurrency: 0 })).toThrow(ValidationError);
    expect(() => createWorker({} as never, { handlers: [] })).toThrow(ValidationError);
  });

  it('two workers with different handlers: each event reaches both consumers, each worker runs only its own', async () => {
    const system = createRepositories(testDb.current.db);
    const org = await anOrganization(system, `wk-${unique()}`);
    const a = createWorker(asWorker(), { handlers: [recording('service_a', ['user.registered'])] });
    const b = createWorker(asWorker(), { handlers: [recording('service_b', ['user.registered'])] });
    // Both registered before the event (a worker registers its handlers on its first round).
    await a.runOnce();
    await b.runOnce();
    const { user } = await aUser(system, org.id);
    await drain(a); // a dispatches everything, and delivers only its own
    expect(a.progress().delivered).toBe(1);
    await drain(b);
    expect(b.progress().delivered).toBe(1);
    const { rows } = await sql<{ consumer: string }>`
      SELECT h.consumer FROM handled_events h JOIN domain_events e ON e.id = h.event_id
      WHERE e.aggregate_id = ${user.id} ORDER BY 1`.execute(testDb.current.db);
    expect(rows.map((r) => r.consumer)).toEqual(['service_a', 'service_b']);
  });

  it('a handler of an event type the catalogue does not know fails the first round with a typed error', async () => {
    const worker = createWorker(asWorker(), { handlers: [recording('typo', ['user.registred'])] });
    await expect(worker.runOnce()).rejects.toMatchObject({ code: 'FOREIGN_KEY_VIOLATION' });
  });

  it('the delivery states are those the table accepts', async () => {
    const { rows } = await sql<{ def: string }>`
      SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'event_deliveries_status_values'`.execute(testDb.current.db);
    const values = [...rows[0]!.def.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]);
    expect(values.sort()).toEqual([...DELIVERY_STATES].sort());
  });

  it('fans each event out once per subscribed consumer and runs each handler once, in the event’s tenant', async () => {
    const system = createRepositories(testDb.current.db);
    const orgs = [await anOrganization(system, `wk-${unique()}`), await anOrganization(system, `wk-${unique()}`)];
    const users = [];
    for (const org of orgs) for (let i = 0; i < 3; i += 1) users.push((await aUser(system, org.id)).user);
    const worker = createWorker(asWorker(), {
      handlers: [recording('welcome', ['user.registered']), recording('analytics', ['user.registered', 'document.created'])],
    });
    await drain(worker);
    for (const consumer of ['welcome', 'analytics']) {
      const counts = await handledCounts(consumer);
      const byEvent = new Map(counts.map((c) => [c.event_id, c.n]));
      const { rows: events } = await sql<{ id: string }>`
        SELECT id FROM domain_events WHERE event_type_code = 'user.registered' AND aggregate_id = ANY (${users.map((u) => u.id)}::uuid[])`.execute(testDb.current.db);
      expect(events).toHaveLength(users.length);
      for (const event of events) expect(byEvent.get(event.id)).toBe(1);
    }
    const status = await eventQueueStatus(asWorker());
    expect(status).toMatchObject({ outboxDepth: 0, deliveries: { pending: 0, inFlight: 0, dead: 0 } });
    expect(worker.progress()).toMatchObject({ running: false, dead: 0, retried: 0 });
  });

  it('retries a failing handler with a growing, bounded delay and buries it after maxAttempts', async () => {
    const system = createRepositories(testDb.current.db);
    const org = await anOrganization(system, `wk-${unique()}`);
    const { user } = await aUser(system, org.id);
    const worker = createWorker(asWorker(), {
      handlers: [recording('flaky', ['user.registered'], () => true)],
      maxAttempts: 3,
      backoff: { baseMs: 1, maxMs: 1 },
    });
    // Other tests' events are handled by nobody here; only this user's event has a 'flaky' delivery.
    for (let i = 0; i < 10; i += 1) {
      await worker.runOnce();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const { rows } = await sql<{ status: string; attempts: number; last_error: string; n: number }>`
      SELECT d.status, d.attempts, d.last_error FROM event_deliveries d JOIN domain_events e
        ON e.organization_id = d.organization_id AND e.id = d.event_id AND e.created_at = d.event_created_at
      WHERE d.consumer = 'flaky' AND e.aggregate_id = ${user.id}`.execute(testDb.current.db);
    expect(rows).toEqual([{ status: 'dead', attempts: 3, last_error: 'Error' }]);
    // The handler's writes were rolled back each time.
    expect((await handledCounts('flaky')).length).toBe(0);
    expect(worker.progress()).toMatchObject({ retried: 2, dead: 1 });
    // Redelivered on request (as the worker role): pending again, attempts reset, then handled.
    expect(await redeliverDeadDeliveries(asWorker(), { consumer: 'flaky' })).toBe(1);
    const healed = createWorker(asWorker(), { handlers: [recording('flaky', ['user.registered'])] });
    await drain(healed);
    expect((await handledCounts('flaky')).map((c) => c.n)).toEqual([1]);
  });

  it('the backoff doubles from baseMs, never exceeds maxMs, and is jittered within its half', () => {
    for (let attempt = 1; attempt <= 40; attempt += 1) {
      const full = Math.min(60_000, 1000 * 2 ** (attempt - 1));
      expect(backoffDelayMs(attempt, 1000, 60_000, () => 0)).toBe(Math.round(full / 2));
      expect(backoffDelayMs(attempt, 1000, 60_000, () => 1)).toBe(full);
      expect(backoffDelayMs(attempt, 1000, 60_000)).toBeLessThanOrEqual(60_000);
    }
  });

  it('a delivery whose worker stalled (its backend then terminated) is claimed again when its lease runs out', async () => {
    const system = createRepositories(testDb.current.db);
    const org = await anOrganization(system, `wk-${unique()}`);
    const { user } = await aUser(system, org.id);
    // A worker whose handler never returns, as a process that hangs or dies mid-handler would;
    // its pool is left alone (a stuck connection cannot be returned to it).
    const hung: EventHandler = { name: 'leased', eventTypes: ['user.registered'], handle: () => new Promise<void>(() => {}) };
    const stalled = createWorker(createDatabase({ connectionString: workerUrl, applicationName: 'org-data-stalled-worker' }), {
      handlers: [hung],
      leaseMs: 1000,
    });
    void stalled.runOnce().catch(() => undefined);
    await expect.poll(() => stalled.progress().inFlight, { timeout: 10_000 }).toBe(1);
    await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = current_database() AND application_name = 'org-data-stalled-worker'`.execute(testDb.current.db);
    const survivor = createWorker(asWorker(), { handlers: [recording('leased', ['user.registered'])] });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await drain(survivor);
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM handled_events h JOIN domain_events e ON e.id = h.event_id
      WHERE h.consumer = 'leased' AND e.aggregate_id = ${user.id}`.execute(testDb.current.db);
    expect(rows[0]!.n).toBe(1);
    expect(survivor.progress().delivered).toBe(1);
    const left = await sql<{ n: number }>`SELECT count(*)::int AS n FROM event_deliveries WHERE consumer = 'leased'`.execute(testDb.current.db);
    expect(left.rows[0]!.n).toBe(0);
  });

  it('stop() lets running handlers finish and gives back what was claimed and not started', async () => {
    const system = createRepositories(testDb.current.db);
    const org = await anOrganization(system, `wk-${unique()}`);
    for (let i = 0; i < 6; i += 1) await aUser(system, org.id);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow: EventHandler = {
      name: 'slow',
      eventTypes: ['user.registered'],
      async handle(event, { trx, tenant }) {
        await gate;
        await sql`INSERT INTO handled_events (event_id, consumer, organization_id) VALUES (${event.id}, 'slow', ${tenant})`.execute(trx);
      },
    };
    const worker = createWorker(asWorker(), { handlers: [slow], concurrency: 1, pollIntervalMs: 10 });
    worker.start();
    await expect.poll(() => worker.progress().inFlight, { timeout: 10_000 }).toBe(1);
    const stopped = worker.stop();
    release();
    await stopped;
    expect(worker.progress()).toMatchObject({ running: false, inFlight: 0 });
    const { rows } = await sql<{ status: string; n: number }>`
      SELECT status, count(*)::int AS n FROM event_deliveries WHERE consumer = 'slow' GROUP BY status`.execute(testDb.current.db);
    // Nothing left in flight: the one that ran was deleted, the rest are pending and due.
    expect(rows.every((r) => r.status === 'pending')).toBe(true);
    const after = createWorker(asWorker(), { handlers: [slow] });
    await drain(after);
    const counts = await handledCounts('slow');
    expect(counts.every((c) => c.n === 1)).toBe(true);
  });

  it('writers and workers at once, worker backends terminated mid-claim: every event handled exactly once per consumer, none lost', async () => {
    const db = testDb.current.db;
    const system = createRepositories(db);
    const org = await anOrganization(system, `wk-${unique()}`);
    const consumers = ['crash_a', 'crash_b'];
    const handlers = consumers.map((name) => recording(name, ['user.registered']));
    const workers = Array.from({ length: 3 }, (_, i) =>
      createWorker(asWorker(`org-data-crash-worker-${i}`), { handlers, concurrency: 2, batchSize: 7, leaseMs: 1000, pollIntervalMs: 20, onError: () => {} }),
    );
    for (const worker of workers) worker.start();
    // Terminate the workers' backends every 50–150 ms while writers commit.
    const killer = startBackendKiller(testDb.current.connectionString, 'org-data-crash-worker-%');
    // Four writers, 15 registrations each, some in transactions held open for a while.
    const registered: string[] = [];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let i = 0; i < 15; i += 1) {
          const id = randomUUID();
          await system.transaction(async (tx, trx) => {
            const { user } = await tx.users.register({ organizationId: org.id, authSubject: `crash|${id}`, email: `crash.${id}@example.com`, fullName: 'Crash Test' });
            await sql`SELECT pg_sleep(${Math.random() * 0.03})`.execute(trx);
            registered.push(user.id);
          });
        }
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const killed = await killer.stop();
    // Let the workers finish (leases of killed claims run out after 1 s).
    await expect
      .poll(
        async () => {
          const status = await eventQueueStatus(db);
          return status.outboxDepth + status.deliveries.pending + status.deliveries.inFlight;
        },
        { timeout: 30_000, interval: 200 },
      )
      .toBe(0);
    for (const worker of workers) await worker.stop();
    expect(killed).toBeGreaterThan(0);
    const { rows: events } = await sql<{ id: string }>`
      SELECT id FROM domain_events WHERE event_type_code = 'user.registered' AND aggregate_id = ANY (${registered}::uuid[])`.execute(db);
    expect(events).toHaveLength(60);
    for (const consumer of consumers) {
      const byEvent = new Map((await handledCounts(consumer)).map((c) => [c.event_id, c.n]));
      expect(events.map((e) => byEvent.get(e.id))).toEqual(events.map(() => 1));
    }
    const dead = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM event_deliveries WHERE consumer = ANY (${consumers}::text[])`.execute(db);
    expect(dead.rows[0]!.n).toBe(0);
  }, 60_000);
});
