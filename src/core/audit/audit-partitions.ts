import { sql, type Kysely, type RawBuilder } from 'kysely';
import { z } from 'zod';
import { parseInput } from '../kernel/parse-input.js';
import { inTransaction } from '../unit-of-work/in-transaction.js';
import { withErrorMapping } from '../kernel/with-error-mapping.js';

const PARTITION_NAME = /^audit_logs_y(\d{4})m(\d{2})$/;
const DateSchema = z.date().refine((d) => !Number.isNaN(d.getTime()), 'must be a valid date');

/** A monthly partition of `audit_logs`: rows with `from <= created_at < to` (UTC months). */
export interface AuditPartition {
  /** `audit_logs_yYYYYmMM`. */
  readonly name: string;
  /** First instant of the month (UTC). */
  readonly from: Date;
  /** First instant of the next month (UTC). */
  readonly to: Date;
}

/** What {@link createAuditPartitions} did. */
export interface CreateAuditPartitionsResult {
  /** Partitions created, oldest first. */
  readonly created: readonly string[];
  /** Rows moved out of the DEFAULT partition into the partitions created. */
  readonly movedRows: number;
}

/** Options of {@link createAuditPartitions}. */
export interface CreateAuditPartitionsOptions {
  /** How many months after the current one to prepare. (Default: `3`) */
  readonly monthsAhead?: number;
  /** The "current" month is the one of this instant (UTC). (Default: now) */
  readonly from?: Date;
}

function monthStart(year: number, monthIndex: number): Date {
  return new Date(Date.UTC(year, monthIndex, 1));
}

function partitionOf(start: Date): AuditPartition {
  const year = start.getUTCFullYear();
  const month = start.getUTCMonth();
  return Object.freeze({
    name: `audit_logs_y${year}m${String(month + 1).padStart(2, '0')}`,
    from: start,
    to: monthStart(year, month + 1),
  });
}

