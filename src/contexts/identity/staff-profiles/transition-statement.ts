import { sql, type RawBuilder } from 'kysely';
import {
  auditInsertSql,
  auditRow,
  compilableSql,
  isoTimestamp,
  rowSource,
  snapshotSql,
  type AuditContextParams,
} from '../../../core/audit/audit-sql.js';
import { eventInsertCtes, type EventRowSql } from '../../../core/events/event-sql.js';
import { compiledShapes } from '../../../core/kernel/compiled-query.js';
import { STAFF_PROFILE_COLUMNS, STAFF_PROFILE_TIMESTAMPS, staffProfileAggregate, type StaffProfile } from './staff-profile.js';
import {
  STATE_ENTRY_EVENTS,
  transitionRule,
  VERIFICATION_EVENTS,
  type TransitionRule,
  type VerificationEvent,
  type VerificationStatus,
} from './verification-machine.js';

/** Columns an `edit` may set, in the order a shape lists them. */
export const EDITABLE_COLUMNS = Object.freeze([
  STAFF_PROFILE_COLUMNS.employeeId,
  STAFF_PROFILE_COLUMNS.academicTitleCode,
  STAFF_PROFILE_COLUMNS.academicTitleOther,
  STAFF_PROFILE_COLUMNS.unitId,
  STAFF_PROFILE_COLUMNS.jobTitle,
] as const);

/** A column an `edit` may set. */
export type EditableColumn = (typeof EDITABLE_COLUMNS)[number];

/**
 * The shape of a transition statement: the event, whether the caller sent the version it read,
 * and (for `edit`) which columns it sets. Its key names one compiled statement.
 */
export interface TransitionShape {
  readonly event: VerificationEvent;
  readonly versioned: boolean;
  readonly columns: readonly EditableColumn[];
}

/** `event[@version][:column,…]`: built from names only, so the set of statements is bounded. */
type ShapeKey = `${VerificationEvent}${'' | '@version'}${'' | `:${string}`}`;

function shapeKey({ event, versioned, columns }: TransitionShape): ShapeKey {
  if (columns.length === 0) return `${event}${versioned ? '@version' : ''}` as ShapeKey;
  const sets = EDITABLE_COLUMNS.filter((column) => columns.includes(column));
  return `${event}${versioned ? '@version' : ''}${sets.length > 0 ? `:${sets.join(',')}` : ''}` as ShapeKey;
}

function parseShapeKey(key: ShapeKey): TransitionShape {
  const [head = '', sets = ''] = key.split(':');
  const [event = '', version] = head.split('@');
  if (!(VERIFICATION_EVENTS as readonly string[]).includes(event)) throw new Error(`transition shape ${key}`);
  const columns = sets === '' ? [] : sets.split(',');
  if (!columns.every((column) => (EDITABLE_COLUMNS as readonly string[]).includes(column))) {
    throw new Error(`transition shape ${key}`);
  }
  return { event: event as VerificationEvent, versioned: version === 'version', columns: columns as EditableColumn[] };
}

/** Values a transition statement binds: the profile, the actor and the audit context. */
export type TransitionParams = AuditContextParams & {
  readonly userId: string;
  readonly actorUserId: string;
  /** Bound when the shape is versioned. */
  readonly expectedVersion?: number;
  /** Bound by `reject`. */
  readonly reason?: string | null;
  /** `set_<column>`: the new value of each column an `edit` shape sets. */
  readonly [set: `set_${string}`]: string | null;
};

/**
 * What the statement returns: the facts about the profile as it was when locked (none: no row
 * at all), and the new profile when the transition applied (`applied`; otherwise its fields
 * are `null`).
 */
export type TransitionRow = { [K in keyof StaffProfile]: StaffProfile[K] | null } & {
  /** Whether the UPDATE applied (and the audit row was written). */
  readonly applied: boolean;
  /** The status before the statement. */
  readonly currentStatus: VerificationStatus;
  /** The version before the statement. */
  readonly currentVersion: number;
  /** Whether the actor may cause the event (the rule's actor condition). */
  readonly allowed: boolean;
  /** Whether the profile's user is live (not soft-deleted). */
  readonly live: boolean;
};

