import { CompiledQuery, type Kysely } from 'kysely';
import { DataError } from '../errors/data-error.js';
import { mapDatabaseError } from '../errors/map-database-error.js';
import type { DB } from '../../schema/db.js';
import type { ResolvedReplicaRouting } from './replica-routing.js';
import { lsnPosition } from './replica-token.js';

/** What a check found a replica to be: `up` (serves reads), `lagging` (beyond `maxLagMs`), `down` (no answer), `unknown` (not checked yet). */
export type ReplicaStatus = 'unknown' | 'up' | 'lagging' | 'down';

/** What is known of one replica, as `checkHealth` and the router see it. */
export interface ReplicaState {
  /** The replica's name (its `name` option, else `replica-<n>` in the order given). */
  readonly name: string;
  /** What the last check found. */
  readonly status: ReplicaStatus;
  /** Its replay lag when last checked, in ms; `undefined` when unknown. */
  readonly lagMs: number | undefined;
  /** The WAL position it had replayed when last checked (`16/B374D848`); `undefined` when unknown. */
  readonly replayLsn: string | undefined;
  /** Whether it is a standby (`pg_is_in_recovery()`); `false` for a server that was promoted. */
  readonly inRecovery: boolean | undefined;
  /** The code of the error that made it `down` (no host, user or password). */
  readonly problem: string | undefined;
}

interface Member {
  readonly name: string;
  readonly db: Kysely<DB>;
  status: ReplicaStatus;
  lagMs: number | undefined;
  replayLsn: string | undefined;
  /** The replay position last read from the replica (reset, not raised, by every check: a restarted replica may be behind what it had replayed). */
  replayed: bigint;
  inRecovery: boolean | undefined;
  problem: string | undefined;
  checkedAt: number;
  checking: Promise<void> | undefined;
}

const PROBE = CompiledQuery.raw(`select pg_is_in_recovery() as in_recovery, pg_last_wal_replay_lsn()::text as replay_lsn,
  (case when not pg_is_in_recovery() or pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0
   else coalesce(greatest(0, extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000), 0) end)::float8 as lag_ms`);

const REPLAYED = CompiledQuery.raw('select pg_last_wal_replay_lsn()::text as replay_lsn');

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Rejects with `timeout` after `ms` unless `work` settles first. */
function bounded<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Why the router found no replica, for `ReplicaUnavailableError`. */
export type NoReplica = { readonly reason: string };

/**
 * The replicas beside a primary and what is known of each: which are up, how far each lags and
 * has replayed. Reads ask {@link choose} for one; it checks a replica again when what is known
 * is older than `healthCheckIntervalMs` (one query, shared by the reads that arrive meanwhile),
 * skips replicas that are down or lag beyond `maxLagMs`, takes the usable ones in turn, and for
 * a read-your-writes position waits (bounded) until one has replayed it.
 */
export class ReplicaSet {
  readonly #members: Member[];
  readonly routing: ResolvedReplicaRouting;
  #turn = 0;

