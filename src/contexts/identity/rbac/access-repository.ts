import { sql, type Kysely } from 'kysely';
import { NotFoundError } from '../../../core/errors/not-found-error.js';
import type { DB } from '../../../schema/db.js';
import { UuidSchema } from '../../../core/kernel/common-schemas.js';
import { parseInput } from '../../../core/kernel/parse-input.js';
import { PermissionNameSchema } from './rbac.inputs.js';
import { foreignKeyAsNotFound } from '../../../core/kernel/foreign-key-as-not-found.js';
import { compiledQuery } from '../../../core/kernel/compiled-query.js';
import { asPackageDatabase } from '../../../core/kernel/database-type.js';
import { auditEvent } from '../../../core/audit/audit-event.js';
import { withErrorMapping } from '../../../core/kernel/with-error-mapping.js';
import { inTransaction } from '../../../core/unit-of-work/in-transaction.js';
import { userAggregate } from '../users/user.js';
import { userRoleAggregate } from './role.js';
import type { ResolvedAuditContext } from '../../../core/audit/audit-context.js';
import { writeAudit } from '../../../core/audit/write-audit.js';

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

const effectivePermissions = (db: Kysely<DB>, userId: string) =>
  db
    .selectFrom('user_roles')
    .innerJoin('users', 'users.id', 'user_roles.user_id')
    .innerJoin('organizations', 'organizations.id', 'user_roles.organization_id')
    .innerJoin('role_permissions', 'role_permissions.role_id', 'user_roles.role_id')
    .innerJoin('permissions', 'permissions.id', 'role_permissions.permission_id')
    .where('user_roles.user_id', '=', userId)
    .where('users.is_active', '=', true)
    .where('users.deleted_at', 'is', null)
    .where('organizations.deleted_at', 'is', null);

const permissionCheck = compiledQuery((db, p: { user: string; permission: string }) =>
  db.selectNoFrom((eb) =>
    eb
      .exists(effectivePermissions(db, p.user).select(sql.lit(1).as('one')).where('permissions.name', '=', p.permission))
      .as('allowed'),
  ),
);

/** Creates the access repository over `db` (a Kysely instance or a transaction). */
export function createAccessRepository<D extends DB>(database: Kysely<D>, context: ResolvedAuditContext = {}): AccessRepository {
  const db = asPackageDatabase(database);
  return withErrorMapping({
    async assignRole(userId: string, roleId: string, options: AssignRoleOptions = {}) {
      const user = parseInput(UuidSchema, userId);
      const role = parseInput(UuidSchema, roleId);
      const grantedBy =
        options.grantedBy === undefined || options.grantedBy === null
          ? null
          : parseInput(UuidSchema, options.grantedBy);
      return inTransaction(db, async (trx) => {
        const inserted = await trx
          .insertInto('user_roles')
          .columns(['user_id', 'role_id', 'organization_id', 'granted_by'])
          .expression(
            trx
              .selectFrom('users')
              .select([
                'users.id',
                sql.val(role).as('role_id'),
                'users.organization_id',
                sql.val(grantedBy).as('granted_by'),
              ])
              .where('users.id', '=', user)
              .where('users.deleted_at', 'is', null),
          )
          .onConflict((oc) => oc.columns(['user_id', 'role_id']).doNothing())
          .returning(['user_roles.organization_id'])
          .executeTakeFirst()
          .catch((error: unknown) =>
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
        const exists = await trx
          .selectFrom('users')
          .select('id')
          .where('id', '=', user)
          .where('deleted_at', 'is', null)
          .executeTakeFirst();
        if (!exists) throw new NotFoundError(userAggregate.name);
        return false;
      });
    },
    async unassignRole(userId: string, roleId: string) {
      const user = parseInput(UuidSchema, userId);
      const role = parseInput(UuidSchema, roleId);
      return inTransaction(db, async (trx) => {
        const removed = await trx
          .deleteFrom('user_roles')
          .where('user_id', '=', user)
          .where('role_id', '=', role)
          .returning(['organization_id', 'granted_by'])
          .executeTakeFirst();
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
      const user = parseInput(UuidSchema, userId);
      const rows = await db
        .selectFrom('user_roles')
        .innerJoin('roles', 'roles.id', 'user_roles.role_id')
        .select('roles.name')
        .where('user_roles.user_id', '=', user)
        .orderBy('roles.name')
        .execute();
      return rows.map((row) => row.name);
    },
    async listEffectivePermissions(userId: string) {
      const user = parseInput(UuidSchema, userId);
      const rows = await effectivePermissions(db, user)
        .select('permissions.name')
        .distinct()
        .orderBy('permissions.name')
        .execute();
      return rows.map((row) => row.name);
    },
    async hasPermission(userId: string, permission: string) {
      const user = parseInput(UuidSchema, userId);
      const name = parseInput(PermissionNameSchema, permission);
      const [row] = await permissionCheck(db, { user, permission: name });
      return row?.allowed === true;
    },
  });
}
