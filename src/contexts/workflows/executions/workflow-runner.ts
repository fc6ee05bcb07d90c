// The workflow runner: claims due steps of every tenant with a lease and advances their
// executions, and fires due schedules. Like the event worker it needs no queue dependency: the
// steps are the work items.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DataError } from '../../../core/errors/data-error.js';
import { mapDatabaseError } from '../../../core/errors/map-database-error.js';
import { CommitOutcomeUnknownError, ConnectionLostError, TooManyConnectionsError } from '../../../core/errors/operational-errors.js';
import { VersionConflictError } from '../../../core/errors/version-conflict-error.js';
import { createPollingLoop, runInLanes } from '../../../core/events/polling-loop.js';
import { setTenant } from '../../../core/events/worker-statements.js';
import { databaseArgument } from '../../../core/kernel/database-type.js';
import { parseInput } from '../../../core/kernel/parse-input.js';
import { runUnitOfWork } from '../../../core/unit-of-work/run-unit-of-work.js';
import { resolveUnitOfWorkOptions } from '../../../core/unit-of-work/unit-of-work-options.js';
import type { DB } from '../../../schema/db.js';
import type { Submissions } from '../../forms/index.js';
import { nextCronTime, parseCron } from '../definitions/cron.js';
import { dueSchedules, moveSchedule, triggerToFire } from '../triggers/workflow-trigger-statements.js';
import type { WorkflowEnvironment } from './engine-scope.js';
import { failClaimedStep, runClaimedStep, startExecution, type StepOutcome } from './execution-engine.js';
import { claimSteps, releaseSteps, retryStep, type ClaimedStep } from './execution-statements.js';

/** Failures of the connection or the server, never of an action. */
const OPERATIONAL = [ConnectionLostError, CommitOutcomeUnknownError, TooManyConnectionsError] as const;

const OptionsSchema = z.strictObject({
  submissions: z.custom<Submissions>((s) => s !== null && typeof s === 'object' && typeof (s as Submissions).get === 'function', 'must be submissions (createSubmissions)').optional(),
  concurrency: z.int().min(1).max(64).default(4),
  batchSize: z.int().min(1).max(1000).default(50),
  graceMs: z.int().min(0).max(3_600_000).default(30_000),
  maxAttempts: z.int().min(1).max(100).default(5),
  pollIntervalMs: z.int().min(10).max(60_000).default(1000),
  workerId: z.string().min(1).max(200).optional(),
  onError: z.custom<(error: DataError) => void>((f) => typeof f === 'function', 'must be a function').optional(),
});

/** Options of {@link createWorkflowRunner}. */
export type WorkflowRunnerOptions = z.input<typeof OptionsSchema>;

/** What one {@link WorkflowRunner.runOnce} did. */
export interface WorkflowRound {
  /** Schedules fired (each started at most one execution). */
  readonly scheduled: number;
  /** Steps whose action ran and whose execution advanced. */
  readonly ran: number;
  /** Steps that failed (their execution failed with them). */
  readonly failed: number;
  /** Steps (and their executions) that timed out. */
  readonly timedOut: number;
  /** Steps put back to run again soon after a conflict with a concurrent change. */
  readonly retried: number;
}

/** A runner made by {@link createWorkflowRunner}. */
export interface WorkflowRunner {
  /** Runs rounds until {@link WorkflowRunner.stop}; an idle round is followed by a wait of `pollIntervalMs`. */
  start(): void;
  /** Stops after the steps that run finish; claimed steps not started are given back. */
  stop(): Promise<void>;
  /** One round: fire due schedules, then run one batch of due steps. */
  runOnce(): Promise<WorkflowRound>;
}

/**
 * Creates a runner over `db` (connected as a login role granted `org_data_worker`). It claims
 * due steps of every tenant (`FOR UPDATE SKIP LOCKED`, a lease of the step's timeout plus
 * `graceMs`) and runs each in a transaction with the step's tenant set: the action, then the
 * execution's advance, all or nothing. A step whose worker died is claimed again when its lease
 * runs out; while a worker's transaction holds a step no other worker can claim it, so two
 * workers never run one step at once. A step claimed more than `maxAttempts` times fails. An
 * action that fails fails its execution (a statement past the step timeout times it out);
 * retryable errors (serialization, lost connection) leave the step to be claimed again.
 *
 * @throws ValidationError for bad options.
 */
