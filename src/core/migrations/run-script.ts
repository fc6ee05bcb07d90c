import { sql, type Kysely } from 'kysely';
import { MigrationError } from '../errors/migration-errors.js';
import { MigrationPrivilegeError } from '../errors/migration-privilege-error.js';
import { isInsufficientPrivilege, refusedPrivilege } from './migration-failure.js';
import type { MigrationScript } from './migration.js';
import { splitStatements } from './split-statements.js';
import type { MigrationTimeouts } from './timeouts.js';

/** Runs a statement; a failure of this cleanup step must not replace the error being raised. */
async function quietly(connection: Kysely<any>, statement: ReturnType<typeof sql>): Promise<void> {
  await statement.execute(connection).catch(() => undefined);
}

function timeoutSettings(scope: 'LOCAL' | 'SESSION', timeouts: Required<MigrationTimeouts>) {
  // Integers validated by resolveTimeouts; SET does not take bind parameters.
  return sql.raw(
    `SET ${scope} lock_timeout = ${timeouts.lockTimeoutMs}; ` +
      `SET ${scope} statement_timeout = ${timeouts.statementTimeoutMs}`,
  );
}

function failure(name: string, error: unknown, where = ''): MigrationError | MigrationPrivilegeError {
  if (isInsufficientPrivilege(error)) return new MigrationPrivilegeError(refusedPrivilege(error), name);
  const pg = error as { message?: unknown; code?: unknown };
  // The SQL is this package's own, so PostgreSQL's message holds no row values of a service.
  const reason = typeof pg.message === 'string' ? pg.message : String(error);
  return new MigrationError(name, `${where}${reason}`, typeof pg.code === 'string' ? pg.code : undefined);
}

/**
 * Runs one migration script on a pinned connection, then `record` (the tracking-table write).
 *
 * A transactional script and its record commit together or not at all. A no-transaction
 * script runs statement by statement with session-level timeouts that are reset afterwards;
 * it is recorded only when every statement succeeded, and a failure names the statement
 * (the ones before it stay applied, so such files must be safe to re-run).
 *
 * @throws MigrationError naming the migration and carrying PostgreSQL's message and SQLSTATE;
 *   MigrationPrivilegeError when PostgreSQL refused a privilege (42501).
 */
export async function runScript(
  connection: Kysely<any>,
  name: string,
  script: MigrationScript,
  timeouts: Required<MigrationTimeouts>,
  record: (connection: Kysely<any>) => Promise<void>,
): Promise<void> {
  if (script.transactional) {
    try {
      await sql`BEGIN`.execute(connection);
      await timeoutSettings('LOCAL', timeouts).execute(connection);
      // No parameters: pg sends the file with the simple protocol, as one multi-statement
      // string, exactly as psql would run it.
      await sql.raw(script.sql).execute(connection);
      await record(connection);
      await sql`COMMIT`.execute(connection);
    } catch (error) {
      await quietly(connection, sql`ROLLBACK`);
      throw failure(name, error);
    }
    return;
  }
  const statements = splitStatements(script.sql);
  try {
    await timeoutSettings('SESSION', timeouts).execute(connection);
    for (const [index, statement] of statements.entries()) {
      try {
        await sql.raw(statement).execute(connection);
      } catch (error) {
        const where = `statement ${index + 1} of ${statements.length} (no transaction; the ${index} before it stay applied): `;
        throw failure(name, error, where);
      }
    }
    await record(connection);
  } catch (error) {
    await quietly(connection, sql`RESET lock_timeout; RESET statement_timeout`);
    throw error instanceof MigrationError || error instanceof MigrationPrivilegeError ? error : failure(name, error);
  }
  await sql`RESET lock_timeout; RESET statement_timeout`.execute(connection);
}
