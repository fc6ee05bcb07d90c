import { sql, type Kysely } from 'kysely';
import { expect } from 'vitest';

/** One row of `audit_logs`, with camel-cased names. */
export interface AuditRow {
  /** The event's place in the trail (bigint as a string). */
  readonly eventId: string;
  /** When the writing transaction started. */
  readonly createdAt: Date;
  readonly organizationId: string | null;
  readonly actorUserId: string | null;
  /** `<entity>.<verb>`, e.g. `document.create`. */
  readonly action: string;
  readonly entityType: string;
  readonly entityId: string;
  /** The snapshot before the change (`null` for a creation). */
  readonly before: Record<string, unknown> | null;
  /** The snapshot after the change (`null` for a deletion). */
  readonly after: Record<string, unknown> | null;
  readonly requestId: string | null;
  /** The client IP as text, without a netmask. */
  readonly ip: string | null;
  readonly userAgent: string | null;
}

/** Which audit rows to read: every field given must match. */
export interface AuditFilter {
  readonly entityType?: string;
  readonly entityId?: string;
  readonly organizationId?: string;
  readonly actorUserId?: string;
  readonly action?: string;
  /** Only rows written after this mark, from {@link auditMark}. */
  readonly since?: string;
}

/**
 * The highest event id so far (`'0'` for an empty trail): pass it as `since` to read only
 * what a call writes next.
 *
 * @example
 * const mark = await auditMark(db);
 * await repos.clients.update(clientId, { name: 'Renamed' });
 * await expectAudit(db, { since: mark }, [{ action: 'client.update' }]);
 */
export async function auditMark(db: Kysely<any>): Promise<string> {
  const { rows } = await sql<{ id: string }>`SELECT coalesce(max(event_id), 0)::text AS id FROM audit_logs`.execute(db);
  return rows[0]!.id;
}

/**
 * The audit rows matching `filter`, in event order. `db` may be a transaction: rows written in
 * it and not yet committed are seen (and, under a tenant, only that tenant's rows).
 */
export async function auditRowsOf(db: Kysely<any>, filter: AuditFilter = {}): Promise<AuditRow[]> {
  const conditions = [sql`true`];
  if (filter.entityType !== undefined) conditions.push(sql`entity_type = ${filter.entityType}`);
  if (filter.entityId !== undefined) conditions.push(sql`entity_id = ${filter.entityId}::uuid`);
  if (filter.organizationId !== undefined) conditions.push(sql`organization_id = ${filter.organizationId}::uuid`);
  if (filter.actorUserId !== undefined) conditions.push(sql`actor_user_id = ${filter.actorUserId}::uuid`);
  if (filter.action !== undefined) conditions.push(sql`action = ${filter.action}`);
  if (filter.since !== undefined) conditions.push(sql`event_id > ${filter.since}::bigint`);
  const { rows } = await sql<AuditRow>`
    SELECT event_id::text AS "eventId", created_at AS "createdAt", organization_id AS "organizationId",
           actor_user_id AS "actorUserId", action, entity_type AS "entityType", entity_id AS "entityId",
           before, after, request_id AS "requestId", host(ip) AS ip, user_agent AS "userAgent"
    FROM audit_logs WHERE ${sql.join(conditions, sql` AND `)} ORDER BY event_id`.execute(db);
  return rows;
}

/** One expected audit row: `action`, and whichever other fields the test cares about. */
export interface ExpectedAuditRow {
  readonly action: string;
  /**
   * `null`: no snapshot. An object: fields the snapshot must hold with these values (deep
   * equality); other fields may be there too. (Default: not checked)
   */
  readonly before?: Record<string, unknown> | null;
  /** As {@link ExpectedAuditRow.before}, for the snapshot after the change. */
  readonly after?: Record<string, unknown> | null;
  /** (Default: not checked) */
  readonly actorUserId?: string | null;
  /** (Default: not checked) */
  readonly organizationId?: string | null;
  /** (Default: not checked) */
  readonly requestId?: string | null;
  /** (Default: not checked) */
  readonly entityType?: string;
  /** (Default: not checked) */
  readonly entityId?: string;
}

const SNAPSHOTS = new Set(['before', 'after']);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/**
 * What `row` has of the fields `expectation` names (of a snapshot, of the fields it names), so
 * that a failure's diff is about what the test asserts.
 */
function projection(row: AuditRow, expectation: object): Record<string, unknown> {
  const fields = row as unknown as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(expectation)
      .filter(([, wanted]) => wanted !== undefined)
      .map(([key, wanted]) => {
        const actual = fields[key];
        if (!SNAPSHOTS.has(key) || !isObject(wanted) || !isObject(actual)) return [key, actual];
        return [key, Object.fromEntries(Object.keys(wanted).filter((k) => k in actual).map((k) => [k, actual[k]]))];
      }),
  );
}

/**
 * Asserts that the audit rows matching `filter` are exactly `expected`, in event order: as
 * many rows, each with the expected action and the fields given (snapshots compared field by
 * field, see {@link ExpectedAuditRow}). Returns the rows for further checks. `db` may be a
 * transaction.
 *
 * @example
 * await expectAudit(db, { entityType: 'client', entityId: client.id }, [
 *   { action: 'client.create', before: null, after: { code: 'ACME' }, actorUserId: adminId },
 *   { action: 'client.update', before: { name: 'Acme' }, after: { name: 'Acme Corp' } },
 * ]);
 */
export async function expectAudit(
  db: Kysely<any>,
  filter: AuditFilter,
  expected: readonly ExpectedAuditRow[],
): Promise<AuditRow[]> {
  const rows = await auditRowsOf(db, filter);
  // A row beyond the expected ones shows its action.
  const actual = rows.map((row, i) => projection(row, expected[i] ?? { action: true }));
  expect(actual, `audit rows of ${JSON.stringify(filter)}`).toEqual(expected);
  return rows;
}
