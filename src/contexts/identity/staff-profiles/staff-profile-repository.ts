import type { Kysely } from 'kysely';
import type { ResolvedAuditContext } from '../../../core/audit/audit-context.js';
import { writeAudit } from '../../../core/audit/write-audit.js';
import { ForbiddenError } from '../../../core/errors/forbidden-error.js';
import { NotFoundError } from '../../../core/errors/not-found-error.js';
import { TransitionConflictError } from '../../../core/errors/transition-conflict-error.js';
import { ValidationError } from '../../../core/errors/validation-error.js';
import type { DB } from '../../../schema/db.js';
import { UuidSchema } from '../../../core/kernel/common-schemas.js';
import { parseInput } from '../../../core/kernel/parse-input.js';
import {
  EditStaffProfileInputSchema,
  EmployeeIdSchema,
  OptionalVersionSchema,
  RejectStaffProfileInputSchema,
  VerifyStaffProfileInputSchema,
  type EditStaffProfileInput,
  type RejectStaffProfileInput,
  type VerifyStaffProfileInput,
} from './staff-profile.inputs.js';
import { foreignKeyAsNotFound } from '../../../core/kernel/foreign-key-as-not-found.js';
import { inTransaction } from '../../../core/unit-of-work/in-transaction.js';
import { preparedQuery } from '../../../core/kernel/prepared-query.js';
import { withErrorMapping } from '../../../core/kernel/with-error-mapping.js';
import { STAFF_PROFILE_COLUMNS, staffProfileColumns, type StaffProfile } from './staff-profile.js';
import { refusalStatement, transitionStatement, type TransitionRow, type TransitionValues } from './transition-statement.js';
import type { VerificationEvent } from './verification-machine.js';

/**
 * Staff profiles and their verification. Transitions need an acting user: create the
 * repository with `createRepositories(db, { actorUserId })`.
 */
export interface StaffProfileRepository {
  /** The staff profile of a live user, or `undefined`. */
  findByUserId(userId: string): Promise<StaffProfile | undefined>;
  /**
   * The staff profile of a live user.
   * @throws NotFoundError
   */
  getByUserId(userId: string): Promise<StaffProfile>;
  /** The staff profile with this employee id (unique across organizations), or `undefined`. */
  findByEmployeeId(employeeId: string): Promise<StaffProfile | undefined>;
  /**
   * The applicant edits their profile: draft, pending and rejected stay where they are; a
   * verified profile goes back to pending (its verification is cleared). Bumps `version`.
   * @throws ValidationError; ForbiddenError when the actor is not the profile's user;
   *   TransitionConflictError when `expectedVersion` is given and stale; NotFoundError;
   *   UniqueViolationError (`user_staff_profiles_employee_id_key`); NotFoundError (`unit`,
   *   `academic title`) for an unknown or other-organization unit or title.
   */
  edit(userId: string, changes: EditStaffProfileInput, options?: { expectedVersion?: number }): Promise<StaffProfile>;
  /**
   * The applicant submits a draft or rejected profile for verification (→ pending).
   * @throws ForbiddenError; TransitionConflictError (carries the current status and version).
   */
  submit(userId: string, options?: { expectedVersion?: number }): Promise<StaffProfile>;
  /**
   * A verifier (another user of the organization holding `profile:verify`) verifies the
   * pending profile at exactly the version they reviewed.
   * @throws TransitionConflictError when it is not pending or the version moved on (a second
   *   verification never succeeds and never writes a second audit row); ForbiddenError.
   */
  verify(userId: string, input: VerifyStaffProfileInput): Promise<StaffProfile>;
  /**
   * A verifier rejects the pending profile at the version reviewed, with a non-blank reason.
   * @throws TransitionConflictError; ForbiddenError; ValidationError.
   */
  reject(userId: string, input: RejectStaffProfileInput): Promise<StaffProfile>;
}

const EDIT_COLUMNS = {
  employeeId: STAFF_PROFILE_COLUMNS.employeeId,
  academicTitleCode: STAFF_PROFILE_COLUMNS.academicTitleCode,
  academicTitleOther: STAFF_PROFILE_COLUMNS.academicTitleOther,
  unitId: STAFF_PROFILE_COLUMNS.unitId,
  jobTitle: STAFF_PROFILE_COLUMNS.jobTitle,
} as const;

/** Splits a transition row into the new profile and the `before_*` fields of the old one. */
function splitRow(row: TransitionRow): { before: StaffProfile; after: StaffProfile } {
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (key.startsWith('before_')) before[key.slice('before_'.length)] = value;
    else after[key] = value;
  }
  return { before: before as unknown as StaffProfile, after: after as unknown as StaffProfile };
}

