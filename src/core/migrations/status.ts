import type { Kysely } from 'kysely';
import { embeddedMigrations } from './embedded-migrations.js';
import type { Migration } from './migration.js';
import { readApplied, type AppliedMigration } from './tracking-table.js';
import { ValidationError } from '../errors/validation-error.js';
import { assertDatabase, optionsObject } from './migration-arguments.js';
import { migrationFailure } from './migration-failure.js';

/** A migration of this package that the database has not applied yet. */
export interface PendingMigration {
  /** The migration's name. */
  readonly name: string;
  /** The forward SQL that `migrate` would run, for review before it runs. */
  readonly sql: string;
  /** `false` for scripts marked `-- org-data:no-transaction`. */
  readonly transactional: boolean;
}

/** An applied migration whose files in this package no longer match what was applied. */
export interface MismatchedMigration {
  /** The migration's name. */
  readonly name: string;
  /** The changed files, e.g. `20261121090000_create_organizations.up.sql`. */
  readonly changedFiles: readonly string[];
}

/** Where a database stands against the migrations shipped in this package. */
export interface MigrationStatus {
  /** Applied and unchanged, in name order. */
  readonly applied: readonly AppliedMigration[];
  /** Not applied yet, in the order `migrate` would apply them. */
  readonly pending: readonly PendingMigration[];
  /** Applied, but the file's sha256 differs: `migrate` refuses until this is resolved. */
  readonly mismatched: readonly MismatchedMigration[];
  /** Applied, but not shipped in this package (a newer release applied them). */
  readonly unknown: readonly AppliedMigration[];
}

/** Options shared by `migrate`, `rollback` and `migrationStatus`. */
export interface MigrationSourceOptions {
  /**
   * The migrations to consider, in any order. (Default: the SQL shipped in this package.)
   * Meant for tests of the runner itself.
   */
  readonly migrations?: readonly Migration[];
}

/** Whether `value` has the shape `defineMigration` builds (what the runner reads of it). */
function isMigration(value: unknown): value is Migration {
  const m = value as Partial<Migration> | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof m.name === 'string' &&
    typeof m.checksum === 'string' &&
    typeof m.downChecksum === 'string' &&
    typeof m.up?.sql === 'string' &&
    typeof m.down?.sql === 'string'
  );
}

/**
 * Sorts migrations by name (their UTC timestamp prefix) and rejects duplicates.
 * @throws ValidationError when `migrations` is not an array of `defineMigration` results or
 *   holds a name twice.
 */
export function sortedMigrations(options: MigrationSourceOptions = {}): Migration[] {
  const source: unknown = options.migrations ?? embeddedMigrations;
  if (!Array.isArray(source) || !source.every(isMigration)) {
    throw new ValidationError([{ path: 'migrations', message: 'must be an array of defineMigration results' }]);
  }
  const list = [...(source as Migration[])].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  for (let i = 1; i < list.length; i += 1) {
    if (list[i]?.name === list[i - 1]?.name) {
      throw new ValidationError([{ path: 'migrations', message: `duplicate migration name ${list[i]?.name}` }]);
    }
  }
  return list;
}

/** Compares the shipped migrations with the tracking rows. Pure; used by every operation. */
export function compareMigrations(
  migrations: readonly Migration[],
  appliedRows: readonly AppliedMigration[],
): MigrationStatus {
  const byName = new Map(migrations.map((migration) => [migration.name, migration]));
  const appliedNames = new Set(appliedRows.map((row) => row.name));
  const applied: AppliedMigration[] = [];
  const mismatched: MismatchedMigration[] = [];
  const unknown: AppliedMigration[] = [];
  for (const row of appliedRows) {
    const migration = byName.get(row.name);
    if (!migration) {
      unknown.push(row);
      continue;
    }
    const changedFiles = [
      ...(migration.checksum === row.checksum ? [] : [`${row.name}.up.sql`]),
      ...(migration.downChecksum === row.downChecksum ? [] : [`${row.name}.down.sql`]),
    ];
    if (changedFiles.length > 0) mismatched.push({ name: row.name, changedFiles });
    else applied.push(row);
  }
  const pending = migrations
    .filter((migration) => !appliedNames.has(migration.name))
    .map((migration) => ({
      name: migration.name,
      sql: migration.up.sql,
      transactional: migration.up.transactional,
    }));
  return Object.freeze({ applied, pending, mismatched, unknown });
}

/**
 * Lists applied, pending, mismatched and unknown migrations without changing anything.
 * Pending entries carry their SQL so a DBA can review what `migrate` would run.
 *
 * @throws MigrationPrivilegeError when the session may not read the tracking table;
 *   ConnectionLostError, DatabaseClosedError, ValidationError as `migrate` does. Every failure
 *   is a `DataError`.
 *
 * @example
 * const status = await migrationStatus(db);
 * for (const m of status.pending) console.log(m.name, m.sql);
 */
export async function migrationStatus(
  db: Kysely<any>,
  options: MigrationSourceOptions = {},
): Promise<MigrationStatus> {
  try {
    assertDatabase(db, false);
    const migrations = sortedMigrations(optionsObject(options));
    return compareMigrations(migrations, await readApplied(db));
  } catch (error) {
    throw migrationFailure(error);
  }
}
