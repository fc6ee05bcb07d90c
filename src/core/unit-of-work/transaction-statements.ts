import { CompiledQuery } from 'kysely';
import { ValidationError } from '../errors/validation-error.js';
import { lsnPosition } from '../replicas/replica-token.js';
import { TENANT_SETTING } from '../tenancy/tenant-setting.js';
import { ACCESS_MODES, ISOLATION_LEVELS, type TenantTransactionSettings } from './transaction-settings.js';

/**
 * `set_config(…, true)`: transaction-local, so the tenant ends with the transaction and never
 * leaks to the pool. The statement a transaction on any Kysely instance sends after `BEGIN`.
 */
export const SET_TENANT_SQL = `select set_config('${TENANT_SETTING}', $1, true)`;

/** A uuid in canonical 8-4-4-4-12 hex form: nothing else is ever inlined into SQL. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The one message that opens a transaction on a connection the unit of work holds itself:
 * `begin` (or `start transaction isolation level … <access mode>`, the text Kysely's
 * PostgresDriver sends), then, with a tenant, `select set_config('app.organization_id',
 * '<uuid>', true)` in the same simple-protocol query, so the tenant costs no round trip of its
 * own. The uuid is inlined as a literal only after it matched the canonical form; the level and
 * mode only when they are among the known words. With `replayedAfter` (replica reads after a
 * token) the message also asserts that the server has replayed that WAL position.
 *
 * @throws ValidationError for a tenant that is not a uuid or an unknown level or mode (nothing
 *   is sent; the options schema refuses these first).
 */
export function beginStatement(settings: TenantTransactionSettings): string {
  const { isolationLevel, accessMode, tenant } = settings;
  if (isolationLevel !== undefined && !ISOLATION_LEVELS.includes(isolationLevel)) {
    throw new ValidationError([{ path: 'isolationLevel', message: 'must be a known isolation level' }]);
  }
  if (accessMode !== undefined && !ACCESS_MODES.includes(accessMode)) {
    throw new ValidationError([{ path: 'accessMode', message: 'must be read only or read write' }]);
  }
  let sql = 'begin';
  if (isolationLevel || accessMode) {
    sql = 'start transaction';
    if (isolationLevel) sql += ` isolation level ${isolationLevel}`;
    if (accessMode) sql += ` ${accessMode}`;
  }
  if (tenant !== undefined) {
    if (typeof tenant !== 'string' || !UUID.test(tenant)) {
      throw new ValidationError([{ path: 'tenant', message: 'must be a uuid' }]);
    }
    sql += `; select set_config('${TENANT_SETTING}', '${tenant}', true)`;
  }
  const { replayedAfter } = settings;
  if (replayedAfter === undefined) return sql;
  if (lsnPosition(replayedAfter) === undefined) {
    throw new ValidationError([{ path: 'after', message: 'must be a token from replicaToken (a WAL position such as 16/B374D848)' }]);
  }
  // Read your writes on a replica, in the same message: a division by zero (22012) when the
  // server has not replayed the token yet (or is no standby), so the transaction never starts
  // on a replica behind the write and no round trip is added. The token is inlined only after
  // it matched the LSN shape.
  return `${sql}; select 1 / (coalesce(pg_last_wal_replay_lsn() >= '${replayedAfter}'::pg_lsn, false))::int`;
}

/** `commit`, compiled once. */
export const COMMIT = CompiledQuery.raw('commit');

/** `rollback`, compiled once. */
export const ROLLBACK = CompiledQuery.raw('rollback');
