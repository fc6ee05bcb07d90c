// The worker: dispatches outbox messages into per-consumer deliveries, and runs the deliveries'
// handlers with leases, retries and dead letters. No queue dependency: the tables are ours.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../schema/db.js';
import type { DataError } from '../errors/data-error.js';
import { errorLabel } from '../errors/error-label.js';
import { mapDatabaseError } from '../errors/map-database-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { databaseArgument } from '../kernel/database-type.js';
import { parseInput } from '../kernel/parse-input.js';
import { runUnitOfWork } from '../unit-of-work/run-unit-of-work.js';
import { resolveUnitOfWorkOptions } from '../unit-of-work/unit-of-work-options.js';
import { backoffDelayMs } from './delivery-machine.js';
import { createPollingLoop, runInLanes } from './polling-loop.js';
import type { DomainEvent } from './domain-event.js';
import type { EventHandler } from './event-handler.js';
import {
  claimDeliveries,
  claimOutbox,
  completeDelivery,
  fanOut,
  failDelivery,
  heldEvent,
  queueStatus,
  redeliverDead,
  releaseDeliveries,
  setTenant,
  subscribe,
  type ClaimedDelivery,
} from './worker-statements.js';

const HANDLER_NAME = /^[a-z][a-z0-9_.-]*$/;

const OptionsSchema = z.strictObject({
  handlers: z
    .array(
      z.custom<EventHandler>(
        (h) =>
          h !== null &&
          typeof h === 'object' &&
          typeof (h as EventHandler).name === 'string' &&
          (h as EventHandler).name.length <= 100 &&
          HANDLER_NAME.test((h as EventHandler).name) &&
          Array.isArray((h as EventHandler).eventTypes) &&
          (h as EventHandler).eventTypes.every((t) => typeof t === 'string') &&
          typeof (h as EventHandler).handle === 'function',
        'must be an event handler { name, eventTypes, handle }',
      ),
    )
    .refine((hs) => new Set(hs.map((h) => h.name)).size === hs.length, 'handler names must be unique'),
  concurrency: z.int().min(1).max(64).default(4),
  batchSize: z.int().min(1).max(1000).default(100),
  leaseMs: z.int().min(1000).max(3_600_000).default(60_000),
  maxAttempts: z.int().min(1).max(100).default(10),
  backoff: z
    .strictObject({ baseMs: z.int().min(1).max(3_600_000).default(1000), maxMs: z.int().min(1).max(86_400_000).default(300_000) })
    .refine((b) => b.baseMs <= b.maxMs, 'baseMs must not exceed maxMs')
    .default({ baseMs: 1000, maxMs: 300_000 }),
  pollIntervalMs: z.int().min(10).max(60_000).default(1000),
  workerId: z.string().min(1).max(200).optional(),
  onError: z.custom<(error: DataError) => void>((f) => typeof f === 'function', 'must be a function').optional(),
});

/** Options of {@link createWorker}. */
export type WorkerOptions = z.input<typeof OptionsSchema>;

/** What one {@link Worker.runOnce} did. */
export interface WorkerRound {
  /** Outbox messages dispatched (deleted, fanned out). */
  readonly dispatched: number;
  /** Deliveries made by the dispatch. */
  readonly fannedOut: number;
  /** Deliveries whose handler succeeded. */
  readonly delivered: number;
  /** Failed attempts that will be retried. */
  readonly retried: number;
  /** Deliveries that became dead letters. */
  readonly dead: number;
}

/** The worker's counters since it was created, and whether it runs. */
export interface WorkerProgress extends WorkerRound {
  /** Whether `start()` was called and `stop()` not yet. */
  readonly running: boolean;
  /** Handlers running now. */
  readonly inFlight: number;
  /** When the last round ended, if one did. */
  readonly lastRoundAt: Date | null;
}

/** The queues' state, for health checks: see {@link eventQueueStatus}. */
export interface EventQueueStatus {
  /** Outbox messages not yet dispatched. */
  readonly outboxDepth: number;
  /** Age of the oldest of them in seconds, `null` when there is none. */
  readonly oldestMessageSeconds: number | null;
  /** Deliveries waiting, running, and dead. */
  readonly deliveries: { readonly pending: number; readonly inFlight: number; readonly dead: number };
}

