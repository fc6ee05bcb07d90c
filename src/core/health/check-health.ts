import { performance } from 'node:perf_hooks';
import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import { listAuditPartitions } from '../audit/audit-partitions.js';
import { DataError } from '../errors/data-error.js';
import { mapDatabaseError } from '../errors/map-database-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { parseInput } from '../kernel/parse-input.js';
import { compareMigrations, sortedMigrations } from '../migrations/status.js';
import { readApplied, TRACKING_TABLE } from '../migrations/tracking-table.js';
import { monthStart } from '../partitions/monthly-partition.js';
import type { DB } from '../../schema/db.js';
import type {
  AuditPartitionHealth,
  EventQueueHealth,
  HealthProblem,
  HealthReport,
  HealthStatus,
  MigrationHealth,
  ReplicaHealth,
  ServerHealth,
} from './health-report.js';
import { poolFiguresOf } from './pool-figures.js';
import { queueStatus } from '../events/worker-statements.js';
import { replicaSetOf, type ReplicaState } from '../replicas/replica-set.js';

/** Options of {@link checkHealth}. */
export interface CheckHealthOptions {
  /**
   * The most the whole check may take, in milliseconds, connection included: whatever has not
   * answered by then is reported (`TIMEOUT`), and the check returns. (Default: `2000`)
   */
  readonly timeoutMs?: number;
  /** Fewer monthly `audit_logs` partitions than this after the current month is a warning. (Default: `1`) */
  readonly minPartitionsAhead?: number;
  /** An undispatched outbox message older than this (seconds) is a warning. (Default: `300`) */
  readonly maxOutboxAgeSeconds?: number;
}

const OptionsSchema = z.object({
  timeoutMs: z.int().min(1).max(600_000).default(2_000),
  minPartitionsAhead: z.int().min(0).max(120).default(1),
  maxOutboxAgeSeconds: z.number().min(0).max(31_536_000).default(300),
});

/** What the checks found so far: filled in as each completes, read when they end or time runs out. */
interface Progress {
  acquireMs?: number;
  roundTripMs?: number;
  serverProblem?: HealthProblem;
  migrations?: MigrationHealth;
  auditPartitions?: AuditPartitionHealth;
  eventQueue?: EventQueueHealth;
}

const RANK: Record<HealthStatus, number> = { pass: 0, warn: 1, fail: 2 };

function worst(statuses: readonly HealthStatus[]): HealthStatus {
  return statuses.reduce<HealthStatus>((a, b) => (RANK[b] > RANK[a] ? b : a), 'pass');
}

/** A failure as a {@link HealthProblem}: the mapped `DataError`'s code and message (which hold no host, password or row value). */
function problemOf(error: unknown): HealthProblem {
  const mapped = mapDatabaseError(error);
  if (mapped instanceof DataError) return { code: mapped.code, sqlState: mapped.sqlState, message: mapped.message };
  const kind = error instanceof Error ? error.name : typeof error;
  return { code: 'DATABASE_ERROR', sqlState: undefined, message: `unexpected ${kind} while checking` };
}

function unknownMigrations(problem: HealthProblem): MigrationHealth {
  return { status: 'warn', pending: undefined, mismatched: undefined, newer: undefined, problem };
}

function unknownPartitions(problem: HealthProblem): AuditPartitionHealth {
  return { status: 'warn', currentMonth: undefined, ahead: undefined, problem };
}

async function checkMigrations(db: Kysely<any>): Promise<MigrationHealth> {
  try {
    const { rows } = await sql<{ present: boolean; readable: boolean | null }>`
      SELECT to_regclass(${TRACKING_TABLE}) IS NOT NULL AS present,
             has_table_privilege(to_regclass(${TRACKING_TABLE}), 'SELECT') AS readable`.execute(db);
    const { present, readable } = rows[0] ?? { present: false, readable: null };
    if (present && !readable) {
      return unknownMigrations({
        code: 'FORBIDDEN',
        sqlState: undefined,
        message: `this role may not read ${TRACKING_TABLE}: apply the migrations of this release (they grant org_data_app SELECT on it), or check as the owner`,
      });
    }
    const status = compareMigrations(sortedMigrations(), present ? await readApplied(db) : []);
    const pending = status.pending.map((m) => m.name);
    const mismatched = status.mismatched.map((m) => m.name);
    return {
      status: pending.length > 0 ? 'fail' : mismatched.length > 0 ? 'warn' : 'pass',
      pending,
      mismatched,
      newer: status.unknown.length,
      problem: undefined,
    };
  } catch (error) {
    return unknownMigrations(problemOf(error));
  }
}

async function checkAuditPartitions(db: Kysely<any>, minAhead: number): Promise<AuditPartitionHealth> {
  try {
    const partitions = await listAuditPartitions(db);
    const now = new Date();
    const current = monthStart(now.getUTCFullYear(), now.getUTCMonth()).getTime();
    const currentMonth = partitions.some((p) => p.from.getTime() === current);
    const ahead = partitions.filter((p) => p.from.getTime() > current).length;
    return { status: currentMonth && ahead >= minAhead ? 'pass' : 'warn', currentMonth, ahead, problem: undefined };
  } catch (error) {
    return unknownPartitions(problemOf(error));
  }
}

function unknownEventQueue(problem: HealthProblem): EventQueueHealth {
  return { status: 'warn', outboxDepth: undefined, oldestMessageSeconds: undefined, deadDeliveries: undefined, problem };
}

