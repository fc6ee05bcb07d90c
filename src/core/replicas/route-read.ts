import type { Kysely, Transaction } from 'kysely';
import { DataError } from '../errors/data-error.js';
import { ConnectionLostError, TooManyConnectionsError } from '../errors/operational-errors.js';
import { AuthenticationFailedError } from '../errors/authentication-failed-error.js';
import { DatabaseClosedError } from '../errors/lifecycle-errors.js';
import { DatabaseNotFoundError } from '../errors/database-not-found-error.js';
import { ReplicaUnavailableError } from '../errors/replica-unavailable-error.js';
import type { TenantTransactionSettings } from '../unit-of-work/transaction-settings.js';
import type { DB } from '../../schema/db.js';
import { replicaSetOf } from './replica-set.js';

/** Runs a transaction (the unit of work's `runTransaction`). */
export type RunTransaction = <D, T>(db: Kysely<D>, settings: TenantTransactionSettings, fn: (trx: Transaction<D>) => Promise<T>) => Promise<T>;

/** A read-your-writes position: the token as given and its value. */
export interface ReadAfter {
  readonly token: string;
  readonly position: bigint;
}

/** Failures that mean the replica could not be reached at all (the work never started there). */
const unreachable = (error: unknown) =>
  error instanceof ConnectionLostError ||
  error instanceof TooManyConnectionsError ||
  error instanceof AuthenticationFailedError ||
  error instanceof DatabaseNotFoundError;

/** The first message's refusal when the replica has not replayed the token (see `beginStatement`). */
const NOT_REPLAYED = '22012';

/**
 * Runs `work` in a read-only transaction on a replica of `db` (see `ReplicaSet.choose`): given
 * `after`, on one that has replayed it — asserted again in the transaction's first message (with
 * BEGIN and the tenant, no extra round trip), on the connection the work then uses, so a replica
 * that restarted or a connection that reached another server never serves a stale read; one
 * found behind is polled again until `readYourWritesTimeoutMs`. A replica that cannot be reached before `work` started is marked
 * down and the next one is tried. With no usable replica, the transaction runs on the primary
 * (`whenUnavailable: 'primary'`, the default) or fails with {@link ReplicaUnavailableError};
 * reads on a database configured without replicas run on the primary, read only.
 */
export async function runOnReplica<D, T>(
  db: Kysely<D>,
  settings: TenantTransactionSettings,
  after: ReadAfter | undefined,
  work: (trx: Transaction<D>) => Promise<T>,
  run: RunTransaction,
): Promise<T> {
  const readOnly: TenantTransactionSettings = { ...settings, accessMode: 'read only' };
  const set = replicaSetOf(db);
  if (!set) return run(db, readOnly, work);
  const tried = new Set<Kysely<DB>>();
  const deadline = performance.now() + set.routing.readYourWritesTimeoutMs;
  for (;;) {
    if (set.closed) throw new DatabaseClosedError();
    const chosen = await set.choose(after?.position, tried, deadline);
    if ('reason' in chosen) {
      if (set.closed) throw new DatabaseClosedError();
      if (set.routing.whenUnavailable === 'error') throw new ReplicaUnavailableError(chosen.reason);
      return run(db, readOnly, work);
    }
    let started = false;
    try {
      const settings = after === undefined ? readOnly : { ...readOnly, replayedAfter: after.token };
      return await run(chosen as unknown as Kysely<D>, settings, (trx) => {
        started = true;
        return work(trx);
      });
    } catch (error) {
      if (!started && error instanceof DataError && error.sqlState === NOT_REPLAYED) {
        // Known to have replayed it, found behind (restarted, or another server): poll again.
        set.forgetReplayed(chosen);
        continue;
      }
      if (started || !unreachable(error)) throw error;
      set.markDown(chosen, error);
      tried.add(chosen);
    }
  }
}
