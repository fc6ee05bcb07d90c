import { sql, type Kysely } from 'kysely';
import type { ResolvedAuditContext } from '../../../core/audit/audit-context.js';
import { compiledQuery } from '../../../core/kernel/compiled-query.js';
import { asPackageDatabase } from '../../../core/kernel/database-type.js';
import { contextArgument } from '../../../core/kernel/repository-scope.js';
import { auditContextParams, runWriteStatement } from '../../../core/audit/audit-sql.js';
import { runRegister, type RegisterParams } from './register-statement.js';
import { PROFILE_PATCH_FIELDS, profilePatchShape, updateProfile as updateProfileStatement, updateUser } from './user-update-statements.js';
import { NotFoundError } from '../../../core/errors/not-found-error.js';
import type { DB } from '../../../schema/db.js';
import { EmailSchema, UuidSchema } from '../../../core/kernel/common-schemas.js';
import { parseInput } from '../../../core/kernel/parse-input.js';
import {
  AuthSubjectSchema,
  RegisterUserInputSchema,
  UpdateProfileInputSchema,
  type RegisterUserInput,
  type UpdateProfileInput,
} from './user.inputs.js';
import { DEFAULT_USER_ROLE, SEED_DEFAULTS_HINT } from '../rbac/default-role.js';
import { withErrorMapping } from '../../../core/kernel/with-error-mapping.js';
import { userAggregate, userColumns, userProfileAggregate, userProfileColumns, type User, type UserProfile } from './user.js';

/** A newly registered user with their profile and granted role names. */
export interface RegisteredUser {
  /** The new user. */
  readonly user: User;
  /** Their profile. */
  readonly profile: UserProfile;
  /** Role names granted at registration (the default `user`). */
  readonly roles: readonly string[];
}

