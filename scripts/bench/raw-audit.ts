// The raw side's audit rows: the INSERT the repositories send (`writeAudit`), and the
// whitelisted snapshots written out by hand. The benchmark compares both the SQL text and the
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

/** The JSON text of the snapshot of `source` (fields it lacks are left out; dates as ISO). */
export function snapshotJson(entityType: keyof typeof SNAPSHOT_FIELDS, source: Record<string, unknown>): string {
  const snapshot: Record<string, unknown> = {};
  for (const field of SNAPSHOT_FIELDS[entityType]) {
    if (!(field in source)) continue;
    const value = source[field];
    snapshot[field] = value instanceof Date ? value.toISOString() : value;
  }
  return JSON.stringify(snapshot);
}

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
