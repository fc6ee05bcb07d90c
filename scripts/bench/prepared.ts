// The "raw prepared" side: raw pg pools that name every statement the way the repositories'
// driver does (src/core/database/pool-driver.ts): `client.query(text, values)` becomes
// `client.query({ name: statementName(text), text, values })`, so the server parses and plans
// each statement once per connection; transaction control (`begin…`, `start transaction…`,
// `commit`, `rollback…`, `savepoint…`, `release savepoint…`, and the unit of work's
// `begin; select set_config(…)` message) stays unnamed, as the driver sends it. A case's own
// `raw` side, bound to these connections, is its raw prepared side: no case writes it twice.
import pg from 'pg';
import { statementName } from '../../src/core/kernel/statement-name.js';
import type { Connections } from './support.js';

/** Whether `sql` is transaction control, which the driver never names. */
function isTransactionControl(sql: string): boolean {
  return /^\s*(begin|start\s+transaction|commit|end|rollback|abort|savepoint|release)\b/i.test(sql);
}

/**
 * Names by SQL text, computed once per text: a hand-written raw side would hold its names as
 * constants, so the raw prepared side must not pay a SHA-256 per call (about 3 µs, which would
 * flatter the repositories).
 */
const names = new Map<string, string | undefined>();

/**
 * Statements the package plans per call by design (`compiledQuery(…, { prepared: false })`):
 * the client list filtered by a caller's metadata document, whose best plan depends on the
 * document (docs/prepared-statements.md).
 */
function isPlannedPerCall(sql: string): boolean {
  return sql.includes('clients.metadata @> ');
}

/** The name the raw prepared side gives `sql` (undefined: sent unnamed). */
export function preparedNameOf(sql: string): string | undefined {
  if (names.has(sql)) return names.get(sql);
  const name = isTransactionControl(sql) || isPlannedPerCall(sql) ? undefined : statementName(sql);
  names.set(sql, name);
  return name;
}

type QueryFn = (...args: unknown[]) => unknown;

/**
 * Makes every client of `pool` name its statements (see the file's comment). Handles every
 * form pg accepts (text or a config object, values and a callback: pg-pool's `pool.query` calls
 * `client.query(text, values, callback)`); a config that already has a name, a submittable (a
 * cursor) or transaction control passes through unchanged.
 */
export function nameStatements(pool: pg.Pool): void {
  pool.on('connect', (client) => {
    const target = client as unknown as { query: QueryFn };
    const query = target.query.bind(client) as QueryFn;
    target.query = (...args: unknown[]) => {
      const [first, ...rest] = args;
      if (typeof first === 'string') {
        const name = preparedNameOf(first);
        return name === undefined ? query(...args) : query({ text: first, name }, ...rest);
      }
      if (first !== null && typeof first === 'object') {
        const config = first as pg.QueryConfig & { submit?: unknown };
        if (typeof config.submit !== 'function' && typeof config.text === 'string' && config.name === undefined) {
          const name = preparedNameOf(config.text);
          if (name !== undefined) return query({ ...config, name }, ...rest);
        }
      }
      return query(...args);
    };
  });
}

/**
 * The raw prepared side's connections: `db` is `base.db` (raw sides use only the pool; a side
 * that used `db` would be the repository's, unchanged), `pool` a fresh raw pool of `max`
 * connections that names its statements. `close` ends only the pool.
 */
export function openPreparedConnections(url: string, base: Connections, max: number, options: string): Connections {
  const pool = new pg.Pool({ connectionString: url, max, options });
  pool.on('error', () => undefined);
  nameStatements(pool);
  return { db: base.db, pool, close: () => pool.end() };
}
