// Partition maintenance of domain_events: the shared monthly-partition helper, with the guard
// that keeps the table append-only. Retention drops whole old months; a month whose events
// still have queued outbox messages cannot be dropped (the outbox's foreign key refuses it).
import { monthlyPartitions, type MonthlyPartitions } from '../partitions/monthly-partitions.js';

/**
 * `domain_events` by month of `created_at`: `create(db, { monthsAhead })` prepares the coming
 * months (moving rows out of the DEFAULT partition), `dropBefore(db, date)` drops whole months
 * before the retention date, `list(db)` lists them. Each new month is isolated by tenant with
 * no privilege for the application role, and guarded against TRUNCATE.
 */
export const domainEventPartitions: MonthlyPartitions = monthlyPartitions({
  table: 'domain_events',
  partitionKey: 'created_at',
  tenantColumn: 'organization_id',
  truncateGuardFunction: 'org_data_reject_change',
});
