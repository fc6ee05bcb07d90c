// The raw side's audit rows: the INSERT the repositories send (`writeAudit`), the whitelisted
// snapshots written out by hand, and (register, the transitions) the same audit rows written in
// SQL by the statement that makes the change. The benchmark compares both the SQL text and the
// parameters with what the repositories send, so a change to the whitelist fails the run.

/** Fields kept in an audit snapshot, per entity type, in the order `writeAudit` writes them. */
export const SNAPSHOT_FIELDS = {
  user: ['id', 'organizationId', 'authSubject', 'email', 'isActive', 'deletedAt'],
  user_profile: ['userId', 'fullName', 'locale', 'timeZone'],
  user_role: ['userId', 'roleId', 'grantedBy'],
  staff_profile: [
    'userId',
    'employeeId',
    'academicTitleCode',
    'academicTitleOther',
    'unitId',
    'jobTitle',
    'status',
    'verificationSubmittedAt',
    'verifiedAt',
    'verifiedByUserId',
    'rejectionReason',
    'verificationExpiresAt',
    'version',
  ],
} as const;

const AUDIT_COLUMNS = `"organization_id", "actor_user_id", "action", "entity_type", "entity_id", "before", "after", "request_id", "ip", "user_agent"`;

/** `insert into "audit_logs" (…) values ($1, …, $10), …` for `rows` rows, as Kysely writes it. */
export function auditInsertSql(rows: number): string {
  const tuples = Array.from({ length: rows }, (_, r) => {
    const slots = Array.from({ length: 10 }, (_, c) => `$${r * 10 + c + 1}`);
    return `(${slots.join(', ')})`;
  });
  return `insert into "audit_logs" (${AUDIT_COLUMNS}) values ${tuples.join(', ')}`;
}

/** One audit row's parameters, in the column order of {@link auditInsertSql}. */
export function auditParameters(row: {
  organizationId: string | null;
  actorUserId: string | null;
  action: string;
  entityType: string;
  entityId: string;
  before: string | null;
  after: string | null;
}): unknown[] {
  return [row.organizationId, row.actorUserId, row.action, row.entityType, row.entityId, row.before, row.after, null, null, null];
}

/** The column of each snapshot field (`SNAPSHOT_FIELDS`), for snapshots built in SQL. */
const SNAPSHOT_COLUMNS: Record<string, string> = {
  id: 'id',
  organizationId: 'organization_id',
  authSubject: 'auth_subject',
  email: 'email',
  isActive: 'is_active',
  deletedAt: 'deleted_at',
  userId: 'user_id',
  fullName: 'full_name',
  locale: 'locale',
  timeZone: 'time_zone',
  employeeId: 'employee_id',
  academicTitleCode: 'academic_title_code',
  academicTitleOther: 'academic_title_other',
  unitId: 'unit_id',
  jobTitle: 'job_title',
  status: 'profile_verification_status',
  verificationSubmittedAt: 'verification_submitted_at',
  verifiedAt: 'verified_at',
  verifiedByUserId: 'verified_by_user_id',
  rejectionReason: 'rejection_reason',
  verificationExpiresAt: 'verification_expires_at',
  version: 'version',
};

/** Timestamp fields: written as `Date.toISOString()` writes them (UTC, milliseconds, `Z`). */
const TIMESTAMP_FIELDS = new Set(['deletedAt', 'verificationSubmittedAt', 'verifiedAt', 'verificationExpiresAt']);

/** `jsonb_build_object(…)` of the snapshot of the row `alias`: fields it lacks left out, timestamps as `toISOString()`. */
export function snapshotSql(entityType: keyof typeof SNAPSHOT_FIELDS, alias: string): string {
  const pairs = SNAPSHOT_FIELDS[entityType].filter((field) => field in SNAPSHOT_COLUMNS).map((field) => {
    const ref = `"${alias}"."${SNAPSHOT_COLUMNS[field]}"`;
    const value = TIMESTAMP_FIELDS.has(field) ? `to_char(${ref} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')` : ref;
    return `'${field}', ${value}`;
  });
  return `jsonb_build_object(${pairs.join(', ')})`;
}

/**
 * The audit INSERT of a data-modifying CTE: one row per row of each `select` (organization_id,
 * action, entity_type, entity_id, before, after), the audit context as $first … $first+3
 * (actor, request id, ip, user agent).
 */
export function auditInsertFromSql(selects: readonly string[], first: number): string {
  const [actor, request, ip, agent] = [first, first + 1, first + 2, first + 3];
  return `INSERT INTO audit_logs (organization_id, actor_user_id, action, entity_type, entity_id, before, after, request_id, ip, user_agent)
    SELECT e.organization_id, $${actor}::uuid, e.action, e.entity_type, e.entity_id, e.before, e.after,
      $${request}::text, $${ip}::inet, $${agent}::text
    FROM (${selects.join(' UNION ALL ')}) AS e`;
}

/** `to_char(… AT TIME ZONE 'UTC', …)` of `ref`: a timestamp as `Date.toISOString()` writes it. */
export const isoSql = (ref: string) => `to_char(${ref} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The domain event and outbox CTEs of a data-modifying statement (issue 11): one event per row
 * of each `select` (organization_id, event_type_code, payload_version, aggregate_type, aggregate_id,
 * aggregate_version, payload), the audit context as $first … $first+3 (actor, correlation id,
 * causation id, request id), and one outbox message per event.
 */
export function eventInsertFromSql(selects: readonly string[], first: number): string {
  const [actor, correlation, causation, request] = [first, first + 1, first + 2, first + 3];
  return `domain_event AS (
      INSERT INTO domain_events (organization_id, event_type_code, payload_version, aggregate_type, aggregate_id,
        aggregate_version, payload, actor_user_id, correlation_id, causation_id, request_id)
      SELECT e.organization_id, e.event_type_code, e.payload_version, e.aggregate_type, e.aggregate_id,
        e.aggregate_version, e.payload, $${actor}::uuid, $${correlation}::text,
        $${causation}::uuid, $${request}::text
      FROM (${selects.join(' UNION ALL ')}) AS e
      RETURNING organization_id, id, created_at
    ), outbox AS (
      INSERT INTO outbox_messages (organization_id, event_id, event_created_at)
      SELECT organization_id, id, created_at FROM domain_event
    )`;
}