/** A worker made by {@link createWorker}. */
export interface Worker {
  /** Runs rounds until {@link Worker.stop}: a round dispatches and delivers what is due; an idle one waits `pollIntervalMs`. */
  start(): void;
  /**
   * Stops after the handlers that run finish; deliveries claimed and not started are given back
   * (due at once, the claim not counted). Resolves when nothing of this worker runs.
   */
  stop(): Promise<void>;
  /** One round: dispatch every message it can claim, then one batch of due deliveries. */
  runOnce(): Promise<WorkerRound>;
  /** Counters and state (for a health endpoint). */
  progress(): WorkerProgress;
}

type Resolved = z.output<typeof OptionsSchema>;

/**
 * Creates a worker over `db` (connected as a login role granted `org_data_worker`). Its handlers
 * are registered in `event_subscriptions` before its first round. It claims outbox messages of
 * every tenant with `FOR UPDATE SKIP LOCKED`, one organization per dispatch transaction, and fans
 * each event out to one delivery per consumer registered for its type, by any worker (a unique
 * key makes a repeated dispatch harmless); it claims only its own handlers' deliveries; it claims due deliveries with a lease, runs each handler
 * in a transaction with the event's tenant set, and deletes the delivery in that transaction.
 * A failed attempt is retried after a bounded exponential backoff with jitter, and becomes a
 * dead letter after `maxAttempts`; a delivery whose worker died is claimed again when its lease
 * runs out. Several workers (processes) can run at once.
 *
 * @throws ValidationError for bad options (nothing started).
 */
