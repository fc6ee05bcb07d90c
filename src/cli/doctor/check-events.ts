import { sql, type Kysely } from 'kysely';
import { queueStatus } from '../../core/events/worker-statements.js';
import { findingsOf, type Finding } from './finding.js';

const { ok, warn, skip } = findingsOf('events');

/** An undispatched message older than this (seconds) means no worker keeps up, or none runs. */
const MAX_OUTBOX_AGE_SECONDS = 300;

/**
 * The domain event outbox and the worker's deliveries: how many messages wait and since when,
 * and how many deliveries are pending, in flight or dead (a dead letter is a warning).
 */
export async function checkEvents(db: Kysely<any>): Promise<Finding[]> {
  const { rows } = await sql<{ exists: boolean }>`
    SELECT to_regprocedure('org_data_event_queue_status()') IS NOT NULL AS exists`.execute(db);
  if (!rows[0]?.exists) return [skip('the event queue does not exist yet (run org-data migrate)')];
  const [row] = await queueStatus(db, {});
  const depth = row?.outboxDepth ?? 0;
  const oldest = row?.oldestSeconds ?? null;
  const summary = `outbox: ${depth} waiting${oldest === null ? '' : `, oldest ${Math.round(oldest)} s`}; deliveries: ${row?.pending ?? 0} pending, ${row?.inFlight ?? 0} in flight, ${row?.dead ?? 0} dead`;
  const findings: Finding[] = [];
  if (oldest !== null && oldest > MAX_OUTBOX_AGE_SECONDS) {
    findings.push(warn(`${summary}: the oldest message waits for more than ${MAX_OUTBOX_AGE_SECONDS} s (is a worker running?)`));
  } else if ((row?.dead ?? 0) > 0) {
    findings.push(warn(`${summary}: dead deliveries wait for redeliverDeadDeliveries after their cause is fixed`));
  } else {
    findings.push(ok(summary));
  }
  return findings;
}
