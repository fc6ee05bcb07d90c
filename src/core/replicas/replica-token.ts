import { CompiledQuery, type Kysely } from 'kysely';
import { mapDatabaseError } from '../errors/map-database-error.js';
import { TransactionScopeError } from '../errors/transaction-scope-error.js';
import { ValidationError } from '../errors/validation-error.js';

/**
 * A position in the primary's write-ahead log, as PostgreSQL prints it (`16/B374D848`): taken
 * after a write committed ({@link replicaToken}) and given to a read on a replica (`after`), which
 * then waits until the replica has replayed that far, so it sees the write. A plain string, safe
 * to put in a cookie or a response header: it holds no row value.
 */
export type ReplicaToken = string;

/** `<hex>/<hex>`, each part 1–8 hex digits: a fixed shape, no backtracking. */
const LSN = /^[0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8}$/;

/** The position of `token` as a number (high and low 32 bits), or `undefined` when it is not one. */
export function lsnPosition(token: unknown): bigint | undefined {
  if (typeof token !== 'string' || !LSN.test(token)) return undefined;
  const slash = token.indexOf('/');
  return (BigInt(`0x${token.slice(0, slash)}`) << 32n) | BigInt(`0x${token.slice(slash + 1)}`);
}

// The insert position, not the write position (`pg_current_wal_lsn()`): with
// synchronous_commit off a commit returns before its record is written, so the write position
// can be before it. A replica reaches the insert position once the WAL writer has flushed it.
const CURRENT_POSITION = CompiledQuery.raw('select pg_current_wal_insert_lsn()::text as lsn');

/**
 * The read-your-writes token: the primary's WAL insert position now, which is at or after the
 * commit record of every transaction that committed before the call. Call it after a write (a unit of work, a
 * repository mutation) has committed, and pass it as `after` to a unit of work that reads from a
 * replica: that read waits until a replica has replayed the write (see `replicaRouting`). One
 * round trip on the primary.
 *
 * @example
 * await unitOfWork(db, { tenant }, (uow) => uow.clients.create(input));
 * const token = await replicaToken(db);
 * // later, maybe in another request: sees the new client
 * await unitOfWork(db, { tenant, readFrom: 'replica', after: token }, (uow) => uow.clients.list({}));
 *
 * @throws ValidationError when `db` is not a Kysely instance; TransactionScopeError when it is a
 *   transaction (the position inside a transaction is before its own commit); a mapped
 *   `DataError` when the server cannot answer (a replica is not a primary: 55000).
 */
export async function replicaToken(db: Kysely<any>): Promise<ReplicaToken> {
  if (db === null || typeof db !== 'object' || typeof (db as { executeQuery?: unknown }).executeQuery !== 'function') {
    throw new ValidationError([{ path: 'db', message: 'must be a Kysely instance' }]);
  }
  if (db.isTransaction) {
    throw new TransactionScopeError('replicaToken reads the position after a commit: call it on the database, after the unit of work');
  }
  try {
    const { rows } = await db.executeQuery<{ lsn: string }>(CURRENT_POSITION);
    return rows[0]!.lsn;
  } catch (error) {
    throw mapDatabaseError(error);
  }
}
