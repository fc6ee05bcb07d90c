import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import { parseInput } from '../kernel/parse-input.js';
import { databaseArgument } from '../kernel/database-type.js';
import { withErrorMapping } from '../kernel/with-error-mapping.js';
import { inTransaction } from '../unit-of-work/in-transaction.js';
import { monthlyPartitionOf, monthStart, parseMonthlyPartitionName, type MonthlyPartition } from './monthly-partition.js';
import { enableTenantIsolation } from '../tenancy/tenant-isolation.js';

/**
 * Which table is partitioned by month, and how its partitions are guarded. The table itself
 * comes from a migration: `PARTITION BY RANGE (<partitionKey>)` on a timestamptz column,
 * usually with a DEFAULT partition (which takes rows of months not created yet), tenant
 * isolation on the parent (`CALL org_data_enable_tenant_isolation(…)`) and `'NONE'` on the
 * DEFAULT partition.
 */
export interface MonthlyPartitionSpec {
  /**
   * The partitioned parent: a lowercase unquoted identifier of at most 40 characters (the
   * partitions are `<table>_yYYYYmMM` and their triggers `<table>_yYYYYmMM_no_truncate`,
   * within PostgreSQL's 63).
   */
  readonly table: string;
  /** The timestamptz column the table is range-partitioned by. (Default: `created_at`) */
  readonly partitionKey?: string;
  /**
   * The uuid column each new partition's `tenant_isolation` policy compares with the tenant
   * setting (partitions do not inherit row-level security; a direct query on one is checked
   * against its own policy and privileges).
   */
  readonly tenantColumn: string;
  /**
   * A trigger function run `BEFORE TRUNCATE … FOR EACH STATEMENT` on every new partition, for
   * append-only tables: the parent's statement triggers are not cloned to partitions.
   * (Default: none)
   */
  readonly truncateGuardFunction?: string;
}

/** Options of {@link MonthlyPartitions.create}. */
export interface CreateMonthlyPartitionsOptions {
  /** How many months after the current one to prepare, 0 to 120. (Default: `3`) */
  readonly monthsAhead?: number;
  /** The "current" month is the one of this instant (UTC). (Default: now) */
  readonly from?: Date;
}

/** What {@link MonthlyPartitions.create} did. */
export interface CreateMonthlyPartitionsResult {
  /** Partitions created, oldest first. */
  readonly created: readonly string[];
  /** Rows moved out of the DEFAULT partition into the partitions created. */
  readonly movedRows: number;
}

/** Partition maintenance of one monthly-partitioned table; made by {@link monthlyPartitions}. */
export interface MonthlyPartitions {
  /** The validated spec, defaults filled in. */
  readonly spec: Readonly<Required<Omit<MonthlyPartitionSpec, 'truncateGuardFunction'>>> &
    Pick<MonthlyPartitionSpec, 'truncateGuardFunction'>;
  /** The monthly partitions, oldest first (the DEFAULT one and unrecognised names excluded). */
  list(db: Kysely<any>): Promise<MonthlyPartition[]>;
  /**
   * Creates the partitions for the current month and `monthsAhead` months after it, skipping
   * those that exist. Each month is created in its own transaction holding an ACCESS EXCLUSIVE
   * lock on the parent (which serializes concurrent runs and briefly blocks writers): its
   * TRUNCATE guard, tenant isolation with no privilege for `org_data_app` (through
   * `org_data_enable_tenant_isolation`), and the rows of that month that landed in the DEFAULT
   * partition moved into it (DEFAULT detached, emptied of the month, re-attached).
   *
   * Rows of every tenant are moved: FORCE ROW LEVEL SECURITY is lifted from the parent and the
   * DEFAULT partition inside that transaction (nobody else can read or write meanwhile) and set
   * again before it commits, so the table's owner can run it without BYPASSRLS.
   *
   * @throws ValidationError for bad options; mapped DataErrors from PostgreSQL (a month that
   *   fails rolls back whole: DEFAULT stays attached with its rows; months created before it stay).
   */
  create(db: Kysely<any>, options?: CreateMonthlyPartitionsOptions): Promise<CreateMonthlyPartitionsResult>;
  /**
   * Detaches and drops every monthly partition that ends on or before `retainFrom`: only whole
   * months older than the retention date go; the month containing it is kept. Rows in the
   * DEFAULT partition are never dropped. Safe to run concurrently: a month another run dropped
   * meanwhile is skipped.
   *
   * @returns the names of the partitions this call dropped, oldest first.
   * @throws ValidationError for an invalid date.
   */
  dropBefore(db: Kysely<any>, retainFrom: Date): Promise<string[]>;
}

const Identifier = z
  .string()
  .max(63)
  .regex(/^[a-z_][a-z0-9_]*$/, 'must be a lowercase unquoted identifier');

const SpecSchema = z.strictObject({
  table: Identifier.max(40),
  partitionKey: Identifier.default('created_at'),
  tenantColumn: Identifier,
  truncateGuardFunction: Identifier.optional(),
});

