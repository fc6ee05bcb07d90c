import type { Kysely } from 'kysely';
import type { LoadedDatabaseConfig } from '../core/config/database-connection-config.js';
import type { DatabaseConnectionRole } from '../core/config/database-env.js';
import { loadDatabaseConfig, type DatabaseEnvironment } from '../core/config/load-database-config.js';
import { createDatabase } from '../core/database/create-database.js';
import type { DB } from '../schema/db.js';

/** `pg_stat_activity.application_name` of the CLI's connections. */
const APPLICATION_NAME = 'org-data-cli';

/**
 * Reads one connection's configuration for the CLI: `loadDatabaseConfig` with a password-less
 * URL accepted (trust, peer, `PGPASSWORD` or `~/.pgpass`); a placeholder password is still
 * refused, before any name is resolved or connection made.
 *
 * @throws ConfigurationError naming the offending variables.
 */
export function loadCliConfig(env: DatabaseEnvironment, connection: DatabaseConnectionRole): Promise<LoadedDatabaseConfig> {
  return loadDatabaseConfig(env, { connection, allowMissingPassword: true });
}

/**
 * A pool of one connection with `config`: the CLI runs one statement at a time. A refused
 * login re-reads a secret once (rotation) before failing.
 */
export function openCliDatabase(config: LoadedDatabaseConfig): Kysely<DB> {
  return createDatabase({
    ...config,
    max: 1,
    applicationName: APPLICATION_NAME,
    refreshPassword: () => config.refreshSecret(),
  });
}
