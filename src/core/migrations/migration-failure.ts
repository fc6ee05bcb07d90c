import { DataError } from '../errors/data-error.js';
import { mapDatabaseError } from '../errors/map-database-error.js';
import { MigrationPrivilegeError } from '../errors/migration-privilege-error.js';
import { SqlState } from '../errors/sqlstate.js';

/** Whether `error` is PostgreSQL's insufficient_privilege (42501). */
export function isInsufficientPrivilege(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === SqlState.insufficientPrivilege;
}

/**
 * What PostgreSQL refused, from its 42501 message ("permission denied for schema public", "must
 * be owner of table users", "permission denied to create role"): it names objects of this
 * package's own SQL, never row values.
 */
export function refusedPrivilege(error: unknown): string {
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' && message !== '' ? message : 'a privilege';
}

/**
 * Translates anything a migration API catches into a {@link DataError}: package errors pass
 * through; 42501 becomes {@link MigrationPrivilegeError}; connection failures (a refused
 * connection, a terminated lock waiter), timeouts and other SQLSTATEs go through
 * `mapDatabaseError` (whose messages hold no host, port or password); anything else, which
 * would be a defect of the runner, becomes a `MIGRATION_FAILED` error naming only its class.
 */
export function migrationFailure(error: unknown, migration?: string): DataError {
  if (error instanceof DataError) return error;
  if (isInsufficientPrivilege(error)) return new MigrationPrivilegeError(refusedPrivilege(error), migration);
  const mapped = mapDatabaseError(error);
  if (mapped instanceof DataError) return mapped;
  const kind = error instanceof Error ? error.name : typeof error;
  return new DataError('MIGRATION_FAILED', `The migration runner failed unexpectedly (${kind})`);
}
