import { UsageError } from './usage-error.js';

/** Reads a whole-number option (`--steps 2`); `undefined` when absent. */
export function wholeNumber(value: string | undefined, name: string, min = 0, max = 2 ** 31 - 1): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,10}$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`${name} must be a whole number from ${min} to ${max}`);
  }
  return Number(value);
}

/** The migration timeouts shared by `migrate` and `rollback`. */
export const TIMEOUT_OPTIONS = Object.freeze({
  'lock-timeout': { type: 'string' },
  'statement-timeout': { type: 'string' },
} as const);

/** Reads {@link TIMEOUT_OPTIONS}. */
export function timeouts(values: { readonly 'lock-timeout'?: string; readonly 'statement-timeout'?: string }) {
  const lockTimeoutMs = wholeNumber(values['lock-timeout'], '--lock-timeout');
  const statementTimeoutMs = wholeNumber(values['statement-timeout'], '--statement-timeout');
  return {
    ...(lockTimeoutMs === undefined ? {} : { lockTimeoutMs }),
    ...(statementTimeoutMs === undefined ? {} : { statementTimeoutMs }),
  };
}

/** Reads a migration name option (`--to NAME`); `undefined` when absent. */
export function migrationName(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new UsageError(`${name} needs a migration name`);
  return value;
}

/** The lines of a multi-line usage text, for the table in `help`. */
export const TIMEOUT_USAGE = [
  '  --lock-timeout MS        lock_timeout for each migration (default 5000)',
  '  --statement-timeout MS   statement_timeout for each migration (default 900000)',
] as const;