async function checkEventQueue(db: Kysely<any>, maxAgeSeconds: number): Promise<EventQueueHealth> {
  try {
    const [row] = await queueStatus(db, {});
    const oldest = row?.oldestSeconds ?? null;
    const dead = row?.dead ?? 0;
    return {
      status: (oldest !== null && oldest > maxAgeSeconds) || dead > 0 ? 'warn' : 'pass',
      outboxDepth: row?.outboxDepth ?? 0,
      oldestMessageSeconds: oldest,
      deadDeliveries: dead,
      problem: undefined,
    };
  } catch (error) {
    return unknownEventQueue(problemOf(error));
  }
}

/** Runs every check on one connection of `db`, recording each result in `progress` as it completes. Never rejects. */
async function runChecks(db: Kysely<DB>, progress: Progress, minAhead: number, maxAgeSeconds: number): Promise<void> {
  const acquiring = performance.now();
  try {
    await db.connection().execute(async (connection) => {
      progress.acquireMs = performance.now() - acquiring;
      const sent = performance.now();
      await sql`SELECT 1`.execute(connection);
      progress.roundTripMs = performance.now() - sent;
      progress.migrations = await checkMigrations(connection);
      progress.auditPartitions = await checkAuditPartitions(connection, minAhead);
      progress.eventQueue = await checkEventQueue(connection, maxAgeSeconds);
    });
  } catch (error) {
    // After `SELECT 1` answered, each check has recorded its own failure.
    if (progress.roundTripMs === undefined) progress.serverProblem = problemOf(error);
  }
}

/** Resolves when `work` settled or `ms` passed, whichever comes first. */
function within(work: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void work.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function isKyselyInstance(db: unknown): db is Kysely<DB> {
  return (
    db !== null &&
    typeof db === 'object' &&
    typeof (db as { connection?: unknown }).connection === 'function' &&
    typeof (db as { executeQuery?: unknown }).executeQuery === 'function'
  );
}

/**
 * A readiness probe: whether the server answers (a bounded `SELECT 1` and its round trip), the
 * figures of the pool behind `db`, the migrations this package ships that the database has not
 * applied, and how many monthly `audit_logs` partitions exist ahead of the current month.
 *
 * Made for the application role (a member of `org_data_app`): it reads the catalog and the
 * migrations' tracking table (granted to `org_data_app` by this release's migrations; before
 * they are applied, the migrations are reported unknown, a `warn`). It holds one connection of
 * the pool while it runs and never waits longer than `timeoutMs`.
 *
 * An unhealthy database is a result, not an exception: a server that is down, refuses the
 * role, or does not answer in time gives `ok: false`. Pending migrations give `ok: false` too
 * (the code expects schema the database lacks); changed migration files, tracking table not
 * readable and too few audit partitions give `status: 'warn'` with `ok: true`.
 *
 * @throws ValidationError when `db` is not a Kysely instance (a transaction is refused too:
 *   the probe takes its own connection) or the options are invalid.
 *
 * @example
 * app.get('/ready', async (_req, res) => {
 *   const health = await checkHealth(db, { timeoutMs: 1000 });
 *   res.status(health.ok ? 200 : 503).json(health);
 * });
 */
export async function checkHealth(db: Kysely<DB>, options: CheckHealthOptions = {}): Promise<HealthReport> {
  if (!isKyselyInstance(db) || db.isTransaction) {
    throw new ValidationError([{ path: 'db', message: 'must be a Kysely instance (not a transaction)' }]);
  }
  const { timeoutMs, minPartitionsAhead, maxOutboxAgeSeconds } = parseInput(OptionsSchema, options);
  const checkedAt = new Date();
  const started = performance.now();
  const pool = poolFiguresOf(db);
  const progress: Progress = {};
  const replicaSet = replicaSetOf(db);
  let replicaStates: readonly ReplicaState[] | undefined;
  const replicaCheck = replicaSet
    ? replicaSet.checkAll().then((states) => {
        replicaStates = states;
      })
    : Promise.resolve();
  await within(Promise.all([runChecks(db, progress, minPartitionsAhead, maxOutboxAgeSeconds), replicaCheck]).then(() => undefined), timeoutMs);
  // Replicas not checked in time are reported as last known.
  const replicas = (replicaStates ?? replicaSet?.states() ?? []).map(replicaHealth);

  // Read once, now: checks still running after a timeout must not change the report.
  const timeout: HealthProblem = { code: 'TIMEOUT', sqlState: undefined, message: `no answer within ${timeoutMs} ms` };
  const reachable = progress.roundTripMs !== undefined;
  const serverProblem = reachable ? undefined : (progress.serverProblem ?? timeout);
  const server: ServerHealth = {
    status: reachable ? 'pass' : 'fail',
    reachable,
    roundTripMs: progress.roundTripMs,
    acquireMs: progress.acquireMs,
    problem: serverProblem,
  };
  const notChecked: HealthProblem =
    serverProblem && serverProblem !== timeout
      ? { code: serverProblem.code, sqlState: serverProblem.sqlState, message: 'not checked: the server is not reachable' }
      : timeout;
  const migrations = progress.migrations ?? unknownMigrations(notChecked);
  const auditPartitions = progress.auditPartitions ?? unknownPartitions(notChecked);
  const eventQueue = progress.eventQueue ?? unknownEventQueue(notChecked);
  const status = worst([server.status, migrations.status, auditPartitions.status, eventQueue.status, ...replicas.map((r) => r.health)]);
  return {
    ok: status !== 'fail',
    status,
    checkedAt,
    durationMs: performance.now() - started,
    server,
    pool,
    migrations,
    auditPartitions,
    eventQueue,
    replicas,
  };
}

/** A replica's state as a health check: only an up replica (a streaming standby within its lag bound) passes. */
function replicaHealth(state: ReplicaState): ReplicaHealth {
  return { ...state, health: state.status === 'up' ? 'pass' : 'warn' };
}
