import { ForeignKeyViolationError } from '../errors/constraint-errors.js';
import { mapDatabaseError } from '../errors/map-database-error.js';
import { NotFoundError } from '../errors/not-found-error.js';

/**
 * Rethrows a foreign-key violation on one of `constraints` as a {@link NotFoundError} for the
 * referenced entity (the caller named a row that does not exist); anything else is rethrown
 * mapped.
 */
export function foreignKeyAsNotFound(
  error: unknown,
  constraints: Readonly<Record<string, string>>,
): never {
  const mapped = mapDatabaseError(error);
  if (mapped instanceof ForeignKeyViolationError && mapped.constraint) {
    const entity = constraints[mapped.constraint];
    if (entity) throw new NotFoundError(entity);
  }
  throw mapped;
}
