// The workflow runner written by hand with raw pg, for the definitions this section runs (notify
// actions, then an end state): the runner's round (the schedule poll in a transaction of its
// own, the claim, then each claimed step in a transaction of its own with its tenant: the held
// step read and locked, the statement timeout, the execution started at its first step, the
// action, the step finished, the next step queued and the execution advanced, or the execution
// ended; an audit row with its event for each change), sending the engine's statements
// (raw-sql.ts) in the engine's order, so bench:verify can compare them. Only the path every step
// of this section takes: anything else (a lost lease, an overdue execution, another action)
// throws instead of doing what the engine would do.
import type pg from 'pg';
import { rawTransaction } from '../../support.js';
import {
  beginWithTenant,
  DEFAULT_STEP_TIMEOUT_SECONDS,
  executionAuditParameters,
  snapshotOf,
  snapshotOfJsonb,
  WORKFLOW_SQL,
  type ExecutionSnapshot,
} from './raw-sql.js';

/** The runner's lease grace (its `graceMs` default), bound into the claim. */
const GRACE_MS = 30_000;
/** The runner's `maxAttempts` default. */
const MAX_ATTEMPTS = 5;

/** A claimed step, as the claim returns it. */
interface Claimed {
  readonly id: string;
  readonly organizationId: string;
  readonly executionId: string;
  readonly attempts: number;
  readonly timeoutSeconds: number;
}

interface NotifyAction {
  readonly type: string;
  readonly users?: readonly string[];
  readonly teams?: readonly string[];
  readonly title: string;
  readonly message: string;
  readonly priority?: string;
  readonly timeoutSeconds?: number;
}

interface Definition {
  readonly states: Record<string, { readonly actions?: readonly NotifyAction[]; readonly then: { readonly end?: string } }>;
}

/** A step this raw runner ran. */
interface RawRanStep {
  readonly stepId: string;
  readonly executionId: string;
}

/** One round of the raw runner, like the runner's `WorkflowRound` plus what it ran and sent. */
export interface RawRound {
  readonly scheduled: number;
  readonly ran: number;
  readonly failed: number;
  readonly timedOut: number;
  readonly retried: number;
  readonly steps: readonly RawRanStep[];
  /** Statements sent (transaction control included). */
  readonly statements: number;
}

/** Runs one claimed step and advances its execution, in a transaction of its own; statements sent. */
async function runStep(pool: pg.Pool, worker: string, claimed: Claimed): Promise<number> {
  let statements = 2; // begin (with the tenant) and commit
  const send = (client: pg.PoolClient, text: string, values: unknown[]) => {
    statements += 1;
    return client.query(text, values);
  };
  await rawTransaction(
    pool,
    async (client) => {
      const { rows: held } = await send(client, WORKFLOW_SQL.heldStep, [claimed.id, worker, claimed.attempts]);
      if (!held[0]) throw new Error(`raw runner: lost step ${claimed.id}`);
      const step = held[0].step as Record<string, unknown>;
      const row = held[0].execution as Record<string, unknown>;
      const definition = held[0].definition as Definition;
      const status = row.status as string;
      if (held[0].overdue || !['pending', 'running'].includes(status) || (step.attempts as number) > MAX_ATTEMPTS) {
        throw new Error(`raw runner: step ${claimed.id} is not on the path the raw runner knows`);
      }
      const organizationId = row.organization_id as string;
      const executionId = row.id as string;
      const deadline = row.deadline_at === null ? null : new Date(row.deadline_at as string);
      const stateName = step.state as string;
      const state = definition.states[stateName]!;
      const index = step.action_index as number;
      const action = state.actions?.[index];
      if (action?.type !== 'notify') throw new Error(`raw runner: action ${index} of ${stateName} is not a notify action`);
      await send(client, WORKFLOW_SQL.limitStatements, [(step.timeout_seconds as number) * 1000]);
      const context = { actorUserId: null };
      /** Moves the execution at its version; the audit row (with the event, when it has one). */
      const move = async (before: ExecutionSnapshot, from: string, to: string, change: { state: string | null; output: string | null }, audit: [string, string | null]) => {
        const { rows } = await send(client, WORKFLOW_SQL.moveExecution, [to, change.state, to, to, null, change.output, executionId, [from], before.version]);
        if (!rows[0]) throw new Error(`raw runner: execution ${executionId} changed meanwhile`);
        const after = snapshotOf(rows[0] as ExecutionSnapshot);
        const [auditAction, event] = audit;
        const parameters = executionAuditParameters(organizationId, context, auditAction, before, after, event);
        await send(client, event === null ? WORKFLOW_SQL.insertAudit : WORKFLOW_SQL.insertAuditAndEvent, parameters);
        return after;
      };
      let execution = snapshotOfJsonb(row);
      // The first step starts the execution (the `start` transition has no event).
      if (status === 'pending') execution = await move(execution, 'pending', 'running', { state: null, output: null }, ['start', null]);
      const data = JSON.stringify({ executionId, workflowId: execution.workflowId, submissionId: execution.submissionId });
      const { rows: notified } = await send(client, WORKFLOW_SQL.notifyRecipients, [
        [...(action.users ?? [])],
        [...(action.teams ?? [])],
        action.title,
        action.message,
        data,
        action.priority ?? 'normal',
      ]);
      const output = JSON.stringify({ notified: notified[0]?.notified ?? 0 });
      await send(client, WORKFLOW_SQL.finishStep, ['completed', output, null, claimed.id, worker, step.attempts]);
      const next = state.actions?.[index + 1];
      if (next) {
        if (next.type !== 'notify') throw new Error(`raw runner: action ${index + 1} of ${stateName} is not a notify action`);
        await send(client, WORKFLOW_SQL.insertStep, [
          organizationId,
          executionId,
          (step.number as number) + 1,
          stateName,
          index + 1,
          next.type,
          0,
          null,
          deadline,
          next.timeoutSeconds ?? DEFAULT_STEP_TIMEOUT_SECONDS,
        ]);
        await move(execution, 'running', 'running', { state: stateName, output: null }, ['advance', 'advanced']);
      } else if (state.then.end === 'completed') {
        await move(execution, 'running', 'completed', { state: stateName, output: JSON.stringify({ endState: stateName }) }, ['complete', 'completed']);
      } else {
        throw new Error(`raw runner: ${stateName} does not end completed after its actions`);
      }
    },
    beginWithTenant(claimed.organizationId),
  );
  return statements;
}

