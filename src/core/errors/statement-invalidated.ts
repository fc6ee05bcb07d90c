import { DataError, type DataErrorOrigin } from './data-error.js';
import { SqlState } from './sqlstate.js';

/**
 * A prepared statement could not run because a migration changed what it reads since the
 * connection prepared it ("cached plan must not change result type", SQLSTATE 0A000), and other
 * statements had already run in its transaction, so it was not run again silently. The
 * connection has forgotten its prepared statements: re-running the whole transaction succeeds
 * (`unitOfWork` with `retry` does it, as for a serialization failure).
 */
export class StatementInvalidatedError extends DataError {
  override readonly retryable = true;

  constructor(origin: DataErrorOrigin) {
    super(
      'STATEMENT_INVALIDATED',
      'A prepared statement was invalidated by a schema change during the transaction: retry the transaction',
      origin,
    );
  }
}

/** Whether `error` is PostgreSQL's "cached plan must not change result type" (0A000). */
export function isCachedPlanChanged(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (
    code === SqlState.featureNotSupported &&
    typeof message === 'string' &&
    message.includes('cached plan must not change result type')
  );
}