  constructor(replicas: readonly { readonly name: string; readonly db: Kysely<DB> }[], routing: ResolvedReplicaRouting) {
    this.routing = routing;
    this.#members = replicas.map(({ name, db }) => ({
      name,
      db,
      status: 'unknown',
      lagMs: undefined,
      replayLsn: undefined,
      replayed: -1n,
      inRecovery: undefined,
      problem: undefined,
      checkedAt: Number.NEGATIVE_INFINITY,
      checking: undefined,
    }));
  }

  /** What is known of each replica, without checking. */
  states(): ReplicaState[] {
    return this.#members.map(({ name, status, lagMs, replayLsn, inRecovery, problem }) => ({ name, status, lagMs, replayLsn, inRecovery, problem }));
  }

  /** Checks every replica now (bounded by `healthCheckTimeoutMs` each) and returns what was found. */
  async checkAll(): Promise<ReplicaState[]> {
    await Promise.all(this.#members.map((member) => this.#check(member, true)));
    return this.states();
  }

  /** Marks the replica behind `db` down (a read could not get a connection to it): skipped until its next check. */
  markDown(db: Kysely<DB>, error: unknown): void {
    const member = this.#members.find((m) => m.db === db);
    if (!member) return;
    member.status = 'down';
    member.problem = problemCode(error);
    member.checkedAt = performance.now();
  }

  /**
   * A replica to read from, or why there is none: one that is up and within `maxLagMs`, taken
   * in turn; given `after` (a WAL position), one that has replayed at least that far, waiting up
   * to `readYourWritesTimeoutMs` for one to.
   */
  async choose(after: bigint | undefined, exclude?: ReadonlySet<Kysely<DB>>): Promise<Kysely<DB> | NoReplica> {
    const now = performance.now();
    const stale = this.#members.filter((m) => now - m.checkedAt >= this.routing.healthCheckIntervalMs);
    if (stale.length > 0) await Promise.all(stale.map((member) => this.#check(member, false)));
    const usable = this.#usable(exclude);
    if (usable.length === 0) return { reason: 'every replica is down or lags beyond maxLagMs' };
    if (after === undefined) return usable[0]!.db;
    const caughtUp = usable.find((m) => m.replayed >= after);
    if (caughtUp) return caughtUp.db;
    const deadline = performance.now() + this.routing.readYourWritesTimeoutMs;
    for (let pause = 1; ; pause = Math.min(pause * 2, 25)) {
      for (const member of this.#usable(exclude)) {
        if ((await this.#readReplayed(member)) >= after) return member.db;
      }
      const left = deadline - performance.now();
      if (left <= 0) return { reason: `no replica replayed the write within ${this.routing.readYourWritesTimeoutMs} ms` };
      await sleep(Math.min(pause, left));
    }
  }

  /** The usable members, starting with the next in turn. */
  #usable(exclude: ReadonlySet<Kysely<DB>> | undefined): Member[] {
    const usable = this.#members.filter((m) => m.status === 'up' && !exclude?.has(m.db));
    if (usable.length < 2) return usable;
    const start = this.#turn % usable.length;
    this.#turn = (this.#turn + 1) % 1_000_000;
    return [...usable.slice(start), ...usable.slice(0, start)];
  }

  /** Reads how far `member` has replayed (a read-your-writes wait); a failure marks it down. */
  async #readReplayed(member: Member): Promise<bigint> {
    try {
      const { rows } = await bounded(member.db.executeQuery<{ replay_lsn: string | null }>(REPLAYED), this.routing.healthCheckTimeoutMs);
      const position = lsnPosition(rows[0]?.replay_lsn);
      if (position !== undefined) {
        member.replayed = position;
        member.replayLsn = rows[0]!.replay_lsn!;
      }
      return position ?? -1n;
    } catch (error) {
      this.markDown(member.db, error);
      return -1n;
    }
  }

  /** Checks `member` (once at a time: a check in flight is shared; `force` waits for it and starts no second). */
  #check(member: Member, force: boolean): Promise<void> {
    if (member.checking) return member.checking;
    if (!force && performance.now() - member.checkedAt < this.routing.healthCheckIntervalMs) return Promise.resolve();
    member.checking = this.#probe(member).finally(() => {
      member.checking = undefined;
    });
    return member.checking;
  }

  async #probe(member: Member): Promise<void> {
    try {
      const { rows } = await bounded(
        member.db.executeQuery<{ in_recovery: boolean; replay_lsn: string | null; lag_ms: number }>(PROBE),
        this.routing.healthCheckTimeoutMs,
      );
      const row = rows[0]!;
      member.inRecovery = row.in_recovery;
      member.lagMs = Math.round(row.lag_ms);
      member.replayLsn = row.replay_lsn ?? undefined;
      member.replayed = lsnPosition(row.replay_lsn) ?? (row.in_recovery ? -1n : member.replayed);
      member.problem = undefined;
      member.status = member.lagMs > this.routing.maxLagMs ? 'lagging' : 'up';
    } catch (error) {
      member.status = 'down';
      member.problem = problemCode(error);
      member.lagMs = undefined;
    } finally {
      member.checkedAt = performance.now();
    }
  }

  /** Closes every replica's pool. */
  async destroy(): Promise<void> {
    await Promise.all(this.#members.map((member) => member.db.destroy()));
  }
}

/** The stable code of a failure (never its message: it may name a host). */
function problemCode(error: unknown): string {
  if (error instanceof Error && error.message === 'timeout') return 'TIMEOUT';
  const mapped = mapDatabaseError(error);
  return mapped instanceof DataError ? mapped.code : 'DATABASE_ERROR';
}

/** The replica set of each primary `createDatabase` built with replicas. */
const sets = new WeakMap<object, ReplicaSet>();

/** Records the replicas of `db`. */
export function registerReplicaSet(db: object, set: ReplicaSet): void {
  sets.set(db, set);
}

/** The replicas of `db`, when `createDatabase` built it with some. */
export function replicaSetOf(db: object): ReplicaSet | undefined {
  return sets.get(db);
}
