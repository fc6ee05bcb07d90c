export {
  loadDatabaseConfig,
  type DatabaseEnvironment,
  type LoadDatabaseConfigOptions,
} from './load-database-config.js';
export {
  REDACTED,
  type DatabaseConnectionConfig,
  type LoadedDatabaseConfig,
} from './database-connection-config.js';
export type { DatabaseCredentials } from './database-credentials.js';
export { ConfigurationError } from './configuration-error.js';
export { DatabaseEnvSchema, type DatabaseEnv } from './database-env.js';
export {
  parseDatabaseUrl,
  DEFAULT_POSTGRES_PORT,
  type ParseDatabaseUrlOptions,
  type ParsedDatabaseUrl,
} from './database-url.js';
export { parseDatabaseSecret } from './database-secret.js';
export { createAwsSecretFetcher, AWS_SECRETS_MANAGER_PACKAGE, type SecretFetcher } from './aws-secret-fetcher.js';
export { DEFAULT_SECRET_TTL_MS } from './secret-source.js';
export { loadCertificateAuthority } from './certificate-authority.js';
export { defaultSslMode, isLoopbackHost, tlsOptions, type DatabaseTlsOptions } from './tls-options.js';
export { SSL_MODES, type SslMode } from './config-fields.js';
export { isPlaceholder, placeholderProblem, PLACEHOLDER_WORDS, type PlaceholderProblem } from './placeholder.js';
export { isAuthenticationError, AUTHENTICATION_SQLSTATES } from './authentication-error.js';
