import { sql, type Kysely } from 'kysely';
import { MigrationError } from '../errors/migration-errors.js';
import { MigrationPrivilegeError } from '../errors/migration-privilege-error.js';
import { isInsufficientPrivilege, refusedPrivilege } from './migration-failure.js';
import { RUN_RESULTS_MARKER, type MigrationScript } from './migration.js';
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

/** Whether the marker is among the comment lines that lead `statement` (not inside its SQL). */
function runsResults(statement: string): boolean {
  for (const line of statement.split('\n')) {
    const text = line.trim();
    if (text === RUN_RESULTS_MARKER) return true;
    if (text !== '' && !text.startsWith('--')) return false;
  }
  return false;
}

/** The `statement` column of each row; a row without text there is a mistake of the script. */
function statementsOf(rows: readonly { statement?: unknown }[]): string[] {
  return rows.map((row, index) => {
    if (typeof row.statement !== 'string' || row.statement.trim() === '') {
      throw new Error(`row ${index + 1} of a ${RUN_RESULTS_MARKER} query has no text in its "statement" column`);
    }
    return row.statement;
  });
}

/**
 * Runs one migration script on a pinned connection, then `record` (the tracking-table write).
 *
 * A transactional script and its record commit together or not at all. A no-transaction
 * script runs statement by statement with session-level timeouts that are reset afterwards;
 * it is recorded only when every statement succeeded, and a failure names the statement
 * (the ones before it stay applied, so such files must be safe to re-run). There, a statement
 * preceded by `-- org-data:run-results` is a query whose rows' `statement` column is run, row by
 * row (see {@link RUN_RESULTS_MARKER}).
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
      const where = `statement ${index + 1} of ${statements.length} (no transaction; the ${index} before it stay applied)`;
      let generated: string[] = [];
      try {
        const result = await sql.raw<{ statement?: unknown }>(statement).execute(connection);
        if (runsResults(statement)) generated = statementsOf(result.rows);
      } catch (error) {
        throw failure(name, error, `${where}: `);
      }
      for (const [row, text] of generated.entries()) {
        try {
          await sql.raw(text).execute(connection);
        } catch (error) {
          throw failure(name, error, `${where}, generated statement ${row + 1} of ${generated.length}: `);
        }
      }
    }
    await record(connection);
  } catch (error) {
    await quietly(connection, sql`RESET lock_timeout; RESET statement_timeout`);
    throw error instanceof MigrationError || error instanceof MigrationPrivilegeError ? error : failure(name, error);
  }
  await sql`RESET lock_timeout; RESET statement_timeout`.execute(connection);
}
