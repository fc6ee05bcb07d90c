// Conformance scenarios of users: one per audit action its aggregates declare (see test/conformance).
import type { AuditAction } from '../../../../src/aggregates.js';
import { scenario, aUserOf, type Scenario } from '../../../conformance/scenario.js';
import { unique } from '../../../helpers/fixtures.js';

/** The mutations that record each action. */
export const SCENARIOS = {
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
} satisfies Partial<Record<AuditAction, Scenario>>;