/** Creates the staff-profile repository over `db` (a Kysely instance or a transaction). */
export function createStaffProfileRepository(
  db: Kysely<DB>,
  context: ResolvedAuditContext = {},
): StaffProfileRepository {
  const live = () =>
    db
      .selectFrom('user_staff_profiles')
      .innerJoin('users', 'users.id', 'user_staff_profiles.user_id')
      .select(staffProfileColumns)
      .where('users.deleted_at', 'is', null);
  const byUserId = preparedQuery(db, (p: { id: string }) => live().where('user_staff_profiles.user_id', '=', p.id));
  const byEmployeeId = preparedQuery(db, (p: { employeeId: string }) =>
    live().where('user_staff_profiles.employee_id', '=', p.employeeId),
  );

  const actor = (): string => {
    if (!context.actorUserId) {
      throw new ValidationError([{ path: 'actorUserId', message: 'a transition needs an acting user' }]);
    }
    return context.actorUserId;
  };

  /** Runs one transition: the conditional UPDATE, then its audit row, in one transaction. */
  const transition = (event: VerificationEvent, values: TransitionValues): Promise<StaffProfile> =>
    inTransaction(db, async (trx) => {
      const { rows } = await transitionStatement(event, values)
        .execute(trx)
        .catch((error: unknown) =>
          foreignKeyAsNotFound(error, {
            user_staff_profiles_unit_id_fkey: 'unit',
            user_staff_profiles_academic_title_code_fkey: 'academic title',
          }),
        );
      const row = rows[0];
      if (!row) {
        // Zero rows: say precisely why, from the row as it is now (same transaction).
        const { rows: found } = await refusalStatement(event, values.userId, values.actorUserId).execute(trx);
        const current = found[0];
        if (!current || !current.live) throw new NotFoundError('staff profile');
        if (!current.allowed) throw new ForbiddenError(`${event} staff profile`, 'the acting user may not do this');
        throw new TransitionConflictError('staff profile', event, current.status, current.version);
      }
      const { before, after } = splitRow(row);
      await writeAudit(trx, context, {
        action: `staff_profile.${event}`,
        entityType: 'staff_profile',
        entityId: after.userId,
        organizationId: after.organizationId,
        before,
        after,
      });
      return after;
    });

  return withErrorMapping({
    async findByUserId(userId: string) {
      return (await byUserId({ id: parseInput(UuidSchema, userId) }))[0];
    },
    async getByUserId(userId: string) {
      const row = (await byUserId({ id: parseInput(UuidSchema, userId) }))[0];
      if (!row) throw new NotFoundError('staff profile');
      return row;
    },
    async findByEmployeeId(employeeId: string) {
      return (await byEmployeeId({ employeeId: parseInput(EmployeeIdSchema, employeeId) }))[0];
    },
    async edit(userId: string, changes: EditStaffProfileInput, options: { expectedVersion?: number } = {}) {
      const key = parseInput(UuidSchema, userId);
      const patch = parseInput(EditStaffProfileInputSchema, changes);
      const { expectedVersion } = parseInput(OptionalVersionSchema, options);
      const columns: Record<string, string | null> = {};
      for (const [field, column] of Object.entries(EDIT_COLUMNS)) {
        const value = patch[field as keyof typeof patch];
        if (value !== undefined) columns[column] = value;
      }
      // Leaving 'other' clears the free-text title, keeping the CHECK invariant.
      if (patch.academicTitleCode !== undefined && patch.academicTitleCode !== 'other') {
        columns[EDIT_COLUMNS.academicTitleOther] = null;
      }
      return transition('edit', { userId: key, actorUserId: actor(), expectedVersion, changes: columns });
    },
    async submit(userId: string, options: { expectedVersion?: number } = {}) {
      const key = parseInput(UuidSchema, userId);
      const { expectedVersion } = parseInput(OptionalVersionSchema, options);
      return transition('submit', { userId: key, actorUserId: actor(), expectedVersion });
    },
    async verify(userId: string, input: VerifyStaffProfileInput) {
      const key = parseInput(UuidSchema, userId);
      const { expectedVersion } = parseInput(VerifyStaffProfileInputSchema, input);
      return transition('verify', { userId: key, actorUserId: actor(), expectedVersion });
    },
    async reject(userId: string, input: RejectStaffProfileInput) {
      const key = parseInput(UuidSchema, userId);
      const { expectedVersion, reason } = parseInput(RejectStaffProfileInputSchema, input);
      return transition('reject', { userId: key, actorUserId: actor(), expectedVersion, reason });
    },
  });
}

