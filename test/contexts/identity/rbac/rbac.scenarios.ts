// Conformance scenarios of rbac: one per audit action its aggregates declare (see test/conformance).
import type { AuditAction } from '../../../../src/aggregates.js';
import { scenario, aRole, aUserOf, type Scenario } from '../../../conformance/scenario.js';
import { unique } from '../../../helpers/fixtures.js';

/** The mutations that record each action. */
export const SCENARIOS = {
  'role.create': scenario({ run: (uow) => uow.roles.create({ name: `role-${unique()}`, description: 'Made' }) }),
  'role.rename': scenario({ setup: aRole, run: (uow, _w, role) => uow.roles.rename(role.id, `renamed-${unique()}`) }),
  'role.delete': scenario({ setup: aRole, run: (uow, _w, role) => uow.roles.delete(role.id) }),
  'permission.create': scenario({
    run: (uow) => uow.roles.createPermission({ name: `conf${unique().replace(/[^a-z]/g, 'x')}:read` }),
  }),
  'role_permission.grant': scenario({
    setup: async (world) => {
      const role = await aRole(world);
      const permission = await world.system.roles.createPermission({ name: `grant${unique().replace(/[^a-z]/g, 'x')}:read` });
      return { role, permission };
    },
    run: (uow, _w, { role, permission }) => uow.roles.grantPermission(role.id, permission.name),
  }),
  'role_permission.revoke': scenario({
    setup: async (world) => {
      const role = await aRole(world);
      await world.system.roles.grantPermission(role.id, 'user:read');
      return role;
    },
    run: (uow, _w, role) => uow.roles.revokePermission(role.id, 'user:read'),
  }),
  'user_role.assign': scenario({
    setup: async (world) => ({ user: await aUserOf(world), role: await aRole(world) }),
    run: (uow, _w, { user, role }) => uow.access.assignRole(user.id, role.id),
  }),
  'user_role.unassign': scenario({
    setup: async (world) => {
      const user = await aUserOf(world);
      const role = await aRole(world);
      await world.system.access.assignRole(user.id, role.id);
      return { user, role };
    },
    run: (uow, _w, { user, role }) => uow.access.unassignRole(user.id, role.id),
  }),
} satisfies Partial<Record<AuditAction, Scenario>>;
