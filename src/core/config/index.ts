export {
  loadDatabaseConfig,
  type DatabaseEnvironment,
  type LoadDatabaseConfigOptions,
} from './load-database-config.js';
export { type DatabaseConnectionConfig, type LoadedDatabaseConfig } from './database-connection-config.js';
export { type DatabaseConnectionRole } from './database-env.js';
export { ConfigurationError } from './configuration-error.js';
export { createAwsSecretFetcher, AWS_SECRETS_MANAGER_PACKAGE, type SecretFetcher } from './aws-secret-fetcher.js';
export { DEFAULT_SECRET_TTL_MS } from './secret-source.js';
export { type DatabaseTlsOptions } from './tls-options.js';
export { SSL_MODES, type SslMode } from './config-fields.js';
export { isPlaceholder } from './placeholder.js';
export { isAuthenticationError, AUTHENTICATION_SQLSTATES } from './authentication-error.js';
