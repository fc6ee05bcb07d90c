// One scenario per audit action the aggregates declare: the conformance test runs each, in a world
// of its own, and checks the audit rows it wrote. Typed `Record<AuditAction, …>`: declaring a new action on a descriptor
// without a scenario here does not compile.
import type { Kysely } from 'kysely';
import type { AuditAction } from '../../src/aggregates.js';
import type { UnitOfWork } from '../../src/repositories.js';
import type { DB } from '../../src/schema/db.js';
import { anObject } from '../helpers/documents.js';
import { unique } from '../helpers/fixtures.js';
import type { World } from '../helpers/world.js';

/** What a scenario is given: the world, and its committed setup. */
export interface Scenario<S = unknown> {
  /** Prepares (and commits) what the mutation needs; runs with the world's system repositories. */
  readonly setup?: (world: World, db: Kysely<DB>) => Promise<S>;
  /** Who acts (the applicant or the verifier); system when absent. */
  readonly actor?: 'applicant' | 'verifier';
  /** The mutation, through the unit of work's repositories. */
  readonly run: (uow: UnitOfWork, world: World, state: S) => Promise<unknown>;
}

const scenario = <S>(definition: Scenario<S>): Scenario => definition as Scenario;

const aRole = (world: World) => world.system.roles.create({ name: `role-${unique()}` });
const aUserOf = async (world: World) =>
  (
    await world.system.users.register({
      organizationId: world.organizationId,
      authSubject: `conf|${unique()}`,
      email: `conf.${unique()}@example.com`,
      fullName: 'Conformance Person',
    })
  ).user;
const aClientOf = (world: World) =>
  world.system.clients.create({ organizationId: world.organizationId, code: `CF-${unique()}`, name: 'Conformance client' });
const aDocumentOf = async (world: World) => {
  const client = await aClientOf(world);
  return (
    await world.system.documents.create({
      clientId: client.id,
      originalName: `conf-${unique()}.pdf`,
      mimeType: 'application/pdf',
      ...anObject(),
    })
  ).document;
};
/** Every declared audit action, with the mutation that records it. */
export const MUTATIONS: Record<AuditAction, Scenario> = {
  'organization.create': scenario({
    run: (uow) => uow.organizations.create({ slug: `conf-${unique()}`, name: 'Conformance' }),
  }),
  'organization.update_settings': scenario({
    setup: (world) => world.system.organizations.create({ slug: `conf-${unique()}`, name: 'Settings' }),
    run: (uow, _world, org) => uow.organizations.updateSettings(org.id, { defaultLocale: 'vi-VN' }),
  }),
  'organization.delete': scenario({
    setup: (world) => world.system.organizations.create({ slug: `conf-${unique()}`, name: 'Doomed' }),
    run: (uow, _world, org) => uow.organizations.softDelete(org.id),
  }),
  'user.register': scenario({
    run: (uow, world) =>
      uow.users.register({
        organizationId: world.organizationId,
        authSubject: `conf|${unique()}`,
        email: `reg.${unique()}@example.com`,
        fullName: 'Registered',
        birthdate: '1990-01-02',
      }),
  }),
  'user.deactivate': scenario({ setup: aUserOf, run: (uow, _w, user) => uow.users.deactivate(user.id) }),
  'user.reactivate': scenario({
    setup: async (world) => {
      const user = await aUserOf(world);
      await world.system.users.deactivate(user.id);
      return user;
    },
    run: (uow, _w, user) => uow.users.reactivate(user.id),
  }),
  'user.delete': scenario({ setup: aUserOf, run: (uow, _w, user) => uow.users.softDelete(user.id) }),
  'user_profile.create': scenario({
    run: (uow, world) =>
      uow.users.register({
        organizationId: world.organizationId,
        authSubject: `conf|${unique()}`,
        email: `prof.${unique()}@example.com`,
        fullName: 'Profiled',
        birthdate: '1985-05-06',
      }),
  }),
  'user_profile.update': scenario({
    setup: aUserOf,
    run: (uow, _w, user) => uow.users.updateProfile(user.id, { fullName: 'Renamed', birthdate: '1970-03-04' }),
  }),
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
  'unit.create': scenario({
    run: (uow, world) => uow.units.create({ organizationId: world.organizationId, code: `U-${unique()}`, name: 'Unit' }),
  }),
  'staff_profile.create': scenario({
    run: (uow, world) =>
      uow.users.register({
        organizationId: world.organizationId,
        authSubject: `conf|${unique()}`,
        email: `staff.${unique()}@example.com`,
        fullName: 'Staff',
      }),
  }),
  'staff_profile.edit': scenario({
    actor: 'applicant',
    run: (uow, world) => uow.staffProfiles.edit(world.applicantId, { jobTitle: `Title ${unique()}` }),
  }),
  'staff_profile.submit': scenario({
    actor: 'applicant',
    run: (uow, world) => uow.staffProfiles.submit(world.applicantId),
  }),
  'staff_profile.verify': scenario({
    actor: 'verifier',
    setup: async (world) => (await world.asApplicant.staffProfiles.submit(world.applicantId)).version,
    run: (uow, world, version) => uow.staffProfiles.verify(world.applicantId, { expectedVersion: version }),
  }),
  'staff_profile.reject': scenario({
    actor: 'verifier',
    setup: async (world) => (await world.asApplicant.staffProfiles.submit(world.applicantId)).version,
    run: (uow, world, version) => uow.staffProfiles.reject(world.applicantId, { expectedVersion: version, reason: 'Missing data' }),
  }),
  'client.create': scenario({
    run: (uow, world) => uow.clients.create({ organizationId: world.organizationId, code: `CF-${unique()}`, name: 'New', metadata: { tier: 'gold' } }),
  }),
  'client.update': scenario({ setup: aClientOf, run: (uow, _w, client) => uow.clients.update(client.id, { name: 'Updated', metadata: { a: 1 } }) }),
  'client.change_status': scenario({ setup: aClientOf, run: (uow, _w, client) => uow.clients.changeStatus(client.id, 'suspended') }),
  'client.delete': scenario({ setup: aClientOf, run: (uow, _w, client) => uow.clients.softDelete(client.id) }),
  'client.restore': scenario({
    setup: async (world) => {
      const client = await aClientOf(world);
      await world.system.clients.softDelete(client.id);
      return client;
    },
    run: (uow, _w, client) => uow.clients.restore(client.id),
  }),
  'document.create': scenario({
    setup: aClientOf,
    run: (uow, _w, client) =>
      uow.documents.create({ clientId: client.id, originalName: `new-${unique()}.pdf`, mimeType: 'application/pdf', ...anObject() }),
  }),
  'document.add_version': scenario({
    setup: aDocumentOf,
    run: (uow, _w, document) => uow.documents.addVersion(document.id, { expectedVersion: 1, ...anObject() }),
  }),
  'document.delete': scenario({ setup: aDocumentOf, run: (uow, _w, document) => uow.documents.softDelete(document.id) }),
  'document.restore': scenario({
    setup: async (world) => {
      const document = await aDocumentOf(world);
      await world.system.documents.softDelete(document.id);
      return document;
    },
    run: (uow, _w, document) => uow.documents.restore(document.id),
  }),
  'document.purge': scenario({
    setup: async (world) => {
      const document = await aDocumentOf(world);
      await world.system.documents.softDelete(document.id);
      return document;
    },
    // One document at most: other scenarios' deleted documents may be waiting too.
    run: (uow) => uow.documents.purgeDeleted({ deletedBefore: new Date(Date.now() + 60_000), limit: 1 }),
  }),
};