/** Lists the monthly partitions of `audit_logs`, oldest first (the DEFAULT one excluded). */
export async function listAuditPartitions(db: Kysely<any>): Promise<AuditPartition[]> {
  const { rows } = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'audit_logs'::regclass`.execute(db);
  return rows
    .map((row) => PARTITION_NAME.exec(row.name))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => partitionOf(monthStart(Number(match[1]), Number(match[2]) - 1)))
    .sort((a, b) => a.from.getTime() - b.from.getTime());
}

/**
 * Creates the monthly partitions of `audit_logs` for the current month and `monthsAhead`
 * months after it, skipping those that exist. Rows that landed in the DEFAULT partition for a
 * month being created are moved into it (the DEFAULT partition is detached, emptied of that
 * month and re-attached in one transaction, which briefly blocks audit inserts).
 *
 * Run it on a schedule (e.g. daily) and at deploy time, after `migrate`.
 */
export async function createAuditPartitions(
  db: Kysely<any>,
  options: CreateAuditPartitionsOptions = {},
): Promise<CreateAuditPartitionsResult> {
  const monthsAhead = parseInput(z.int().min(0).max(120), options.monthsAhead ?? 3);
  const from = parseInput(DateSchema, options.from ?? new Date());
  const existing = new Set((await listAuditPartitions(db)).map((p) => p.name));
  const created: string[] = [];
  let movedRows = 0;
  const { run } = withErrorMapping({
    run: async () => {
      for (let offset = 0; offset <= monthsAhead; offset += 1) {
        const partition = partitionOf(monthStart(from.getUTCFullYear(), from.getUTCMonth() + offset));
        if (existing.has(partition.name)) continue;
        const moved = await inTransaction(db, (trx) => createPartition(trx, partition));
        // `null`: another run created it since the list above was read.
        if (moved === null) continue;
        movedRows += moved;
        created.push(partition.name);
      }
    },
  });
  await run();
  return Object.freeze({ created, movedRows });
}

/**
 * Creates one month's partition (moving its rows out of DEFAULT) and returns how many rows were
 * moved, or `null` when the partition exists already (a concurrent run created it).
 */
async function createPartition(trx: Kysely<any>, partition: AuditPartition): Promise<number | null> {
  const from = partition.from.toISOString();
  const to = partition.to.toISOString();
  // Serializes concurrent maintenance and keeps writers out while the DEFAULT partition moves.
  await sql`LOCK TABLE audit_logs IN ACCESS EXCLUSIVE MODE`.execute(trx);
  const exists = await sql`SELECT 1 FROM pg_class WHERE relname = ${partition.name}`.execute(trx);
  if (exists.rows.length > 0) return null;
  const { rows } = await sql<{ n: string }>`
    SELECT count(*) AS n FROM audit_logs_default WHERE created_at >= ${from} AND created_at < ${to}`.execute(trx);
  const stranded = Number(rows[0]?.n ?? 0);
  const bounds = sql`FOR VALUES FROM (${sql.lit(from)}) TO (${sql.lit(to)})`;
  if (stranded === 0) {
    await createMonth(trx, partition, bounds);
    return 0;
  }
  // PostgreSQL refuses a new partition while the DEFAULT one holds rows of its range:
  // detach DEFAULT, create the month, move its rows through the parent, re-attach. The rows
  // belong to every tenant: row-level security is lifted for this transaction only (it holds
  // an ACCESS EXCLUSIVE lock, so nobody else reads or writes meanwhile) and forced again.
  await sql`ALTER TABLE audit_logs NO FORCE ROW LEVEL SECURITY`.execute(trx);
  await sql`ALTER TABLE audit_logs_default NO FORCE ROW LEVEL SECURITY`.execute(trx);
  await sql`ALTER TABLE audit_logs DETACH PARTITION audit_logs_default`.execute(trx);
  await createMonth(trx, partition, bounds);
  await sql`INSERT INTO audit_logs OVERRIDING SYSTEM VALUE
    SELECT * FROM audit_logs_default WHERE created_at >= ${from} AND created_at < ${to}`.execute(trx);
  // DETACH removes the row triggers cloned from the parent (PostgreSQL 15 and later alike), so
  // the append-only trigger does not block this DELETE; ATTACH clones it back.
  await sql`DELETE FROM audit_logs_default WHERE created_at >= ${from} AND created_at < ${to}`.execute(trx);
  await sql`ALTER TABLE audit_logs ATTACH PARTITION audit_logs_default DEFAULT`.execute(trx);
  await sql`ALTER TABLE audit_logs FORCE ROW LEVEL SECURITY`.execute(trx);
  await sql`ALTER TABLE audit_logs_default FORCE ROW LEVEL SECURITY`.execute(trx);
  return stranded;
}

/**
 * Creates the month's partition with its TRUNCATE guard: the parent's row triggers
 * (UPDATE/DELETE) are cloned to every partition, but a statement-level TRUNCATE trigger is not,
 * so `TRUNCATE audit_logs_yYYYYmMM` would otherwise empty the month.
 */
async function createMonth(trx: Kysely<any>, partition: AuditPartition, bounds: RawBuilder<unknown>): Promise<void> {
  const name = sql.table(partition.name);
  await sql`CREATE TABLE ${name} PARTITION OF audit_logs ${bounds}`.execute(trx);
  await sql`CREATE TRIGGER ${sql.id(`${partition.name}_no_truncate`)} BEFORE TRUNCATE ON ${name}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_logs_reject_change()`.execute(trx);
  // Isolated like the parent (see 20261121120000_enable_row_level_security): the application
  // role reaches audit rows only through audit_logs, and a direct read of the partition is
  // filtered by tenant too.
  await sql`ALTER TABLE ${name} ENABLE ROW LEVEL SECURITY`.execute(trx);
  await sql`ALTER TABLE ${name} FORCE ROW LEVEL SECURITY`.execute(trx);
  await sql`CREATE POLICY tenant_isolation ON ${name}
    USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid)
    WITH CHECK (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid)`.execute(trx);
  await sql`DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'org_data_app') THEN
        EXECUTE format('REVOKE ALL ON %I FROM org_data_app', ${sql.lit(partition.name)});
      END IF;
    END $$`.execute(trx);
}

/**
 * Detaches and drops every monthly partition that ends on or before `retainFrom`: only whole
 * months older than the retention date go; the month containing it is kept. Rows in the
 * DEFAULT partition are never dropped.
 *
 * Safe to run concurrently: a month another run dropped meanwhile is skipped.
 *
 * @returns the names of the partitions this call dropped, oldest first.
 */
export async function dropAuditPartitionsBefore(db: Kysely<any>, retainFrom: Date): Promise<string[]> {
  const cutoff = parseInput(DateSchema, retainFrom);
  const dropped: string[] = [];
  const { run } = withErrorMapping({
    run: async () => {
      for (const partition of await listAuditPartitions(db)) {
        if (partition.to.getTime() > cutoff.getTime()) continue;
        const gone = await inTransaction(db, async (trx) => {
          // Serializes with other maintenance runs; one may have dropped it since the list.
          await sql`LOCK TABLE audit_logs IN ACCESS EXCLUSIVE MODE`.execute(trx);
          const { rows } = await sql`
            SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'audit_logs'::regclass AND c.relname = ${partition.name}`.execute(trx);
          if (rows.length === 0) return false;
          await sql`ALTER TABLE audit_logs DETACH PARTITION ${sql.table(partition.name)}`.execute(trx);
          await sql`DROP TABLE ${sql.table(partition.name)}`.execute(trx);
          return true;
        });
        if (gone) dropped.push(partition.name);
      }
    },
  });
  await run();
  return dropped;
}
