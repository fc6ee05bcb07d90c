// Conformance scenarios of webhooks: one per audit action the aggregates declare (see
// test/conformance). The admin acts; the conformance unit of work has no tenant set (the owner),
// so the scope names the world's organization.
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { AuditAction } from '../../../../src/aggregates.js';
import { localKeyProvider } from '../../../../src/core/encryption/local-key-provider.js';
import { createKeyring } from '../../../../src/contexts/integrations/encryption-keys/keyring.js';
import { createWebhooks } from '../../../../src/contexts/integrations/webhooks/webhooks.js';
import type { UnitOfWork } from '../../../../src/repositories.js';
import type { DB } from '../../../../src/schema/db.js';
import { scenario, type Scenario } from '../../../conformance/scenario.js';
import type { World } from '../../../helpers/world.js';

const keyring = createKeyring({ provider: localKeyProvider({ masterKeys: { k: randomBytes(32).toString('base64') }, current: 'k' }) });
const webhooks = createWebhooks({ keyring });
const scope = (uow: UnitOfWork, world: World) => ({ trx: uow.trx, tenant: world.organizationId, context: uow.context });
const input = { url: 'https://hooks.example.com/conformance', description: 'Conformance', eventTypes: ['user.registered'] };

/** A webhook of the world, made (and committed) by the admin. */
async function aWebhook(world: World, db: Kysely<DB>) {
  const { unitOfWork } = await import('../../../../src/repositories.js');
  return unitOfWork(db, { context: { actorUserId: world.verifierId } }, async (uow) => (await webhooks.create(scope(uow, world), input)).webhook);
}

/** The mutations that record each action. */
export const SCENARIOS = {
  'webhook.create': scenario({ actor: 'verifier', run: (uow, world) => webhooks.create(scope(uow, world), input) }),
  'webhook.update': scenario({
    actor: 'verifier',
    setup: aWebhook,
    run: (uow, world, hook) => webhooks.update(scope(uow, world), hook.id, { description: 'Changed' }),
  }),
  'webhook.rotate_secret': scenario({
    actor: 'verifier',
    setup: aWebhook,
    run: (uow, world, hook) => webhooks.rotateSecret(scope(uow, world), hook.id, { overlapSeconds: 60 }),
  }),
  'webhook.disable': scenario({ actor: 'verifier', setup: aWebhook, run: (uow, world, hook) => webhooks.disable(scope(uow, world), hook.id) }),
  'webhook.enable': scenario({
    actor: 'verifier',
    setup: async (world, db) => {
      const hook = await aWebhook(world, db);
      const { unitOfWork } = await import('../../../../src/repositories.js');
      await unitOfWork(db, { context: { actorUserId: world.verifierId } }, (uow) => webhooks.disable(scope(uow, world), hook.id));
      return hook;
    },
    run: (uow, world, hook) => webhooks.enable(scope(uow, world), hook.id),
  }),
  'webhook.delete': scenario({ actor: 'verifier', setup: aWebhook, run: (uow, world, hook) => webhooks.delete(scope(uow, world), hook.id) }),
  'webhook_delivery.redeliver': scenario({
    actor: 'verifier',
    setup: async (world, db) => {
      const hook = await aWebhook(world, db);
      // A dead delivery of the webhook's own creation event.
      const { rows } = await sql<{ id: string }>`
        INSERT INTO webhook_deliveries (organization_id, webhook_id, event_id, event_created_at, status, dead_at)
        SELECT organization_id, ${hook.id}::uuid, id, created_at, 'dead', now() FROM domain_events
        WHERE organization_id = ${world.organizationId}::uuid AND aggregate_id = ${hook.id}::uuid
        RETURNING id`.execute(db);
      return rows[0]!.id;
    },
    run: (uow, world, deliveryId) => webhooks.redeliver(scope(uow, world), deliveryId),
  }),
} satisfies Partial<Record<AuditAction, Scenario>>;
