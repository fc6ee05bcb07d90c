import type { Kysely } from 'kysely';
import { ADMIN_ROLE } from '../../src/contexts/identity/rbac/default-role.js';
import type { DB } from '../../src/schema/db.js';
import { aClient, aDocument } from './documents.js';
import { unique } from './fixtures.js';
import { aStaffWorld, type StaffWorld } from './staff.js';

/**
 * One organization with everything a test usually needs, and repositories acting as each
 * person. It is a {@link StaffWorld} (so the staff helpers take it), where the verifier is also
 * the organization's admin.
 */
export interface World extends StaffWorld {
  /** The admin: holds the seeded `admin` role (every baseline permission) and the `verifier` role (profile:verify). */
  readonly verifierId: string;
  /** A unit of the organization, created by the admin. */
  readonly unitId: string;
  /** A live client of the organization, created by the admin. */
  readonly clientId: string;
  /** A document (version 1) of the client, created by the admin. */
  readonly documentId: string;
}

/** Options of {@link aWorld}. */
export interface WorldOptions {
  /** Settings of the organization, e.g. `{ verification: { validityDays: 30 } }`. (Default: none) */
  readonly settings?: object;
}

/**
 * Creates a fresh {@link World}: an organization, an applicant, an admin who holds
 * profile:verify, a unit, a client and a document. The organization and people are created by
 * `system`, the unit, client and document by the admin (`asVerifier`), so their audit rows and
 * `created_by` name the admin.
 *
 * @example
 * const world = await aWorld(db);
 * await world.asApplicant.staffProfiles.submit(world.applicantId);
 * await world.asVerifier.staffProfiles.verify(world.applicantId, …);
 */
export async function aWorld(db: Kysely<DB>, options: WorldOptions = {}): Promise<World> {
  const staff = await aStaffWorld(db, options.settings ?? {});
  const admin = await staff.system.roles.findByName(ADMIN_ROLE);
  if (!admin) throw new Error(`the ${ADMIN_ROLE} role is missing: seedDefaults did not run`);
  await staff.system.access.assignRole(staff.verifierId, admin.id);
  const unit = await staff.asVerifier.units.create({
    organizationId: staff.organizationId,
    code: `U-${unique()}`,
    name: 'World Unit',
  });
  const client = await aClient(staff.asVerifier, staff.organizationId);
  const { document } = await aDocument(staff.asVerifier, client.id);
  return { ...staff, unitId: unit.id, clientId: client.id, documentId: document.id };
}
