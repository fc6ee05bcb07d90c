import type { Kysely } from 'kysely';
import pg from 'pg';
import type { DB } from '../../schema/db.js';
import { isAuthenticationError } from '../config/authentication-error.js';
import { ConfigurationError } from '../config/configuration-error.js';
import { databaseOverPool } from './database-over-pool.js';
import { registerPool } from '../health/pool-figures.js';
import { observeQueries } from '../telemetry/query-hook.js';
import type { QueryHookConfig } from '../telemetry/query-event.js';
import { responseBoundFor } from './response-bound.js';
import { resolveReplicaRouting, type ReplicaRoutingOptions } from '../replicas/replica-routing.js';
import { registerReplicaSet, ReplicaSet } from '../replicas/replica-set.js';

function milliseconds(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new ConfigurationError([{ path: name, message: 'must be a non-negative integer' }]);
  return value;
}

/** `statement_timeout` of every connection unless configured, in ms. */
const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;

/** PostgreSQL type OID of `date`. */
const DATE_OID = 1082;

/** Connection settings for {@link createDatabase}. */
export interface DatabaseConfig {
  /** A `postgres://` connection string. Prefer discrete fields for secrets from a vault. */
  readonly connectionString?: string;
  /** Server host, when not in `connectionString`. */
  readonly host?: string;
  /** Server port. */
  readonly port?: number;
  /** Login role. */
  readonly user?: string;
  /** Password, or a function returning it (re-read for every new connection: rotated secrets). */
  readonly password?: string | (() => string | Promise<string>);
  /** Database name. */
  readonly database?: string;
  /** Pool size. (Default: `10`) */
  readonly max?: number;
  /** Reported in `pg_stat_activity.application_name`. (Default: `org-data`) */
  readonly applicationName?: string;
  /** How long to wait for a connection from the pool, in ms. (Default: `10000`) */
  readonly connectionTimeoutMillis?: number;
  /** How long an idle connection stays open, in ms. (Default: `30000`) */
  readonly idleTimeoutMillis?: number;
  /** `statement_timeout` of every connection, in ms; `0` disables it. (Default: `30000`) */
  readonly statementTimeoutMs?: number;
  /** `lock_timeout` of every connection, in ms; `0` disables it. (Default: `10000`) */
  readonly lockTimeoutMs?: number;
  /**
   * `idle_in_transaction_session_timeout`, in ms: the server ends a session that sits idle inside
   * a transaction this long, so a stuck caller cannot hold locks forever. (Default: `60000`)
   */
  readonly idleInTransactionTimeoutMs?: number;
  /**
   * Called once when a new connection is refused for its credentials (SQLSTATE 28P01/28000),
   * before that connection is tried again once: pass `() => config.refreshSecret()` of a
   * `loadDatabaseConfig` result so a rotated secret is re-read.
   */
  readonly refreshPassword?: () => void | Promise<void>;
  /** TLS options passed to pg (e.g. from `loadDatabaseConfig`: CA bundle, verify-full). */
  readonly ssl?: pg.ClientConfig['ssl'];
  /**
   * Called when an idle or checked-out connection fails outside a query (the server restarted,
   * the connection was terminated). The pool discards that connection and the process keeps
   * running. (Default: ignore; the next query gets a fresh connection)
   */
  readonly onConnectionError?: (error: Error) => void;
  /**
   * Run the package's statements as named server-side prepared statements, parsed and planned
   * once per connection. Turn it off behind a pooler that cannot keep them: PgBouncer before
   * 1.21 in transaction or statement mode (from 1.21 on, set its `max_prepared_statements`
   * above zero, e.g. 200, and keep this on). The environment variable
   * `ORG_DATA_PREPARED_STATEMENTS=off` turns it off where the option is not given.
   * (Default: `true`)
   */
  readonly preparedStatements?: boolean;
  /**
   * Called after every statement with its prepared-statement name, SQL text, duration, row
   * count and SQLSTATE on failure; parameters only with `{ hook, includeParameters: true }`.
   * A hook that throws never affects the query (reported once as a process warning). See
   * docs/observability.md. (Default: none, and no cost per statement)
   */
  readonly onQuery?: QueryHookConfig;
  /**
   * A client-side bound on a silent server, in ms: when a statement sent on a connection gets
   * no answer this long (a network partition, a black-holed route, a frozen server), the
   * connection is destroyed, the call fails with `ConnectionLostError` (or
   * `CommitOutcomeUnknownError` when it was the COMMIT of a unit of work) and its pool slot is
   * freed. Keep it above `statementTimeoutMs`, which the server enforces itself. `0` disables
   * it. (Default: `statementTimeoutMs` + 5000, or `0` when `statementTimeoutMs` is `0`)
   */
  readonly responseTimeoutMs?: number;
  /**
   * TCP keepalive of every connection: the delay, in ms, before the first probe on an idle
   * socket, so that a connection whose peer vanished is detected and dropped by the operating
   * system. (Default: `10000`)
   */
  readonly keepAliveInitialDelayMs?: number;
  /**
   * Read replicas beside this primary (streaming standbys). Units of work with
   * `readFrom: 'replica'` run on them, read only (see `replicaRouting`); everything else runs on
   * the primary. Each replica is its own pool; a setting a replica does not give is the
   * primary's, except the server's address (`connectionString` or `host`/`port`) and TLS
   * (`ssl`: required per replica when the primary has it), which each replica gives itself. A
   * replica given by `connectionString` also takes its user, password and database from it
   * (pg reads a connection string whole). `db.destroy()` closes them too. (Default: none)
   */
  readonly replicas?: readonly ReplicaConfig[];
  /** How replica reads choose a replica, wait for one to catch up, and what they do when none can serve. */
  readonly replicaRouting?: ReplicaRoutingOptions;
}

