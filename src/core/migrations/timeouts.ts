import { ValidationError } from '../errors/validation-error.js';

/** Timeouts applied to every migration script. */
export interface MigrationTimeouts {
  /**
   * `lock_timeout` in milliseconds: how long a statement may wait for a lock before the
   * migration fails instead of queueing every other query behind it. (Default: `5000`)
   */
  readonly lockTimeoutMs?: number;
  /** `statement_timeout` in milliseconds; `0` disables it. (Default: `900000`, 15 minutes) */
  readonly statementTimeoutMs?: number;
}

/** Default lock_timeout for migrations, in milliseconds. */
const DEFAULT_LOCK_TIMEOUT_MS = 5_000;
/** Default statement_timeout for migrations, in milliseconds. */
const DEFAULT_STATEMENT_TIMEOUT_MS = 15 * 60_000;

/** Validates the timeouts and returns them as integers safe to inline in `SET`. */
export function resolveTimeouts(options: MigrationTimeouts = {}): Required<MigrationTimeouts> {
  const lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const statementTimeoutMs = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  for (const [key, value] of Object.entries({ lockTimeoutMs, statementTimeoutMs })) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new ValidationError([{ path: key, message: 'must be a non-negative integer number of milliseconds' }]);
    }
  }
  return { lockTimeoutMs, statementTimeoutMs };
}
