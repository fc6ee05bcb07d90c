// The "raw prepared" side: raw pg calls that name every statement the way the repositories'
// driver does (src/core/database/pool-driver.ts), on the repositories' own pool (`namingPool`;
// `nameStatements` makes a recording pool's clients do the same): `client.query(text, values)` becomes
// `client.query({ name: statementName(text), text, values })`, so the server parses and plans
// each statement once per connection; transaction control (`begin…`, `start transaction…`,
// `commit`, `rollback…`, `savepoint…`, `release savepoint…`, and the unit of work's
// `begin; select set_config(…)` message) stays unnamed, as the driver sends it. A case's own
// `raw` side, bound to such a pool, is its raw prepared side: no case writes it twice.
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
    target.query = (...args: unknown[]) => query(...namedArguments(args));
  });
}

/**
 * `args` of a `query` call (text or a config object, values, a callback) with the statement
 * named: a config that already has a name, a submittable (a cursor) or transaction control
 * passes through unchanged.
 */
function namedArguments(args: unknown[]): unknown[] {
  const [first] = args;
  if (typeof first === 'string') {
    const name = preparedNameOf(first);
    if (name === undefined) return args;
    const named = [...args];
    named[0] = { text: first, name };
    return named;
  }
  if (first !== null && typeof first === 'object') {
    const config = first as pg.QueryConfig & { submit?: unknown };
    if (typeof config.submit !== 'function' && typeof config.text === 'string' && config.name === undefined) {
      const name = preparedNameOf(config.text);
      if (name !== undefined) {
        const named = [...args];
        named[0] = { ...config, name };
        return named;
      }
    }
  }
  return args;
}

/**
 * The raw prepared side over `pool`, the pool the repositories' side runs on: `query` and the
 * clients `connect` hands out name their statements (as {@link nameStatements} does), while the
 * repositories keep calling the same clients unwrapped. Both sides thus run on the same
 * connections, backends and session settings, and even share the server's prepared statements
 * (same text, same name). `query` goes straight to pg-pool's own `query` with a named config (no
 * layer of its own); a client's wrapper is made once per client.
 */
export function namingPool(pool: pg.Pool): pg.Pool {
  const wrappers = new WeakMap<pg.PoolClient, pg.PoolClient>();
  const wrap = (client: pg.PoolClient): pg.PoolClient => {
    let wrapper = wrappers.get(client);
    if (!wrapper) {
      const query = client.query.bind(client) as QueryFn;
      wrapper = {
        query: (...args: unknown[]) => query(...namedArguments(args)),
        release: (error?: Error | boolean) => client.release(error),
      } as unknown as pg.PoolClient;
      wrappers.set(client, wrapper);
    }
    return wrapper;
  };
  const query = pool.query.bind(pool) as QueryFn;
  return {
    query: (...args: unknown[]) => query(...namedArguments(args)),
    connect: () => pool.connect().then(wrap),
  } as unknown as pg.Pool;
}
