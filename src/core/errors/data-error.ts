/**
 * Stable machine-readable codes carried by every {@link DataError}.
 * Services switch on `error.code`, never on the message.
 */
export type DataErrorCode =
  | 'VALIDATION'
  | 'NOT_FOUND'
  | 'UNIQUE_VIOLATION'
  | 'FOREIGN_KEY_VIOLATION'
  | 'CHECK_VIOLATION'
  | 'NOT_NULL_VIOLATION'
  | 'INVALID_INPUT'
  | 'TRANSITION_CONFLICT'
  | 'VERSION_CONFLICT'
  | 'FORBIDDEN'
  | 'SERIALIZATION_FAILURE'
  | 'DEADLOCK'
  | 'LOCK_NOT_AVAILABLE'
  | 'STATEMENT_TIMEOUT'
  | 'CONNECTION_LOST'
  | 'COMMIT_OUTCOME_UNKNOWN'
  | 'TOO_MANY_CONNECTIONS'
  | 'TRANSACTION_ABORTED'
  | 'TRANSACTION_SCOPE'
  | 'STATEMENT_INVALIDATED'
  | 'MIGRATION_FAILED'
  | 'MIGRATION_CHECKSUM_MISMATCH'
  | 'MIGRATION_STATE'
  | 'DATABASE_ERROR'
  | 'DATABASE_CLOSED'
  | 'MIGRATION_PRIVILEGE'
  | 'SCHEMA_NOT_MIGRATED'
  | 'AUTHENTICATION_FAILED'
  | 'DATABASE_NOT_FOUND'
  | 'READ_ONLY_TRANSACTION'
  | 'TENANT_ISOLATION'
  | 'CONFIGURATION'
  | 'DECRYPTION_FAILED'
  | 'KEY_PROVIDER'
  | 'REPLICA_UNAVAILABLE';

/** What a {@link DataError} keeps of the driver error it replaces: names and codes, never values. */
export interface DataErrorOrigin {
  /** The PostgreSQL SQLSTATE, e.g. `23505`. */
  readonly sqlState?: string;
  /** The table involved. */
  readonly table?: string;
  /** The column involved. */
  readonly column?: string;
  /** The constraint involved. */
  readonly constraint?: string;
}

/**
 * Base class of every error this package throws.
 *
 * Messages name tables, columns and constraints but never contain row values, passwords or
 * secrets: the PostgreSQL `detail` (which holds row values) is deliberately dropped.
 */
export class DataError extends Error {
  /** A stable code to branch on. */
  readonly code: DataErrorCode;
  /** The PostgreSQL SQLSTATE when the error came from the server. */
  readonly sqlState: string | undefined;
  /**
   * Whether re-running the whole transaction may succeed (serialization failures and
   * deadlocks). `transactionWithRetry` retries only these.
   */
  readonly retryable: boolean = false;

  constructor(code: DataErrorCode, message: string, origin: DataErrorOrigin = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.sqlState = origin.sqlState;
  }
}
