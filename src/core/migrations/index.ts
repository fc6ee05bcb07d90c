export { migrate, type MigrateOptions, type MigrateResult } from './migrate.js';
export { rollback, type RollbackResult, type RollbackTarget } from './rollback.js';
export {
  migrationStatus,
  type MigrationStatus,
  type MigrationSourceOptions,
  type PendingMigration,
  type MismatchedMigration,
} from './status.js';
export type { AppliedMigration } from './tracking-table.js';
export { TRACKING_TABLE } from './tracking-table.js';
export {
  defineMigration,
  checksumOf,
  NO_TRANSACTION_MARKER,
  type Migration,
  type MigrationScript,
} from './migration.js';
export type { MigrationTimeouts } from './timeouts.js';
export { embeddedMigrations } from './embedded-migrations.js';
