import { sql, type Kysely } from 'kysely';
import { listAuditPartitions } from '../../core/audit/audit-partitions.js';
import { monthlyPartitionOf, monthStart } from '../../core/partitions/monthly-partition.js';
import { findingsOf, type Finding } from './finding.js';

const { ok, skip, problem } = findingsOf('partitions');

/**
 * The monthly partitions of `audit_logs` from the current month (UTC) to `monthsAhead` months
 * after it must exist: a month without one sends its audit rows to the DEFAULT partition, which
 * `createAuditPartitions` must later move.
 */
export async function checkPartitions(db: Kysely<any>, monthsAhead: number, now = new Date()): Promise<Finding[]> {
  const { rows } = await sql<{ exists: boolean }>`SELECT to_regclass('audit_logs') IS NOT NULL AS exists`.execute(db);
  if (!rows[0]?.exists) return [skip('audit_logs does not exist yet (run org-data migrate)')];
  const existing = new Set((await listAuditPartitions(db)).map((partition) => partition.name));
  const expected = Array.from({ length: monthsAhead + 1 }, (_, i) =>
    monthlyPartitionOf('audit_logs', monthStart(now.getUTCFullYear(), now.getUTCMonth() + i)).name,
  );
  const missing = expected.filter((name) => !existing.has(name));
  if (missing.length === 0) return [ok(`audit_logs has this month and ${monthsAhead} ahead (${expected.at(-1)})`)];
  return missing.map((name) =>
    problem(`${name} is missing (run org-data audit-partitions --months-ahead ${monthsAhead})`),
  );
}
