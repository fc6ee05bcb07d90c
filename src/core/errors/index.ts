export { DataError, type DataErrorCode, type DataErrorOrigin } from './data-error.js';
export { ValidationError, type ValidationIssue } from './validation-error.js';
export { NotFoundError } from './not-found-error.js';
export { TransitionConflictError } from './transition-conflict-error.js';
export { ForbiddenError } from './forbidden-error.js';
export { VersionConflictError } from './version-conflict-error.js';
export {
  SerializationFailureError,
  DeadlockError,
  LockNotAvailableError,
  StatementTimeoutError,
  TooManyConnectionsError,
  ConnectionLostError,
  CommitOutcomeUnknownError,
  TransactionAbortedError,
} from './operational-errors.js';
export { TransactionScopeError } from './transaction-scope-error.js';
export { StatementInvalidatedError } from './statement-invalidated.js';
export {
  ConstraintError,
  UniqueViolationError,
  ForeignKeyViolationError,
  CheckViolationError,
  NotNullViolationError,
} from './constraint-errors.js';
export { MigrationError, MigrationChecksumError, MigrationStateError } from './migration-errors.js';
export { mapDatabaseError } from './map-database-error.js';
export { SqlState } from './sqlstate.js';
export { DatabaseClosedError } from './lifecycle-errors.js';
export { MigrationPrivilegeError } from './migration-privilege-error.js';
export { SchemaNotMigratedError, type MissingSchemaObject } from './schema-not-migrated-error.js';
export { AuthenticationFailedError } from './authentication-failed-error.js';
export { DatabaseNotFoundError } from './database-not-found-error.js';
export { ReadOnlyTransactionError } from './read-only-transaction-error.js';
export { TenantIsolationError } from './tenant-isolation-error.js';
export { DecryptionError, KeyProviderError, type DecryptionFailure } from './encryption-errors.js';
export { ReplicaUnavailableError } from './replica-unavailable-error.js';