const OptionsSchema = z.object({
  monthsAhead: z.int().min(0).max(120).default(3),
  from: z.date().optional(),
});

const DateSchema = z.date().refine((d) => !Number.isNaN(d.getTime()), 'must be a valid date');

type Spec = MonthlyPartitions['spec'];

/**
 * Partition maintenance for the monthly-partitioned table `spec.table`: list, create ahead
 * (moving rows stranded in the DEFAULT partition) and drop for retention. Run `create` on a
 * schedule (e.g. daily) and at deploy time after `migrate`, as the table's owner.
 *
 * @throws ValidationError when the spec is not valid (names must be plain identifiers).
 *
 * @example
 * const events = monthlyPartitions({ table: 'domain_events', tenantColumn: 'organization_id' });
 * await events.create(db, { monthsAhead: 3 });
 * await events.dropBefore(db, new Date('2026-01-01T00:00:00Z'));
 */
export function monthlyPartitions(spec: MonthlyPartitionSpec): MonthlyPartitions {
  const parsed: Spec = Object.freeze(parseInput(SpecSchema, spec));
  const methods = withErrorMapping({
    list: (db: Kysely<any>) => (databaseArgument(db), listPartitions(db, parsed)),
    create: (db: Kysely<any>, options: CreateMonthlyPartitionsOptions = {}) => (databaseArgument(db), createPartitions(db, parsed, options)),
    dropBefore: (db: Kysely<any>, retainFrom: Date) => (databaseArgument(db), dropPartitionsBefore(db, parsed, retainFrom)),
  });
  return Object.freeze({ spec: parsed, ...methods });
}

async function listPartitions(db: Kysely<any>, spec: Spec): Promise<MonthlyPartition[]> {
  const { rows } = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = ${spec.table}::regclass`.execute(db);
  return rows
    .map((row) => parseMonthlyPartitionName(spec.table, row.name))
    .filter((partition): partition is MonthlyPartition => partition !== null)
    .sort((a, b) => a.from.getTime() - b.from.getTime());
}

async function createPartitions(
  db: Kysely<any>,
  spec: Spec,
  options: CreateMonthlyPartitionsOptions,
): Promise<CreateMonthlyPartitionsResult> {
  const { monthsAhead, from: fromOption } = parseInput(OptionsSchema, options);
  const from = parseInput(DateSchema, fromOption ?? new Date());
  const existing = new Set((await listPartitions(db, spec)).map((p) => p.name));
  const created: string[] = [];
  let movedRows = 0;
  for (let offset = 0; offset <= monthsAhead; offset += 1) {
    const partition = monthlyPartitionOf(spec.table, monthStart(from.getUTCFullYear(), from.getUTCMonth() + offset));
    if (existing.has(partition.name)) continue;
    const moved = await inTransaction(db, (trx) => createMonth(trx, spec, partition));
    // `null`: another run created it since the list above was read.
    if (moved === null) continue;
    movedRows += moved;
    created.push(partition.name);
  }
  return Object.freeze({ created, movedRows });
}

interface DefaultPartition {
  readonly name: string;
  readonly forced: boolean;
}

/**
 * Creates one month's partition, moving its rows out of DEFAULT, and returns how many rows
 * were moved, or `null` when the partition exists already (a concurrent run created it).
 */
async function createMonth(trx: Kysely<any>, spec: Spec, partition: MonthlyPartition): Promise<number | null> {
  const parent = sql.table(spec.table);
  // Serializes concurrent maintenance and keeps readers and writers out while DEFAULT moves.
  await sql`LOCK TABLE ${parent} IN ACCESS EXCLUSIVE MODE`.execute(trx);
  const exists = await sql`
    SELECT 1 FROM pg_inherits
    WHERE inhparent = ${spec.table}::regclass AND inhrelid = to_regclass(${partition.name})`.execute(trx);
  if (exists.rows.length > 0) return null;

  const fallback = await defaultPartitionOf(trx, spec.table);
  if (fallback === null) {
    await createPartition(trx, spec, partition);
    return 0;
  }
  const fallbackTable = sql.table(fallback.name);
  const inMonth = sql`${sql.ref(spec.partitionKey)} >= ${partition.from.toISOString()}
    AND ${sql.ref(spec.partitionKey)} < ${partition.to.toISOString()}`;
  // The stranded rows belong to every tenant: under FORCE the owner would count (and move)
  // only the current tenant's. Lifted inside this transaction only (the lock above keeps
  // everyone else out), set again before it commits, restored by ROLLBACK on failure.
  const parentForced = await isForced(trx, spec.table);
  if (parentForced) await sql`ALTER TABLE ${parent} NO FORCE ROW LEVEL SECURITY`.execute(trx);
  if (fallback.forced) await sql`ALTER TABLE ${fallbackTable} NO FORCE ROW LEVEL SECURITY`.execute(trx);

  const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM ${fallbackTable} WHERE ${inMonth}`.execute(trx);
  const stranded = Number(rows[0]?.n ?? 0);
  if (stranded === 0) {
    await createPartition(trx, spec, partition);
  } else {
    // PostgreSQL refuses a new partition while the DEFAULT one holds rows of its range:
    // detach DEFAULT, create the month, move its rows through the parent, re-attach.
    const columns = sql.join((await insertableColumns(trx, spec.table)).map((name) => sql.ref(name)));
    await sql`ALTER TABLE ${parent} DETACH PARTITION ${fallbackTable}`.execute(trx);
    await createPartition(trx, spec, partition);
    await sql`INSERT INTO ${parent} (${columns}) OVERRIDING SYSTEM VALUE
      SELECT ${columns} FROM ${fallbackTable} WHERE ${inMonth}`.execute(trx);
    // DETACH removes the row triggers cloned from the parent (PostgreSQL 15 and later alike),
    // so an append-only trigger does not block this DELETE; ATTACH clones them back.
    await sql`DELETE FROM ${fallbackTable} WHERE ${inMonth}`.execute(trx);
    await sql`ALTER TABLE ${parent} ATTACH PARTITION ${fallbackTable} DEFAULT`.execute(trx);
  }
  if (parentForced) await sql`ALTER TABLE ${parent} FORCE ROW LEVEL SECURITY`.execute(trx);
  if (fallback.forced) await sql`ALTER TABLE ${fallbackTable} FORCE ROW LEVEL SECURITY`.execute(trx);
  return stranded;
}