export function createWorker(db: Kysely<DB>, options: WorkerOptions): Worker {
  databaseArgument(db);
  const settings: Resolved = parseInput(OptionsSchema, options, 'options');
  const workerId = settings.workerId ?? `worker-${randomUUID()}`;
  const subscriptions = settings.handlers.flatMap((h) => h.eventTypes.map((type) => [type, h.name] as const));
  const types = subscriptions.map(([type]) => type);
  const consumers = subscriptions.map(([, name]) => name);
  const byName = new Map(settings.handlers.map((h) => [h.name, h]));
  const totals = { dispatched: 0, fannedOut: 0, delivered: 0, retried: 0, dead: 0 };
  let inFlight = 0;
  let lastRoundAt: Date | null = null;
  const report = (error: unknown) => {
    try {
      settings.onError?.(mapDatabaseError(error) as DataError);
    } catch {
      // A failing error callback must not stop the worker.
    }
  };

  /** One dispatch transaction: one organization's messages. The number dispatched (0: none left). */
  const dispatchOne = async (): Promise<number> => {
    const options = resolveUnitOfWorkOptions(undefined);
    return runUnitOfWork(db, options, async ({ trx }) => {
      const claimed = await claimOutbox(trx, { limit: settings.batchSize });
      if (claimed.length === 0) return 0;
      await setTenant(trx, { tenant: claimed[0]!.organizationId });
      const [result] = await fanOut(trx, { createdAts: claimed.map((m) => m.createdAt), ids: claimed.map((m) => m.id) });
      totals.dispatched += result?.dispatched ?? 0;
      totals.fannedOut += result?.deliveries ?? 0;
      return result?.dispatched ?? 0;
    });
  };

  /** Runs one claimed delivery's handler; counts the outcome. */
  const deliver = async (delivery: ClaimedDelivery): Promise<void> => {
    const handler = byName.get(delivery.consumer);
    inFlight += 1;
    try {
      if (!handler) throw new ValidationError([{ path: 'consumer', message: 'has no handler in this worker' }]);
      if (delivery.attempts > settings.maxAttempts) throw new ValidationError([{ path: 'attempts', message: 'exhausted' }]);
      const options = resolveUnitOfWorkOptions({ tenant: delivery.organizationId });
      const done = await runUnitOfWork(db, options, async ({ trx }) => {
        const [event] = await heldEvent(trx, { id: delivery.id, worker: workerId, attempts: delivery.attempts });
        if (!event) return false; // the lease went to another worker meanwhile
        await handler.handle(Object.freeze(event) as unknown as DomainEvent, {
          trx,
          tenant: delivery.organizationId,
          attempt: delivery.attempts,
        });
        await completeDelivery(trx, { id: delivery.id });
        return true;
      });
      if (done) totals.delivered += 1;
    } catch (error) {
      report(error);
      const dead = delivery.attempts >= settings.maxAttempts;
      try {
        const [row] = await failDelivery(db, {
          id: delivery.id,
          worker: workerId,
          attempts: delivery.attempts,
          dead,
          delayMs: backoffDelayMs(delivery.attempts, settings.backoff.baseMs, settings.backoff.maxMs),
          error: errorLabel(error),
        });
        if (row?.status === 'dead') totals.dead += 1;
        else if (row) totals.retried += 1;
      } catch (failure) {
        // The lease runs out and the delivery is claimed again.
        report(failure);
      }
    } finally {
      inFlight -= 1;
    }
  };

  // Subscriptions are registered once per worker, before its first dispatch (an unknown event
  // type fails here, with the foreign key's error).
  let subscribed: Promise<void> | undefined;
  const ensureSubscribed = () => {
    subscribed ??= (async () => {
      if (types.length > 0) await subscribe(db, { types, consumers });
    })().catch((error: unknown) => {
      subscribed = undefined;
      throw error;
    });
    return subscribed;
  };

  const runOnce = async (): Promise<WorkerRound> => {
    await ensureSubscribed();
    const before = { ...totals };
    for (;;) {
      if (loop.stopping()) break;
      if ((await dispatchOne()) === 0) break;
    }
    if (!loop.stopping()) {
      const claimed = await claimDeliveries(db, {
        limit: settings.batchSize,
        leaseMs: settings.leaseMs,
        worker: workerId,
        consumers: settings.handlers.map((h) => h.name),
      });
      const left = await runInLanes(claimed, settings.concurrency, loop.stopping, deliver);
      if (left.length > 0) await releaseDeliveries(db, { ids: left.map((d) => d.id), worker: workerId });
    }
    lastRoundAt = new Date();
    return {
      dispatched: totals.dispatched - before.dispatched,
      fannedOut: totals.fannedOut - before.fannedOut,
      delivered: totals.delivered - before.delivered,
      retried: totals.retried - before.retried,
      dead: totals.dead - before.dead,
    };
  };

  const loop = createPollingLoop(
    async () => {
      const round = await runOnce();
      return round.dispatched + round.delivered + round.retried + round.dead > 0;
    },
    settings.pollIntervalMs,
    report,
  );

  return Object.freeze({
    start: loop.start,
    stop: loop.stop,
    runOnce: () =>
      runOnce().catch((error: unknown) => {
        throw mapDatabaseError(error);
      }),
    progress: () => Object.freeze({ ...totals, running: loop.running(), inFlight, lastRoundAt }),
  });
}

/**
 * The outbox's depth and oldest message age, and the deliveries by state: of every tenant when
 * `db` connects as the worker role (or the owner), of the tenant set otherwise.
 */
export async function eventQueueStatus(db: Kysely<DB>): Promise<EventQueueStatus> {
  databaseArgument(db);
  try {
    const [row] = await queueStatus(db, {});
    return {
      outboxDepth: row?.outboxDepth ?? 0,
      oldestMessageSeconds: row?.oldestSeconds ?? null,
      deliveries: { pending: row?.pending ?? 0, inFlight: row?.inFlight ?? 0, dead: row?.dead ?? 0 },
    };
  } catch (error) {
    throw mapDatabaseError(error);
  }
}

const RedeliverSchema = z.strictObject({ consumer: z.string().min(1).max(100).optional() });

/**
 * Puts dead deliveries back to pending, due now with their attempts reset (of one consumer, or
 * all): after the cause was fixed. Of every tenant when `db` connects as the worker role, of the
 * tenant set otherwise. The number put back.
 *
 * @throws ValidationError for bad options.
 */
export async function redeliverDeadDeliveries(db: Kysely<DB>, options: { readonly consumer?: string } = {}): Promise<number> {
  databaseArgument(db);
  const { consumer } = parseInput(RedeliverSchema, options, 'options');
  try {
    return (await redeliverDead(db, { consumer: consumer ?? null })).length;
  } catch (error) {
    throw mapDatabaseError(error);
  }
}
