import { z } from 'zod';
import type { ValidationIssue } from '../errors/validation-error.js';
import { createAwsSecretFetcher, type SecretFetcher } from './aws-secret-fetcher.js';
import { loadCertificateAuthority } from './certificate-authority.js';
import type { SslMode } from './config-fields.js';
import { ConfigurationError } from './configuration-error.js';
import { buildDatabaseConfig, type LoadedDatabaseConfig } from './database-connection-config.js';
import type { DatabaseCredentials } from './database-credentials.js';
import {
  credentialsSetting,
  databaseEnvSchema,
  type CredentialsSetting,
  type DatabaseConnectionRole,
} from './database-env.js';
import { parseDatabaseUrl } from './database-url.js';
import { parseConfig } from './parse-config.js';
import { createSecretSource, DEFAULT_SECRET_TTL_MS, type SecretSource } from './secret-source.js';
import { defaultSslMode, tlsOptions } from './tls-options.js';

/** Options of {@link loadDatabaseConfig}. */
export interface LoadDatabaseConfigOptions {
  /**
   * Which connection to load: `application` (`DATABASE_URL` / `DATABASE_SECRET_ARN`, what a
   * service serves traffic with) or `owner` (`DATABASE_OWNER_URL` /
   * `DATABASE_OWNER_SECRET_ARN`, what migrations, seeding and partition maintenance run with;
   * the application variables when neither is set). (Default: `application`)
   */
  readonly connection?: DatabaseConnectionRole;
  /**
   * Reads the secret behind `DATABASE_SECRET_ARN` (or `DATABASE_OWNER_SECRET_ARN`). (Default: AWS Secrets Manager through the
   * optional peer dependency `@aws-sdk/client-secrets-manager`, imported only when needed)
   */
  readonly fetchSecret?: SecretFetcher;
  /** How long a fetched secret's password is reused before it is read again, in ms. (Default: 5 minutes) */
  readonly secretTtlMs?: number;
  /** Told when a secret refresh after the TTL failed and the previous password is kept. */
  readonly onSecretRefreshError?: (error: ConfigurationError) => void;
  /**
   * Accept a `DATABASE_URL` (or `DATABASE_OWNER_URL`) without a password (trust, peer or certificate authentication, or
   * `PGPASSWORD`). A placeholder password is rejected regardless. (Default: `false`)
   */
  readonly allowMissingPassword?: boolean;
}

/** The environment variables read, e.g. `process.env`. */
export type DatabaseEnvironment = Readonly<Record<string, string | undefined>>;

const OptionsSchema = z.object({
  connection: z.enum(['application', 'owner'], { error: 'must be application or owner' }).optional(),
  secretTtlMs: z.number().min(0).max(2 ** 31 - 1).optional(),
  allowMissingPassword: z.boolean({ error: 'must be true or false' }).optional(),
  fetchSecret: z.custom<SecretFetcher>((value) => typeof value === 'function', 'must be a function').optional(),
  onSecretRefreshError: z
    .custom<(error: ConfigurationError) => void>((value) => typeof value === 'function', 'must be a function')
    .optional(),
});

