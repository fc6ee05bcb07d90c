import { isCachedPlanChanged, StatementInvalidatedError } from './statement-invalidated.js';
import { DataError, type DataErrorOrigin } from './data-error.js';
import {
  CheckViolationError,
  ForeignKeyViolationError,
  NotNullViolationError,
  UniqueViolationError,
} from './constraint-errors.js';
import { SqlState } from './sqlstate.js';
import { ForbiddenError } from './forbidden-error.js';
import { SchemaNotMigratedError, type MissingSchemaObject } from './schema-not-migrated-error.js';
import { AuthenticationFailedError } from './authentication-failed-error.js';
import { DatabaseNotFoundError } from './database-not-found-error.js';
import { ReadOnlyTransactionError } from './read-only-transaction-error.js';
import { TenantIsolationError } from './tenant-isolation-error.js';
import { missingObjectName, quotedName } from './server-message.js';
import {
  ConnectionLostError,
  DeadlockError,
  LockNotAvailableError,
  SerializationFailureError,
  StatementTimeoutError,
  TooManyConnectionsError,
  TransactionAbortedError,
} from './operational-errors.js';

/** pg's messages for a connection that died or could not be had (no SQLSTATE, no syscall). */
const CONNECTION_MESSAGES = [
  'Connection terminated',
  'Connection terminated unexpectedly',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'Cannot use a pool after calling end on the pool',
];

function isConnectionFailure(error: object): boolean {
  const message = (error as { message?: unknown }).message;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('08')) return true; // connection_exception class
  return typeof message === 'string' && CONNECTION_MESSAGES.some((known) => message.startsWith(known));
}

function connectionReason(error: object): string {
  const { code, syscall } = error as { code?: unknown; syscall?: unknown };
  if (typeof code === 'string' && typeof syscall === 'string') return `${syscall} ${code}`;
  if (typeof code === 'string' && code.startsWith('08')) return `SQLSTATE ${code}`;
  const message = (error as { message?: unknown }).message;
  // Only pg's fixed texts above reach here: they hold no host, user or password.
  return typeof message === 'string' ? message : 'unknown';
}

interface DriverErrorShape {
  code?: unknown;
  message?: unknown;
  table?: unknown;
  column?: unknown;
  constraint?: unknown;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function isSqlState(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9A-Z]{5}$/.test(value);
}

/** The kinds of object whose absence means a database not migrated (up to this release), by SQLSTATE. */
const MISSING_OBJECT: Readonly<Record<string, readonly MissingSchemaObject[]>> = Object.freeze({
  [SqlState.undefinedTable]: ['relation'],
  [SqlState.undefinedColumn]: ['column'],
  [SqlState.undefinedFunction]: ['function', 'procedure'],
  [SqlState.invalidSchemaName]: ['schema'],
});

/**
 * A {@link SchemaNotMigratedError} when `message` says a relation, column, function or schema
 * does not exist; `undefined` for the other messages of these SQLSTATEs (`missing FROM-clause
 * entry`, `operator does not exist`: programming errors, not a missing migration).
 */
function schemaNotMigrated(kinds: readonly MissingSchemaObject[], message: unknown, origin: DataErrorOrigin) {
  for (const kind of kinds) {
    const name = missingObjectName(message, kind);
    if (name !== null) return new SchemaNotMigratedError(kind, name, origin);
  }
  return undefined;
}

/** The message of a server error whose code is not mapped to a class of its own. */
function generic(origin: DataErrorOrigin & { sqlState: string }): DataError {
  // Class 22 is data_exception: a value the column or the expression cannot take (README).
  return origin.sqlState.startsWith(SqlState.dataExceptionClass)
    ? new DataError('INVALID_INPUT', `Invalid input value (SQLSTATE ${origin.sqlState})`, origin)
    : new DataError('DATABASE_ERROR', `Database error (SQLSTATE ${origin.sqlState})`, origin);
}

/**
 * Translates any error thrown while talking to PostgreSQL into a {@link DataError}.
 *
 * This is the one place where SQLSTATE codes become error classes. The driver's message and
 * `detail` are not copied: both can contain row values (`Key (email)=(…)`, `invalid input
 * syntax for type uuid: "…"`). Errors that already are a DataError pass through unchanged;
 * errors without a SQLSTATE (programming errors) are returned as they are.
 */
export function mapDatabaseError(error: unknown): unknown {
  if (error instanceof DataError) return error;
  if (typeof error !== 'object' || error === null) return error;
  const shape = error as DriverErrorShape;
  // Node's own socket errors (EPIPE, ECONNRESET, ECONNREFUSED, …) carry a syscall; pg's
  // connection errors carry only a message.
  if ('syscall' in shape || isConnectionFailure(error)) {
    return new ConnectionLostError(connectionReason(error));
  }
  if (!isSqlState(shape.code)) return error;
  const origin = {
    sqlState: shape.code,
    table: text(shape.table),
    column: text(shape.column),
    constraint: text(shape.constraint),
  };
  switch (shape.code) {
    case SqlState.uniqueViolation:
      return new UniqueViolationError(origin);
    case SqlState.foreignKeyViolation:
    case SqlState.restrictViolation:
      return new ForeignKeyViolationError(origin);
    case SqlState.checkViolation:
      return new CheckViolationError(origin);
    case SqlState.notNullViolation:
      return new NotNullViolationError(origin);
    case SqlState.serializationFailure:
      return new SerializationFailureError(origin);
    case SqlState.deadlockDetected:
      return new DeadlockError(origin);
    case SqlState.lockNotAvailable:
      return new LockNotAvailableError(origin);
    case SqlState.queryCanceled:
      return new StatementTimeoutError(origin);
    case SqlState.tooManyConnections:
      return new TooManyConnectionsError(origin);
    case SqlState.inFailedSqlTransaction:
      return new TransactionAbortedError(origin);
    case SqlState.featureNotSupported:
      return isCachedPlanChanged(error) ? new StatementInvalidatedError(origin) : generic(origin);
    case SqlState.adminShutdown:
    case SqlState.crashShutdown:
    case SqlState.cannotConnectNow:
      return new ConnectionLostError(`server closed the connection (SQLSTATE ${shape.code})`, origin);
    case SqlState.insufficientPrivilege:
      // Row-level security's refusals ("new row violates row-level security policy for table
      // …", "query would be affected by row-level security policy …") are a missing or wrong
      // tenant; every other 42501 (grants, the append-only triggers) a refused operation.
      if (typeof shape.message === 'string' && shape.message.includes('row-level security policy')) {
        return new TenantIsolationError(origin.table ?? quotedName(shape.message), origin);
      }
      return new ForbiddenError('database operation', `insufficient privilege (SQLSTATE ${shape.code})`, origin);
    case SqlState.undefinedTable:
    case SqlState.undefinedColumn:
    case SqlState.undefinedFunction:
    case SqlState.invalidSchemaName:
      return schemaNotMigrated(MISSING_OBJECT[shape.code] ?? [], shape.message, origin) ?? generic(origin);
    case SqlState.invalidPassword:
    case SqlState.invalidAuthorization:
      return new AuthenticationFailedError(origin);
    case SqlState.invalidCatalogName:
      return new DatabaseNotFoundError(origin);
    case SqlState.readOnlySqlTransaction:
      return new ReadOnlyTransactionError(origin);
    default:
      return generic(origin);
  }
}
