import type { Kysely } from 'kysely';
import { NotFoundError } from '../../../core/errors/not-found-error.js';
import type { DB } from '../../../schema/db.js';
import { UuidSchema } from '../../../core/kernel/common-schemas.js';
import { parseInput } from '../../../core/kernel/parse-input.js';
import {
  CreatePermissionInputSchema,
  CreateRoleInputSchema,
  PermissionNameSchema,
  RoleNameSchema,
  type CreatePermissionInput,
  type CreateRoleInput,
} from './rbac.inputs.js';
import { inTransaction } from '../../../core/unit-of-work/in-transaction.js';
import { withErrorMapping } from '../../../core/kernel/with-error-mapping.js';
import type { ResolvedAuditContext } from '../../../core/audit/audit-context.js';
import { auditEvent } from '../../../core/audit/audit-event.js';
import { writeAudit } from '../../../core/audit/write-audit.js';
import { asPackageDatabase } from '../../../core/kernel/database-type.js';
import { contextArgument } from '../../../core/kernel/repository-scope.js';
import { permissionAggregate, roleAggregate, rolePermissionAggregate, type Permission, type Role } from './role.js';
import {
  allPermissions,
  allRoles,
  deleteRole,
  deleteRolePermission,
  grantToAdmin,
  insertPermission,
  insertRole,
  insertRolePermission,
  lockRoleById,
  permissionIdByName,
  renameRole,
  roleById,
  roleByName,
  rolePermissionNames,
} from './role-statements.js';

/** The one row of an INSERT … RETURNING or of an UPDATE of a locked row (NotFound, which cannot happen, otherwise). */
function onlyRow<R>(rows: readonly R[], entity: string): R {
  const [row] = rows;
  if (!row) throw new NotFoundError(entity);
  return row;
}

/** Roles, permissions, and which permissions each role grants. */
export interface RoleRepository {
  /**
   * Creates a role.
   * @throws ValidationError for a bad name; UniqueViolationError (`roles_name_key`) when taken.
   */
  create(input: CreateRoleInput): Promise<Role>;
  /** The role, or `undefined`. */
  findById(id: string): Promise<Role | undefined>;
  /**
   * The role.
   * @throws NotFoundError
   */
  getById(id: string): Promise<Role>;
  /** The role with this name, or `undefined`. */
  findByName(name: string): Promise<Role | undefined>;
  /** Every role, by name. */
  list(): Promise<Role[]>;
  /**
   * Renames a role.
   * @throws NotFoundError; UniqueViolationError (`roles_name_key`) when the name is taken.
   */
  rename(id: string, name: string): Promise<Role>;
  /**
   * Deletes a role; its permission grants go with it.
   * @throws NotFoundError; ForeignKeyViolationError (`user_roles_role_id_fkey`) while the role
   *   is still assigned to a user: unassign it first.
   */
  delete(id: string): Promise<void>;
  /**
   * Creates a permission `resource:action` and grants it to the `admin` role (when it exists),
   * in one transaction, so `admin` keeps holding every permission.
   * @throws ValidationError; UniqueViolationError (`permissions_name_key`).
   */
  createPermission(input: CreatePermissionInput): Promise<Permission>;
  /** Every permission, by name. */
  listPermissions(): Promise<Permission[]>;
  /** Names of the permissions a role grants, sorted. */
  listRolePermissions(roleId: string): Promise<string[]>;
  /**
   * Grants a permission to a role. Returns `false` when it was already granted.
   * @throws NotFoundError (`role` or `permission`).
   */
  grantPermission(roleId: string, permission: string): Promise<boolean>;
  /** Revokes a permission from a role. Returns `false` when it was not granted. */
  revokePermission(roleId: string, permission: string): Promise<boolean>;
}

