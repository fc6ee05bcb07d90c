import type { Kysely } from 'kysely';
import type { ResolvedAuditContext } from '../../../core/audit/audit-context.js';
import { auditContextParams, runWriteStatement } from '../../../core/audit/audit-sql.js';
import { VersionConflictError } from '../../../core/errors/version-conflict-error.js';
import { compiledQuery } from '../../../core/kernel/compiled-query.js';
import { asPackageDatabase } from '../../../core/kernel/database-type.js';
import { contextArgument } from '../../../core/kernel/repository-scope.js';
import { ForbiddenError } from '../../../core/errors/forbidden-error.js';
import { NotFoundError } from '../../../core/errors/not-found-error.js';
import { TransitionConflictError } from '../../../core/errors/transition-conflict-error.js';
import { ValidationError } from '../../../core/errors/validation-error.js';
import type { DB } from '../../../schema/db.js';
import { UuidSchema } from '../../../core/kernel/common-schemas.js';
import { optionsArgument, parseInput } from '../../../core/kernel/parse-input.js';
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
import { withErrorMapping } from '../../../core/kernel/with-error-mapping.js';
import { STAFF_PROFILE_COLUMNS, staffProfileAggregate, staffProfileColumns, type StaffProfile } from './staff-profile.js';
import { EDITABLE_COLUMNS, runTransition, type EditableColumn, type TransitionParams, type TransitionRow } from './transition-statement.js';
import type { VerificationEvent } from './verification-machine.js';

/**
 * Staff profiles and their verification. Transitions need an acting user: create the
 * repository with `createRepositories(db, { actorUserId })`.
 */
export interface StaffProfileRepository {
  /** The staff profile of a live user (its id is the user's), or `undefined`. Same as `findByUserId`. */
  findById(userId: string): Promise<StaffProfile | undefined>;
  /**
   * The staff profile of a live user (its id is the user's). Same as `getByUserId`.
   * @throws NotFoundError
   */
  getById(userId: string): Promise<StaffProfile>;
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
   *   VersionConflictError when `expectedVersion` is given and stale; NotFoundError;
   *   UniqueViolationError (`user_staff_profiles_employee_id_key`); NotFoundError (`unit`,
   *   `academic title`) for an unknown or other-organization unit or title.
   */
  edit(userId: string, changes: EditStaffProfileInput, options?: { expectedVersion?: number }): Promise<StaffProfile>;
  /**
   * The applicant submits a draft or rejected profile for verification (→ pending).
   * @throws ForbiddenError; VersionConflictError when `expectedVersion` is given and stale;
   *   TransitionConflictError when the state does not allow it (carries status and version).
   */
  submit(userId: string, options?: { expectedVersion?: number }): Promise<StaffProfile>;
  /**
   * A verifier (another user of the organization holding `profile:verify`) verifies the
   * pending profile at exactly the version they reviewed.
   * @throws VersionConflictError when the version moved on; TransitionConflictError when it is
   *   not pending (a second verification never succeeds and never writes a second audit row);
   *   ForbiddenError.
   */
  verify(userId: string, input: VerifyStaffProfileInput): Promise<StaffProfile>;
  /**
   * A verifier rejects the pending profile at the version reviewed, with a non-blank reason.
   * @throws VersionConflictError; TransitionConflictError; ForbiddenError; ValidationError.
   */
  reject(userId: string, input: RejectStaffProfileInput): Promise<StaffProfile>;
}

const EDIT_COLUMNS = {
  employeeId: STAFF_PROFILE_COLUMNS.employeeId,
  academicTitleCode: STAFF_PROFILE_COLUMNS.academicTitleCode,
  academicTitleOther: STAFF_PROFILE_COLUMNS.academicTitleOther,
  unitId: STAFF_PROFILE_COLUMNS.unitId,
  jobTitle: STAFF_PROFILE_COLUMNS.jobTitle,
} as const satisfies Record<string, EditableColumn>;

/** The columns of a transition that sets none (every one but `edit`). */
const NO_COLUMNS: readonly EditableColumn[] = Object.freeze([]);

/** The new profile of an applied transition row. */
function profileOf(row: TransitionRow): StaffProfile {
  const profile: Record<string, unknown> = {};
  for (const field of Object.keys(STAFF_PROFILE_COLUMNS)) profile[field] = row[field as keyof StaffProfile];
  return profile as unknown as StaffProfile;
}

const live = (db: Kysely<DB>) =>
  db
    .selectFrom('user_staff_profiles')
    .innerJoin('users', 'users.id', 'user_staff_profiles.user_id')
    .select(staffProfileColumns)
    .where('users.deleted_at', 'is', null);
const byUserId = compiledQuery((db, p: { id: string }) => live(db).where('user_staff_profiles.user_id', '=', p.id));
const byEmployeeId = compiledQuery((db, p: { employeeId: string }) =>
  live(db).where('user_staff_profiles.employee_id', '=', p.employeeId),
);

