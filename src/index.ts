// Public entry point of @org/data. Test helpers live in `@org/data/testing`.

export { createDatabase, createPool, type DatabaseConfig } from './core/database/create-database.js';
export { transactionWithRetry, type RetryOptions } from './core/unit-of-work/transaction-with-retry.js';
export {
  withTenant,
  currentTenant,
  TENANT_SETTING,
  APPLICATION_ROLE,
  type WithTenantOptions,
  type TenantWork,
} from './core/tenancy/index.js';
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
export * from './schemas.js';

export { createRepositories, type Repositories } from './repositories.js';
export type { Page, PageOptions } from './core/kernel/page.js';
export {
  AuditContextSchema,
  type AuditContext,
} from './core/audit/audit-context.js';
export { AUDITED_FIELDS, auditSnapshot, type AuditEntityType } from './core/audit/audit-snapshots.js';
export type { AuditEntry } from './core/audit/audit-entry.js';
export {
  createAuditRepository,
  type AuditRepository,
  type EntityHistoryOptions,
} from './core/audit/audit-repository.js';
export {
  createAuditPartitions,
  dropAuditPartitionsBefore,
  listAuditPartitions,
  type AuditPartition,
  type CreateAuditPartitionsOptions,
  type CreateAuditPartitionsResult,
} from './core/audit/audit-partitions.js';
export {
  createStaffProfileRepository,
  type StaffProfileRepository,
} from './contexts/identity/staff-profiles/staff-profile-repository.js';
export {
  createStaffProfileQueries,
  type StaffProfileQueries,
  type PendingQueueOptions,
  type ExpiringOptions,
} from './contexts/identity/staff-profiles/staff-profile-queries.js';
export type { StaffProfile } from './contexts/identity/staff-profiles/staff-profile.js';
export {
  VERIFICATION_STATES,
  VERIFICATION_EVENTS,
  VERIFICATION_TRANSITIONS,
  nextState,
  transitionRule,
  type VerificationStatus,
  type VerificationEvent,
  type TransitionRule,
} from './contexts/identity/staff-profiles/verification-machine.js';
export { createUnitRepository, type UnitRepository } from './contexts/identity/units/unit-repository.js';
export type { Unit } from './contexts/identity/units/unit.js';
export {
  createClientRepository,
  type ClientRepository,
  type ListClientsOptions,
} from './contexts/documents/clients/client-repository.js';
export type { Client } from './contexts/documents/clients/client.js';
export {
  createDocumentRepository,
  type DocumentRepository,
  type DocumentMatch,
  type NameSearchOptions,
  type PurgeOptions,
  type PurgeResult,
} from './contexts/documents/documents/document-repository.js';
export type { Document, DocumentVersion } from './contexts/documents/documents/document.js';
export {
  createOrganizationRepository,
  type OrganizationRepository,
} from './contexts/identity/organizations/organization-repository.js';
export type { Organization } from './contexts/identity/organizations/organization.js';
export {
  createUserRepository,
  type UserRepository,
  type RegisteredUser,
} from './contexts/identity/users/user-repository.js';
export type { User, UserProfile } from './contexts/identity/users/user.js';
export { createRoleRepository, type RoleRepository } from './contexts/identity/rbac/role-repository.js';
export {
  createAccessRepository,
  type AccessRepository,
  type AssignRoleOptions,
} from './contexts/identity/rbac/access-repository.js';
export type { Role, Permission } from './contexts/identity/rbac/role.js';
export { ADMIN_ROLE, DEFAULT_USER_ROLE } from './contexts/identity/rbac/default-role.js';

export {
  seedDefaults,
  BASELINE_PERMISSIONS,
  USER_ROLE_PERMISSIONS,
  type SeedDefaultsResult,
} from './contexts/identity/seeders/seed-defaults.js';
