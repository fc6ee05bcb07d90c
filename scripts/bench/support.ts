// Shared plumbing of `npm run bench`: progress on stderr, the benchmark database, both sides'
// pools, statement capture on either side, and markdown output.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { createDatabase, createPool } from '../../src/core/database/create-database.js';
import { databaseOverPool } from '../../src/core/database/database-over-pool.js';
import type { DB } from '../../src/schema/db.js';
import { registeredPool } from '../../src/core/health/pool-figures.js';
import { nameStatements, namingPool } from './prepared.js';

/** Connections per pool; calls run one at a time, so one would do. */
export const POOL_SIZE = 4;

// ---------------------------------------------------------------------------------------------
// Progress (stderr).

const started = process.hrtime.bigint();

/** Seconds since the script started. */
export function elapsedSeconds(): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** One progress line on stderr, prefixed with the elapsed time. */
export function progress(message: string): void {
  process.stderr.write(`[${elapsedSeconds().toFixed(0).padStart(4)}s] ${message}\n`);
}

/** Runs `fn`, reporting on stderr how long it took. */
export async function step<T>(message: string, fn: () => Promise<T>): Promise<T> {
  const start = process.hrtime.bigint();
  progress(`${message} …`);
  const result = await fn();
  progress(`${message}: done in ${(Number(process.hrtime.bigint() - start) / 1e9).toFixed(1)}s`);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Database.

/** Creates the database `name` on the server and returns its connection string. */
export async function createBenchDatabase(adminUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Startup options of the raw side's connections. */
const RAW_OPTIONS = '-c TimeZone=UTC';

/**
 * The raw side's pool. pg-pool's `end()` resolves before its connections have closed; when
 * `server.stop()` then terminates them (57P01) an idle client emits 'error', which crashes the
 * process unless the pool has a listener (`createPool` has one too).
 */
function createRawPool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, options: RAW_OPTIONS });
  pool.on('error', () => undefined);
  return pool;
}

/** A Kysely instance (the repositories' side) and a raw pg.Pool (the raw side) on one database. */
export interface Connections {
  readonly db: Kysely<DB>;
  readonly pool: pg.Pool;
  close(): Promise<void>;
}

/**
 * Opens both sides' pools. Cases seed their data on the setup connections and are checked and
 * timed on connections opened afterwards, so that both sides start from backends in the same state: a
 * backend that had loaded (or scanned) the audit rows answered the same history query about
 * 15% faster than a fresh backend, which favoured whichever side shared the loader's connection.
 */
export function openConnections(url: string, max = POOL_SIZE): Connections {
  const db = createDatabase({ connectionString: url, max });
  const pool = createRawPool(url, max);
  return {
    db,
    pool,
    close: async () => {
      await pool.end();
      await db.destroy();
    },
  };
}

/**
 * The connections a case is checked and timed on: the repositories' instance (`createDatabase`,
 * as a service builds it) and, as `pool`, the `pg.Pool` that instance runs on, so that the raw
 * sides run on the very same connections: the same backends, with the same session settings
 * (the package's statement, lock and idle-in-transaction timeouts, UTC). With a pool of its own
 * per side, the same statement answered up to 15% faster on one side's backend than on the
 * other's, differently from run to run and by more than the package's own cost (docs/benchmarks.md,
 * "One set of connections"); calls run one at a time, so the sides alternate on one backend.
 * `close` ends both (one pool).
 */
export function openTimedConnections(url: string, max = POOL_SIZE): Connections {
  const db = createDatabase({ connectionString: url, max });
  const pool = registeredPool(db) as pg.Pool | undefined;
  if (!pool) throw new Error('createDatabase registered no pool');
  return { db, pool, close: () => db.destroy() };
}

/**
 * The raw prepared side on `base`'s connections (see prepared.ts, `namingPool`): the same pool,
 * its statements named as the repositories' driver names them. `close` does nothing: the pool
 * is `base`'s.
 */
export function openRawPrepared(base: Connections): Connections {
  return { db: base.db, pool: namingPool(base.pool), close: async () => undefined };
}

/** One statement a client sent: its text, parameters and prepared-statement name (if any). */
export interface SentQuery {
  readonly sql: string;
  readonly parameters: readonly unknown[];
  readonly name?: string;
}

/**
 * Records in `sent` every statement the clients of `pool` run, as pg receives it (through
 * `pool.query`, a client from `pool.connect()`, or Kysely, which runs every statement,
 * `begin`/`commit` included, with `client.query`).
 */
function recordStatements(pool: pg.Pool, sent: SentQuery[]): void {
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const [first, second] = args;
      const config: pg.QueryConfig = typeof first === 'string' ? { text: first } : (first as pg.QueryConfig);
      const values = Array.isArray(second) ? second : (config.values ?? []);
      sent.push({ sql: config.text, parameters: [...values], ...(config.name ? { name: config.name } : {}) });
      return query(...args);
    };
  });
}

/**
 * A Kysely instance on one connection of the package's pool that records every statement it
 * sends. It is built as `createDatabase` builds its instances (`databaseOverPool`), so the
 * repositories' side sends what it sends on `createDatabase`'s: BEGIN and the tenant in one
 * message. `sent` is the record; empty it between checks.
 */
export function createRecordingDatabase(url: string): { db: Kysely<DB>; sent: SentQuery[] } {
  const sent: SentQuery[] = [];
  const pool = createPool({ connectionString: url, max: 1 });
  recordStatements(pool, sent);
  return { db: databaseOverPool(pool), sent };
}

/**
 * A raw pool on one connection (as the raw side runs on) that records every statement. With
 * `named`, it names its statements as the raw prepared side's pools do, and records them with
 * their names (the recording sees what pg receives).
 */
export function createRecordingPool(url: string, { named = false } = {}): { pool: pg.Pool; sent: SentQuery[] } {
  const sent: SentQuery[] = [];
  const pool = new pg.Pool({ connectionString: url, max: 1, options: RAW_OPTIONS });
  pool.on('error', () => undefined);
  // 'connect' listeners run in order: the naming wrapper goes around the recording one.
  recordStatements(pool, sent);
  if (named) nameStatements(pool);
  return { pool, sent };
}

/** Collapses the whitespace of a multi-line SQL literal, so the text is what Kysely sends. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')').trim();
}

/** Exact row count of `table`. */
export async function countRows(pool: pg.Pool, table: string, where = 'true'): Promise<number> {
  return (await pool.query(`select count(*)::bigint as n from ${table} where ${where}`)).rows[0].n * 1;
}

// ---------------------------------------------------------------------------------------------
// Output (stdout).

/**
 * The installed version of package `name`: its package.json in the nearest node_modules above
 * this file (scripts/bench/ under tsx, .bench/ when bundled).
 */
export function packageVersion(name: string): string {
  for (let dir = import.meta.dirname; ; dir = dirname(dir)) {
    const path = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(path)) return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
    if (dirname(dir) === dir) return 'unknown';
  }
}

/** A markdown table; the first `leftColumns` columns are left-aligned, the others right-aligned. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], leftColumns = 1): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i < leftColumns ? '---' : '---:')).join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

/** A number with thousands separators: 1,000,000. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * The raw side's transaction: `begin` (or another first message, such as the repository's
 * `begin; select set_config(…)`), `work` on one client, `commit` (or `rollback` when it throws),
 * as the repositories send them, so the statements compare equal to the repositories'.
 */
export async function rawTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
  begin = 'begin',
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}
