import type { Kysely } from 'kysely';
import type { DB } from '../../schema/db.js';

/**
 * The package's own view of a caller's database: a service may pass `Kysely<D>` for any `D` that
 * extends the package's `DB` (its own tables beside ours). Kysely's types are invariant in the
 * database type, so repositories take `Kysely<D>` in their signature and work on it as
 * `Kysely<DB>` (the tables they touch are ours, whatever else `D` holds).
 */
export function asPackageDatabase<D extends DB>(db: Kysely<D>): Kysely<DB> {
  return db as unknown as Kysely<DB>;
}
