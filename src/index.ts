// Public entry point of @org/data. Test helpers live in `@org/data/testing`.

export { createDatabase, createPool, type DatabaseConfig } from './database/create-database.js';
export { transactionWithRetry, type RetryOptions } from './database/transaction-with-retry.js';
export {
  withTenant,
  currentTenant,
  TENANT_SETTING,
  APPLICATION_ROLE,
  type WithTenantOptions,
  type TenantWork,
} from './tenancy/index.js';
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
} from './config/index.js';
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
} from './migrations/index.js';

export * from './errors/index.js';
export * from './schema/inputs/index.js';

export { createRepositories, type Repositories } from './repositories/index.js';
export type { Page, PageOptions } from './repositories/shared/page.js';
export {
  AuditContextSchema,
  type AuditContext,
} from './audit/audit-context.js';
export { AUDITED_FIELDS, auditSnapshot, type AuditEntityType } from './audit/audit-snapshots.js';
export type { AuditEntry } from './audit/audit-entry.js';
export {
  createAuditRepository,
  type AuditRepository,
  type EntityHistoryOptions,
} from './audit/audit-repository.js';
export {
  createAuditPartitions,
  dropAuditPartitionsBefore,
  listAuditPartitions,
  type AuditPartition,
  type CreateAuditPartitionsOptions,
  type CreateAuditPartitionsResult,
} from './audit/audit-partitions.js';
export {
  createStaffProfileRepository,
  type StaffProfileRepository,
} from './repositories/staff-profiles/staff-profile-repository.js';
export {
  createStaffProfileQueries,
  type StaffProfileQueries,
  type PendingQueueOptions,
  type ExpiringOptions,
} from './repositories/staff-profiles/staff-profile-queries.js';
export type { StaffProfile } from './repositories/staff-profiles/staff-profile.js';
export {
  VERIFICATION_STATES,
  VERIFICATION_EVENTS,
  VERIFICATION_TRANSITIONS,
  nextState,
  transitionRule,
  type VerificationStatus,
  type VerificationEvent,
  type TransitionRule,
} from './repositories/staff-profiles/verification-machine.js';
export { createUnitRepository, type UnitRepository } from './repositories/units/unit-repository.js';
export type { Unit } from './repositories/units/unit.js';
export {
  createClientRepository,
  type ClientRepository,
  type ListClientsOptions,
} from './repositories/clients/client-repository.js';
export type { Client } from './repositories/clients/client.js';
export {
  createDocumentRepository,
  type DocumentRepository,
  type DocumentMatch,
  type NameSearchOptions,
  type PurgeOptions,
  type PurgeResult,
} from './repositories/documents/document-repository.js';
export type { Document, DocumentVersion } from './repositories/documents/document.js';
export {
  createOrganizationRepository,
  type OrganizationRepository,
} from './repositories/organizations/organization-repository.js';
export type { Organization } from './repositories/organizations/organization.js';
export {
  createUserRepository,
  type UserRepository,
  type RegisteredUser,
} from './repositories/users/user-repository.js';
export type { User, UserProfile } from './repositories/users/user.js';
export { createRoleRepository, type RoleRepository } from './repositories/rbac/role-repository.js';
export {
  createAccessRepository,
  type AccessRepository,
  type AssignRoleOptions,
} from './repositories/rbac/access-repository.js';
export type { Role, Permission } from './repositories/rbac/role.js';
export { ADMIN_ROLE, DEFAULT_USER_ROLE } from './repositories/rbac/default-role.js';

export {
  seedDefaults,
  BASELINE_PERMISSIONS,
  USER_ROLE_PERMISSIONS,
  type SeedDefaultsResult,
} from './seeders/seed-defaults.js';