/** Users and their profiles. Reads skip soft-deleted users. */
export interface UserRepository {
  /**
   * Registers a user in one transaction: the user, the profile, and the default role `user`.
   * @throws ValidationError for bad input; nothing is written.
   * @throws NotFoundError (`organization`) when the organization does not exist or is deleted;
   *   (`role`) when the default role is missing: its message says to run `seedDefaults(db)` or
   *   `org-data seed`.
   * @throws UniqueViolationError `users_auth_subject_key` or `users_organization_email_key`.
   */
  register(input: RegisterUserInput): Promise<RegisteredUser>;
  /** The live user with this id, or `undefined`. */
  findById(id: string): Promise<User | undefined>;
  /**
   * The live user with this id.
   * @throws NotFoundError when missing or soft-deleted.
   */
  getById(id: string): Promise<User>;
  /** The live user with this identity-provider subject, or `undefined`. */
  findByAuthSubject(authSubject: string): Promise<User | undefined>;
  /** The live user of the organization with this email (case-insensitive), or `undefined`. */
  findByEmail(organizationId: string, email: string): Promise<User | undefined>;
  /** The profile of a live user, or `undefined`. */
  findProfile(userId: string): Promise<UserProfile | undefined>;
  /**
   * Updates the given profile fields; `birthdate: null` clears the birthdate.
   * @throws NotFoundError when the user is missing or soft-deleted.
   */
  updateProfile(userId: string, patch: UpdateProfileInput): Promise<UserProfile>;
  /**
   * Marks the user inactive (they keep their roles but `hasPermission` answers false).
   * @throws NotFoundError when the user is missing or soft-deleted.
   */
  deactivate(userId: string): Promise<User>;
  /**
   * Marks the user active again.
   * @throws NotFoundError when the user is missing or soft-deleted.
   */
  reactivate(userId: string): Promise<User>;
  /**
   * Soft-deletes the user (also inactive); their email becomes available in the organization.
   * @throws NotFoundError when the user is missing or already deleted.
   */
  softDelete(userId: string): Promise<void>;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The user's and the profile's fields in the registration's result row (`user.<field>`, `profile.<field>`). */
const REGISTERED_USER_FIELDS = Object.keys(userAggregate.columns).map((field) => [field, `user.${field}`] as const);
const REGISTERED_PROFILE_FIELDS = Object.keys(userProfileAggregate.columns).map((field) => [field, `profile.${field}`] as const);

const liveUsers = (db: Kysely<DB>) => db.selectFrom('users').select(userColumns).where('users.deleted_at', 'is', null);
// Hot reads: compiled once per process, run on whichever executor the caller's scope passes.
const byId = compiledQuery((db, p: { id: string }) => liveUsers(db).where('users.id', '=', p.id));
const byAuthSubject = compiledQuery((db, p: { subject: string }) =>
  liveUsers(db).where('users.auth_subject', '=', p.subject),
);
// lower(email) matches the expression of the users_organization_email_key index.
const byEmail = compiledQuery((db, p: { org: string; email: string }) =>
  liveUsers(db)
    .where('users.organization_id', '=', p.org)
    .where(sql`lower(users.email)`, '=', sql`lower(${p.email})`),
);
const profileOf = compiledQuery((db, p: { id: string }) =>
  db
    .selectFrom('user_profiles')
    .innerJoin('users', 'users.id', 'user_profiles.user_id')
    .select(userProfileColumns)
    .where('user_profiles.user_id', '=', p.id)
    .where('users.deleted_at', 'is', null),
);

/**
 * Creates the user repository over `db` (a Kysely instance or a transaction: pass a
 * transaction to make `register` part of the caller's unit of work).
 */
export function createUserRepository<D extends DB>(database: Kysely<D>, context: ResolvedAuditContext = {}): UserRepository {
  const db = asPackageDatabase(database);
  contextArgument(context);
  const audit = () => auditContextParams(context);

  /** Changes the live user's row and records `action` with before and after: ONE statement. */
  const changeUser = async (userId: string, action: 'deactivate' | 'reactivate' | 'delete'): Promise<User> => {
    const key = parseInput(UuidSchema, userId, 'userId');
    const rows = await runWriteStatement(db.isTransaction, () => updateUser(db, action, { id: key, ...audit() }));
    const after = rows[0];
    if (!after) throw new NotFoundError(userAggregate.name);
    return after;
  };

  return withErrorMapping({
    async register(input: RegisterUserInput) {
      const data = parseInput(RegisterUserInputSchema, input, 'input');
      // ONE statement (see register-statement.ts): atomic by itself, so no BEGIN/COMMIT of its
      // own; in the caller's transaction it just runs there. A missing role or organization
      // writes nothing.
      // The optional fields by assignment, not by spreading literals (measured: those spreads and
      // the result loop below were a fifth of the call's JavaScript).
      // Named keys first, the audit context spread last (see auditContextParams: on Node 20 an
      // object that starts with a spread got a hidden class of its own per call).
      const params: Mutable<RegisterParams> = {
        organizationId: data.organizationId,
        authSubject: data.authSubject,
        email: data.email,
        fullName: data.fullName,
        birthdate: data.birthdate ?? null,
        ...audit(),
      };
      if (data.locale !== undefined) params.locale = data.locale;
      if (data.timeZone !== undefined) params.timeZone = data.timeZone;
      const rows = await runWriteStatement(db.isTransaction, () => runRegister(db, params));
      const row = rows[0] as Record<string, unknown> | undefined;
      if (!row?.roleFound) throw new NotFoundError('role', SEED_DEFAULTS_HINT);
      const user: Record<string, unknown> = {};
      const profile: Record<string, unknown> = {};
      for (const [field, column] of REGISTERED_USER_FIELDS) user[field] = row[column];
      for (const [field, column] of REGISTERED_PROFILE_FIELDS) profile[field] = row[column];
      if (user.id === null) throw new NotFoundError('organization');
      return { user: user as unknown as User, profile: profile as unknown as UserProfile, roles: [DEFAULT_USER_ROLE] };
    },
    // Not async: the row comes straight from the statement's promise (no frame of its own); a
    // refused id throws here and the error mapping turns it into a rejection.
    findById(id: string) {
      return byId.first(db, { id: parseInput(UuidSchema, id, 'id') });
    },
    async getById(id: string) {
      const row = await byId.first(db, { id: parseInput(UuidSchema, id, 'id') });
      if (!row) throw new NotFoundError(userAggregate.name);
      return row;
    },
    async findByAuthSubject(authSubject: string) {
      return byAuthSubject.first(db, { subject: parseInput(AuthSubjectSchema, authSubject, 'authSubject') });
    },
    async findByEmail(organizationId: string, email: string) {
      const org = parseInput(UuidSchema, organizationId, 'organizationId');
      return byEmail.first(db, { org, email: parseInput(EmailSchema, email, 'email') });
    },
    async findProfile(userId: string) {
      return profileOf.first(db, { id: parseInput(UuidSchema, userId, 'userId') });
    },
    async updateProfile(userId: string, patch: UpdateProfileInput) {
      const key = parseInput(UuidSchema, userId, 'userId');
      const data = parseInput(UpdateProfileInputSchema, patch, 'patch');
      const fields = PROFILE_PATCH_FIELDS.filter((field) => data[field] !== undefined);
      const values = Object.fromEntries(fields.map((field) => [field, data[field] ?? null]));
      const rows = await runWriteStatement(db.isTransaction, () =>
        updateProfileStatement(db, profilePatchShape(fields), { id: key, ...values, ...audit() }),
      );
      const row = rows[0];
      if (!row?.userFound) throw new NotFoundError(userAggregate.name);
      const { userFound: _, ...after } = row;
      if (after.userId === null) throw new NotFoundError(userProfileAggregate.name);
      return after as UserProfile;
    },
    deactivate: (userId: string) => changeUser(userId, 'deactivate'),
    reactivate: (userId: string) => changeUser(userId, 'reactivate'),
    async softDelete(userId: string) {
      await changeUser(userId, 'delete');
    },
  });
}
