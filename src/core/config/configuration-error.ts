import { DataError } from '../errors/data-error.js';
import type { ValidationIssue } from '../errors/validation-error.js';

/**
 * The database configuration (environment variables, the `DATABASE_URL` parts, or the JSON of
 * the secret behind `DATABASE_SECRET_ARN`) is missing, invalid, or could not be read.
 *
 * Thrown at start-up, before any connection is attempted. Like every {@link DataError}, the
 * message names the offending keys (e.g. `DATABASE_URL.password`) and why they were rejected,
 * but never contains a configured value: no password, host, URL, ARN or secret content, and no
 * `cause` that could carry one.
 *
 * Its `code` is `CONFIGURATION`.
 */
export class ConfigurationError extends DataError {
  /** Every rejected key with the reason, in the order found (paths and reasons, never values). */
  readonly issues: readonly ValidationIssue[];
  /** The distinct offending keys, e.g. `['DATABASE_SECRET_ARN.password']`. */
  readonly keys: readonly string[];

  constructor(issues: readonly ValidationIssue[]) {
    const described = issues.map((issue) => `${issue.path || '(configuration)'} ${issue.message}`);
    super('CONFIGURATION', `Invalid database configuration: ${described.join('; ')}`);
    this.issues = Object.freeze([...issues]);
    this.keys = Object.freeze([...new Set(issues.map((issue) => issue.path || '(configuration)'))]);
  }
}
