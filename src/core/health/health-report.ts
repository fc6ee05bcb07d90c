import type { DataErrorCode } from '../errors/data-error.js';
import type { PoolFigures } from './pool-figures.js';
import type { ReplicaState } from '../replicas/replica-set.js';

/**
 * How one check, or the whole report, came out: `pass`; `warn` (serving works, something needs
 * attention or could not be checked); `fail` (not ready to serve).
 */
export type HealthStatus = 'pass' | 'warn' | 'fail';

/** Why a check could not complete: a code and a message that hold no host, user, password or row value. */
export interface HealthProblem {
  /** The `DataError` code of the failure, or `TIMEOUT` when the check ran out of time. */
  readonly code: DataErrorCode | 'TIMEOUT';
  /** The PostgreSQL SQLSTATE, when the server gave one. */
  readonly sqlState: string | undefined;
  /** What went wrong, for a log line. */
  readonly message: string;
}

/** Whether the server answers. */
export interface ServerHealth {
  /** `pass` when `select 1` answered in time, else `fail`. */
  readonly status: HealthStatus;
  /** Whether `select 1` answered in time. */
  readonly reachable: boolean;
  /** Milliseconds from sending `select 1` to its answer (the connection already in hand). */
  readonly roundTripMs: number | undefined;
  /** Milliseconds spent getting a connection from the pool (connecting, or waiting for one). */
  readonly acquireMs: number | undefined;
  /** Why it is not reachable. */
  readonly problem: HealthProblem | undefined;
}

/** The database's migrations against the ones shipped in this package. */
export interface MigrationHealth {
  /**
   * `pass` when none is pending; `fail` when some are (the code expects schema the database does
   * not have yet); `warn` when applied files changed or the tracking table could not be read.
   */
  readonly status: HealthStatus;
  /** Names of the shipped migrations the database has not applied; `undefined` when unknown. */
  readonly pending: readonly string[] | undefined;
  /** Names of applied migrations whose files in this package differ from what was applied. */
  readonly mismatched: readonly string[] | undefined;
  /** How many applied migrations this package does not ship (a newer release applied them; normal during a rolling upgrade). */
  readonly newer: number | undefined;
  /** Why the figures are unknown (e.g. the role may not read the tracking table). */
  readonly problem: HealthProblem | undefined;
}

/** The monthly partitions of `audit_logs` after the current month. */
export interface AuditPartitionHealth {
  /** `pass` when at least `minPartitionsAhead` exist and the current month has one; else `warn` (rows then land in the DEFAULT partition). */
  readonly status: HealthStatus;
  /** Whether the current UTC month has its partition; `undefined` when unknown. */
  readonly currentMonth: boolean | undefined;
  /** How many monthly partitions exist for months after the current UTC month; `undefined` when unknown. */
  readonly ahead: number | undefined;
  /** Why the figures are unknown. */
  readonly problem: HealthProblem | undefined;
}

/** The outbox and the worker's deliveries, across tenants. */
export interface EventQueueHealth {
  /** `warn` when the oldest undispatched message is older than `maxOutboxAgeSeconds` (no worker keeps up, or none runs), or a delivery is dead; else `pass`. */
  readonly status: HealthStatus;
  /** Messages waiting for dispatch; `undefined` when unknown. */
  readonly outboxDepth: number | undefined;
  /** Age of the oldest of them, seconds; `null` when there is none, `undefined` when unknown. */
  readonly oldestMessageSeconds: number | null | undefined;
  /** Dead deliveries (dead letters); `undefined` when unknown. */
  readonly deadDeliveries: number | undefined;
  /** Why the figures are unknown (e.g. a schema before the events migrations). */
  readonly problem: HealthProblem | undefined;
}

/** One read replica, checked when the report was made (see `createDatabase`'s `replicas`). */
export interface ReplicaHealth extends ReplicaState {
  /**
   * `pass` when it is up and within `maxLagMs`; `warn` when it is down or lags beyond it (its
   * reads go to another replica or the primary, or fail when `whenUnavailable` is `'error'`),
   * or when it is not a standby (`inRecovery: false`: promoted, no longer following the primary).
   */
  readonly health: HealthStatus;
}

/** What {@link checkHealth} found. A plain object: log it, or serialise it as the probe's body. */
export interface HealthReport {
  /** `status !== 'fail'`: what a readiness probe answers. */
  readonly ok: boolean;
  /** The worst status of the checks. */
  readonly status: HealthStatus;
  /** When the check started. */
  readonly checkedAt: Date;
  /** How long the whole check took, in milliseconds. */
  readonly durationMs: number;
  /** Whether the server answers, and how fast. */
  readonly server: ServerHealth;
  /** The pool behind the handle, read before the check took its connection; `undefined` for a Kysely instance `createDatabase` did not build. */
  readonly pool: PoolFigures | undefined;
  /** Pending and changed migrations. */
  readonly migrations: MigrationHealth;
  /** Audit partitions ahead. */
  readonly auditPartitions: AuditPartitionHealth;
  /** The domain event outbox and deliveries. */
  readonly eventQueue: EventQueueHealth;
  /** The read replicas of `db`, each checked now; empty when it has none. */
  readonly replicas: readonly ReplicaHealth[];
}
