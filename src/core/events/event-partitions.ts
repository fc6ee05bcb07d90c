// Partition maintenance of domain_events: the shared monthly-partition helper, with the guard
// that keeps the table append-only. Retention drops whole old months, never one whose events
// still wait in the outbox (refused here) or for a delivery (refused by that table's key).
import { sql, type Kysely } from 'kysely';
import { ValidationError } from '../errors/validation-error.js';
import { mapDatabaseError } from '../errors/map-database-error.js';
import { databaseArgument } from '../kernel/database-type.js';
import { monthStart } from '../partitions/monthly-partition.js';
import { monthlyPartitions, type MonthlyPartitions } from '../partitions/monthly-partitions.js';

const partitions = monthlyPartitions({
  table: 'domain_events',
  partitionKey: 'created_at',
  tenantColumn: 'organization_id',
  truncateGuardFunction: 'org_data_reject_change',
});

/**
 * `domain_events` by month of `created_at`: `create(db, { monthsAhead })` prepares the coming
 * months (moving rows out of the DEFAULT partition), `dropBefore(db, date)` drops whole months
 * before the retention date, `list(db)` lists them. Each new month is isolated by tenant with
 * no privilege for the application role, and guarded against TRUNCATE. Run as the owner.
 *
 * `dropBefore` refuses (ValidationError, nothing dropped) while an event of a month it would drop
 * is still in the outbox, and a month with deliveries still pending cannot be dropped either
 * (their foreign key): run the worker first, or redeliver or discard its dead letters.
 */
export const domainEventPartitions: MonthlyPartitions = Object.freeze({
  ...partitions,
  async dropBefore(db: Kysely<any>, retainFrom: Date): Promise<string[]> {
    databaseArgument(db);
    if (!(retainFrom instanceof Date) || Number.isNaN(retainFrom.getTime())) {
      throw new ValidationError([{ path: 'retainFrom', message: 'must be a valid date' }]);
    }
    const boundary = monthStart(retainFrom.getUTCFullYear(), retainFrom.getUTCMonth());
    let queued: number;
    try {
      const { rows } = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM outbox_messages WHERE event_created_at < ${boundary}`.execute(db);
      queued = rows[0]?.n ?? 0;
    } catch (error) {
      throw mapDatabaseError(error);
    }
    if (queued > 0) {
      throw new ValidationError([
        { path: 'retainFrom', message: `${queued} events before it are still in the outbox: run the worker before dropping their months` },
      ]);
    }
    return partitions.dropBefore(db, retainFrom);
  },
});
