import { ValidationError } from '../errors/validation-error.js';
import { databaseArgument } from './database-type.js';

/**
 * Checks the scope a repository factory is called with (`{ db, context }`, as a unit of work
 * passes it): an object whose `db` is a Kysely instance or transaction (the repository checks
 * `context` itself, see {@link contextArgument}). A factory called by hand with anything else
 * fails here with a `ValidationError`, not with a TypeError on first use.
 *
 * @throws ValidationError (paths `scope`, `scope.db`).
 */
export function scopeArgument<S extends { readonly db: unknown }>(scope: S): S {
  if (typeof scope !== 'object' || scope === null) {
    throw new ValidationError([{ path: 'scope', message: 'must be an object { db, context }' }]);
  }
  databaseArgument(scope.db as never, 'scope.db');
  return scope;
}

/**
 * Checks the audit context a repository is created with: an object (validated by
 * `AuditContextSchema` when it came through `createRepositories` or a unit of work) or absent.
 *
 * @throws ValidationError (path `context`) for `null`, an array or anything not an object.
 */
export function contextArgument(context: unknown): void {
  if (context !== undefined && (typeof context !== 'object' || context === null || Array.isArray(context))) {
    throw new ValidationError([{ path: 'context', message: 'must be an audit context object' }]);
  }
}
