import type { Kysely } from 'kysely';
import type { DB } from '../../../schema/db.js';
import { ADMIN_ROLE, DEFAULT_USER_ROLE } from '../rbac/default-role.js';
import { inTransaction } from '../../../core/unit-of-work/in-transaction.js';
import { databaseArgument } from '../../../core/kernel/database-type.js';
import { withErrorMapping } from '../../../core/kernel/with-error-mapping.js';
import { compiledQuery } from '../../../core/kernel/compiled-query.js';

/** The baseline permissions, `resource:action`, with what they allow. */
export const BASELINE_PERMISSIONS: Readonly<Record<string, string>> = Object.freeze({
  'organization:read': 'Read the organization and its settings',
  'organization:update': 'Change the organization name and settings',
  'user:read': 'Read users of the organization',
  'user:create': 'Register users in the organization',
  'user:update': 'Change users, activate and deactivate them',
  'user:delete': 'Soft-delete users',
  'role:read': 'Read roles and their permissions',
  'role:manage': 'Create, rename and delete roles; grant and revoke permissions; assign roles',
  'profile:read': 'Read one’s own profile',
  'profile:update': 'Change one’s own profile',
  'profile:verify': 'Verify or reject other users’ staff profiles',
});

/** Permissions the default `user` role grants. */
export const USER_ROLE_PERMISSIONS: readonly string[] = Object.freeze(['profile:read', 'profile:update']);

/** Creates the roles `admin` and `user` when missing; one row per role created. */
const insertDefaultRoles = compiledQuery((db, _: Record<string, never>) =>
  db
    .insertInto('roles')
    .values([
      { name: ADMIN_ROLE, description: 'Holds every permission' },
      { name: DEFAULT_USER_ROLE, description: 'Granted to every registered user' },
    ])
    .onConflict((oc) => oc.column('name').doNothing())
    .returning('id'),
);

/** Creates the baseline permissions when missing; one row per permission created. */
const insertBaselinePermissions = compiledQuery((db, _: Record<string, never>) =>
  db
    .insertInto('permissions')
    .values(Object.entries(BASELINE_PERMISSIONS).map(([name, description]) => ({ name, description })))
    .onConflict((oc) => oc.column('name').doNothing())
    .returning('id'),
);

/** Grants `admin` every permission and `user` its own, when missing; one row per grant created. */
const insertDefaultGrants = compiledQuery((db, _: Record<string, never>) =>
  db
    .insertInto('role_permissions')
    .columns(['role_id', 'permission_id'])
    .expression(
      db
        .selectFrom('roles')
        .innerJoin('permissions', (join) =>
          join.on((eb) =>
            eb.or([
              eb('roles.name', '=', ADMIN_ROLE),
              eb.and([eb('roles.name', '=', DEFAULT_USER_ROLE), eb('permissions.name', 'in', USER_ROLE_PERMISSIONS)]),
            ]),
          ),
        )
        .select(['roles.id', 'permissions.id as permission_id']),
    )
    .onConflict((oc) => oc.columns(['role_id', 'permission_id']).doNothing())
    .returning('role_id'),
);

/** How many rows {@link seedDefaults} created (all zero on a second run). */
export interface SeedDefaultsResult {
  /** Roles created. */
  readonly roles: number;
  /** Permissions created. */
  readonly permissions: number;
  /** Role–permission grants created. */
  readonly grants: number;
}

/**
 * Creates the roles `admin` and `user`, the baseline permissions, and their grants: `admin`
 * holds every permission that exists, `user` holds {@link USER_ROLE_PERMISSIONS}.
 *
 * Idempotent: existing rows are left untouched (no update, no `updated_at` change), so running
 * it twice changes nothing. Runs in one transaction (or the caller's).
 */
export async function seedDefaults(db: Kysely<DB>): Promise<SeedDefaultsResult> {
  databaseArgument(db);
  const { run } = withErrorMapping({
    run: () =>
      inTransaction(db, async (trx) => {
        const roles = await insertDefaultRoles(trx, {});
        const permissions = await insertBaselinePermissions(trx, {});
        const grants = await insertDefaultGrants(trx, {});
        return Object.freeze({
          roles: roles.length,
          permissions: permissions.length,
          grants: grants.length,
        });
      }),
  });
  return run();
}
