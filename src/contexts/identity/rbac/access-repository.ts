import type { Kysely } from 'kysely';
import { NotFoundError } from '../../../core/errors/not-found-error.js';
import type { DB } from '../../../schema/db.js';
import { UuidSchema } from '../../../core/kernel/common-schemas.js';
import { optionsArgument, parseInput } from '../../../core/kernel/parse-input.js';
import { PermissionNameSchema } from './rbac.inputs.js';
import { foreignKeyAsNotFound } from '../../../core/kernel/foreign-key-as-not-found.js';
import { asPackageDatabase } from '../../../core/kernel/database-type.js';
import { contextArgument } from '../../../core/kernel/repository-scope.js';
import { auditEvent } from '../../../core/audit/audit-event.js';
import { withErrorMapping } from '../../../core/kernel/with-error-mapping.js';
import { inTransaction } from '../../../core/unit-of-work/in-transaction.js';
import { userAggregate } from '../users/user.js';
import { userRoleAggregate } from './role.js';
import type { ResolvedAuditContext } from '../../../core/audit/audit-context.js';
import { writeAudit } from '../../../core/audit/write-audit.js';
import {
  deleteUserRole,
  effectivePermissionNames,
  insertUserRole,
  liveUserId,
  permissionCheck,
  userRoleNames,
} from './access-statements.js';

/** Whether the permission check's row (none: no such user or permission) allows. */
const isAllowed = (row: { allowed: unknown } | undefined): boolean => row?.allowed === true;

/** Options of {@link AccessRepository.assignRole}. */
export interface AssignRoleOptions {
  /** The user granting the role, recorded in `user_roles.granted_by`. */
  readonly grantedBy?: string | null;
}

/** Which roles users hold, and what that lets them do. */
export interface AccessRepository {
  /**
   * Assigns a role to a live user. Returns `false` when the user already held it.
   * @throws NotFoundError (`user` or `role`).
   */
  assignRole(userId: string, roleId: string, options?: AssignRoleOptions): Promise<boolean>;
  /** Removes a role from a user. Returns `false` when the user did not hold it. */
  unassignRole(userId: string, roleId: string): Promise<boolean>;
  /** Names of the roles a user holds, sorted. */
  listUserRoles(userId: string): Promise<string[]>;
  /**
   * Every permission the user holds through any role, sorted and distinct. Empty for
   * inactive or soft-deleted users and for users of a soft-deleted organization.
   */
  listEffectivePermissions(userId: string): Promise<string[]>;
  /**
   * Whether a live, active user of a live organization holds `permission`
   * (`resource:action`) through any role. One query, answered from indexes.
   */
  hasPermission(userId: string, permission: string): Promise<boolean>;
}

/** Creates the access repository over `db` (a Kysely instance or a transaction). */
export function createAccessRepository<D extends DB>(database: Kysely<D>, context: ResolvedAuditContext = {}): AccessRepository {
  const db = asPackageDatabase(database);
  contextArgument(context);
  return withErrorMapping({
    async assignRole(userId: string, roleId: string, options: AssignRoleOptions = {}) {
      options = optionsArgument(options);
      const user = parseInput(UuidSchema, userId, 'userId');
      const role = parseInput(UuidSchema, roleId, 'roleId');
      const grantedBy =
        options.grantedBy === undefined || options.grantedBy === null
          ? null
          : parseInput(UuidSchema, options.grantedBy, 'options.grantedBy');
      return inTransaction(db, async (trx) => {
        const [inserted] = await insertUserRole(trx, { user, role, grantedBy }).catch((error: unknown) =>
            foreignKeyAsNotFound(error, {
              user_roles_role_id_fkey: 'role',
              user_roles_granted_by_fkey: 'granting user',
            }),
          );
        if (inserted) {
          await writeAudit(
            trx,
            context,
            auditEvent(userRoleAggregate, 'assign', {
            entityId: user,
            organizationId: inserted.organization_id,
            after: { userId: user, roleId: role, grantedBy },
            }),
          );
          return true;
        }
        const [exists] = await liveUserId(trx, { user });
        if (!exists) throw new NotFoundError(userAggregate.name);
        return false;
      });
    },
    async unassignRole(userId: string, roleId: string) {
      const user = parseInput(UuidSchema, userId, 'userId');
      const role = parseInput(UuidSchema, roleId, 'roleId');
      return inTransaction(db, async (trx) => {
        const [removed] = await deleteUserRole(trx, { user, role });
        if (!removed) return false;
        await writeAudit(
          trx,
          context,
          auditEvent(userRoleAggregate, 'unassign', {
          entityId: user,
          organizationId: removed.organization_id,
          before: { userId: user, roleId: role, grantedBy: removed.granted_by },
          }),
        );
        return true;
      });
    },
    async listUserRoles(userId: string) {
      const user = parseInput(UuidSchema, userId, 'userId');
      const rows = await userRoleNames(db, { user });
      return rows.map((row) => row.name);
    },
    async listEffectivePermissions(userId: string) {
      const user = parseInput(UuidSchema, userId, 'userId');
      const rows = await effectivePermissionNames(db, { user });
      return rows.map((row) => row.name);
    },
    // Not async (see users.findById): a refused argument throws here, and the error mapping
    // turns it into a rejection.
    hasPermission(userId: string, permission: string): Promise<boolean> {
      const user = parseInput(UuidSchema, userId, 'userId');
      const name = parseInput(PermissionNameSchema, permission, 'permission');
      return permissionCheck.first(db, { user, permission: name }).then(isAllowed);
    },
  });
}
