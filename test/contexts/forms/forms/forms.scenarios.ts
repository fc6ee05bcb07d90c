// Conformance scenarios of forms: one per audit action the aggregates declare (see
// test/conformance). The verifier (an admin) acts.
import type { AuditAction } from '../../../../src/aggregates.js';
import { scenario, type Scenario } from '../../../conformance/scenario.js';
import { expenseClaim } from '../../../helpers/form-definitions.js';
import { unique } from '../../../helpers/fixtures.js';
import type { World } from '../../../helpers/world.js';

const input = (world: World) => ({ organizationId: world.organizationId, slug: `form-${unique()}`, name: 'Conformance form', definition: expenseClaim() });

/** A form of the world with its draft (version 1). */
const aDraftForm = async (world: World) => (await world.asVerifier.forms.create(input(world))).form;

/** A published form (version 1). */
async function aPublishedForm(world: World) {
  const form = await aDraftForm(world);
  await world.asVerifier.forms.publish(form.id, { version: 1, expectedPublishedVersion: null });
  return form;
}

/** A form with versions 1 and 2 published (2 accepts submissions). */
async function aTwicePublishedForm(world: World) {
  const form = await aPublishedForm(world);
  await world.asVerifier.forms.createDraft(form.id, expenseClaim('Claim v2'));
  await world.asVerifier.forms.publish(form.id, { version: 2, expectedPublishedVersion: 1 });
  return form;
}

/** The mutations that record each action. */
export const SCENARIOS = {
  'form.create': scenario({ actor: 'verifier', run: (uow, world) => uow.forms.create(input(world)) }),
  'form.update': scenario({ actor: 'verifier', setup: aDraftForm, run: (uow, _world, form) => uow.forms.update(form.id, { name: 'Renamed' }) }),
  'form.create_draft': scenario({ actor: 'verifier', setup: aPublishedForm, run: (uow, _world, form) => uow.forms.createDraft(form.id, expenseClaim('v2')) }),
  'form.update_draft': scenario({ actor: 'verifier', setup: aDraftForm, run: (uow, _world, form) => uow.forms.updateDraft(form.id, 1, expenseClaim('Edited')) }),
  'form.publish': scenario({
    actor: 'verifier',
    setup: aDraftForm,
    run: (uow, _world, form) => uow.forms.publish(form.id, { version: 1, expectedPublishedVersion: null }),
  }),
  'form.rollback': scenario({
    actor: 'verifier',
    setup: aTwicePublishedForm,
    run: (uow, _world, form) => uow.forms.rollback(form.id, { toVersion: 1, expectedPublishedVersion: 2 }),
  }),
  'form.archive': scenario({ actor: 'verifier', setup: aPublishedForm, run: (uow, _world, form) => uow.forms.archive(form.id) }),
  'form.restore': scenario({
    actor: 'verifier',
    setup: async (world) => {
      const form = await aPublishedForm(world);
      await world.asVerifier.forms.archive(form.id);
      return form;
    },
    run: (uow, _world, form) => uow.forms.restore(form.id),
  }),
  'form.delete': scenario({ actor: 'verifier', setup: aDraftForm, run: (uow, _world, form) => uow.forms.delete(form.id) }),
  'form.add_collaborator': scenario({
    actor: 'verifier',
    setup: aDraftForm,
    run: (uow, world, form) => uow.forms.addCollaborator(form.id, { userId: world.applicantId, role: 'form_viewer' }),
  }),
  'form.remove_collaborator': scenario({
    actor: 'verifier',
    setup: async (world) => {
      const form = await aDraftForm(world);
      return world.asVerifier.forms.addCollaborator(form.id, { userId: world.applicantId, role: 'form_editor' });
    },
    run: (uow, _world, collaborator) => uow.forms.removeCollaborator(collaborator.formId, collaborator.id),
  }),
} satisfies Partial<Record<AuditAction, Scenario>>;
