/**
 * SQLSTATEs of a failed login: `28P01` invalid_password and `28000`
 * invalid_authorization_specification (e.g. no `pg_hba.conf` entry, or a role that may not log in).
 */
export const AUTHENTICATION_SQLSTATES: readonly string[] = Object.freeze(['28P01', '28000']);

/** How deep {@link isAuthenticationError} follows `cause` chains. */
const MAX_DEPTH = 5;

/**
 * Tells whether `error` is PostgreSQL refusing the login (see {@link AUTHENTICATION_SQLSTATES}):
 * the case where a rotated secret should be re-read once before giving up.
 *
 * Accepts pg's `DatabaseError` (`code`), this package's `DataError` (`sqlState`), and either
 * wrapped as the `cause` of another error.
 */
export function isAuthenticationError(error: unknown): boolean {
  const seen = new Set<unknown>();
  for (let current = error, depth = 0; depth <= MAX_DEPTH; depth += 1) {
    if (typeof current !== 'object' || current === null || seen.has(current)) return false;
    seen.add(current);
    const { code, sqlState, cause } = current as { code?: unknown; sqlState?: unknown; cause?: unknown };
    if (AUTHENTICATION_SQLSTATES.includes(code as string) || AUTHENTICATION_SQLSTATES.includes(sqlState as string)) {
      return true;
    }
    current = cause;
  }
  return false;
}