/** One read replica of {@link DatabaseConfig.replicas}: its address and what differs from the primary. */
export interface ReplicaConfig extends Omit<DatabaseConfig, 'replicas' | 'replicaRouting'> {
  /** Names the replica in `checkHealth` and its `application_name`. (Default: `replica-<n>`, from 1 in the order given) */
  readonly name?: string;
}

/** At most this many replicas: one pool each. */
const MAX_REPLICAS = 16;
/** A replica's name: letters, digits, `-`, `_`, `.`, 1–63 characters. */
const REPLICA_NAME = /^[A-Za-z0-9_.-]{1,63}$/;

/** The settings of replica `index`: its own over the primary's, without the primary's address. */
function replicaSettings(config: DatabaseConfig, replica: unknown, index: number): { name: string; config: DatabaseConfig } {
  const path = `replicas.${index}`;
  if (typeof replica !== 'object' || replica === null || Array.isArray(replica)) {
    throw new ConfigurationError([{ path, message: 'must be an object of connection settings' }]);
  }
  const given = replica as ReplicaConfig & Partial<Pick<DatabaseConfig, 'replicas' | 'replicaRouting'>>;
  if (given.replicas !== undefined || given.replicaRouting !== undefined) {
    throw new ConfigurationError([{ path, message: 'a replica cannot have replicas or routing of its own' }]);
  }
  const name = given.name ?? `replica-${index + 1}`;
  if (typeof name !== 'string' || !REPLICA_NAME.test(name)) {
    throw new ConfigurationError([{ path: `${path}.name`, message: 'must be 1-63 letters, digits, -, _ or .' }]);
  }
  if (given.connectionString === undefined && given.host === undefined) {
    throw new ConfigurationError([{ path, message: 'needs connectionString or host: a replica is another server' }]);
  }
  if (config.ssl !== undefined && given.ssl === undefined) {
    // TLS options name the server (servername, a CA for its host): the primary's do not fit a
    // replica, and none at all would send the password in the clear to a remote one.
    throw new ConfigurationError([{ path: `${path}.ssl`, message: 'the primary has TLS settings: give each replica its own' }]);
  }
  // A replica's connection string is read whole by pg (credentials and database included, or
  // pg's defaults): nothing of the primary's identity is inherited then.
  const {
    connectionString: _url,
    host: _host,
    port: _port,
    ssl: _ssl,
    replicas: _r,
    replicaRouting: _routing,
    ...inheritable
  } = config;
  const { user: _user, password: _password, database: _database, ...settingsOnly } = inheritable;
  const inherited = given.connectionString === undefined ? inheritable : settingsOnly;
  const { name: _name, ...own } = given;
  return {
    name,
    config: { ...inherited, applicationName: `${config.applicationName ?? 'org-data'}:${name}`, ...own },
  };
}

/** The replicas of `config` as Kysely instances, or none. */
function replicaDatabases(config: DatabaseConfig): { name: string; db: Kysely<DB> }[] {
  if (config.replicas === undefined) {
    if (config.replicaRouting !== undefined) resolveReplicaRouting(config.replicaRouting);
    return [];
  }
  if (!Array.isArray(config.replicas) || config.replicas.length > MAX_REPLICAS) {
    throw new ConfigurationError([{ path: 'replicas', message: `must be an array of at most ${MAX_REPLICAS} replica settings` }]);
  }
  const settings = config.replicas.map((replica, index) => replicaSettings(config, replica, index));
  const names = new Set(settings.map((s) => s.name));
  if (names.size !== settings.length) throw new ConfigurationError([{ path: 'replicas', message: 'replica names must differ' }]);
  // Every replica's settings are checked before any pool is created.
  for (const { config: replica } of settings) {
    preparedStatements(replica);
    responseTimeout(replica);
  }
  return settings.map(({ name, config: replica }) => ({ name, db: createDatabase(replica) }));
}

/** The response bound of `config` (see {@link DatabaseConfig.responseTimeoutMs}). */
function responseTimeout(config: DatabaseConfig): number {
  if (config.responseTimeoutMs !== undefined) return milliseconds(config.responseTimeoutMs, 'responseTimeoutMs');
  return responseBoundFor(milliseconds(config.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS, 'statementTimeoutMs'));
}

