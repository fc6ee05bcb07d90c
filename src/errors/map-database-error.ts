import { DataError, type DataErrorOrigin } from './data-error.js';
import {
  CheckViolationError,
  ForeignKeyViolationError,
  NotNullViolationError,
  UniqueViolationError,
} from './constraint-errors.js';
import { SqlState } from './sqlstate.js';

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
