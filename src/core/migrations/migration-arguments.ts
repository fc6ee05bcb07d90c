import type { Kysely } from 'kysely';
import { ValidationError } from '../errors/validation-error.js';

/**
 * Refuses what is not a Kysely instance (`null`, a plain object) before anything runs; a
 * transaction too when `pinned` (the runner holds a connection of its own for its lock).
 * @throws ValidationError
 */
export function assertDatabase(db: unknown, pinned: boolean): asserts db is Kysely<any> {
  const candidate = db as { executeQuery?: unknown; connection?: unknown; isTransaction?: unknown } | null;
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.executeQuery !== 'function') {
    throw new ValidationError([{ path: 'db', message: 'must be a Kysely instance (createDatabase)' }]);
  }
  if (pinned && (candidate.isTransaction === true || typeof candidate.connection !== 'function')) {
    throw new ValidationError([{ path: 'db', message: 'must be the Kysely instance, not a transaction' }]);
  }
}

/**
 * Refuses options that are not an object (`null` is refused; `undefined` means none).
 * @throws ValidationError
 */
export function optionsObject<T extends object>(options: T | undefined, path = 'options'): T | Record<string, never> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ValidationError([{ path, message: 'must be an object' }]);
  }
  return options;
}
