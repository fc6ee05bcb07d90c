import { DataError } from './data-error.js';

/** A migration failed; its transaction was rolled back and it is not recorded as applied. */
export class MigrationError extends DataError {
  /** The failing migration's name. */
  readonly migration: string;

  constructor(migration: string, reason: string, sqlState?: string) {
    super('MIGRATION_FAILED', `Migration ${migration} failed: ${reason}`, { sqlState });
    this.migration = migration;
  }
}

/**
 * An applied migration's SQL differs from the file shipped in this package. Released
 * migrations are never edited; `migrate` refuses before applying anything.
 */
export class MigrationChecksumError extends DataError {
  /** The migrations whose recorded sha256 differs from the file's. */
  readonly migrations: readonly string[];

  constructor(migrations: readonly string[]) {
    super(
      'MIGRATION_CHECKSUM_MISMATCH',
      `Applied migration file changed since it was applied: ${migrations.join(', ')}`,
    );
    this.migrations = Object.freeze([...migrations]);
  }
}

/** The migration history does not allow the requested operation (unknown target, gap, …). */
export class MigrationStateError extends DataError {
  constructor(message: string) {
    super('MIGRATION_STATE', message);
  }
}
