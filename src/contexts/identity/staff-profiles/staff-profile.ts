import type { TimestampFieldSet } from '../../../core/audit/audit-sql.js';
import { defineAggregate } from '../../../core/kernel/aggregate.js';
import { VERIFICATION_EVENTS, type VerificationStatus } from './verification-machine.js';

/** A staff profile: HR data about a user, and where its verification stands. */
export interface StaffProfile {
  /** The user (1:1). */
  readonly userId: string;
  /** The user's organization. */
  readonly organizationId: string;
  /** `^[A-Z0-9-]{3,32}$`, unique across all organizations when present. */
  readonly employeeId: string | null;
  /** An `academic_titles.code`, e.g. `master`. */
  readonly academicTitleCode: string | null;
  /** Free-text title, set exactly when `academicTitleCode` is `other`. */
  readonly academicTitleOther: string | null;
  /** Where the person works (a unit of the same organization). */
  readonly unitId: string | null;
  /** Institutional job title (not an RBAC role), at most 120 characters. */
  readonly jobTitle: string | null;
  /** Verification state; see `VERIFICATION_TRANSITIONS`. */
  readonly status: VerificationStatus;
  /** When it last entered `pending`. */
  readonly verificationSubmittedAt: Date | null;
  /** When it was verified (only while `verified`). */
  readonly verifiedAt: Date | null;
  /** Who verified it (only while `verified`). */
  readonly verifiedByUserId: string | null;
  /** Why it was rejected (only while `rejected`). */
  readonly rejectionReason: string | null;
  /** When the verification lapses, when the organization's policy sets a validity period. */
  readonly verificationExpiresAt: Date | null;
  /** Bumped by every change; verify and reject must carry the version the admin reviewed. */
  readonly version: number;
  /** When the row was created. */
  readonly createdAt: Date;
  /** When the row last changed. */
  readonly updatedAt: Date;
}

/** `StaffProfile` field → `user_staff_profiles` column. */
export const STAFF_PROFILE_COLUMNS = Object.freeze({
  userId: 'user_id',
  organizationId: 'organization_id',
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
  createdAt: 'created_at',
  updatedAt: 'updated_at',
} as const satisfies Record<keyof StaffProfile, string>);

/** The timestamps of a staff profile (audit snapshots built in SQL write them as `toISOString()` does). */
export const STAFF_PROFILE_TIMESTAMPS = Object.freeze({
  verificationSubmittedAt: true,
  verifiedAt: true,
  verificationExpiresAt: true,
  createdAt: true,
  updatedAt: true,
} as const satisfies TimestampFieldSet<StaffProfile>);

/** The select list that maps a `user_staff_profiles` row to a {@link StaffProfile}. */
export const staffProfileColumns = Object.entries(STAFF_PROFILE_COLUMNS).map(
  ([field, column]) => `user_staff_profiles.${column} as ${field}` as const,
) as unknown as readonly [
  'user_staff_profiles.user_id as userId',
  'user_staff_profiles.organization_id as organizationId',
  'user_staff_profiles.employee_id as employeeId',
  'user_staff_profiles.academic_title_code as academicTitleCode',
  'user_staff_profiles.academic_title_other as academicTitleOther',
  'user_staff_profiles.unit_id as unitId',
  'user_staff_profiles.job_title as jobTitle',
  'user_staff_profiles.profile_verification_status as status',
  'user_staff_profiles.verification_submitted_at as verificationSubmittedAt',
  'user_staff_profiles.verified_at as verifiedAt',
  'user_staff_profiles.verified_by_user_id as verifiedByUserId',
  'user_staff_profiles.rejection_reason as rejectionReason',
  'user_staff_profiles.verification_expires_at as verificationExpiresAt',
  'user_staff_profiles.version as version',
  'user_staff_profiles.created_at as createdAt',
  'user_staff_profiles.updated_at as updatedAt',
];

/** Staff profiles: HR data of a user and its verification (1:1 with the user, keyed by `userId`). */
export const staffProfileAggregate = defineAggregate<StaffProfile>()({
  name: 'staff_profile',
  table: 'user_staff_profiles',
  tenantColumn: 'organization_id',
  columns: STAFF_PROFILE_COLUMNS,
  audited: [
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
  actions: ['create', ...VERIFICATION_EVENTS],
});

/** An academic title (reference data, global; read by staff profiles). */
export interface AcademicTitle {
  /** Primary key, e.g. `master`. */
  readonly code: string;
  /** English label. */
  readonly labelEn: string;
  /** Vietnamese label. */
  readonly labelVi: string;
}

/** Academic titles: global reference data seeded by the migrations, never audited. */
export const academicTitleTable = defineAggregate<AcademicTitle>()({
  name: 'academic_title',
  table: 'academic_titles',
  tenantColumn: null,
  columns: { code: 'code', labelEn: 'label_en', labelVi: 'label_vi' },
  audited: [],
  actions: [],
});
