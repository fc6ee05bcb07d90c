import type { Kysely } from 'kysely';
import { MigrationChecksumError, MigrationStateError } from '../errors/migration-errors.js';
import type { Migration } from './migration.js';
import { assertDatabase, optionsObject } from './migration-arguments.js';
import { migrationFailure } from './migration-failure.js';
import { withMigrationLock } from './migration-lock.js';
import { assertCanMigrate } from './migration-privileges.js';
import { runScript } from './run-script.js';
import { compareMigrations, sortedMigrations, type MigrationSourceOptions } from './status.js';
import { resolveTimeouts, type MigrationTimeouts } from './timeouts.js';
import { ensureTrackingTable, readApplied, recordRolledBack } from './tracking-table.js';

/** Which migrations {@link rollback} reverts: the last `steps`, or all applied after `to`. */
export type RollbackTarget = { readonly steps: number } | { readonly to: string };

/** What {@link rollback} did. */
export interface RollbackResult {
  /** Names of the migrations rolled back, newest first. */
  readonly rolledBack: readonly string[];
}

/**
 * Rolls back applied migrations, newest first, each with its rollback script in its own
 * transaction (same timeouts and no-transaction marker as {@link migrate}).
 *
 * `{ steps: n }` reverts the last n applied migrations; `{ to: name }` reverts every migration
 * applied after `name`, leaving `name` applied.
 *
 * Like `migrate`, it checks every applied migration's files before doing anything: when one
 * changed since it was applied (its `.up.sql` or `.down.sql`), the database was built by SQL
 * this package no longer holds, and nothing is rolled back, whether or not that migration is
 * among the ones to revert.
 *
 * @throws MigrationStateError when the target is invalid or a migration to revert is not
 *   shipped in this package; nothing is rolled back.
 * @throws MigrationChecksumError when an applied migration changed since it was applied;
 *   nothing is rolled back.
 * @throws MigrationError when a rollback script fails; it is undone and stays applied.
 * @throws MigrationPrivilegeError when the session may not change the schema (the application
 *   role): run migrations with the owner connection.
 * @throws ConnectionLostError, DatabaseClosedError, ValidationError as `migrate` does.
 */
export async function rollback(
  db: Kysely<any>,
  target: RollbackTarget,
  options: MigrationTimeouts & MigrationSourceOptions = {},
): Promise<RollbackResult> {
  try {
    assertDatabase(db, true);
    const resolved: MigrationTimeouts & MigrationSourceOptions = optionsObject(options);
    const checked = rollbackTarget(target);
    const migrations = sortedMigrations(resolved);
    const timeouts = resolveTimeouts(resolved);
    return await withMigrationLock(db, timeouts.statementTimeoutMs, (connection) =>
      revert(connection, migrations, checked, timeouts),
    );
  } catch (error) {
    throw migrationFailure(error);
  }
}

/**
 * Refuses a target outside the type: not an object, neither `steps` nor `to`, `steps` not a
 * positive integer, `to` not a string.
 * @throws MigrationStateError
 */
function rollbackTarget(target: unknown): RollbackTarget {
  const candidate = target as { steps?: unknown; to?: unknown } | null;
  if (typeof candidate !== 'object' || candidate === null) {
    throw new MigrationStateError('rollback needs a target: { steps: n } or { to: name }');
  }
  if ('steps' in candidate) {
    const { steps } = candidate;
    if (typeof steps !== 'number' || !Number.isSafeInteger(steps) || steps < 1) {
      throw new MigrationStateError('rollback steps must be a positive integer');
    }
    return { steps };
  }
  if (typeof candidate.to !== 'string') {
    throw new MigrationStateError('rollback needs a target: { steps: n } or { to: name }');
  }
  return { to: candidate.to };
}

/** Reverts the migrations `target` names while the caller holds the migration lock. */
async function revert(
  connection: Kysely<any>,
  migrations: readonly Migration[],
  target: RollbackTarget,
  timeouts: Required<MigrationTimeouts>,
): Promise<RollbackResult> {
  await assertCanMigrate(connection);
  await ensureTrackingTable(connection);
  const appliedRows = await readApplied(connection);
  const { mismatched } = compareMigrations(migrations, appliedRows);
  if (mismatched.length > 0) throw new MigrationChecksumError(mismatched.flatMap((m) => m.changedFiles));
  const byName = new Map(migrations.map((m) => [m.name, m]));
  const applied = [...appliedRows].reverse();
  let toRevert = applied;
  if ('steps' in target) {
    toRevert = applied.slice(0, target.steps);
  } else {
    const index = applied.findIndex((row) => row.name === target.to);
    if (index === -1) throw new MigrationStateError(`Target is not applied: ${target.to}`);
    toRevert = applied.slice(0, index);
  }
  const plan: Migration[] = [];
  for (const row of toRevert) {
    const migration = byName.get(row.name);
    if (!migration) {
      throw new MigrationStateError(`Cannot roll back ${row.name}: not shipped in this package`);
    }
    plan.push(migration);
  }
  const rolledBack: string[] = [];
  for (const migration of plan) {
    await runScript(connection, migration.name, migration.down, timeouts, (c) => recordRolledBack(c, migration.name));
    rolledBack.push(migration.name);
  }
  return Object.freeze({ rolledBack });
}
