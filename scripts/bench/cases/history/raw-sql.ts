// The entity history's statements, hand-written: the SELECT audit.listEntityHistory sends (with
// and without a from/to range), and the same SELECT over the unpartitioned copy.
import type pg from 'pg';
import { oneLine } from '../../support.js';

/** Rows per page (the queries fetch one more). */
export const LIMIT = 50;

const SELECT = `
  select "audit_logs"."event_id" as "eventId", "audit_logs"."created_at" as "createdAt",
    nullif("audit_logs"."organization_id", '00000000-0000-0000-0000-000000000000'::uuid) as "organizationId", "audit_logs"."actor_user_id" as "actorUserId",
    "audit_logs"."action", "audit_logs"."entity_type" as "entityType", "audit_logs"."entity_id" as "entityId",
    "audit_logs"."before", "audit_logs"."after", "audit_logs"."request_id" as "requestId",
    "audit_logs"."ip", "audit_logs"."user_agent" as "userAgent"
  from "audit_logs"
  where "audit_logs"."entity_type" = $1 and "audit_logs"."entity_id" = $2`;

/** The two shapes: no range, and one calendar month (which prunes to one partition). */
export type Shape = 'all' | 'month';

/** The statements over the partitioned audit_logs. */
export const PARTITIONED: Record<Shape, string> = {
  all: oneLine(`${SELECT} order by "audit_logs"."event_id" limit $3`),
  month: oneLine(`${SELECT} and "audit_logs"."created_at" >= $3 and "audit_logs"."created_at" < $4
    order by "audit_logs"."event_id" limit $5`),
};

const onFlat = (text: string) => text.replace('from "audit_logs"', 'from "audit_logs_flat" as "audit_logs"');
/** The same statements over the flat table: the alias keeps every column reference identical. */
export const FLAT: Record<Shape, string> = { all: onFlat(PARTITIONED.all), month: onFlat(PARTITIONED.month) };

/** An entity whose history is read, with one calendar month that holds data: [from, to). */
export interface Probe {
  readonly type: string;
  readonly id: string;
  readonly from: Date;
  readonly to: Date;
}

/** The parameters of shape `shape` for `p`. */
export function historyValues(shape: Shape, p: Probe): unknown[] {
  return shape === 'all' ? [p.type, p.id, LIMIT + 1] : [p.type, p.id, p.from, p.to, LIMIT + 1];
}

/** Runs a history statement; returns one page of rows. */
export async function rawHistory(pool: pg.Pool, text: string, values: unknown[]) {
  return (await pool.query(text, values)).rows.slice(0, LIMIT);
}
