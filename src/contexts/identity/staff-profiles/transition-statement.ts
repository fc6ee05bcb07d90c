import { sql, type RawBuilder } from 'kysely';
import { STAFF_PROFILE_COLUMNS, type StaffProfile } from './staff-profile.js';
import {
  transitionRule,
  type TransitionRule,
  type VerificationEvent,
  type VerificationStatus,
} from './verification-machine.js';

/** Values a transition statement binds. */
export interface TransitionValues {
  readonly userId: string;
  readonly actorUserId: string;
  readonly expectedVersion?: number;
  readonly reason?: string;
  /** Column → new value, for `edit`. */
  readonly changes?: Readonly<Record<string, string | null>>;
}

/** What the statement returns: the new row, and the old one with `before_` prefixed fields. */
export type TransitionRow = StaffProfile & Record<`before_${keyof StaffProfile & string}`, unknown>;

const STATUS = sql.ref('p.profile_verification_status');

/** `CASE status WHEN <from> THEN <value> … ELSE <otherwise> END` over the rule's edges. */
function byFromState(
  rule: TransitionRule,
  value: (from: VerificationStatus, to: VerificationStatus) => RawBuilder<unknown> | undefined,
  otherwise: RawBuilder<unknown>,
): RawBuilder<unknown> {
  const branches = rule.edges.flatMap(({ from, to }) => {
    const result = value(from, to);
    return result ? [sql`WHEN ${sql.lit(from)} THEN ${result}`] : [];
  });
  if (branches.length === 0) return otherwise;
  return sql`CASE ${STATUS} ${sql.join(branches, sql` `)} ELSE ${otherwise} END`;
}

/** The actor condition of a rule, on profile `p` and organization `o`. */
function actorCondition(rule: TransitionRule, actorUserId: string): RawBuilder<boolean> {
  if (rule.actor === 'applicant') return sql<boolean>`p.user_id = ${actorUserId}::uuid`;
  // A verifier: another live, active user of the same live organization holding the permission.
  return sql<boolean>`(p.user_id <> ${actorUserId}::uuid AND o.deleted_at IS NULL AND EXISTS (
    SELECT 1 FROM users a
    JOIN user_roles ur ON ur.user_id = a.id
    JOIN role_permissions rp ON rp.role_id = ur.role_id
    JOIN permissions perm ON perm.id = rp.permission_id
    WHERE a.id = ${actorUserId}::uuid AND a.organization_id = p.organization_id
      AND a.is_active AND a.deleted_at IS NULL AND perm.name = ${rule.permission ?? ''}))`;
}

/**
 * The ONE conditional UPDATE of a transition, derived from the transition table: it applies
 * only when the profile is in one of the event's from-states, at the expected version (when
 * given), and the actor may act. Zero rows means the transition did not happen. The old row
 * is read with `FOR UPDATE` in the same statement, so `before_*` is exactly what was replaced.
 */
export function transitionStatement(event: VerificationEvent, values: TransitionValues): RawBuilder<TransitionRow> {
  const rule = transitionRule(event);
  const froms = rule.edges.map((edge) => edge.from);
  const validity = sql`now() + make_interval(days => (o.settings #>> '{verification,validityDays}')::int)`;
  const assignments = [
    sql`profile_verification_status = ${byFromState(rule, (_, to) => sql`${sql.lit(to)}`, STATUS)}::profile_verification_status`,
    sql`verification_submitted_at = ${byFromState(
      rule,
      (from, to) => (to === 'pending' && from !== 'pending' ? sql`now()` : undefined),
      sql.ref('p.verification_submitted_at'),
    )}`,
    sql`verified_at = ${byFromState(rule, (_, to) => (to === 'verified' ? sql`now()` : undefined), sql`NULL`)}`,
    sql`verified_by_user_id = ${byFromState(
      rule,
      (_, to) => (to === 'verified' ? sql`${values.actorUserId}::uuid` : undefined),
      sql`NULL`,
    )}`,
    sql`verification_expires_at = ${byFromState(rule, (_, to) => (to === 'verified' ? validity : undefined), sql`NULL`)}`,
    sql`rejection_reason = ${byFromState(
      rule,
      (from, to) => {
        if (to !== 'rejected') return undefined;
        return from === 'rejected' ? sql.ref('p.rejection_reason') : sql`${values.reason ?? null}::text`;
      },
      sql`NULL`,
    )}`,
    sql`version = p.version + 1`,
    ...Object.entries(values.changes ?? {}).map(([column, value]) => sql`${sql.id(column)} = ${value}`),
  ];
  const conditions = [
    sql`p.user_id = current.user_id`,
    sql`${STATUS} IN (${sql.join(froms.map((from) => sql.lit(from)))})`,
    ...(values.expectedVersion === undefined ? [] : [sql`p.version = ${values.expectedVersion}`]),
    actorCondition(rule, values.actorUserId),
    sql`EXISTS (SELECT 1 FROM users u WHERE u.id = p.user_id AND u.deleted_at IS NULL)`,
  ];
  const returning = Object.entries(STAFF_PROFILE_COLUMNS).flatMap(([field, column]) => [
    sql`${sql.ref(`p.${column}`)} AS ${sql.id(field)}`,
    sql`${sql.ref(`current.${column}`)} AS ${sql.id(`before_${field}`)}`,
  ]);
  return sql<TransitionRow>`
    WITH current AS (SELECT * FROM user_staff_profiles WHERE user_id = ${values.userId}::uuid FOR UPDATE)
    UPDATE user_staff_profiles AS p SET ${sql.join(assignments)}
    FROM current JOIN organizations o ON o.id = current.organization_id
    WHERE ${sql.join(conditions, sql` AND `)}
    RETURNING ${sql.join(returning)}`;
}

/**
 * Reads why a transition did not apply, in the same transaction: whether the profile exists
 * (and its user is live), whether the actor may act, and its current status and version.
 */
export function refusalStatement(
  event: VerificationEvent,
  userId: string,
  actorUserId: string,
): RawBuilder<{ status: VerificationStatus; version: number; allowed: boolean; live: boolean }> {
  const rule = transitionRule(event);
  return sql`
    SELECT p.profile_verification_status AS status, p.version, ${actorCondition(rule, actorUserId)} AS allowed,
           EXISTS (SELECT 1 FROM users u WHERE u.id = p.user_id AND u.deleted_at IS NULL) AS live
    FROM user_staff_profiles p JOIN organizations o ON o.id = p.organization_id
    WHERE p.user_id = ${userId}::uuid`;
}
