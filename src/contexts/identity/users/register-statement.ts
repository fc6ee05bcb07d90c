import { sql } from 'kysely';
import { auditInsertSql, auditRow, compilableSql, rowSource, snapshotSql, type AuditContextParams } from '../../../core/audit/audit-sql.js';
import { compiledShapes, type QueryExecutor } from '../../../core/kernel/compiled-query.js';
import { eventInsertCtes } from '../../../core/events/event-sql.js';
import { userRegistered } from '../identity-events.js';
import { userRoleAggregate } from '../rbac/role.js';
import { DEFAULT_USER_ROLE } from '../rbac/default-role.js';
import { STAFF_PROFILE_TIMESTAMPS, staffProfileAggregate } from '../staff-profiles/staff-profile.js';
import { USER_TIMESTAMPS, userAggregate, userProfileAggregate, USER_PROFILE_TIMESTAMPS, type User, type UserProfile } from './user.js';

/** Values the registration binds. Optional profile fields are bound only by the shapes that set them. */
export type RegisterParams = AuditContextParams & {
  readonly organizationId: string;
  readonly authSubject: string;
  readonly email: string;
  readonly fullName: string;
  readonly birthdate: string | null;
  readonly locale?: string;
  readonly timeZone?: string;
};

/** Which optional profile columns the INSERT sets (absent ones keep their column DEFAULT). */
type RegisterShape = 'defaults' | 'locale' | 'timeZone' | 'locale+timeZone';

/** What the statement returns: whether the role exists, and the new rows (`null` fields when nothing was written). */
export type RegisterRow = { readonly roleFound: boolean } & { readonly [K in `user.${keyof User & string}` | `profile.${keyof UserProfile & string}`]: unknown };

const userFields = Object.entries(userAggregate.columns) as [keyof User & string, string][];
const profileFields = Object.entries(userProfileAggregate.columns) as [keyof UserProfile & string, string][];

/**
 * `users.register` as ONE statement: the default role and the live organization are read;
 * the user is inserted only when both exist (INSERT … SELECT), then its profile, its role grant
 * and its draft staff profile from the user's RETURNING, the four audit rows from their
 * RETURNINGs, and the `user.registered` event with its outbox message. Nothing is written when the role or the organization is missing; the result says
 * which (`roleFound`, and no user).
 */
const register = compiledShapes((db, p: RegisterParams, shape: RegisterShape) => {
  const optional = [
    ...(shape.includes('locale') ? [{ column: sql`locale`, value: sql`${p.locale}::text` }] : []),
    ...(shape.includes('timeZone') ? [{ column: sql`time_zone`, value: sql`${p.timeZone}::text` }] : []),
  ];
  const profileColumns = [sql`user_id`, sql`organization_id`, sql`full_name`, sql`birthdate`, ...optional.map((o) => o.column)];
  const profileValues = [sql`nu.id`, sql`nu.organization_id`, sql`${p.fullName}::text`, sql`${p.birthdate}::date`, ...optional.map((o) => o.value)];
  const audit = auditInsertSql(
    [
      auditRow({
        aggregate: userAggregate,
        action: 'register',
        from: sql`nu`,
        organizationId: sql`nu.organization_id`,
        entityId: sql`nu.id`,
        after: snapshotSql(userAggregate, rowSource(userAggregate, 'nu', USER_TIMESTAMPS)),
      }),
      auditRow({
        aggregate: userProfileAggregate,
        action: 'create',
        from: sql`np`,
        organizationId: sql`np.organization_id`,
        entityId: sql`np.user_id`,
        after: snapshotSql(userProfileAggregate, rowSource(userProfileAggregate, 'np', USER_PROFILE_TIMESTAMPS)),
      }),
      auditRow({
        aggregate: userRoleAggregate,
        action: 'assign',
        from: sql`ng`,
        organizationId: sql`ng.organization_id`,
        entityId: sql`ng.user_id`,
        // As auditEvent of { userId, roleId }: the grant's other fields are not in the snapshot.
        after: snapshotSql(userRoleAggregate, { userId: sql`ng.user_id`, roleId: sql`ng.role_id` }),
      }),
      auditRow({
        aggregate: staffProfileAggregate,
        action: 'create',
        from: sql`ns`,
        organizationId: sql`ns.organization_id`,
        entityId: sql`ns.user_id`,
        after: snapshotSql(staffProfileAggregate, rowSource(staffProfileAggregate, 'ns', STAFF_PROFILE_TIMESTAMPS)),
      }),
    ],
    p,
  );
  // user.registered, from the user and the role grant (one row: nothing when nothing was written).
  const events = eventInsertCtes(
    [
      {
        type: userRegistered,
        from: sql`nu`,
        organizationId: sql`nu.organization_id`,
        aggregateId: sql`nu.id`,
        payload: sql`jsonb_build_object('userId', nu.id, 'organizationId', nu.organization_id, 'email', nu.email,
          'roles', jsonb_build_array(${sql.lit(DEFAULT_USER_ROLE)}::text))`,
      },
    ],
    p,
  );
  const returned = [
    ...userFields.map(([field, column]) => sql`${sql.ref(`nu.${column}`)} AS ${sql.id(`user.${field}`)}`),
    ...profileFields.map(([field, column]) =>
      // The date as `YYYY-MM-DD` whatever date parser the caller's pool uses (as userProfileColumns).
      field === 'birthdate'
        ? sql`${sql.ref(`np.${column}`)}::text AS ${sql.id(`profile.${field}`)}`
        : sql`${sql.ref(`np.${column}`)} AS ${sql.id(`profile.${field}`)}`,
    ),
  ];
  const query = sql<RegisterRow>`
    WITH r AS (SELECT id FROM roles WHERE name = ${sql.lit(DEFAULT_USER_ROLE)}
    ), o AS (SELECT id FROM organizations WHERE id = ${p.organizationId}::uuid AND deleted_at IS NULL
    ), nu AS (
      INSERT INTO users (organization_id, auth_subject, email)
      SELECT o.id, ${p.authSubject}::text, ${p.email}::text FROM o CROSS JOIN r
      RETURNING *
    ), np AS (
      INSERT INTO user_profiles (${sql.join(profileColumns)})
      SELECT ${sql.join(profileValues)} FROM nu
      RETURNING *
    ), ng AS (
      INSERT INTO user_roles (user_id, role_id, organization_id)
      SELECT nu.id, r.id, nu.organization_id FROM nu CROSS JOIN r
      RETURNING *
    ), ns AS (
      INSERT INTO user_staff_profiles (user_id, organization_id)
      SELECT nu.id, nu.organization_id FROM nu
      RETURNING *
    ), audit AS (
      ${audit}
    ), ${events}
    SELECT EXISTS (SELECT 1 FROM r) AS "roleFound", ${sql.join(returned)}
    FROM (SELECT) AS one LEFT JOIN nu ON true LEFT JOIN np ON np.user_id = nu.id`;
  return compilableSql(db, query);
});

/** Runs the registration statement (compiled once per shape of the optional profile fields). */
export function runRegister(db: QueryExecutor, params: RegisterParams): Promise<RegisterRow[]> {
  const { locale, timeZone } = params;
  const shape: RegisterShape =
    locale !== undefined && timeZone !== undefined
      ? 'locale+timeZone'
      : locale !== undefined
        ? 'locale'
        : timeZone !== undefined
          ? 'timeZone'
          : 'defaults';
  return register(db, shape, params);
}
