import { DataError, type DataErrorOrigin } from './data-error.js';

/**
 * SQLSTATE 40001: a serializable or repeatable-read transaction lost a race. Re-running the
 * whole transaction may succeed (`transactionWithRetry` does).
 */
export class SerializationFailureError extends DataError {
  override readonly retryable = true;

  constructor(origin: DataErrorOrigin) {
    super('SERIALIZATION_FAILURE', 'Serialization failure: retry the transaction', origin);
  }
}

/** SQLSTATE 40P01: the transaction was chosen as a deadlock victim. Retryable. */
export class DeadlockError extends DataError {
  override readonly retryable = true;

  constructor(origin: DataErrorOrigin) {
    super('DEADLOCK', 'Deadlock detected: retry the transaction', origin);
  }
}

/** SQLSTATE 55P03: a lock could not be had within `lock_timeout` (or NOWAIT). */
export class LockNotAvailableError extends DataError {
  constructor(origin: DataErrorOrigin) {
    super('LOCK_NOT_AVAILABLE', 'Lock not available within lock_timeout', origin);
  }
}

/** SQLSTATE 57014: the statement ran past `statement_timeout` (or was cancelled). */
export class StatementTimeoutError extends DataError {
  constructor(origin: DataErrorOrigin) {
    super('STATEMENT_TIMEOUT', 'Statement cancelled: statement_timeout or a cancel request', origin);
  }
}

/** SQLSTATE 53300: the server has no connection slot left. */
export class TooManyConnectionsError extends DataError {
  constructor(origin: DataErrorOrigin) {
    super('TOO_MANY_CONNECTIONS', 'Too many connections to the database server', origin);
  }
}

/**
 * The connection failed or was lost (server shutdown or restart, terminated backend, network,
 * refused connection, pool timeout). What the failing call did was rolled back by the server,
 * except at COMMIT: see {@link CommitOutcomeUnknownError}.
 */
export class ConnectionLostError extends DataError {
  constructor(reason: string, origin: DataErrorOrigin = {}) {
    super('CONNECTION_LOST', `Database connection lost or unavailable: ${reason}`, origin);
  }
}

/**
 * The connection was lost while COMMIT was in flight: the transaction may or may not have
 * committed. Never retried automatically: check whether the change happened before redoing it.
 */
export class CommitOutcomeUnknownError extends DataError {
  constructor(origin: DataErrorOrigin = {}) {
    super('COMMIT_OUTCOME_UNKNOWN', 'Connection lost during COMMIT: the outcome is unknown', origin);
  }
}

/**
 * The transaction was aborted by an earlier error and refuses every statement until it ends
 * (SQLSTATE 25P02). A caller that catches an error inside a transaction and carries on gets
 * this on its next statement: run the step that may fail in a nested `unitOfWork`, whose
 * savepoint leaves the outer transaction usable after the error.
 */
export class TransactionAbortedError extends DataError {
  constructor(origin: DataErrorOrigin = {}) {
    super(
      'TRANSACTION_ABORTED',
      'The transaction was aborted by an earlier error; wrap the step that may fail in a nested unitOfWork',
      origin,
    );
  }
}
