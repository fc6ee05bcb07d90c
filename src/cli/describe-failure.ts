import { ConfigurationError } from '../core/config/configuration-error.js';
import { DataError } from '../core/errors/data-error.js';

/** A word safe to print: an identifier-like name or code, never free text. */
function label(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(value) ? value : undefined;
}

/** A PostgreSQL SQLSTATE: five digits or capital letters. */
const SQLSTATE = /^[0-9A-Z]{5}$/;

/** Which connection a failure happened on. */
export interface FailedConnection {
  /** `owner` or `application`. */
  readonly role: string;
  /** The variable its credentials came from, e.g. `DATABASE_OWNER_URL`. */
  readonly variable: string;
}

/** Advice for a SQLSTATE, naming the variables to check. */
function hint(sqlState: string | undefined, connection: FailedConnection | undefined): string {
  if (!connection) return '';
  if (sqlState === '42501') {
    return (
      '\nhint: the role lacks a privilege. migrate, rollback, seed and audit-partitions must run as the ' +
      'owner of the schema: set DATABASE_OWNER_URL or DATABASE_OWNER_SECRET_ARN to that role'
    );
  }
  if (sqlState?.startsWith('28')) return `\nhint: the server refused the login; check ${connection.variable}`;
  if (sqlState === '3D000') return `\nhint: the database does not exist; check ${connection.variable}`;
  return '';
}

/**
 * What `org-data` prints for a failed command: the package's `DataError`s by code and message
 * (their messages carry no secret), a server error by SQLSTATE and message (PostgreSQL's
 * messages name roles and objects, never passwords), and anything else by its name and code
 * only (a Node socket error's message holds the host and port; another error's may hold
 * anything).
 *
 * @param connection Which connection was in use, when known.
 */
export function describeFailure(error: unknown, connection?: FailedConnection): string {
  if (error instanceof ConfigurationError) return error.message;
  const where = connection ? ` (${connection.role} connection from ${connection.variable})` : '';
  if (error instanceof DataError) {
    // The package's own message (no host, port or password): a refused or lost connection.
    if (error.code === 'CONNECTION_LOST' && !error.sqlState) return `could not reach the database server${where}: ${error.message}`;
    const state = error.sqlState ? ` (SQLSTATE ${error.sqlState})` : '';
    return `${error.code}${state}${where}: ${error.message}${hint(error.sqlState, connection)}`;
  }
  const { name, code, message, severity } = (error ?? {}) as Record<string, unknown>;
  if (typeof code === 'string' && SQLSTATE.test(code) && typeof severity === 'string' && typeof message === 'string') {
    return `SQLSTATE ${code}${where}: ${message}${hint(code, connection)}`;
  }
  // `Error` says nothing; a subclass name (AggregateError, TypeError) does.
  const labels = [...new Set([label(code), name === 'Error' ? undefined : label(name)].filter((text) => text !== undefined))];
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
    return `could not reach the database server${where}: ${labels.join(' ')}`;
  }
  return `unexpected failure${where}${labels.length > 0 ? `: ${labels.join(' ')}` : ''}`;
}
