// test/helpers/world.ts: what aWorld builds, checked through the repositories and the catalog.
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from './database.js';
import { aWorld, type World } from './world.js';

describe('aWorld', () => {
  const testDb = useTestDatabase();
  const db = () => testDb.current.db;
  let world: World;

  beforeAll(async () => {
    world = await aWorld(db(), { settings: { verification: { validityDays: 30 } } });
  });

  it('creates an organization with its settings, an applicant and an admin', async () => {
    const organization = await world.system.organizations.findById(world.organizationId);
    expect(organization?.settings).toEqual({ verification: { validityDays: 30 } });
    for (const userId of [world.applicantId, world.verifierId]) {
      expect(await world.system.users.findById(userId)).toMatchObject({ organizationId: world.organizationId });
    }
    expect(world.applicantId).not.toBe(world.verifierId);
  });

  it('the admin holds profile:verify through the admin and verifier roles; the applicant does not', async () => {
    expect(await world.system.access.hasPermission(world.verifierId, 'profile:verify')).toBe(true);
    expect(await world.system.access.hasPermission(world.applicantId, 'profile:verify')).toBe(false);
    expect(await world.system.access.listUserRoles(world.verifierId)).toEqual(expect.arrayContaining(['admin', 'verifier']));
  });

  it('creates a unit, a client and a document (version 1) of the organization, as the admin', async () => {
    expect(await world.system.units.findById(world.unitId)).toMatchObject({ organizationId: world.organizationId });
    expect(await world.system.clients.findById(world.clientId)).toMatchObject({
      organizationId: world.organizationId,
      createdBy: world.verifierId,
    });
    expect(await world.system.documents.findById(world.documentId)).toMatchObject({
      organizationId: world.organizationId,
      clientId: world.clientId,
      currentVersion: 1,
      createdBy: world.verifierId,
    });
  });

  it('repositories act as each person: their audit rows name them', async () => {
    await world.asApplicant.users.updateProfile(world.applicantId, { fullName: 'Applicant Renamed' });
    const { rows } = await sql<{ actor: string | null; request: string | null }>`
      SELECT actor_user_id AS actor, request_id AS request FROM audit_logs
      WHERE entity_id = ${world.applicantId}::uuid AND action = 'user_profile.update'`.execute(db());
    expect(rows).toEqual([{ actor: world.applicantId, request: 'req-applicant' }]);
  });

  it('another world in the same database is another organization with other people', async () => {
    const other = await aWorld(db());
    expect(other.organizationId).not.toBe(world.organizationId);
    expect(await other.system.access.hasPermission(other.verifierId, 'profile:verify')).toBe(true);
    expect(await other.system.clients.findById(other.clientId)).toMatchObject({ organizationId: other.organizationId });
  });
});
