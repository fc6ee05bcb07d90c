import type { Kysely } from 'kysely';
import { MigrationChecksumError, MigrationStateError } from '../errors/migration-errors.js';
import type { Migration } from './migration.js';
import { withMigrationLock } from './migration-lock.js';
import { runScript } from './run-script.js';
import { sortedMigrations, type MigrationSourceOptions } from './status.js';
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
 * @throws MigrationStateError when the target is invalid or a migration to revert is not
 *   shipped in this package; nothing is rolled back.
 * @throws MigrationChecksumError when a migration to revert changed since it was applied.
 * @throws MigrationError when a rollback script fails; it is undone and stays applied.
 */
export async function rollback(
  db: Kysely<any>,
  target: RollbackTarget,
  options: MigrationTimeouts & MigrationSourceOptions = {},
): Promise<RollbackResult> {
  const migrations = new Map(sortedMigrations(options).map((m) => [m.name, m]));
  const timeouts = resolveTimeouts(options);
  if ('steps' in target && (!Number.isSafeInteger(target.steps) || target.steps < 1)) {
    throw new MigrationStateError('rollback steps must be a positive integer');
  }
  return withMigrationLock(db, async (connection) => {
    await ensureTrackingTable(connection);
    const applied = (await readApplied(connection)).reverse();
    let toRevert = applied;
    if ('steps' in target) {
      toRevert = applied.slice(0, target.steps);
    } else {
      const index = applied.findIndex((row) => row.name === target.to);
      if (index === -1) throw new MigrationStateError(`Target is not applied: ${target.to}`);
      toRevert = applied.slice(0, index);
    }
    const plan: Migration[] = [];
    const changed: string[] = [];
    for (const row of toRevert) {
      const migration = migrations.get(row.name);
      if (!migration) {
        throw new MigrationStateError(`Cannot roll back ${row.name}: not shipped in this package`);
      }
      if (migration.checksum !== row.checksum) changed.push(`${row.name}.up.sql`);
      if (migration.downChecksum !== row.downChecksum) changed.push(`${row.name}.down.sql`);
      plan.push(migration);
    }
    if (changed.length > 0) throw new MigrationChecksumError(changed);
    const rolledBack: string[] = [];
    for (const migration of plan) {
      await runScript(connection, migration.name, migration.down, timeouts, (c) =>
        recordRolledBack(c, migration.name),
      );
      rolledBack.push(migration.name);
    }
    return Object.freeze({ rolledBack });
  });
}
