// The pending queue's statements, hand-written: the keyset query the repository sends
// (`staffProfileQueries.listPendingQueue`), and the OFFSET query a naive pager would send.
import type pg from 'pg';
import { STAFF_PROFILE_COLUMNS } from '../../raw-columns.js';
import { oneLine } from '../../support.js';

/** Rows per page. */
export const PAGE_SIZE = 20;

const SELECT = `
  select ${STAFF_PROFILE_COLUMNS}, user_staff_profiles.verification_submitted_at::text as "cursorAt"
  from "user_staff_profiles"
  inner join "users" on "users"."id" = "user_staff_profiles"."user_id"
  where "users"."deleted_at" is null and "user_staff_profiles"."organization_id" = $1
    and "user_staff_profiles"."profile_verification_status" = 'pending'`;
const ORDER = `order by "user_staff_profiles"."verification_submitted_at", "user_staff_profiles"."user_id"`;

const SQL = {
  first: oneLine(`${SELECT} ${ORDER} limit $2`),
  after: oneLine(`${SELECT}
    and (user_staff_profiles.verification_submitted_at, user_staff_profiles.user_id) > ($2::timestamptz, $3::uuid)
    ${ORDER} limit $4`),
  offset: oneLine(`${SELECT} ${ORDER} limit $2 offset $3`),
} as const;

/** A statement and its parameters. */
export type Query = [string, unknown[]];

/** The keyset query of the page after `cursor` (`null`: page 1); fetches one row more than a page. */
export function keysetQuery(organizationId: string, cursor: string | null): Query {
  if (cursor === null) return [SQL.first, [organizationId, PAGE_SIZE + 1]];
  const [at, userId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
  return [SQL.after, [organizationId, at, userId, PAGE_SIZE + 1]];
}

/** The same rows as {@link keysetQuery} for page `page`, by LIMIT … OFFSET. */
export function offsetQuery(organizationId: string, page: number): Query {
  return [SQL.offset, [organizationId, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE]];
}

/** Runs a page query; returns the page's profiles as the repository does (no cursor column). */
export async function rawPage(pool: pg.Pool, [text, values]: Query) {
  const { rows } = await pool.query(text, values);
  return rows.slice(0, PAGE_SIZE).map(({ cursorAt: _, ...profile }) => profile);
}
