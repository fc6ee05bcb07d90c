// @org/data: the compatibility façade. Everything of 0.4 is still exported here; new code can
// import a context (`@org/data/identity`, `@org/data/documents`), the zod schemas alone
// (`@org/data/schemas`) or the test helpers (`@org/data/testing`).

// Core: connections, configuration, migrations, errors, generated types.
export { createDatabase, createPool, type DatabaseConfig, type ReplicaConfig } from './core/database/create-database.js';
// Read replicas: routing options, the read-your-writes token, what checkHealth reports of each.
export type { ReplicaRoutingOptions } from './core/replicas/replica-routing.js';
export { replicaToken, type ReplicaToken } from './core/replicas/replica-token.js';
export type { ReplicaState, ReplicaStatus } from './core/replicas/replica-set.js';
export {
  loadDatabaseConfig,
  ConfigurationError,
  isAuthenticationError,
  AUTHENTICATION_SQLSTATES,
  createAwsSecretFetcher,
  AWS_SECRETS_MANAGER_PACKAGE,
  DEFAULT_SECRET_TTL_MS,
  SSL_MODES,
  isPlaceholder,
  type LoadDatabaseConfigOptions,
  type DatabaseConnectionRole,
  type LoadedDatabaseConfig,
  type DatabaseConnectionConfig,
  type DatabaseTlsOptions,
  type DatabaseEnvironment,
  type SecretFetcher,
  type SslMode,
} from './core/config/index.js';
export type { DB } from './schema/db.js';
export {
  migrate,
  rollback,
  migrationStatus,
  embeddedMigrations,
  defineMigration,
  checksumOf,
  NO_TRANSACTION_MARKER,
  TRACKING_TABLE,
  type MigrateOptions,
  type MigrateResult,
  type RollbackResult,
  type RollbackTarget,
  type MigrationStatus,
  type MigrationSourceOptions,
  type MigrationTimeouts,
  type PendingMigration,
  type MismatchedMigration,
  type AppliedMigration,
  type Migration,
  type MigrationScript,
} from './core/migrations/index.js';
export * from './core/errors/index.js';

// One unit of work, and the entry points it replaces (thin wrappers, kept for 0.4 services).
export {
  unitOfWork,
  createRepositories,
  repositoryFactories,
  type Repositories,
  type UnitOfWork,
  type PackageRepositoryFactories,
  type TransactionWork,
} from './repositories.js';
export {
  createUnitOfWork,
  type RepositoryScope,
  type RepositoryFactory,
  type RepositoryFactories,
  type RepositoriesOf,
  type RepositorySet,
  type UnitOfWorkFunction,
  type UnitOfWorkKit,
  type UnitOfWorkWork,
} from './core/unit-of-work/create-unit-of-work.js';
export type { UnitOfWorkOptions } from './core/unit-of-work/unit-of-work-options.js';
export type { TransactionSettings } from './core/unit-of-work/transaction.js';
export { transactionWithRetry, type RetryOptions } from './core/unit-of-work/transaction-with-retry.js';
export { withTenant, type WithTenantOptions, type TenantWork } from './with-tenant.js';
export {
  currentTenant,
  TENANT_SETTING,
  APPLICATION_ROLE,
  enableTenantIsolation,
  TENANT_ISOLATION_PROCEDURE,
  type AppPrivilege,
  type EnableTenantIsolationOptions,
} from './core/tenancy/index.js';
export {
  monthlyPartitions,
  type MonthlyPartitionSpec,
  type MonthlyPartitions,
  type CreateMonthlyPartitionsOptions,
  type CreateMonthlyPartitionsResult,
} from './core/partitions/monthly-partitions.js';
export type { MonthlyPartition } from './core/partitions/monthly-partition.js';

// Aggregates declared once, and what is derived from them.
export { defineAggregate, type AggregateDescriptor, type AuditActionOf } from './core/kernel/aggregate.js';
export {
  AGGREGATES,
  AUDITED_FIELDS,
  AUDIT_ENTITY_TYPES,
  AUDIT_ACTIONS,
  TENANT_TABLES,
  GLOBAL_TABLES,
  auditSnapshot,
  createAuditRepository,
  type AuditEntityType,
  type AuditAction,
} from './aggregates.js';

// Domain events, the worker and notifications (also `@org/data/events`; payload and input schemas
// also in `@org/data/schemas`).
export * from './contexts/events/index.js';

// Encryption of sensitive fields (also `@org/data/integrations`).
export * from './contexts/integrations/index.js';

// The audit trail.
export { AuditContextSchema, type AuditContext } from './core/audit/audit-context.js';
export { auditEvent, type AuditRecord, type AuditChange, type AuditSnapshot } from './core/audit/audit-event.js';
export { writeAudit } from './core/audit/write-audit.js';
export type { AuditEntry } from './core/audit/audit-entry.js';
export { PLATFORM_ORGANIZATION_ID } from './core/audit/platform-organization.js';
export type { AuditRepository, EntityHistoryOptions } from './core/audit/audit-repository.js';
export {
  createAuditPartitions,
  dropAuditPartitionsBefore,
  listAuditPartitions,
  type AuditPartition,
  type CreateAuditPartitionsOptions,
  type CreateAuditPartitionsResult,
} from './core/audit/audit-partitions.js';
export type { Page, PageOptions } from './core/kernel/page.js';

// The contexts and the input schemas.
export * from './schemas.js';
export * from './contexts/identity/index.js';
export * from './contexts/documents/index.js';
export * from './contexts/forms/index.js';
export * from './contexts/workflows/index.js';

// Health and telemetry: a readiness probe, the query hook's event, OpenTelemetry spans (optional peer).
export { checkHealth, type CheckHealthOptions } from './core/health/check-health.js';
export type {
  HealthReport,
  HealthStatus,
  HealthProblem,
  ServerHealth,
  MigrationHealth,
  AuditPartitionHealth,
  EventQueueHealth,
  ReplicaHealth,
} from './core/health/health-report.js';
export type { PoolFigures } from './core/health/pool-figures.js';
export type { QueryEvent, QueryHook, QueryHookOptions, QueryHookConfig } from './core/telemetry/query-event.js';
