import { inspect } from 'node:util';
import { expect } from 'vitest';
import { ConfigurationError } from '../../../src/core/config/configuration-error.js';
import { DataError } from '../../../src/core/errors/data-error.js';

/** A syntactically valid secret ARN (no real account). */
export const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/org-data-AbCdEf';

/** Values that must never show up in an error: one per field, all distinctive. */
export const SECRET_VALUES = Object.freeze({
  username: 'secret-user-q7',
  password: 'hunter2-secret',
  host: 'secret-host-q7.internal',
  port: 6543,
  dbname: 'secret_db_q7',
});

/** A valid secret's JSON, with `changes` applied (`undefined` removes a key). */
export function secretJson(changes: Record<string, unknown> = {}): string {
  const secret: Record<string, unknown> = { engine: 'postgres', ...SECRET_VALUES, ...changes };
  for (const [key, value] of Object.entries(changes)) if (value === undefined) delete secret[key];
  return JSON.stringify(secret);
}

/** Everything a logger could print of an error. */
function everything(error: unknown): string {
  const e = error as Error;
  return [
    e.message,
    e.stack,
    JSON.stringify(error),
    String(error),
    JSON.stringify(Object.entries(e)),
    inspect(error, { depth: 10, showHidden: true }),
  ].join('\n');
}

/** Asserts that none of `values` appears anywhere in what `error` prints. */
export function expectNoValues(error: unknown, values: readonly unknown[]): void {
  const printed = everything(error);
  for (const value of values) expect(printed, `leaks ${String(value)}`).not.toContain(String(value));
}

/** What a call threw (synchronously or as a rejection), or a failure when it did not throw. */
export async function caught(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

/**
 * Asserts `error` is a {@link ConfigurationError} whose keys are exactly `keys` (in any order)
 * and whose message names each of them.
 */
export function expectConfigError(error: unknown, keys: readonly string[]): ConfigurationError {
  expect(error).toBeInstanceOf(ConfigurationError);
  expect(error).toBeInstanceOf(DataError);
  const configError = error as ConfigurationError;
  expect(configError.code).toBe('CONFIGURATION');
  expect([...configError.keys].sort()).toEqual([...keys].sort());
  for (const key of keys) expect(configError.message).toContain(key);
  return configError;
}

/** Blank and placeholder spellings, each of which must be rejected for every key. */
export const PLACEHOLDERS: readonly string[] = Object.freeze([
  '',
  '   ',
  'undefined',
  'UNDEFINED',
  'null',
  'NULL',
  'Null',
  'changeme',
  'ChangeMe',
  'CHANGEME',
  'change_me',
  ' changeme ',
  '<password>',
  '<>',
  '<YOUR DB HOST>',
  '${DB_PASSWORD}',
  '${}',
  '${ env:DB }',
]);