export function createWorkflowRunner(db: Kysely<DB>, options: WorkflowRunnerOptions = {}): WorkflowRunner {
  databaseArgument(db);
  const settings = parseInput(OptionsSchema, options, 'options');
  const worker = settings.workerId ?? `workflow-runner-${randomUUID()}`;
  const env: WorkflowEnvironment = settings.submissions ? { submissions: settings.submissions } : {};
  const report = (error: unknown) => {
    try {
      settings.onError?.(mapDatabaseError(error) as DataError);
    } catch {
      // A failing error callback must not stop the runner.
    }
  };
  const inTenant = <T>(tenant: string, fn: (scope: { trx: Kysely<DB>; tenant: string; context: object }) => Promise<T>) =>
    runUnitOfWork(db, resolveUnitOfWorkOptions({ tenant }), ({ trx, context }) => fn({ trx, tenant, context }));

  /** Fires one due schedule (one tenant per transaction): 0 when none is due. */
  const fireSchedule = () =>
    runUnitOfWork(db, resolveUnitOfWorkOptions(undefined), async ({ trx, context }) => {
      const [due] = await dueSchedules(trx, { limit: 1 });
      if (!due) return 0;
      await setTenant(trx, { tenant: due.organizationId });
      const dueAt = new Date(due.nextRunAt);
      let next: Date | null;
      try {
        next = nextCronTime(parseCron(due.cron), new Date(Math.max(Date.now(), dueAt.getTime())));
      } catch (error) {
        // A cron the database's shape check let through but the parser refuses: the schedule
        // stops (no next time) instead of failing every round.
        report(error);
        next = null;
      }
      await moveSchedule(trx, { id: due.id, next });
      if (!next) return 1;
      const [trigger] = await triggerToFire(trx, { id: due.id });
      if (trigger) {
        await startExecution({ trx, tenant: due.organizationId, context }, env, {
          ...trigger,
          triggerKey: dueAt.toISOString(),
          submissionId: null,
          input: { scheduledAt: dueAt.toISOString() },
          startedBy: null,
        });
      }
      return 1;
    });

  const counts = { ran: 0, failed: 0, timedOut: 0, retried: 0 };
  const count = (outcome: StepOutcome) => {
    if (outcome === 'ran') counts.ran += 1;
    else if (outcome === 'failed') counts.failed += 1;
    else if (outcome === 'timed_out') counts.timedOut += 1;
  };

  const run = async (claimed: ClaimedStep) => {
    try {
      count(await inTenant(claimed.organizationId, (scope) => runClaimedStep(scope, env, claimed, worker, settings.maxAttempts)));
    } catch (error) {
      const mapped = mapDatabaseError(error) as DataError;
      report(mapped);
      // A failure of the connection or the server is not the action's: the step is claimed
      // again when its lease runs out (the transaction that ran it rolled back).
      if (OPERATIONAL.some((type) => mapped instanceof type)) return;
      // A conflict with a concurrent change (another workflow changed the same submission, a
      // deadlock, a serialization failure): the step runs again soon, its attempt counted.
      if (mapped.retryable || mapped instanceof VersionConflictError) {
        try {
          await retryStep(db, { id: claimed.id, worker, attempts: claimed.attempts, delayMs: Math.min(30_000, 100 * 2 ** claimed.attempts) });
          counts.retried += 1;
        } catch (failure) {
          report(failure); // the lease runs out and the step is claimed again
        }
        return;
      }
      try {
        count(await inTenant(claimed.organizationId, (scope) => failClaimedStep(scope, claimed, worker, mapped)));
      } catch (failure) {
        report(failure); // the lease runs out and the step is claimed again
      }
    }
  };

  const runOnce = async (): Promise<WorkflowRound> => {
    const before = { ...counts };
    let scheduled = 0;
    try {
      while (!loop.stopping() && scheduled < settings.batchSize && (await fireSchedule()) > 0) scheduled += 1;
    } catch (error) {
      // A schedule that cannot fire (its transaction rolled back) is reported and tried again
      // next round; it never keeps the runner from the steps.
      report(error);
    }
    if (!loop.stopping()) {
      const claimed = await claimSteps(db, { limit: settings.batchSize, expiredLimit: settings.batchSize, worker, graceMs: settings.graceMs });
      const left = await runInLanes(claimed, settings.concurrency, loop.stopping, run);
      if (left.length > 0) await releaseSteps(db, { ids: left.map((s) => s.id), worker });
    }
    return {
      scheduled,
      ran: counts.ran - before.ran,
      failed: counts.failed - before.failed,
      timedOut: counts.timedOut - before.timedOut,
      retried: counts.retried - before.retried,
    };
  };

  const loop = createPollingLoop(
    async () => {
      const round = await runOnce();
      return round.scheduled + round.ran + round.failed + round.timedOut + round.retried > 0;
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
  });
}
