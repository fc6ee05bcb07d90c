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
  const origin: DataErrorOrigin = {
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
      return isCachedPlanChanged(error)
        ? new StatementInvalidatedError(origin)
        : new DataError('DATABASE_ERROR', `Database error (SQLSTATE ${shape.code})`, origin);
    case SqlState.adminShutdown:
    case SqlState.crashShutdown:
    case SqlState.cannotConnectNow:
      return new ConnectionLostError(`server closed the connection (SQLSTATE ${shape.code})`, origin);
    case SqlState.insufficientPrivilege:
      return new ForbiddenError('database operation', `insufficient privilege (SQLSTATE ${shape.code})`, origin);
    case SqlState.invalidTextRepresentation:
    case SqlState.characterNotInRepertoire:
    case SqlState.stringDataRightTruncation:
    case SqlState.invalidDatetimeFormat:
    case SqlState.datetimeFieldOverflow:
      return new DataError('INVALID_INPUT', `Invalid input value (SQLSTATE ${shape.code})`, origin);
    default:
      return new DataError('DATABASE_ERROR', `Database error (SQLSTATE ${shape.code})`, origin);
  }
}
