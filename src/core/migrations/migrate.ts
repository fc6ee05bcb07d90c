import type { Kysely } from 'kysely';
import { MigrationChecksumError, MigrationStateError } from '../errors/migration-errors.js';
import { assertDatabase, optionsObject } from './migration-arguments.js';
import { migrationFailure } from './migration-failure.js';
import { withMigrationLock } from './migration-lock.js';
import { assertCanMigrate } from './migration-privileges.js';
import { runScript } from './run-script.js';
import type { Migration } from './migration.js';
import { compareMigrations, sortedMigrations, type MigrationSourceOptions } from './status.js';
import { resolveTimeouts, type MigrationTimeouts } from './timeouts.js';
import { ensureTrackingTable, readApplied, recordApplied } from './tracking-table.js';

/** Options of {@link migrate}. */
export interface MigrateOptions extends MigrationTimeouts, MigrationSourceOptions {
  /** Apply pending migrations up to and including this name. (Default: all pending) */
  readonly to?: string;
}

/** What {@link migrate} did. */
export interface MigrateResult {
  /** Names of the migrations applied by this call, in order; empty when none were pending. */
  readonly applied: readonly string[];
}

/**
 * Applies pending migrations in name order, each in its own transaction with `lock_timeout`
 * and `statement_timeout` set (scripts marked `-- org-data:no-transaction` run outside one).
 *
 * Safe to call from many instances at once: a PostgreSQL advisory lock serializes callers and
 * the later ones find nothing pending. Before applying anything it checks every applied
 * migration's sha256 against the shipped file.
 *
 * @throws MigrationChecksumError when an applied migration's file changed; nothing is applied.
 * @throws MigrationStateError when `to` is unknown or a pending migration sorts before an
 *   applied one (history out of order); nothing is applied.
 * @throws MigrationError when a migration fails; it is rolled back and not recorded, and the
 *   ones applied before it stay applied.
 * @throws MigrationPrivilegeError when the session may not create objects in its schema (the
 *   application role; checked before anything is written) or a migration is refused a
 *   privilege: run migrations with the owner connection.
 * @throws ConnectionLostError when the server cannot be reached or the session is terminated
 *   (also while waiting for the lock); DatabaseClosedError after `db.destroy()`;
 *   ValidationError for arguments outside the types. Every failure is a `DataError`.
 *
 * @example
 * const db = createDatabase({ connectionString: process.env.DATABASE_URL });
 * await migrate(db);
 */
export async function migrate(db: Kysely<any>, options: MigrateOptions = {}): Promise<MigrateResult> {
  let running: string | undefined;
  try {
    assertDatabase(db, true);
    const resolved: MigrateOptions = optionsObject(options);
    const migrations = sortedMigrations(resolved);
    const timeouts = resolveTimeouts(resolved);
    if (resolved.to !== undefined && !migrations.some((m) => m.name === resolved.to)) {
      throw new MigrationStateError(`Unknown target migration: ${String(resolved.to)}`);
    }
    return await withMigrationLock(db, timeouts.statementTimeoutMs, (connection) =>
      applyPending(connection, migrations, resolved.to, timeouts, (name) => (running = name)),
    );
  } catch (error) {
    throw migrationFailure(error, running);
  }
}

/** Applies what is pending (up to `to`) while the caller holds the migration lock. */
async function applyPending(
  connection: Kysely<any>,
  migrations: readonly Migration[],
  to: string | undefined,
  timeouts: Required<MigrationTimeouts>,
  starting: (name: string) => void,
): Promise<MigrateResult> {
  await assertCanMigrate(connection);
  await ensureTrackingTable(connection);
  const status = compareMigrations(migrations, await readApplied(connection));
  if (status.mismatched.length > 0) {
    throw new MigrationChecksumError(status.mismatched.flatMap((m) => m.changedFiles));
  }
  const lastApplied = [...status.applied, ...status.unknown]
    .map((row) => row.name)
    .sort()
    .at(-1);
  const late = status.pending.filter((m) => lastApplied !== undefined && m.name < lastApplied);
  if (late.length > 0) {
    throw new MigrationStateError(
      `Pending migrations sort before the last applied one (${lastApplied}): ` +
        late.map((m) => m.name).join(', '),
    );
  }
  const applied: string[] = [];
  for (const pending of status.pending) {
    if (to !== undefined && pending.name > to) break;
    const migration = migrations.find((m) => m.name === pending.name)!;
    starting(migration.name);
    const started = performance.now();
    await runScript(connection, migration.name, migration.up, timeouts, (c) =>
      recordApplied(c, migration, performance.now() - started),
    );
    applied.push(migration.name);
  }
  return Object.freeze({ applied });
}
