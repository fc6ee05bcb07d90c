// Conformance scenarios of API keys: one per audit action the aggregate declares (see
// test/conformance). The admin acts; the conformance unit of work has no tenant set (the owner),
// so the scope names the world's organization.
import { randomBytes } from 'node:crypto';
import type { AuditAction } from '../../../../src/aggregates.js';
import { createApiKeys } from '../../../../src/contexts/integrations/api-keys/api-keys.js';
import type { UnitOfWork } from '../../../../src/repositories.js';
import { scenario, type Scenario } from '../../../conformance/scenario.js';
import type { World } from '../../../helpers/world.js';

const apiKeys = createApiKeys({ hashKey: randomBytes(32).toString('base64') });
const scope = (uow: UnitOfWork, world: World) => ({ trx: uow.trx, tenant: world.organizationId, context: uow.context });

/** The mutations that record each action. */
export const SCENARIOS = {
  'api_key.create': scenario({
    actor: 'verifier',
    run: (uow, world) => apiKeys.create(scope(uow, world), { name: 'Conformance key', permissions: ['user:read'] }),
  }),
  'api_key.revoke': scenario({
    actor: 'verifier',
    setup: async (world, db) => {
      const { unitOfWork } = await import('../../../../src/repositories.js');
      return unitOfWork(db, { context: { actorUserId: world.verifierId } }, async (uow) =>
        (await apiKeys.create(scope(uow, world), { name: 'To revoke', permissions: ['user:read'] })).apiKey,
      );
    },
    run: (uow, world, key) => apiKeys.revoke(scope(uow, world), key.id),
  }),
} satisfies Partial<Record<AuditAction, Scenario>>;