/** Creates the staff-profile repository over `db` (a Kysely instance or a transaction). */
export function createStaffProfileRepository<D extends DB>(
  database: Kysely<D>,
  context: ResolvedAuditContext = {},
): StaffProfileRepository {
  const db = asPackageDatabase(database);
  contextArgument(context);
  const findByUserId = async (userId: string) => (await byUserId(db, { id: parseInput(UuidSchema, userId, 'userId') }))[0];
  const getByUserId = async (userId: string) => {
    const row = await findByUserId(userId);
    if (!row) throw new NotFoundError(staffProfileAggregate.name);
    return row;
  };

  const actor = (): string => {
    if (!context.actorUserId) {
      throw new ValidationError([{ path: 'actorUserId', message: 'a transition needs an acting user' }]);
    }
    return context.actorUserId;
  };

  /** What a transition binds besides the shape's own values. */
  interface TransitionValues {
    readonly userId: string;
    readonly expectedVersion?: number | undefined;
    readonly reason?: string;
    readonly changes?: Readonly<Partial<Record<EditableColumn, string | null>>>;
  }

  /**
   * Runs one transition: ONE statement (lock, conditional UPDATE, audit row, and the facts
   * that explain a refusal), atomic by itself, so no BEGIN/COMMIT of its own; in the caller's
   * transaction it just runs there.
   */
  const transition = async (event: VerificationEvent, values: TransitionValues): Promise<StaffProfile> => {
    const actorUserId = actor();
    const { changes } = values;
    const columns = changes === undefined ? NO_COLUMNS : EDITABLE_COLUMNS.filter((column) => column in changes);
    // The optional values by assignment, not by spreading literals (verify runs this on every call);
    // a named key first, then the audit context (see auditContextParams).
    const params: Record<string, unknown> = { userId: values.userId, ...auditContextParams(context), actorUserId };
    if (values.expectedVersion !== undefined) params.expectedVersion = values.expectedVersion;
    if (event === 'reject') params.reason = values.reason ?? null;
    for (const column of columns) params[`set_${column}`] = changes?.[column] ?? null;
    const shape = { event, versioned: values.expectedVersion !== undefined, columns };
    const rows = await runWriteStatement(db.isTransaction, () =>
      runTransition(db, shape, params as TransitionParams).catch((error: unknown) =>
        foreignKeyAsNotFound(error, {
          user_staff_profiles_unit_id_fkey: 'unit',
          user_staff_profiles_academic_title_code_fkey: 'academic title',
        }),
      ),
    );
    const row = rows[0];
    const entity = staffProfileAggregate.name;
    if (row?.applied) return profileOf(row);
    // Not applied: say precisely why, from the row as the statement locked it.
    if (!row || !row.live) throw new NotFoundError(entity);
    if (!row.allowed) throw new ForbiddenError(`${event} ${entity}`, 'the acting user may not do this');
    // A stale version is the same error in every aggregate; a wrong state is the machine's.
    if (values.expectedVersion !== undefined && values.expectedVersion !== row.currentVersion) {
      throw new VersionConflictError(entity, values.expectedVersion, row.currentVersion, row.currentStatus);
    }
    throw new TransitionConflictError(entity, event, row.currentStatus, row.currentVersion);
  };

  return withErrorMapping({
    findById: findByUserId,
    getById: getByUserId,
    findByUserId,
    getByUserId,
    async findByEmployeeId(employeeId: string) {
      return byEmployeeId.first(db, { employeeId: parseInput(EmployeeIdSchema, employeeId, 'employeeId') });
    },
    async edit(userId: string, changes: EditStaffProfileInput, options: { expectedVersion?: number } = {}) {
      options = optionsArgument(options);
      const key = parseInput(UuidSchema, userId, 'userId');
      const patch = parseInput(EditStaffProfileInputSchema, changes, 'changes');
      const { expectedVersion } = parseInput(OptionalVersionSchema, options, 'options');
      const columns: Partial<Record<EditableColumn, string | null>> = {};
      for (const [field, column] of Object.entries(EDIT_COLUMNS)) {
        const value = patch[field as keyof typeof patch];
        if (value !== undefined) columns[column] = value;
      }
      // Leaving 'other' clears the free-text title, keeping the CHECK invariant.
      if (patch.academicTitleCode !== undefined && patch.academicTitleCode !== 'other') {
        columns[EDIT_COLUMNS.academicTitleOther] = null;
      }
      return transition('edit', { userId: key, expectedVersion, changes: columns });
    },
    async submit(userId: string, options: { expectedVersion?: number } = {}) {
      options = optionsArgument(options);
      const key = parseInput(UuidSchema, userId, 'userId');
      const { expectedVersion } = parseInput(OptionalVersionSchema, options, 'options');
      return transition('submit', { userId: key, expectedVersion });
    },
    async verify(userId: string, input: VerifyStaffProfileInput) {
      const key = parseInput(UuidSchema, userId, 'userId');
      const { expectedVersion } = parseInput(VerifyStaffProfileInputSchema, input, 'input');
      return transition('verify', { userId: key, expectedVersion });
    },
    async reject(userId: string, input: RejectStaffProfileInput) {
      const key = parseInput(UuidSchema, userId, 'userId');
      const { expectedVersion, reason } = parseInput(RejectStaffProfileInputSchema, input, 'input');
      return transition('reject', { userId: key, expectedVersion, reason });
    },
  });
}

