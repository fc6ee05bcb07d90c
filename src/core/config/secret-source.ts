import type { SecretFetcher } from './aws-secret-fetcher.js';
import { ConfigurationError } from './configuration-error.js';
import type { DatabaseCredentials } from './database-credentials.js';
import { parseDatabaseSecret } from './database-secret.js';

/** The environment variable naming the secret by default; prefixes issue paths. */
const DEFAULT_KEY = 'DATABASE_SECRET_ARN';

/** How long a fetched secret is used before it is read again: 5 minutes. */
export const DEFAULT_SECRET_TTL_MS = 5 * 60_000;

/** Options of {@link createSecretSource}. */
export interface SecretSourceOptions {
  /** The secret to read. */
  readonly arn: string;
  /** Reads the secret's text. */
  readonly fetchSecret: SecretFetcher;
  /** How long a fetched secret is reused, in ms; `0` reads it for every use. */
  readonly ttlMs: number;
  /** Told when a refresh after the TTL failed and the previous secret is used instead. */
  readonly onRefreshError?: (error: ConfigurationError) => void;
  /** The variable naming the secret, which every issue path starts with. (Default: `DATABASE_SECRET_ARN`) */
  readonly variable?: string;
}

/** The credentials behind a secret ARN, cached and re-read (see {@link createSecretSource}). */
export interface SecretSource {
  /** The cached credentials, fetched first when there are none or they are older than the TTL. */
  current(): Promise<DatabaseCredentials>;
  /** Drops the cache: the next {@link SecretSource.current} fetches the secret again. */
  invalidate(): void;
}

/** A name or code of a fetch error that is safe to print: an identifier, never free text. */
function label(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(value) ? value : undefined;
}

/**
 * Wraps a failed fetch. Only the error's name and code (e.g. `AccessDeniedException`,
 * `ECONNREFUSED`) are kept: its message and `cause` may quote the secret, so they are dropped.
 */
function fetchFailed(error: unknown, key: string): ConfigurationError {
  if (error instanceof ConfigurationError) {
    // The AWS fetcher names DATABASE_SECRET_ARN (it does not know which variable it serves).
    if (key === DEFAULT_KEY) return error;
    return new ConfigurationError(
      error.issues.map((issue) => ({ ...issue, path: issue.path.replace(/^DATABASE_SECRET_ARN(?=\.|$)/, key) })),
    );
  }
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  const labels = [label(name), label(code)].filter((text) => text !== undefined);
  const reason = labels.length > 0 ? ` (${[...new Set(labels)].join(' ')})` : '';
  return new ConfigurationError([{ path: key, message: `secret could not be fetched${reason}` }]);
}

/** The fields a re-read secret must keep: a connection pool is built around them. */
const IDENTITY = [
  ['host', 'host'],
  ['port', 'port'],
  ['user', 'username'],
  ['database', 'dbname'],
] as const;

/**
 * Fetches, validates and caches the credentials behind a secret ARN.
 *
 * - Concurrent callers share one fetch (a pool opening ten connections reads the secret once).
 * - After `ttlMs` the next caller re-reads the secret. If that refresh fails, the previous
 *   credentials keep being used (and `onRefreshError` is told) until a later refresh succeeds:
 *   a Secrets Manager outage does not stop new connections while the old password still works.
 * - {@link SecretSource.invalidate} drops the cache; the next caller must fetch, and a failure
 *   is then thrown.
 * - Only the password may change between reads. A re-read secret whose host, port, username or
 *   database differs from the first one is rejected: load the configuration again instead.
 *
 * Failures are {@link ConfigurationError}s that name the key, never the secret's content.
 */
export function createSecretSource(options: SecretSourceOptions): SecretSource {
  const { arn, fetchSecret, ttlMs, onRefreshError } = options;
  const key = options.variable ?? DEFAULT_KEY;
  let first: DatabaseCredentials | undefined;
  let cached: { readonly value: DatabaseCredentials; readonly fetchedAt: number } | undefined;
  let inFlight: Promise<DatabaseCredentials> | undefined;
  let generation = 0;

  async function fetchCredentials(): Promise<DatabaseCredentials> {
    let text: unknown;
    try {
      text = await fetchSecret(arn);
    } catch (error) {
      throw fetchFailed(error, key);
    }
    if (typeof text !== 'string') {
      throw new ConfigurationError([{ path: key, message: 'secret fetcher did not return a string' }]);
    }
    const credentials = parseDatabaseSecret(text, key);
    if (first) {
      const changed = IDENTITY.filter(([field]) => credentials[field] !== first?.[field]);
      if (changed.length > 0) {
        throw new ConfigurationError(
          changed.map(([, field]) => ({
            path: `${key}.${field}`,
            message: 'changed since the configuration was loaded; load the configuration again',
          })),
        );
      }
    }
    first ??= credentials;
    return credentials;
  }

  async function load(startedIn: number, stale: typeof cached): Promise<DatabaseCredentials> {
    try {
      const value = await fetchCredentials();
      if (startedIn === generation) cached = { value, fetchedAt: Date.now() };
      return value;
    } catch (error) {
      if (stale && startedIn === generation) {
        try {
          onRefreshError?.(error as ConfigurationError);
        } catch {
          // A failing listener must not turn a usable password into a failed connection.
        }
        return stale.value;
      }
      throw error;
    }
  }

  function refresh(): Promise<DatabaseCredentials> {
    const pending: Promise<DatabaseCredentials> = load(generation, cached).finally(() => {
      if (inFlight === pending) inFlight = undefined;
    });
    inFlight = pending;
    return pending;
  }

  return {
    async current() {
      if (cached && Date.now() - cached.fetchedAt < ttlMs) return cached.value;
      return inFlight ?? refresh();
    },
    invalidate() {
      generation += 1;
      cached = undefined;
      inFlight = undefined;
    },
  };
}
