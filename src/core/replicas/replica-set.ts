import { CompiledQuery, type Kysely } from 'kysely';
import { DataError } from '../errors/data-error.js';
import { mapDatabaseError } from '../errors/map-database-error.js';
import type { DB } from '../../schema/db.js';
import type { ResolvedReplicaRouting } from './replica-routing.js';
import { lsnPosition } from './replica-token.js';

/**
 * What a check found a replica to be: `up` (serves reads); `lagging` (beyond `maxLagMs`, or not
 * streaming from the primary: its data may be arbitrarily old); `down` (no answer, or not a
 * standby: a promoted server no longer follows the primary); `unknown` (not checked yet).
 */
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
  /** Why it is not `up`: the code of the error (no host, user or password), `TIMEOUT`, `NOT_STANDBY` or `NOT_STREAMING`. */
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
  /** A replay-position read in flight, shared by the reads that wait for this replica. */
  polling: Promise<bigint> | undefined;
}

// `receiving`: a WAL receiver runs (its pid is visible to every role; the other columns of
// pg_stat_wal_receiver only to pg_read_all_stats). Without one the standby is not following the
// primary and its lag cannot be known: replay has caught up with what it received, and that may
// be arbitrarily old.
const PROBE = CompiledQuery.raw(`select pg_is_in_recovery() as in_recovery, pg_last_wal_replay_lsn()::text as replay_lsn,
  exists (select 1 from pg_stat_wal_receiver where pid is not null) as receiving,
  (case when not pg_is_in_recovery() or pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0
   else coalesce(greatest(0, extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000), 0) end)::float8 as lag_ms`);

const REPLAYED = CompiledQuery.raw('select pg_last_wal_replay_lsn()::text as replay_lsn');

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What {@link bounded} rejects with when time ran out (never thrown to a caller). */
class OutOfTime extends Error {}

