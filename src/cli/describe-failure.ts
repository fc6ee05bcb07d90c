import { ConfigurationError } from '../core/config/configuration-error.js';
import { DataError } from '../core/errors/data-error.js';

/** A word safe to print: an identifier-like name or code, never free text. */
function label(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(value) ? value : undefined;
}

/** A PostgreSQL SQLSTATE: five digits or capital letters. */
const SQLSTATE = /^[0-9A-Z]{5}$/;

/** Advice for a SQLSTATE, naming the variables to check. */
function hint(sqlState: string | undefined, connection: string | undefined): string {
  if (sqlState === '42501') {
    return (
      '\nhint: the role lacks a privilege. migrate, rollback, seed and audit-partitions must run as the ' +
      'owner of the schema: set DATABASE_OWNER_URL or DATABASE_OWNER_SECRET_ARN to that role'
    );
  }
  if (sqlState?.startsWith('28') && connection) return `\nhint: the server refused the login; check ${connection}`;
  if (sqlState === '3D000' && connection) return `\nhint: the database does not exist; check ${connection}`;
  return '';
}

/**
 * What `org-data` prints for a failed command: the package's `DataError`s by code and message
 * (their messages carry no secret), a server error by SQLSTATE and message (PostgreSQL's
 * messages name roles and objects, never passwords), and anything else by its name and code
 * only (a Node socket error's message holds the host and port; another error's may hold
 * anything).
 *
 * @param connection Which connection was in use, e.g. `owner connection from DATABASE_OWNER_URL`.
 */
export function describeFailure(error: unknown, connection?: string): string {
  if (error instanceof ConfigurationError) return error.message;
  const where = connection ? ` (${connection})` : '';
  if (error instanceof DataError) {
    const state = error.sqlState ? ` (SQLSTATE ${error.sqlState})` : '';
    return `${error.code}${state}${where}: ${error.message}${hint(error.sqlState, connection)}`;
  }
  const { name, code, message, severity } = (error ?? {}) as Record<string, unknown>;
  if (typeof code === 'string' && SQLSTATE.test(code) && typeof severity === 'string' && typeof message === 'string') {
    return `SQLSTATE ${code}${where}: ${message}${hint(code, connection)}`;
  }
  const labels = [...new Set([label(code), label(name)].filter((text) => text !== undefined))];
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
    return `could not reach the database server${where}: ${labels.join(' ')}`;
  }
  return `unexpected failure${where}${labels.length > 0 ? `: ${labels.join(' ')}` : ''}`;
}