/** Whether prepared statements are on for `config` (the option, else the environment, else on). */
function preparedStatements(config: DatabaseConfig): boolean {
  if (config.preparedStatements !== undefined) {
    if (typeof config.preparedStatements !== 'boolean') {
      throw new ConfigurationError([{ path: 'preparedStatements', message: 'must be true or false' }]);
    }
    return config.preparedStatements;
  }
  const env = process.env.ORG_DATA_PREPARED_STATEMENTS?.trim().toLowerCase();
  return !(env === 'off' || env === 'false' || env === '0');
}

/** Refuses a configuration that is not an object (`null`, a string, …) before reading it. */
function configObject(config: unknown): void {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new ConfigurationError([{ path: 'config', message: 'must be an object of connection settings' }]);
  }
}

/**
 * Creates a `pg.Pool` with this package's connection rules: every connection runs with
 * `TimeZone=UTC` and bounded `statement_timeout`, `lock_timeout` and
 * `idle_in_transaction_session_timeout`; TCP keepalive is on; `date` values stay `YYYY-MM-DD`
 * strings; and error listeners on the pool and on every client keep a dying connection from
 * crashing the process.
 * `pool.end()` (Kysely's `destroy()`) waits for checked-out connections to be released.
 */
export function createPool(config: DatabaseConfig = {}): pg.Pool {
  configObject(config);
  const onError = config.onConnectionError ?? (() => undefined);
  const settings = {
    TimeZone: 'UTC',
    statement_timeout: milliseconds(config.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS, 'statementTimeoutMs'),
    lock_timeout: milliseconds(config.lockTimeoutMs ?? 10_000, 'lockTimeoutMs'),
    idle_in_transaction_session_timeout: milliseconds(
      config.idleInTransactionTimeoutMs ?? 60_000,
      'idleInTransactionTimeoutMs',
    ),
  };
  const pool = new pg.Pool({
    connectionString: config.connectionString,
    host: config.host,
    port: config.port,
    user: config.user,
    password: config.password,
    database: config.database,
    max: config.max ?? 10,
    application_name: config.applicationName ?? 'org-data',
    connectionTimeoutMillis: config.connectionTimeoutMillis ?? 10_000,
    idleTimeoutMillis: config.idleTimeoutMillis ?? 30_000,
    // Startup parameters: in force on every connection before its first query.
    options: Object.entries(settings)
      .map(([name, value]) => `-c ${name}=${value}`)
      .join(' '),
    ssl: config.ssl,
    // Probes an idle socket so that a peer that vanished without closing is noticed.
    keepAlive: true,
    keepAliveInitialDelayMillis: milliseconds(config.keepAliveInitialDelayMs ?? 10_000, 'keepAliveInitialDelayMs'),
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === DATE_OID
          ? (value: string) => value
          : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  pool.on('error', onError);
  pool.on('connect', (client) => client.on('error', onError));
  return pool;
}

/**
 * Creates a typed Kysely instance over a new pool (see {@link createPool}).
 * Call `db.destroy()` to close the pool: callers still waiting for a connection are rejected at
 * once, and every later call fails, with `DatabaseClosedError`. A statement whose server stops
 * answering fails after `responseTimeoutMs` with `ConnectionLostError` and frees its slot.
 *
 * The instance is a plain `Kysely<DB>` (every Kysely API works on it); units of work on it send
 * `BEGIN` and the tenant in one message (see `unitOfWork`).
 *
 * @example
 * const db = createDatabase({ connectionString: process.env.DATABASE_URL });
 * await migrate(db);
 * const repos = createRepositories(db);
 */
export function createDatabase(config: DatabaseConfig = {}): Kysely<DB> {
  configObject(config);
  const routing = config.replicas === undefined ? undefined : resolveReplicaRouting(config.replicaRouting);
  const replicas = replicaDatabases(config);
  const set = routing && replicas.length > 0 ? new ReplicaSet(replicas, routing) : undefined;
  const options = {
    preparedStatements: preparedStatements(config),
    responseTimeoutMs: responseTimeout(config),
    alsoDestroy: set ? () => set.destroy() : undefined,
  };
  const pool = observeQueries(createPool(config), config.onQuery);
  const db = overPool(pool, config, options);
  if (set) registerReplicaSet(db, set);
  return db;
}

/** The instance over `pool`, re-reading a rotated secret when `config.refreshPassword` says how. */
function overPool(
  pool: pg.Pool,
  config: DatabaseConfig,
  options: { preparedStatements: boolean; responseTimeoutMs: number; alsoDestroy: (() => Promise<void>) | undefined },
): Kysely<DB> {
  const refresh = config.refreshPassword;
  if (!refresh) return registerPool(databaseOverPool(pool, options), pool);
  // Re-read a rotated secret once when the server refuses the credentials, then try again.
  const refreshingPool = {
    connect: async () => {
      try {
        return await pool.connect();
      } catch (error) {
        if (!isAuthenticationError(error)) throw error;
        await refresh();
        return pool.connect();
      }
    },
    end: () => pool.end(),
  };
  return registerPool(databaseOverPool(refreshingPool, { ...options, waiters: pool }), pool);
}