/** Rejects with {@link OutOfTime} after `ms` unless `work` settles first. */
function bounded<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new OutOfTime()), ms);
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
  /** `destroy()` ran: reads fail with `DatabaseClosedError`, as on the primary. */
  closed = false;

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
      polling: undefined,
    }));
  }

  /** What is known of each replica, without checking. */
  states(): ReplicaState[] {
    return this.#members.map(({ name, status, lagMs, replayLsn, inRecovery, problem }) => ({ name, status, lagMs, replayLsn, inRecovery, problem }));
  }

  /** Checks every replica now (bounded by `healthCheckTimeoutMs` each) and returns what was found. */
  async checkAll(): Promise<ReplicaState[]> {
    await Promise.all(this.#members.map((member) => this.#check(member)));
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

  /** Forgets how far the replica behind `db` has replayed (a read found it behind what was known). */
  forgetReplayed(db: Kysely<DB>): void {
    const member = this.#members.find((m) => m.db === db);
    if (member) member.replayed = -1n;
  }

  /**
   * A replica to read from, or why there is none: one that is up, within `maxLagMs` and
   * streaming, taken in turn; given `after` (a WAL position), one known to have replayed at
   * least that far, polling the usable replicas (in parallel, one poll per replica shared by
   * every waiting read) until `deadline` (a `performance.now()` time) for one to. What is known
   * of a replica is refreshed when older than `healthCheckIntervalMs`: in the background, except
   * for a replica never checked, which the read waits for. The caller checks the position again
   * inside its transaction (the known position is a hint).
   */
  async choose(after: bigint | undefined, exclude: ReadonlySet<Kysely<DB>>, deadline: number): Promise<Kysely<DB> | NoReplica> {
    const now = performance.now();
    const unknown: Promise<void>[] = [];
    for (const member of this.#members) {
      if (now - member.checkedAt < this.routing.healthCheckIntervalMs) continue;
      const check = this.#check(member);
      if (member.status === 'unknown') unknown.push(check);
    }
    if (unknown.length > 0) await Promise.all(unknown);
    const usable = this.#usable(exclude);
    if (usable.length === 0) return { reason: 'every replica is down, lags beyond maxLagMs or is not streaming' };
    if (after === undefined) return usable[0]!.db;
    const caughtUp = usable.find((m) => m.replayed >= after);
    if (caughtUp) return caughtUp.db;
    for (let pause = 1; ; pause = Math.min(pause * 2, 25)) {
      const members = this.#usable(exclude);
      if (members.length === 0) return { reason: 'every replica is down, lags beyond maxLagMs or is not streaming' };
      let left = deadline - performance.now();
      if (left <= 0) break;
      const bound = Math.min(this.routing.healthCheckTimeoutMs, left);
      const positions = await Promise.all(members.map((member) => this.#readReplayed(member, bound)));
      const found = members.find((_, k) => positions[k]! >= after);
      if (found) return found.db;
      left = deadline - performance.now();
      if (left <= 0) break;
      await sleep(Math.min(pause, left));
    }
    return { reason: `no replica replayed the write within ${this.routing.readYourWritesTimeoutMs} ms` };
  }

  /** The usable members, starting with the next in turn. */
  #usable(exclude: ReadonlySet<Kysely<DB>> | undefined): Member[] {
    const usable = this.#members.filter((m) => m.status === 'up' && !exclude?.has(m.db));
    if (usable.length < 2) return usable;
    const start = this.#turn % usable.length;
    this.#turn = (this.#turn + 1) % 1_000_000;
    return [...usable.slice(start), ...usable.slice(0, start)];
  }

  /**
   * How far `member` has replayed (a read-your-writes wait), one read at a time per replica:
   * reads that wait together share it. A connection failure marks the replica down; running out
   * of `boundMs` (a busy pool, a slow answer) does not, and counts as not replayed.
   */
  #readReplayed(member: Member, boundMs: number): Promise<bigint> {
    member.polling ??= (async () => {
      try {
        const { rows } = await bounded(member.db.executeQuery<{ replay_lsn: string | null }>(REPLAYED), boundMs);
        const position = lsnPosition(rows[0]?.replay_lsn);
        if (position !== undefined) {
          member.replayed = position;
          member.replayLsn = rows[0]!.replay_lsn!;
        }
        return position ?? -1n;
      } catch (error) {
        if (!(error instanceof OutOfTime)) this.markDown(member.db, error);
        return -1n;
      } finally {
        member.polling = undefined;
      }
    })();
    return member.polling;
  }

  /** Checks `member` now, once at a time: a check in flight is shared. */
  #check(member: Member): Promise<void> {
    if (member.checking) return member.checking;
    member.checking = this.#probe(member).finally(() => {
      member.checking = undefined;
    });
    return member.checking;
  }

  async #probe(member: Member): Promise<void> {
    try {
      const { rows } = await bounded(
        member.db.executeQuery<{ in_recovery: boolean; replay_lsn: string | null; receiving: boolean; lag_ms: number }>(PROBE),
        this.routing.healthCheckTimeoutMs,
      );
      const row = rows[0]!;
      member.inRecovery = row.in_recovery;
      member.lagMs = Math.round(row.lag_ms);
      member.replayLsn = row.replay_lsn ?? undefined;
      member.replayed = lsnPosition(row.replay_lsn) ?? -1n;
      if (!row.in_recovery) {
        // Promoted, or never a standby: it does not follow the primary (a dev setup listing the
        // primary as its replica reads from the primary anyway, by the fallback).
        member.status = 'down';
        member.problem = 'NOT_STANDBY';
      } else if (!row.receiving) {
        member.status = 'lagging';
        member.problem = 'NOT_STREAMING';
      } else {
        member.status = member.lagMs > this.routing.maxLagMs ? 'lagging' : 'up';
        member.problem = undefined;
      }
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
    this.closed = true;
    await Promise.all(this.#members.map((member) => member.db.destroy()));
  }
}

/** The stable code of a failure (never its message: it may name a host). */
function problemCode(error: unknown): string {
  if (error instanceof OutOfTime) return 'TIMEOUT';
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