/** Creates the role repository over `db` (a Kysely instance or a transaction). */
export function createRoleRepository<D extends DB>(database: Kysely<D>, context: ResolvedAuditContext = {}): RoleRepository {
  const db = asPackageDatabase(database);
  contextArgument(context);
  /** The role, locked until the transaction ends; NotFound otherwise. */
  const lockRole = async (trx: Kysely<DB>, key: string): Promise<Role> => {
    const [row] = await lockRoleById(trx, { id: key });
    if (!row) throw new NotFoundError(roleAggregate.name);
    return row;
  };
  // Roles and permissions are global: their audit rows belong to no organization.
  const global = null;
  const findById = async (id: string) => {
    const key = parseInput(UuidSchema, id, 'id');
    return roleById.first(db, { id: key });
  };

  return withErrorMapping({
    async create(input: CreateRoleInput) {
      const data = parseInput(CreateRoleInputSchema, input, 'input');
      return inTransaction(db, async (trx) => {
        const role = onlyRow(await insertRole(trx, { name: data.name, description: data.description ?? null }), roleAggregate.name);
        await writeAudit(trx, context, auditEvent(roleAggregate, 'create', { entityId: role.id, organizationId: global, after: role }));
        return role;
      });
    },
    findById,
    async getById(id: string) {
      const role = await findById(id);
      if (!role) throw new NotFoundError(roleAggregate.name);
      return role;
    },
    async findByName(name: string) {
      const key = parseInput(RoleNameSchema, name, 'name');
      return roleByName.first(db, { name: key });
    },
    async list() {
      return allRoles(db, {});
    },
    async rename(id: string, name: string) {
      const key = parseInput(UuidSchema, id, 'id');
      const newName = parseInput(RoleNameSchema, name, 'name');
      return inTransaction(db, async (trx) => {
        const before = await lockRole(trx, key);
        const after = onlyRow(await renameRole(trx, { id: key, name: newName }), roleAggregate.name);
        await writeAudit(trx, context, auditEvent(roleAggregate, 'rename', { entityId: key, organizationId: global, before, after }));
        return after;
      });
    },
    async delete(id: string) {
      const key = parseInput(UuidSchema, id, 'id');
      await inTransaction(db, async (trx) => {
        const before = await lockRole(trx, key);
        await deleteRole(trx, { id: key });
        await writeAudit(trx, context, auditEvent(roleAggregate, 'delete', { entityId: key, organizationId: global, before }));
      });
    },
    async createPermission(input: CreatePermissionInput) {
      const data = parseInput(CreatePermissionInputSchema, input, 'input');
      return inTransaction(db, async (trx) => {
        const permission = onlyRow(
          await insertPermission(trx, { name: data.name, description: data.description ?? null }),
          permissionAggregate.name,
        );
        const [admin] = await grantToAdmin(trx, { permissionId: permission.id });
        await writeAudit(
          trx,
          context,
          auditEvent(permissionAggregate, 'create', { entityId: permission.id, organizationId: global, after: permission }),
        );
        if (admin) {
          await writeAudit(trx, context, auditEvent(rolePermissionAggregate, 'grant', {
            organizationId: global,
            entityId: admin.role_id,
            after: { roleId: admin.role_id, permissionId: permission.id, permission: permission.name },
          }));
        }
        return permission;
      });
    },
    async listPermissions() {
      return allPermissions(db, {});
    },
    async listRolePermissions(roleId: string) {
      const key = parseInput(UuidSchema, roleId, 'roleId');
      const rows = await rolePermissionNames(db, { role: key });
      return rows.map((row) => row.name);
    },
    async grantPermission(roleId: string, permission: string) {
      const key = parseInput(UuidSchema, roleId, 'roleId');
      const name = parseInput(PermissionNameSchema, permission, 'permission');
      return inTransaction(db, async (trx) => {
        const [found] = await permissionIdByName(trx, { name });
        if (!found) throw new NotFoundError(permissionAggregate.name);
        await lockRole(trx, key);
        const inserted = await insertRolePermission(trx, { role: key, permission: found.id });
        if (inserted.length !== 1) return false;
        await writeAudit(trx, context, auditEvent(rolePermissionAggregate, 'grant', {
          organizationId: global,
          entityId: key,
          after: { roleId: key, permissionId: found.id, permission: name },
        }));
        return true;
      });
    },
    async revokePermission(roleId: string, permission: string) {
      const key = parseInput(UuidSchema, roleId, 'roleId');
      const name = parseInput(PermissionNameSchema, permission, 'permission');
      return inTransaction(db, async (trx) => {
        const [removed] = await deleteRolePermission(trx, { role: key, name });
        if (!removed) return false;
        await writeAudit(trx, context, auditEvent(rolePermissionAggregate, 'revoke', {
          organizationId: global,
          entityId: key,
          before: { roleId: key, permissionId: removed.permission_id, permission: name },
        }));
        return true;
      });
    },
  });
}
