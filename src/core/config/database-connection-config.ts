import { inspect } from 'node:util';
import type { DatabaseCredentials } from './database-credentials.js';
import type { CredentialsVariable } from './database-env.js';
import type { DatabaseTlsOptions } from './tls-options.js';

/**
 * Connection settings in the shape `pg.Pool`, `pg.Client` and `createDatabase` take: discrete
 * fields, never a connection string.
 */
export interface DatabaseConnectionConfig {
  /** Server host name, IP address or Unix socket directory. */
  readonly host: string;
  /** Server port. */
  readonly port: number;
  /** Login role. */
  readonly user: string;
  /**
   * The password, or (for a secret ARN) an async function `pg` calls for every new connection,
   * which returns the cached secret's current password. Absent only for a password-less URL
   * accepted with `allowMissingPassword`.
   */
  readonly password?: string | (() => Promise<string>);
  /** Database name. */
  readonly database: string;
  /** `pg`'s `ssl` option: `false` for no TLS, otherwise the TLS settings. */
  readonly ssl: DatabaseTlsOptions | false;
}

/**
 * What `loadDatabaseConfig` returns: the {@link DatabaseConnectionConfig} fields (enumerable,
 * so `{ ...config, max: 20 }` is a valid pg pool config), plus non-enumerable members.
 *
 * Printing it (`JSON.stringify`, `console.log`, `util.inspect`) shows the password as
 * `[redacted]`.
 */
export interface LoadedDatabaseConfig extends DatabaseConnectionConfig {
  /** Where the credentials came from. (Non-enumerable) */
  readonly source: 'url' | 'secret';
  /**
   * The environment variable the credentials came from: `DATABASE_URL`, `DATABASE_SECRET_ARN`,
   * `DATABASE_OWNER_URL` or `DATABASE_OWNER_SECRET_ARN`. An owner connection read from an
   * application variable shares the application's credentials. (Non-enumerable)
   */
  readonly variable: CredentialsVariable;
  /**
   * Drops the cached secret so the next new connection re-reads it from the secret store, e.g.
   * after an authentication failure (see `isAuthenticationError`). A no-op for a URL.
   * (Non-enumerable)
   */
  refreshSecret(): void;
}

/** Shown instead of a password when a configuration is printed. */
export const REDACTED = '[redacted]';

/**
 * Freezes the fields into a {@link LoadedDatabaseConfig}. A missing password is left out (not
 * `undefined`), so `pg` may still find one in `PGPASSWORD` or `~/.pgpass`.
 */
export function buildDatabaseConfig(
  credentials: DatabaseCredentials,
  settings: {
    readonly password: string | (() => Promise<string>) | undefined;
    readonly ssl: DatabaseTlsOptions | false;
    readonly source: 'url' | 'secret';
    readonly variable: CredentialsVariable;
    readonly refreshSecret: () => void;
  },
): LoadedDatabaseConfig {
  const fields: DatabaseConnectionConfig = {
    host: credentials.host,
    port: credentials.port,
    user: credentials.user,
    ...(settings.password === undefined ? {} : { password: settings.password }),
    database: credentials.database,
    ssl: settings.ssl,
  };
  const printable = () => ({ ...fields, ...('password' in fields ? { password: REDACTED } : {}) });
  const hidden = (value: unknown): PropertyDescriptor => ({ value, enumerable: false });
  return Object.freeze(
    Object.defineProperties(fields as LoadedDatabaseConfig, {
      source: hidden(settings.source),
      variable: hidden(settings.variable),
      refreshSecret: hidden(settings.refreshSecret),
      toJSON: hidden(printable),
      [inspect.custom]: hidden(printable),
    }),
  );
}
