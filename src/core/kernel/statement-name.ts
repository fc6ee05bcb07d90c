import { createHash } from 'node:crypto';

/** The prefix of every prepared-statement name this package gives the server. */
const STATEMENT_NAME_PREFIX = 'od_';

/**
 * The server-side name of a prepared statement with SQL text `sql`: `od_` and the first 24 hex
 * digits of the text's SHA-256. Stable across processes and releases for the same text (the
 * benchmark's raw side and a DBA reading `pg_prepared_statements` see the same name), and a
 * different text never shares a name in practice (96 bits), which pg requires: one name, one
 * text per connection.
 *
 * @example
 * statementName('select 1'); // 'od_…' (27 characters)
 */
export function statementName(sql: string): string {
  return STATEMENT_NAME_PREFIX + createHash('sha256').update(sql).digest('hex').slice(0, 24);
}
