import { sql, type Kysely } from 'kysely';
import type { Migration } from './migration.js';

/** The table that records applied migrations, in the connection's current schema. */
export const TRACKING_TABLE = 'org_data_migrations';

/** A row of the tracking table. */
export interface AppliedMigration {
  /** The migration's name. */
  readonly name: string;
  /** sha256 of the forward file as it was when applied. */
  readonly checksum: string;
  /** sha256 of the rollback file as it was when applied. */
  readonly downChecksum: string;
  /** When it was applied. */
  readonly appliedAt: Date;
  /** How long it took, in milliseconds. */
  readonly durationMs: number;
}

/** Creates the tracking table if it is missing. Call only while holding the migration lock. */
export async function ensureTrackingTable(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE IF NOT EXISTS ${sql.table(TRACKING_TABLE)} (
      name text PRIMARY KEY,
      checksum text NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'),
      down_checksum text NOT NULL CHECK (down_checksum ~ '^[0-9a-f]{64}$'),
      applied_at timestamptz NOT NULL DEFAULT now(),
      duration_ms integer NOT NULL CHECK (duration_ms >= 0)
    )`.execute(db);
}

/** Reads applied migrations in name order; an absent tracking table means none. */
export async function readApplied(db: Kysely<any>): Promise<AppliedMigration[]> {
  const exists = await sql<{ exists: boolean }>`
    SELECT to_regclass(${TRACKING_TABLE}) IS NOT NULL AS exists`.execute(db);
  if (!exists.rows[0]?.exists) return [];
  const result = await sql<AppliedMigration>`
    SELECT name, checksum, down_checksum AS "downChecksum", applied_at AS "appliedAt",
           duration_ms AS "durationMs"
    FROM ${sql.table(TRACKING_TABLE)} ORDER BY name`.execute(db);
  return result.rows;
}

/** Records a migration as applied. */
export async function recordApplied(
  db: Kysely<any>,
  migration: Migration,
  durationMs: number,
): Promise<void> {
  await sql`INSERT INTO ${sql.table(TRACKING_TABLE)} (name, checksum, down_checksum, duration_ms)
    VALUES (${migration.name}, ${migration.checksum}, ${migration.downChecksum}, ${Math.round(durationMs)})`.execute(db);
}

/** Removes a migration's record after its rollback ran. */
export async function recordRolledBack(db: Kysely<any>, name: string): Promise<void> {
  await sql`DELETE FROM ${sql.table(TRACKING_TABLE)} WHERE name = ${name}`.execute(db);
}
