import { sql, type Kysely } from 'kysely';
import { MigrationError } from '../errors/migration-errors.js';
import type { MigrationScript } from './migration.js';
import { splitStatements } from './split-statements.js';
import type { MigrationTimeouts } from './timeouts.js';

/**
 * Runs one migration script on a pinned connection, then `record` (the tracking-table write).
 *
 * A transactional script and its record commit together or not at all. A no-transaction
 * script runs statement by statement with session-level timeouts that are reset afterwards;
 * it is recorded only when every statement succeeded.
 *
 * @throws MigrationError naming the migration and carrying PostgreSQL's message and SQLSTATE.
 */
export async function runScript(
  connection: Kysely<any>,
  name: string,
  script: MigrationScript,
  timeouts: Required<MigrationTimeouts>,
  record: (connection: Kysely<any>) => Promise<void>,
): Promise<void> {
  const settings = (scope: 'LOCAL' | 'SESSION') =>
    sql.raw(
      `SET ${scope} lock_timeout = ${timeouts.lockTimeoutMs}; ` +
        `SET ${scope} statement_timeout = ${timeouts.statementTimeoutMs}`,
    );
  try {
    if (script.transactional) {
      await sql`BEGIN`.execute(connection);
      try {
        await settings('LOCAL').execute(connection);
        // An empty parameter list makes pg use the simple protocol: the file runs as one
        // multi-statement string, exactly as psql would run it.
        await sql.raw(script.sql).execute(connection);
        await record(connection);
        await sql`COMMIT`.execute(connection);
      } catch (error) {
        await sql`ROLLBACK`.execute(connection).catch(() => undefined);
        throw error;
      }
    } else {
      await settings('SESSION').execute(connection);
      try {
        for (const statement of splitStatements(script.sql)) {
          await sql.raw(statement).execute(connection);
        }
        await record(connection);
      } finally {
        await sql`RESET lock_timeout; RESET statement_timeout`.execute(connection);
      }
    }
  } catch (error) {
    const pg = error as { message?: unknown; code?: unknown };
    const reason = typeof pg.message === 'string' ? pg.message : String(error);
    throw new MigrationError(name, reason, typeof pg.code === 'string' ? pg.code : undefined);
  }
}