/**
 * One round of the raw runner as `worker`: the schedule poll (none may be due), the claim of up
 * to `limit` due steps, then the steps in `lanes` concurrent lanes (as the runner's `runInLanes`).
 */
export async function rawRunOnce(pool: pg.Pool, worker: string, { limit, lanes }: { limit: number; lanes: number }): Promise<RawRound> {
  const due = await rawTransaction(pool, async (client) => (await client.query(WORKFLOW_SQL.dueSchedules, [1])).rows);
  if (due.length > 0) throw new Error('raw runner: a schedule is due (this raw runner fires none)');
  const { rows: claimed } = await pool.query<Claimed>(WORKFLOW_SQL.claimSteps, [limit, limit, worker, GRACE_MS]);
  let statements = 4; // begin, the poll, commit; the claim
  const queue = [...claimed];
  await Promise.all(
    Array.from({ length: Math.min(lanes, queue.length) }, async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) statements += await runStep(pool, worker, next);
    }),
  );
  return {
    scheduled: 0,
    ran: claimed.length,
    failed: 0,
    timedOut: 0,
    retried: 0,
    steps: claimed.map((c) => ({ stepId: c.id, executionId: c.executionId })),
    statements,
  };
}

/** A raw runner that runs rounds until stopped (an idle round waits `pollIntervalMs`), like the runner's `start`/`stop`. */
export interface RawWorker {
  start(): void;
  /** Stops after the round under way; rejects with the error a round threw, if one did. */
  stop(): Promise<void>;
  /** The error that stopped it, if a round threw (it runs no more rounds then). */
  error(): unknown;
}

/** A {@link RawWorker} on `pool` as `worker`. */
export function createRawWorker(pool: pg.Pool, worker: string, options: { limit: number; lanes: number; pollIntervalMs: number }): RawWorker {
  let stopping = false;
  let failure: unknown;
  let loop: Promise<void> | undefined;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  return {
    start() {
      loop = (async () => {
        while (!stopping) {
          const round = await rawRunOnce(pool, worker, options);
          if (round.ran === 0) await sleep(options.pollIntervalMs);
        }
      })().catch((error: unknown) => {
        failure = error;
      });
    },
    async stop() {
      stopping = true;
      await loop;
      if (failure !== undefined) throw failure;
    },
    error: () => failure,
  };
}
