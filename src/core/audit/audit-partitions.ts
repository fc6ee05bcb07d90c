// Partition maintenance of audit_logs: thin wrappers over the monthly-partition helper
// (src/core/partitions), kept for their names and types.
import type { Kysely } from 'kysely';
import { databaseArgument } from '../kernel/database-type.js';
import type { MonthlyPartition } from '../partitions/monthly-partition.js';
import {
  monthlyPartitions,
  type CreateMonthlyPartitionsOptions,
  type CreateMonthlyPartitionsResult,
} from '../partitions/monthly-partitions.js';

/**
 * `audit_logs` by month of `created_at`: each new month isolated by tenant like the parent
 * (no privilege for the application role, which goes through `audit_logs`), and guarded
 * against TRUNCATE by the function that keeps the table append-only.
 */
const auditLogPartitions = monthlyPartitions({
  table: 'audit_logs',
  partitionKey: 'created_at',
  tenantColumn: 'organization_id',
  truncateGuardFunction: 'audit_logs_reject_change',
});

/** A monthly partition of `audit_logs` (`audit_logs_yYYYYmMM`): rows with `from <= created_at < to` (UTC months). */
export type AuditPartition = MonthlyPartition;

/** What {@link createAuditPartitions} did. */
export type CreateAuditPartitionsResult = CreateMonthlyPartitionsResult;

/** Options of {@link createAuditPartitions}: `monthsAhead` (default 3) and `from` (default now). */
export type CreateAuditPartitionsOptions = CreateMonthlyPartitionsOptions;

/** Runs `work` once `db` is known to be a Kysely instance: a ValidationError (rejected) otherwise. */
function checked<T>(db: Kysely<any>, work: () => Promise<T>): Promise<T> {
  try {
    databaseArgument(db);
    return work();
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Lists the monthly partitions of `audit_logs`, oldest first (the DEFAULT one excluded). */
export function listAuditPartitions(db: Kysely<any>): Promise<AuditPartition[]> {
  return checked(db, () => auditLogPartitions.list(db));
}

/**
 * Creates the monthly partitions of `audit_logs` for the current month and `monthsAhead`
 * months after it, skipping those that exist. Rows that landed in the DEFAULT partition for a
 * month being created are moved into it (the DEFAULT partition is detached, emptied of that
 * month and re-attached in one transaction, which briefly blocks audit inserts).
 *
 * Run it on a schedule (e.g. daily) and at deploy time, after `migrate`, as the owner.
 *
 * @throws ValidationError for bad options (`monthsAhead` not an integer in 0..120, an invalid `from`).
 */
export function createAuditPartitions(
  db: Kysely<any>,
  options: CreateAuditPartitionsOptions = {},
): Promise<CreateAuditPartitionsResult> {
  return checked(db, () => auditLogPartitions.create(db, options));
}

/**
 * Detaches and drops every monthly partition that ends on or before `retainFrom`: only whole
 * months older than the retention date go; the month containing it is kept. Rows in the
 * DEFAULT partition are never dropped.
 *
 * Safe to run concurrently: a month another run dropped meanwhile is skipped.
 *
 * @returns the names of the partitions this call dropped, oldest first.
 * @throws ValidationError for an invalid date.
 */
export function dropAuditPartitionsBefore(db: Kysely<any>, retainFrom: Date): Promise<string[]> {
  return checked(db, () => auditLogPartitions.dropBefore(db, retainFrom));
}
