import { z } from 'zod';
import type { ValidationIssue } from '../errors/validation-error.js';
import { ConfigTextSchema, HostSchema, PortSchema, SslModeSchema, type SslMode } from './config-fields.js';
import { ConfigurationError } from './configuration-error.js';
import type { DatabaseCredentials } from './database-credentials.js';
import { configIssues } from './parse-config.js';

/** The environment variable a connection URL is read from by default; prefixes issue paths. */
const DEFAULT_KEY = 'DATABASE_URL';

/** PostgreSQL's port when a URL names none. */
const DEFAULT_POSTGRES_PORT = 5432;

/** Options of {@link parseDatabaseUrl}. */
export interface ParseDatabaseUrlOptions {
  /**
   * Accept a URL without a password (trust, peer or certificate authentication, or a password
   * supplied elsewhere). A placeholder password is still rejected. (Default: `false`)
   */
  readonly allowMissingPassword?: boolean;
  /** The variable the URL was read from, which every issue path starts with. (Default: `DATABASE_URL`) */
  readonly variable?: string;
}

/** What {@link parseDatabaseUrl} read from a connection URL. */
export interface ParsedDatabaseUrl {
  /** The decoded, validated connection fields. */
  readonly credentials: DatabaseCredentials;
  /** The `sslmode` query parameter, when given. */
  readonly sslMode: SslMode | undefined;
}

/** Query parameters a URL may carry. */
const SUPPORTED_PARAMETERS = ['sslmode'];

/** Decodes one percent-encoded URL part; `undefined` when the encoding is malformed. */
function decodePart(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}

/** A query parameter name safe to print (a name, never a value); others are summarized. */
function parameterLabel(name: string): string {
  return /^[A-Za-z0-9_.-]{1,64}$/.test(name) ? name : '(query parameter)';
}

function urlPartsSchema(allowMissingPassword: boolean) {
  return z.object({
    user: ConfigTextSchema,
    password: allowMissingPassword ? ConfigTextSchema.optional() : ConfigTextSchema,
    host: HostSchema,
    port: PortSchema,
    database: ConfigTextSchema,
    sslmode: SslModeSchema.optional(),
  });
}

/**
 * Reads a `postgres://` (or `postgresql://`) connection URL into discrete, validated fields.
 *
 * The URL is parsed with the WHATWG `URL` class; the user, password, host and database are each
 * percent-decoded (so `p%40ss%3Aword` is the password `p@ss:word`) and then validated like every
 * other configured value: a missing, blank or placeholder part is rejected by name, e.g.
 * `DATABASE_URL.password is a placeholder` (`variable` names another variable). The port
 * defaults to 5432. The only query parameter accepted is `sslmode` (`disable`, `require` or
 * `verify-full`); any other parameter and a `#fragment` are rejected rather than silently ignored.
 *
 * @throws ConfigurationError naming every rejected part; never the URL or any part of it.
 */
export function parseDatabaseUrl(url: string, options: ParseDatabaseUrlOptions = {}): ParsedDatabaseUrl {
  const key = options.variable ?? DEFAULT_KEY;
  // URL's own TypeError carries the whole input (password included) in `input`: never rethrown.
  if (!URL.canParse(url)) throw new ConfigurationError([{ path: key, message: 'is not a valid URL' }]);
  const parsed = new URL(url);
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new ConfigurationError([{ path: key, message: 'must use the postgres:// or postgresql:// scheme' }]);
  }

  const issues: ValidationIssue[] = [];
  const decoded = (part: string, encoded: string): string | undefined => {
    if (encoded === '') return undefined;
    const value = decodePart(encoded);
    if (value === undefined) issues.push({ path: `${key}.${part}`, message: 'is not valid percent-encoding' });
    return value;
  };

  const path = parsed.pathname.replace(/^\//, '');
  if (path.includes('/')) issues.push({ path: `${key}.database`, message: 'must be a single path segment' });
  if (parsed.hash !== '') issues.push({ path: key, message: 'must not have a #fragment' });

  const sslModes = parsed.searchParams.getAll('sslmode');
  if (sslModes.length > 1) issues.push({ path: `${key}.sslmode`, message: 'must be given at most once' });
  for (const name of new Set(parsed.searchParams.keys())) {
    if (!SUPPORTED_PARAMETERS.includes(name)) {
      issues.push({
        path: `${key}.${parameterLabel(name)}`,
        message: `is not a supported query parameter (supported: ${SUPPORTED_PARAMETERS.join(', ')})`,
      });
    }
  }

  const parts = {
    user: decoded('user', parsed.username),
    password: decoded('password', parsed.password),
    // An IPv6 literal comes bracketed ([::1]); pg wants the bare address.
    host: decoded('host', parsed.hostname.replace(/^\[(.*)\]$/, '$1')),
    port: parsed.port === '' ? DEFAULT_POSTGRES_PORT : parsed.port,
    database: decoded('database', path),
    sslmode: sslModes[0],
  };

  const result = urlPartsSchema(options.allowMissingPassword ?? false).safeParse(parts);
  if (!result.success) {
    const reported = new Set(issues.map((issue) => issue.path));
    issues.push(...configIssues(result.error.issues, key).filter((issue) => !reported.has(issue.path)));
  }
  if (issues.length > 0 || !result.success) throw new ConfigurationError(issues);

  const { sslmode, ...credentials } = result.data;
  return Object.freeze({
    credentials: Object.freeze({ ...credentials, password: credentials.password }),
    sslMode: sslmode,
  });
}
