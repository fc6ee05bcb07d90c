// Steps per second through the workflow runner: `executions` executions of notifyThrice (three
// steps each) started through the package over the section's organizations, then drained by 1
// runner and, separately, by 4 runners at once, each on a pool of its own as a login role
// granted org_data_worker (concurrency 4, batches of 50, polling every 10 ms when idle); the
// raw runner (raw-runner.ts, the same statements with raw pg, named as the package names them)
// drains the same way for comparison. Wall time from the runners' start until no step of the
// section is pending or running; steps/s = completed steps / that time; the CPU time this
// process spent meanwhile (all the drain's runners run in it), per step. Afterwards every
// execution must have completed with each of its three steps completed at its first attempt,
// five audit rows and four events.
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { createDatabase } from '../../../../src/core/database/create-database.js';
import type { DataError } from '../../../../src/core/errors/data-error.js';
import { createWorkflowRunner } from '../../../../src/contexts/workflows/index.js';
import type { DB } from '../../../../src/schema/db.js';
import { nameStatements } from '../../prepared.js';
import { progress } from '../../support.js';
import { createRawWorker } from './raw-runner.js';
import { completedOutcome, openSteps, outcomeOf, startExecutions, type WorkflowsWorld } from './world.js';

/** Who drains: the package's runner, or the raw one. */
export type DrainKind = 'runner' | 'raw';

/** One measured drain. */
export interface DrainRow {
  readonly kind: DrainKind;
  readonly workers: number;
  readonly steps: number;
  readonly seconds: number;
  /** CPU time of this process (every runner of the drain runs in it) over the drain, seconds. */
  readonly clientCpuSeconds: number;
}

/** Each runner's settings (the raw runner's too). */
export const RUNNER_SETTINGS = { concurrency: 4, batchSize: 50, pollIntervalMs: 10 } as const;
/** Connections per runner: its lanes and the claim. */
const POOL_MAX = RUNNER_SETTINGS.concurrency + 1;
/** A drain that takes longer than this failed. */
const DRAIN_LIMIT_MS = 15 * 60_000;

interface Running {
  start(): void;
  stop(): Promise<void>;
  error(): unknown;
  close(): Promise<void>;
}

/** `workers` runners of `kind` on pools of their own, not started. */
function runners(kind: DrainKind, workers: number, url: string): Running[] {
  return Array.from({ length: workers }, (_, k) => {
    if (kind === 'runner') {
      const db: Kysely<DB> = createDatabase({ connectionString: url, max: POOL_MAX, applicationName: `bench-workflows-runner-${k}` });
      const errors: DataError[] = [];
      const runner = createWorkflowRunner(db, { ...RUNNER_SETTINGS, onError: (error) => errors.push(error) });
      return { start: runner.start, stop: runner.stop, error: () => errors[0], close: () => db.destroy() };
    }
    const pool = new pg.Pool({ connectionString: url, max: POOL_MAX, application_name: `bench-workflows-raw-${k}` });
    pool.on('error', () => undefined);
    nameStatements(pool);
    const worker = createRawWorker(pool, `bench-raw-runner-${k}`, { limit: RUNNER_SETTINGS.batchSize, lanes: RUNNER_SETTINGS.concurrency, pollIntervalMs: RUNNER_SETTINGS.pollIntervalMs });
    return { ...worker, close: () => pool.end() };
  });
}

/**
 * One drain: starts `executions` executions (untimed), then times `workers` runners of `kind`
 * until no step of the section is open; checks the outcome (see the file's comment).
 */
export async function drain(db: Kysely<DB>, pool: pg.Pool, w: WorkflowsWorld, kind: DrainKind, workers: number, executions: number): Promise<DrainRow> {
  const label = `workflows / drain: ${workers} ${kind === 'runner' ? 'runner' : 'raw runner'}${workers === 1 ? '' : 's'}`;
  assert.equal(await openSteps(pool, w), 0, `${label}: no step of the section is open before it`);
  const ids = await startExecutions(db, w, executions);
  const running = runners(kind, workers, w.workerUrl);
  let seconds: number;
  let clientCpuSeconds: number;
  try {
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (const r of running) r.start();
    for (;;) {
      const failed = running.map((r) => r.error()).find((e) => e !== undefined);
      if (failed !== undefined) throw new Error(`${label}: a runner failed: ${String(failed)}`, { cause: failed });
      if ((await openSteps(pool, w)) === 0) break;
      if (performance.now() - started > DRAIN_LIMIT_MS) throw new Error(`${label}: not drained after ${DRAIN_LIMIT_MS / 60_000} min`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    clientCpuSeconds = (used.user + used.system) / 1e6;
    await Promise.all(running.map((r) => r.stop()));
    const failed = running.map((r) => r.error()).find((e) => e !== undefined);
    if (failed !== undefined) throw new Error(`${label}: a runner reported an error: ${String(failed)}`, { cause: failed });
  } finally {
    await Promise.all(running.map((r) => r.stop().catch(() => undefined)));
    await Promise.all(running.map((r) => r.close()));
  }
  assert.deepEqual(
    await outcomeOf(pool, ids),
    completedOutcome(executions),
    `${label}: every execution completed once, each step at its first attempt, with its audit rows and events`,
  );
  const steps = 3 * executions;
  progress(`${label}: ${steps} steps in ${seconds.toFixed(2)} s, ${(steps / seconds).toFixed(0)} steps/s`);
  return { kind, workers, steps, seconds, clientCpuSeconds };
}

/** The drains of one round, in an order that alternates between rounds. */
const ORDER: readonly (readonly [DrainKind, number])[] = [
  ['runner', 1],
  ['runner', 4],
  ['raw', 1],
  ['raw', 4],
];

/**
 * `rounds` rounds of every drain (runner and raw, 1 and 4 workers), `executions` executions
 * each, after an untimed warm-up drain of a tenth of them per runner kind.
 */
export async function measureDrains(db: Kysely<DB>, pool: pg.Pool, w: WorkflowsWorld, executions: number, rounds: number): Promise<DrainRow[]> {
  for (const kind of ['runner', 'raw'] as const) await drain(db, pool, w, kind, 1, Math.ceil(executions / 10));
  const rows: DrainRow[] = [];
  for (let round = 0; round < rounds; round += 1) {
    for (const [kind, workers] of round % 2 === 0 ? ORDER : [...ORDER].reverse()) rows.push(await drain(db, pool, w, kind, workers, executions));
  }
  return rows;
}
