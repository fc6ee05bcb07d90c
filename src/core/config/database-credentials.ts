/**
 * What it takes to log in to one database, read from `DATABASE_URL` or from the secret behind
 * `DATABASE_SECRET_ARN`. Every field has been validated.
 */
export interface DatabaseCredentials {
  /** Server host name, IP address (IPv6 without brackets) or Unix socket directory. */
  readonly host: string;
  /** Server port. */
  readonly port: number;
  /** Login role. */
  readonly user: string;
  /** Password; `undefined` only for a password-less URL accepted with `allowMissingPassword`. */
  readonly password: string | undefined;
  /** Database name. */
  readonly database: string;
}
