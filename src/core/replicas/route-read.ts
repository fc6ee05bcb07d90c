import type { Kysely, Transaction } from 'kysely';
import { ConnectionLostError, TooManyConnectionsError } from '../errors/operational-errors.js';
import { AuthenticationFailedError } from '../errors/authentication-failed-error.js';
import { DatabaseNotFoundError } from '../errors/database-not-found-error.js';
import { ReplicaUnavailableError } from '../errors/replica-unavailable-error.js';
import type { TenantTransactionSettings } from '../unit-of-work/transaction-settings.js';
import type { DB } from '../../schema/db.js';
import { replicaSetOf } from './replica-set.js';

/** Runs a transaction (the unit of work's `runTransaction`). */
export type RunTransaction = <D, T>(db: Kysely<D>, settings: TenantTransactionSettings, fn: (trx: Transaction<D>) => Promise<T>) => Promise<T>;

/** Failures that mean the replica could not be reached at all (the work never started there). */
const unreachable = (error: unknown) =>
  error instanceof ConnectionLostError ||
  error instanceof TooManyConnectionsError ||
  error instanceof AuthenticationFailedError ||
  error instanceof DatabaseNotFoundError;

/**
 * Runs `work` in a read-only transaction on a replica of `db` (see `ReplicaSet.choose`): on one
 * that has replayed `after` when given. A replica that cannot be reached before `work` started
 * is marked down and the next one is tried. With no usable replica, the transaction runs on
 * the primary (`whenUnavailable: 'primary'`, the default) or fails with
 * {@link ReplicaUnavailableError}; so does every read on a database configured without replicas
 * — those run on the primary, read only.
 */
export async function runOnReplica<D, T>(
  db: Kysely<D>,
  settings: TenantTransactionSettings,
  after: bigint | undefined,
  work: (trx: Transaction<D>) => Promise<T>,
  run: RunTransaction,
): Promise<T> {
  const readOnly: TenantTransactionSettings = { ...settings, accessMode: 'read only' };
  const set = replicaSetOf(db);
  if (!set) return run(db, readOnly, work);
  const tried = new Set<Kysely<DB>>();
  for (;;) {
    const chosen = await set.choose(after, tried);
    if (!('reason' in chosen)) {
      let started = false;
      try {
        return await run(chosen as unknown as Kysely<D>, readOnly, (trx) => {
          started = true;
          return work(trx);
        });
      } catch (error) {
        if (started || !unreachable(error)) throw error;
        set.markDown(chosen, error);
        tried.add(chosen);
        continue;
      }
    }
    if (set.routing.whenUnavailable === 'error') throw new ReplicaUnavailableError(chosen.reason);
    return run(db, readOnly, work);
  }
}
