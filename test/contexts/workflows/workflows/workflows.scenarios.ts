// Conformance scenarios of workflows and their triggers: one per audit action the aggregates
// declare (see test/conformance). The verifier (an admin) acts.
import type { AuditAction } from '../../../../src/aggregates.js';
import { scenario, type Scenario } from '../../../conformance/scenario.js';
import { unique } from '../../../helpers/fixtures.js';
import { notifyAndEnd } from '../../../helpers/workflow-definitions.js';
import type { World } from '../../../helpers/world.js';

const input = (world: World) => ({ organizationId: world.organizationId, slug: `flow-${unique()}`, name: 'Conformance workflow', definition: notifyAndEnd(world.applicantId) });

/** A workflow of the world with its draft (version 1). */
const aDraftWorkflow = async (world: World) => (await world.asVerifier.workflows.create(input(world))).workflow;

/** A published workflow (version 1). */
async function aPublishedWorkflow(world: World) {
  const workflow = await aDraftWorkflow(world);
  await world.asVerifier.workflows.publish(workflow.id, { version: 1, expectedPublishedVersion: null });
  return workflow;
}

/** The mutations that record each action. */
export const SCENARIOS = {
  'workflow.create': scenario({ actor: 'verifier', run: (uow, world) => uow.workflows.create(input(world)) }),
  'workflow.update': scenario({ actor: 'verifier', setup: aDraftWorkflow, run: (uow, _world, workflow) => uow.workflows.update(workflow.id, { name: 'Renamed' }) }),
  'workflow.create_draft': scenario({
    actor: 'verifier',
    setup: aPublishedWorkflow,
    run: (uow, world, workflow) => uow.workflows.createDraft(workflow.id, notifyAndEnd(world.verifierId)),
  }),
  'workflow.update_draft': scenario({
    actor: 'verifier',
    setup: aDraftWorkflow,
    run: (uow, world, workflow) => uow.workflows.updateDraft(workflow.id, 1, notifyAndEnd(world.verifierId)),
  }),
  'workflow.publish': scenario({
    actor: 'verifier',
    setup: aDraftWorkflow,
    run: (uow, _world, workflow) => uow.workflows.publish(workflow.id, { version: 1, expectedPublishedVersion: null }),
  }),
  'workflow.rollback': scenario({
    actor: 'verifier',
    setup: async (world) => {
      const workflow = await aPublishedWorkflow(world);
      await world.asVerifier.workflows.createDraft(workflow.id, notifyAndEnd(world.verifierId));
      await world.asVerifier.workflows.publish(workflow.id, { version: 2, expectedPublishedVersion: 1 });
      return workflow;
    },
    run: (uow, _world, workflow) => uow.workflows.rollback(workflow.id, { toVersion: 1, expectedPublishedVersion: 2 }),
  }),
  'workflow.archive': scenario({ actor: 'verifier', setup: aPublishedWorkflow, run: (uow, _world, workflow) => uow.workflows.archive(workflow.id) }),
  'workflow.restore': scenario({
    actor: 'verifier',
    setup: async (world) => {
      const workflow = await aPublishedWorkflow(world);
      await world.asVerifier.workflows.archive(workflow.id);
      return workflow;
    },
    run: (uow, _world, workflow) => uow.workflows.restore(workflow.id),
  }),
  'workflow.delete': scenario({ actor: 'verifier', setup: aDraftWorkflow, run: (uow, _world, workflow) => uow.workflows.delete(workflow.id) }),
  'workflow_trigger.add': scenario({ actor: 'verifier', setup: aDraftWorkflow, run: (uow, _world, workflow) => uow.workflows.addTrigger(workflow.id, { kind: 'manual' }) }),
  'workflow_trigger.deactivate': scenario({
    actor: 'verifier',
    setup: async (world) => {
      const workflow = await aDraftWorkflow(world);
      return world.asVerifier.workflows.addTrigger(workflow.id, { kind: 'schedule', cron: '0 9 * * 1-5' });
    },
    run: (uow, _world, trigger) => uow.workflows.deactivateTrigger(trigger.workflowId, trigger.id),
  }),
} satisfies Partial<Record<AuditAction, Scenario>>;