/** The locked row's status. */
const STATUS = sql.ref('c.profile_verification_status');

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
        AND a.is_active AND a.deleted_at IS NULL AND perm.name = ${sql.lit(rule.permission ?? '')}))`;
}

/**
 * The events a transition of `rule` may emit: one per state an edge of the rule enters from
 * another state, written only for the row that entered it. Payloads from the new row `u`, with
 * exactly the fields of the type's payload schema.
 */
function entryEvents(rule: TransitionRule, p: TransitionParams): EventRowSql[] {
  const entered = [...new Set(rule.edges.filter((edge) => edge.from !== edge.to).map((edge) => edge.to))];
  return entered.flatMap((state): EventRowSql[] => {
    if (!(state in STATE_ENTRY_EVENTS)) return [];
    const type = STATE_ENTRY_EVENTS[state as keyof typeof STATE_ENTRY_EVENTS];
    const common = sql`'userId', u.user_id, 'organizationId', u.organization_id, 'version', u.version`;
    const specific = {
      pending: sql`'submittedAt', ${isoTimestamp(sql.ref('u.verification_submitted_at'))}`,
      verified: sql`'verifiedByUserId', u.verified_by_user_id, 'verifiedAt', ${isoTimestamp(sql.ref('u.verified_at'))},
        'expiresAt', ${isoTimestamp(sql.ref('u.verification_expires_at'))}`,
      rejected: sql`'rejectedByUserId', ${p.actorUserId}::uuid, 'reason', u.rejection_reason`,
    }[state as keyof typeof STATE_ENTRY_EVENTS];
    return [
      {
        type,
        from: sql`u CROSS JOIN c`,
        where: sql`u.profile_verification_status = ${sql.lit(state)} AND c.profile_verification_status <> ${sql.lit(state)}`,
        organizationId: sql.ref('u.organization_id'),
        aggregateId: sql.ref('u.user_id'),
        aggregateVersion: sql.ref('u.version'),
        payload: sql`jsonb_build_object(${common}, ${specific})`,
      },
    ];
  });
}

/**
 * ONE statement per transition, derived from the transition table:
 * - `c` reads the profile `FOR UPDATE` with what decides the transition: whether the actor may
 *   act (the rule's actor condition), whether its user is live, the organization's validity
 *   period;
 * - `u` is the conditional UPDATE: only from one of the event's from-states, at the expected
 *   version (when the shape is versioned), when the actor may act and the user is live;
 * - `audit` inserts the audit row from `u`'s RETURNING (before: the locked row, after: the new
 *   one, snapshots of the audited fields), so it exists exactly when the UPDATE applied;
 * - `domain_event` and `outbox` write the event of the state the profile entered, if it emits
 *   one ({@link STATE_ENTRY_EVENTS}), and its outbox message;
 * - the result: the facts of `c` (none when there is no profile) and the new row, if any, so a
 *   refusal is explained without a second statement.
 */
function transitionSql(p: TransitionParams, shape: TransitionShape): RawBuilder<TransitionRow> {
  const rule = transitionRule(shape.event);
  const froms = rule.edges.map((edge) => edge.from);
  const validity = sql`now() + make_interval(days => c.validity_days)`;
  const assignments = [
    sql`profile_verification_status = ${byFromState(rule, (_, to) => sql`${sql.lit(to)}`, STATUS)}::profile_verification_status`,
    sql`verification_submitted_at = ${byFromState(
      rule,
      (from, to) => (to === 'pending' && from !== 'pending' ? sql`now()` : undefined),
      sql.ref('c.verification_submitted_at'),
    )}`,
    sql`verified_at = ${byFromState(rule, (_, to) => (to === 'verified' ? sql`now()` : undefined), sql`NULL`)}`,
    sql`verified_by_user_id = ${byFromState(
      rule,
      (_, to) => (to === 'verified' ? sql`${p.actorUserId}::uuid` : undefined),
      sql`NULL`,
    )}`,
    sql`verification_expires_at = ${byFromState(rule, (_, to) => (to === 'verified' ? validity : undefined), sql`NULL`)}`,
    sql`rejection_reason = ${byFromState(
      rule,
      (from, to) => {
        if (to !== 'rejected') return undefined;
        return from === 'rejected' ? sql.ref('c.rejection_reason') : sql`${p.reason}::text`;
      },
      sql`NULL`,
    )}`,
    sql`version = c.version + 1`,
    ...shape.columns.map((column) => sql`${sql.id(column)} = ${p[`set_${column}`]}`),
  ];
  const conditions = [
    sql`p.user_id = c.user_id`,
    sql`${STATUS} IN (${sql.join(froms.map((from) => sql.lit(from)))})`,
    ...(shape.versioned ? [sql`c.version = ${p.expectedVersion}`] : []),
    sql`c.allowed`,
    sql`c.live`,
  ];
  const returned = Object.entries(STAFF_PROFILE_COLUMNS).map(
    ([field, column]) => sql`${sql.ref(`u.${column}`)} AS ${sql.id(field)}`,
  );
  const audit = auditInsertSql(
    [
      auditRow({
        aggregate: staffProfileAggregate,
        action: shape.event,
        from: sql`u CROSS JOIN c`,
        organizationId: sql.ref('u.organization_id'),
        entityId: sql.ref('u.user_id'),
        before: snapshotSql(staffProfileAggregate, rowSource(staffProfileAggregate, 'c', STAFF_PROFILE_TIMESTAMPS)),
        after: snapshotSql(staffProfileAggregate, rowSource(staffProfileAggregate, 'u', STAFF_PROFILE_TIMESTAMPS)),
      }),
    ],
    p,
  );
  const events = entryEvents(rule, p);
  return sql<TransitionRow>`
    WITH c AS (
      SELECT p.*, ${actorCondition(rule, p.actorUserId)} AS allowed,
        EXISTS (SELECT 1 FROM users l WHERE l.id = p.user_id AND l.deleted_at IS NULL) AS live,
        (o.settings #>> '{verification,validityDays}')::int AS validity_days
      FROM user_staff_profiles p JOIN organizations o ON o.id = p.organization_id
      WHERE p.user_id = ${p.userId}::uuid
      FOR UPDATE OF p
    ), u AS (
      UPDATE user_staff_profiles AS p SET ${sql.join(assignments)}
      FROM c
      WHERE ${sql.join(conditions, sql` AND `)}
      RETURNING p.*
    ), audit AS (
      ${audit}
    )${events.length > 0 ? sql`, ${eventInsertCtes(events, p)}` : sql``}
    SELECT (u.user_id IS NOT NULL) AS applied, c.profile_verification_status AS "currentStatus",
      c.version AS "currentVersion", c.allowed, c.live, ${sql.join(returned)}
    FROM c LEFT JOIN u ON true`;
}

const statements = compiledShapes((db, p: TransitionParams, key: ShapeKey) => {
  return compilableSql(db, transitionSql(p, parseShapeKey(key)));
});

/**
 * Runs the transition of `shape` (one statement, compiled once per shape): the locked row's
 * facts and, when it applied, the new row; no row when the profile does not exist.
 */
export function runTransition(
  db: Parameters<typeof statements>[0],
  shape: TransitionShape,
  params: TransitionParams,
): Promise<TransitionRow[]> {
  return statements(db, shapeKey(shape), params);
}
