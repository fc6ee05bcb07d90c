import { sql } from 'kysely';
import { auditInsertSql, auditRow, compilableSql, rowSource, snapshotSql, type AuditContextParams } from '../../../core/audit/audit-sql.js';
import { compiledShapes } from '../../../core/kernel/compiled-query.js';
import { USER_PROFILE_TIMESTAMPS, USER_TIMESTAMPS, userAggregate, userProfileAggregate, type User, type UserProfile } from './user.js';

/** The user's select list on relation `alias` (as `userColumns`). */
const userList = (alias: string) =>
  sql.join(
    Object.entries(userAggregate.columns).map(([field, column]) => sql`${sql.ref(`${alias}.${column}`)} AS ${sql.id(field)}`),
  );

/** A change of the users row: what it sets. */
const USER_CHANGES = {
  deactivate: sql`is_active = false`,
  reactivate: sql`is_active = true`,
  delete: sql`deleted_at = now(), is_active = false`,
} as const;

/**
 * deactivate / reactivate / softDelete as ONE statement each: the live user locked, the UPDATE,
 * its audit row (before: the locked row, after: the new one). No row: the user is missing or
 * deleted.
 */
export const updateUser = compiledShapes((db, p: AuditContextParams & { id: string }, action: keyof typeof USER_CHANGES) =>
  compilableSql(
    db,
    sql<User>`
      WITH c AS (SELECT * FROM users WHERE id = ${p.id}::uuid AND deleted_at IS NULL FOR UPDATE
      ), u AS (
        UPDATE users SET ${USER_CHANGES[action]} FROM c WHERE users.id = c.id RETURNING users.*
      ), audit AS (
        ${auditInsertSql(
          [
            auditRow({
              aggregate: userAggregate,
              action,
              from: sql`u CROSS JOIN c`,
              organizationId: sql`u.organization_id`,
              entityId: sql`u.id`,
              before: snapshotSql(userAggregate, rowSource(userAggregate, 'c', USER_TIMESTAMPS)),
              after: snapshotSql(userAggregate, rowSource(userAggregate, 'u', USER_TIMESTAMPS)),
            }),
          ],
          p,
        )}
      )
      SELECT ${userList('u')} FROM u`,
  ),
);

/** Profile fields `updateProfile` may set, in shape order. */
export const PROFILE_PATCH_FIELDS = Object.freeze(['fullName', 'birthdate', 'locale', 'timeZone'] as const);
type PatchField = (typeof PROFILE_PATCH_FIELDS)[number];

/** The shape of a profile patch: the fields it sets, in {@link PROFILE_PATCH_FIELDS} order, `+`-joined. */
export type ProfilePatchShape = string & { readonly __patch?: never };

/** The shape of `fields`. */
export function profilePatchShape(fields: readonly PatchField[]): ProfilePatchShape {
  return PROFILE_PATCH_FIELDS.filter((field) => fields.includes(field)).join('+');
}

const CASTS: Record<PatchField, string> = { fullName: 'text', birthdate: 'date', locale: 'text', timeZone: 'text' };

/** What `updateProfile`'s statement returns: whether the user is live, and the new profile (`null` fields when none). */
export type ProfileUpdateRow = { readonly userFound: boolean } & { readonly [K in keyof UserProfile]: UserProfile[K] | null };

/**
 * updateProfile as ONE statement per shape: the live user and its profile locked, the UPDATE
 * of the patch's columns, its audit row; the result says whether the user was found.
 */
export const updateProfile = compiledShapes(
  (db, p: AuditContextParams & { id: string } & { readonly [F in PatchField]?: string | null }, shape: ProfilePatchShape) => {
    const fields = shape.split('+').filter((field): field is PatchField => (PROFILE_PATCH_FIELDS as readonly string[]).includes(field));
    const sets = fields.map(
      (field) => sql`${sql.id(userProfileAggregate.columns[field]!)} = ${p[field]}::${sql.raw(CASTS[field])}`,
    );
    const returned = Object.entries(userProfileAggregate.columns).map(([field, column]) =>
      field === 'birthdate'
        ? sql`${sql.ref(`u.${column}`)}::text AS ${sql.id(field)}`
        : sql`${sql.ref(`u.${column}`)} AS ${sql.id(field)}`,
    );
    return compilableSql(
      db,
      sql<ProfileUpdateRow>`
        WITH lu AS (SELECT id FROM users WHERE id = ${p.id}::uuid AND deleted_at IS NULL FOR UPDATE
        ), c AS (SELECT user_profiles.* FROM user_profiles JOIN lu ON lu.id = user_profiles.user_id FOR UPDATE OF user_profiles
        ), u AS (
          UPDATE user_profiles SET ${sql.join(sets)} FROM c WHERE user_profiles.user_id = c.user_id RETURNING user_profiles.*
        ), audit AS (
          ${auditInsertSql(
            [
              auditRow({
                aggregate: userProfileAggregate,
                action: 'update',
                from: sql`u CROSS JOIN c`,
                organizationId: sql`u.organization_id`,
                entityId: sql`u.user_id`,
                before: snapshotSql(userProfileAggregate, rowSource(userProfileAggregate, 'c', USER_PROFILE_TIMESTAMPS)),
                after: snapshotSql(userProfileAggregate, rowSource(userProfileAggregate, 'u', USER_PROFILE_TIMESTAMPS)),
              }),
            ],
            p,
          )}
        )
        SELECT EXISTS (SELECT 1 FROM lu) AS "userFound", ${sql.join(returned)}
        FROM (SELECT) AS one LEFT JOIN u ON true`,
    );
  },
);
