import { sql, type Kysely } from 'kysely';
import type { DB } from '../../src/schema/db.js';
import { createRepositories, type Repositories } from '../../src/repositories.js';
import { seedDefaults } from '../../src/contexts/identity/seeders/seed-defaults.js';
import { anOrganization, aUser, unique } from './fixtures.js';

/** An organization with an applicant and a verifier (holding profile:verify), and repositories acting as each. */
export interface StaffWorld {
  readonly organizationId: string;
  readonly applicantId: string;
  readonly verifierId: string;
  readonly system: Repositories;
  readonly asApplicant: Repositories;
  readonly asVerifier: Repositories;
}

/** Makes sure profile:verify exists and belongs to a `verifier` role. */
export async function ensureVerifierRole(db: Kysely<DB>): Promise<string> {
  await seedDefaults(db);
  await sql`INSERT INTO permissions (name, description) VALUES ('profile:verify', 'Verify staff profiles')
    ON CONFLICT (name) DO NOTHING`.execute(db);
  await sql`INSERT INTO roles (name) VALUES ('verifier') ON CONFLICT (name) DO NOTHING`.execute(db);
  await sql`INSERT INTO role_permissions (role_id, permission_id)
    SELECT r.id, p.id FROM roles r, permissions p WHERE r.name = 'verifier' AND p.name = 'profile:verify'
    ON CONFLICT DO NOTHING`.execute(db);
  const { rows } = await sql<{ id: string }>`SELECT id FROM roles WHERE name = 'verifier'`.execute(db);
  return rows[0]!.id;
}

/** Creates a fresh {@link StaffWorld} in its own organization. */
export async function aStaffWorld(db: Kysely<DB>, settings: object = {}): Promise<StaffWorld> {
  const roleId = await ensureVerifierRole(db);
  const system = createRepositories(db);
  const org = await anOrganization(system, `staff-${unique()}`);
  if (Object.keys(settings).length > 0) await system.organizations.updateSettings(org.id, settings);
  const applicant = await aUser(system, org.id);
  const verifier = await aUser(system, org.id);
  await system.access.assignRole(verifier.user.id, roleId);
  return {
    organizationId: org.id,
    applicantId: applicant.user.id,
    verifierId: verifier.user.id,
    system,
    asApplicant: createRepositories(db, { actorUserId: applicant.user.id, requestId: 'req-applicant' }),
    asVerifier: createRepositories(db, { actorUserId: verifier.user.id, requestId: 'req-verifier' }),
  };
}

/** Registers another applicant in the world's organization, with repositories acting as them. */
export async function anotherApplicant(db: Kysely<DB>, world: StaffWorld) {
  const { user } = await aUser(world.system, world.organizationId);
  return { userId: user.id, repos: createRepositories(db, { actorUserId: user.id }) };
}
