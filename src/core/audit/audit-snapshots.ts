/**
 * The fields an audit snapshot keeps, per entity type: a whitelist, so a column added later
 * (or a sensitive one such as a birthdate) never lands in the audit trail by accident.
 */
export const AUDITED_FIELDS = Object.freeze({
  organization: ['id', 'slug', 'name', 'settings', 'deletedAt'],
  user: ['id', 'organizationId', 'authSubject', 'email', 'isActive', 'deletedAt'],
  user_profile: ['userId', 'fullName', 'locale', 'timeZone'],
  user_role: ['userId', 'roleId', 'grantedBy'],
  role: ['id', 'name', 'description'],
  permission: ['id', 'name', 'description'],
  role_permission: ['roleId', 'permissionId', 'permission'],
  unit: ['id', 'organizationId', 'code', 'name', 'parentUnitId', 'isActive'],
  client: ['id', 'organizationId', 'code', 'name', 'status', 'metadata', 'managerUserId', 'deletedAt'],
  document: [
    'id',
    'organizationId',
    'clientId',
    'originalName',
    'storageKey',
    'mimeType',
    'currentVersion',
    'metadata',
    'deletedAt',
  ],
  document_version: ['id', 'documentId', 'versionNumber', 'storageKey', 'checksumSha256', 'sizeBytes'],
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
} as const satisfies Record<string, readonly string[]>);

/** The entity types the audit trail knows. */
export type AuditEntityType = keyof typeof AUDITED_FIELDS;

/**
 * Keeps only the whitelisted fields of `source` (absent fields are omitted); `null` for no
 * source. Dates become ISO strings.
 */
export function auditSnapshot(
  entityType: AuditEntityType,
  source: object | null | undefined,
): Record<string, unknown> | null {
  if (!source) return null;
  const record = source as Record<string, unknown>;
  const snapshot: Record<string, unknown> = {};
  for (const field of AUDITED_FIELDS[entityType]) {
    if (!(field in record)) continue;
    const value = record[field];
    snapshot[field] = value instanceof Date ? value.toISOString() : value;
  }
  return snapshot;
}
