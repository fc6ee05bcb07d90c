import { DefaultConnectionProvider, DefaultQueryExecutor, Kysely, PostgresDialect, type PostgresDialectConfig } from 'kysely';
import type { DB } from '../../schema/db.js';
import { registerDatabase } from './database-internals.js';
import { registerDirectExecutor } from '../kernel/direct-executor.js';
import { ManagedDriver } from './managed-driver.js';
import { PoolDriver, type PoolDriverOptions } from './pool-driver.js';

/**
 * The Kysely instance `createDatabase` returns, over `pool` (a `pg.Pool`, or anything with
 * its `connect()` and `end()`): built from `KyselyProps` (dialect, driver, executor) rather than
 * from a dialect, so that the parts Kysely keeps private are known, and registered (see
 * `databaseInternals`) so that a unit of work can run its transaction on a connection of this
 * driver with `BEGIN` and the tenant in one message. To Kysely's API it is the same instance
 * `new Kysely({ dialect: new PostgresDialect({ pool }) })` would be, except that statements
 * declared with `compiledQuery` run as named prepared statements (unless
 * `options.preparedStatements` is `false`).
 */
export function databaseOverPool(
  pool: PostgresDialectConfig['pool'],
  options: PoolDriverOptions & { readonly alsoDestroy?: () => Promise<void> } = { preparedStatements: true },
): Kysely<DB> {
  const dialect = new PostgresDialect({ pool });
  const driver = new ManagedDriver(new PoolDriver(pool, options), options.alsoDestroy);
  const compiler = dialect.createQueryCompiler();
  const adapter = dialect.createAdapter();
  const executor = new DefaultQueryExecutor(compiler, adapter, new DefaultConnectionProvider(driver), []);
  const config = { dialect };
  const db = new Kysely<DB>({ config, dialect, driver, executor });
  registerDatabase(db, { config, dialect, driver, executor, compiler, adapter });
  // No plugins on this instance: a compiled statement needs only a connection, taken and
  // released by the driver around it.
  registerDirectExecutor(
    db,
    (query) => driver.runAlone(query),
    (query) => driver.runAloneFirst(query),
  );
  return db;
}
