import type { Kysely } from 'kysely';
import type { DB } from '../../schema/db.js';
import { ValidationError } from '../errors/validation-error.js';

/**
 * Whether `db` looks like a Kysely instance or transaction (the two methods the package calls
 * on it), so that a wrong argument fails as a `ValidationError` where it is passed, not as a
 * `TypeError` deep inside the first query.
 */
function isKyselyLike(db: unknown): db is Kysely<DB> {
  if (typeof db !== 'object' || db === null) return false;
  const { executeQuery, selectFrom } = db as { executeQuery?: unknown; selectFrom?: unknown };
  return typeof executeQuery === 'function' && typeof selectFrom === 'function';
}

/**
 * Checks that `db` is a Kysely instance or transaction.
 *
 * @throws ValidationError (path `argument`) for anything else.
 */
export function databaseArgument<D extends DB>(db: Kysely<D>, argument = 'db'): Kysely<D> {
  if (!isKyselyLike(db)) throw new ValidationError([{ path: argument, message: 'must be a Kysely instance or transaction' }]);
  return db;
}

/**
 * The package's own view of a caller's database: a service may pass `Kysely<D>` for any `D` that
 * extends the package's `DB` (its own tables beside ours). Kysely's types are invariant in the
 * database type, so repositories take `Kysely<D>` in their signature and work on it as
 * `Kysely<DB>` (the tables they touch are ours, whatever else `D` holds).
 *
 * @throws ValidationError when `db` is not a Kysely instance or transaction.
 */
export function asPackageDatabase<D extends DB>(db: Kysely<D>): Kysely<DB> {
  return databaseArgument(db) as unknown as Kysely<DB>;
}
