// Conformance scenarios of staff-profiles: one per audit action its aggregates declare (see test/conformance).
import type { AuditAction } from '../../../../src/aggregates.js';
import { scenario, type Scenario } from '../../../conformance/scenario.js';
import { unique } from '../../../helpers/fixtures.js';

/** The mutations that record each action. */
export const SCENARIOS = {
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
} satisfies Partial<Record<AuditAction, Scenario>>;