/**
 * Reads and validates the database connection settings from the environment, and returns them
 * as discrete `pg` fields (`host`, `port`, `user`, `password`, `database`, `ssl`): no
 * connection string is built. Everything is validated with zod before anything is built or
 * fetched; an invalid setting fails here, at start-up, with a {@link ConfigurationError} that
 * names every offending key and never contains a value.
 *
 * **Two connections.** A service needs two roles: the *owner*, which owns the schema and runs
 * `migrate`, `seedDefaults` and `createAuditPartitions`, and the *application* role, a login
 * role granted `org_data_app` (no DDL, confined by row-level security), which serves traffic.
 * `loadDatabaseConfig(env)` returns the application connection, from `DATABASE_URL` or
 * `DATABASE_SECRET_ARN`; `loadDatabaseConfig(env, { connection: 'owner' })` the owner
 * connection, from `DATABASE_OWNER_URL` or `DATABASE_OWNER_SECRET_ARN`. When neither owner
 * variable is set, the owner connection is read from the application variables, so a
 * development setup with a single (superuser) URL keeps working; `config.variable` says which
 * variable was used. `DATABASE_SSL_MODE` and `DATABASE_SSL_CA` apply to both connections.
 * Every variable that is set is validated, whichever connection is loaded.
 *
 * **Credentials** of a connection: exactly one of
 * - `DATABASE_URL` (or `DATABASE_OWNER_URL`), parsed with the WHATWG `URL` class; each part is percent-decoded and
 *   validated (see `parseDatabaseUrl`), or
 * - `DATABASE_SECRET_ARN` (or `DATABASE_OWNER_SECRET_ARN`), an AWS Secrets Manager secret whose JSON holds `username`,
 *   `password`, `host` (or `hostname`), `port` (number or numeric string) and `dbname` (or
 *   `database`) (see `parseDatabaseSecret`). The secret is fetched once here. `password` is then
 *   an async function `pg` calls for each new connection: it returns the cached password,
 *   re-reading the secret after `secretTtlMs`, so a rotated password is picked up without a
 *   restart; `refreshSecret()` drops the cache at once (do so on an authentication failure,
 *   see `isAuthenticationError`).
 *
 * Blank values and placeholders (`undefined`, `null`, `changeme`, `<…>`, `${…}`, in any case)
 * are rejected wherever they appear: in a variable, a URL part or a secret field.
 *
 * **TLS**: `DATABASE_SSL_MODE` (or the URL's `sslmode`; both may be given only if they agree)
 * is `disable`, `require` or `verify-full`. `DATABASE_SSL_CA`, the CA bundle (e.g. Amazon RDS's
 * `global-bundle.pem`) as PEM text or a file path, is used only with `verify-full`. When no mode
 * is given: `verify-full` if a CA bundle is set, else `disable` for a loopback host (localhost,
 * 127.0.0.0/8, ::1, a Unix socket) and `require` for any other host.
 *
 * @param env The environment to read. (Default: `process.env`)
 * @throws ConfigurationError for a missing, invalid or placeholder setting, an unreadable CA
 *   bundle, or a secret that cannot be fetched (including a missing AWS SDK) or is invalid.
 *
 * @example
 * const config = await loadDatabaseConfig(process.env);
 * const pool = new pg.Pool({ ...config, max: 10 });
 *
 * @example
 * // A deploy step: migrate as the owner, then serve as the application role.
 * const owner = createDatabase({ ...(await loadDatabaseConfig(process.env, { connection: 'owner' })), max: 1 });
 * await migrate(owner);
 * await owner.destroy();
 */
export async function loadDatabaseConfig(
  env: DatabaseEnvironment = process.env,
  options: LoadDatabaseConfigOptions = {},
): Promise<LoadedDatabaseConfig> {
  const {
    connection = 'application',
    secretTtlMs = DEFAULT_SECRET_TTL_MS,
    allowMissingPassword = false,
    fetchSecret,
    onSecretRefreshError,
  } = parseConfig(OptionsSchema, options ?? {}, 'options');
  const settings = parseConfig(databaseEnvSchema(connection), env);
  // The schema has checked that the connection's variable is set.
  const setting = credentialsSetting(settings, connection) as CredentialsSetting;
  const { variable } = setting;

  const url =
    setting.kind === 'url'
      ? parseDatabaseUrl(setting.value, { allowMissingPassword, variable })
      : undefined;

  const issues: ValidationIssue[] = [];
  if (url?.sslMode && settings.DATABASE_SSL_MODE && url.sslMode !== settings.DATABASE_SSL_MODE) {
    issues.push({ path: 'DATABASE_SSL_MODE', message: `conflicts with the sslmode in ${variable}` });
  }
  const explicitMode: SslMode | undefined = settings.DATABASE_SSL_MODE ?? url?.sslMode;
  if (settings.DATABASE_SSL_CA !== undefined && explicitMode !== undefined && explicitMode !== 'verify-full') {
    issues.push({
      path: 'DATABASE_SSL_CA',
      message: `is only used with verify-full, but the TLS mode is ${explicitMode}`,
    });
  }
  if (issues.length > 0) throw new ConfigurationError(issues);

  const ca =
    settings.DATABASE_SSL_CA === undefined ? undefined : await loadCertificateAuthority(settings.DATABASE_SSL_CA);

  let credentials: DatabaseCredentials;
  let secret: SecretSource | undefined;
  if (url) {
    credentials = url.credentials;
  } else {
    secret = createSecretSource({
      arn: setting.value,
      fetchSecret: fetchSecret ?? createAwsSecretFetcher(),
      ttlMs: secretTtlMs,
      variable,
      ...(onSecretRefreshError ? { onRefreshError: onSecretRefreshError } : {}),
    });
    credentials = await secret.current();
  }

  const mode = explicitMode ?? defaultSslMode(credentials.host, ca !== undefined);
  const source = secret;
  return buildDatabaseConfig(credentials, {
    password: source
      ? async () => (await source.current()).password ?? ''
      : credentials.password,
    ssl: tlsOptions(mode, credentials.host, ca),
    source: source ? 'secret' : 'url',
    variable,
    refreshSecret: () => source?.invalidate(),
  });
}
