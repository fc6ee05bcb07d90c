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
 * An applied migration's file differs from the one shipped in this package (its sha256
 * changed). Released migrations are never edited; `migrate` refuses before applying anything.
 */
export class MigrationChecksumError extends DataError {
  /** The changed files, e.g. `20261121090000_create_organizations.up.sql`. */
  readonly files: readonly string[];

  constructor(files: readonly string[]) {
    super(
      'MIGRATION_CHECKSUM_MISMATCH',
      `Migration file changed since it was applied: ${files.join(', ')}`,
    );
    this.files = Object.freeze([...files]);
  }
}

/** The migration history does not allow the requested operation (unknown target, gap, …). */
export class MigrationStateError extends DataError {
  constructor(message: string) {
    super('MIGRATION_STATE', message);
  }
}
