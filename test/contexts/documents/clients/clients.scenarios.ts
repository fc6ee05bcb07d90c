// Conformance scenarios of clients: one per audit action its aggregates declare (see test/conformance).
import type { AuditAction } from '../../../../src/aggregates.js';
import { scenario, aClientOf, type Scenario } from '../../../conformance/scenario.js';
import { unique } from '../../../helpers/fixtures.js';

/** The mutations that record each action. */
export const SCENARIOS = {
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
} satisfies Partial<Record<AuditAction, Scenario>>;
