import { DataError, type DataErrorOrigin } from './data-error.js';

/**
 * The server refused the login (SQLSTATE 28P01 invalid_password, or 28000
 * invalid_authorization_specification: no `pg_hba.conf` entry, a role that may not log in).
 * The message says what to check but never names the user, host, database or password the
 * server's own message quotes. `isAuthenticationError` recognises it (its `sqlState`).
 */
export class AuthenticationFailedError extends DataError {
  constructor(origin: DataErrorOrigin) {
    const why =
      origin.sqlState === '28P01'
        ? 'wrong password for the configured user: check the password or secret of the connection (a rotated secret is re-read once)'
        : 'the server does not accept this user from this client (pg_hba.conf, or a role without LOGIN)';
    super('AUTHENTICATION_FAILED', `Database authentication failed (SQLSTATE ${origin.sqlState ?? 'unknown'}): ${why}`, origin);
  }
}