/**
 * Creates the month's partition with its TRUNCATE guard (when the spec names one) and its tenant
 * isolation: the application role reaches the rows only through the parent, and a direct read
 * of the partition is filtered by tenant too.
 */
async function createPartition(trx: Kysely<any>, spec: Spec, partition: MonthlyPartition): Promise<void> {
  const name = sql.table(partition.name);
  const bounds = sql`FOR VALUES FROM (${sql.lit(partition.from.toISOString())}) TO (${sql.lit(partition.to.toISOString())})`;
  await sql`CREATE TABLE ${name} PARTITION OF ${sql.table(spec.table)} ${bounds}`.execute(trx);
  if (spec.truncateGuardFunction !== undefined) {
    await sql`CREATE TRIGGER ${sql.id(`${partition.name}_no_truncate`)} BEFORE TRUNCATE ON ${name}
      FOR EACH STATEMENT EXECUTE FUNCTION ${sql.id(spec.truncateGuardFunction)}()`.execute(trx);
  }
  await enableTenantIsolation(trx, partition.name, { tenantColumn: spec.tenantColumn, appPrivileges: 'NONE' });
}

async function defaultPartitionOf(trx: Kysely<any>, table: string): Promise<DefaultPartition | null> {
  const { rows } = await sql<DefaultPartition>`
    SELECT d.relname AS name, d.relforcerowsecurity AS forced
    FROM pg_partitioned_table p JOIN pg_class d ON d.oid = p.partdefid
    WHERE p.partrelid = ${table}::regclass`.execute(trx);
  return rows[0] ?? null;
}

async function isForced(trx: Kysely<any>, table: string): Promise<boolean> {
  const { rows } = await sql<{ forced: boolean }>`
    SELECT relforcerowsecurity AS forced FROM pg_class WHERE oid = ${table}::regclass`.execute(trx);
  return rows[0]?.forced === true;
}

/** The parent's columns a row can be re-inserted with: generated (computed) columns excluded. */
async function insertableColumns(trx: Kysely<any>, table: string): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    SELECT a.attname AS name FROM pg_attribute a
    WHERE a.attrelid = ${table}::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
    ORDER BY a.attnum`.execute(trx);
  return rows.map((row) => row.name);
}

async function dropPartitionsBefore(db: Kysely<any>, spec: Spec, retainFrom: Date): Promise<string[]> {
  const cutoff = parseInput(DateSchema, retainFrom);
  const dropped: string[] = [];
  for (const partition of await listPartitions(db, spec)) {
    if (partition.to.getTime() > cutoff.getTime()) continue;
    const gone = await inTransaction(db, async (trx) => {
      // Serializes with other maintenance runs; one may have dropped it since the list.
      await sql`LOCK TABLE ${sql.table(spec.table)} IN ACCESS EXCLUSIVE MODE`.execute(trx);
      const { rows } = await sql`
        SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = ${spec.table}::regclass AND c.relname = ${partition.name}`.execute(trx);
      if (rows.length === 0) return false;
      await sql`ALTER TABLE ${sql.table(spec.table)} DETACH PARTITION ${sql.table(partition.name)}`.execute(trx);
      await sql`DROP TABLE ${sql.table(partition.name)}`.execute(trx);
      return true;
    });
    if (gone) dropped.push(partition.name);
  }
  return dropped;
}
