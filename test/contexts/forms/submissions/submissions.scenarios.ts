// Conformance scenarios of submissions: one per audit action the aggregates declare (see
// test/conformance). The admin acts; the conformance unit of work has no tenant set (the owner),
// so the scope names the world's organization.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AuditAction } from '../../../../src/aggregates.js';
import { localKeyProvider } from '../../../../src/core/encryption/local-key-provider.js';
import { createSubmissions } from '../../../../src/contexts/forms/submissions/submissions.js';
import type { SubmissionSummary } from '../../../../src/contexts/forms/submissions/submission.js';
import { createKeyring } from '../../../../src/contexts/integrations/encryption-keys/keyring.js';
import { unitOfWork, type UnitOfWork } from '../../../../src/repositories.js';
import type { DB } from '../../../../src/schema/db.js';
import { scenario, type Scenario } from '../../../conformance/scenario.js';
import { expenseClaim } from '../../../helpers/form-definitions.js';
import { unique } from '../../../helpers/fixtures.js';
import type { World } from '../../../helpers/world.js';

const keyring = createKeyring({ provider: localKeyProvider({ masterKeys: { k: randomBytes(32).toString('base64') }, current: 'k' }) });
const submissions = createSubmissions({ keyring });
const scope = (uow: UnitOfWork, world: World) => ({ trx: uow.trx, tenant: world.organizationId, context: uow.context });
const values = { amount: 10, category: 'meals', iban: 'DE00CONFORMANCE' };
const file = () => ({ storageKey: `conformance/${unique()}.pdf`, fileName: 'receipt.pdf', sha256: 'd'.repeat(64), sizeBytes: 10, mimeType: 'application/pdf' });

/** A published form of the world. */
async function aForm(world: World) {
  const { form } = await world.asVerifier.forms.create({ organizationId: world.organizationId, slug: `sf-${unique()}`, name: 'Claims', definition: expenseClaim() });
  await world.asVerifier.forms.publish(form.id, { version: 1, expectedPublishedVersion: null });
  return form;
}

/** Runs `fn` in a committed unit of work of the world, as the admin. */
const committed = <T>(world: World, db: Kysely<DB>, fn: (s: ReturnType<typeof scope>) => Promise<T>) =>
  unitOfWork(db, { context: { actorUserId: world.verifierId } }, (uow) => fn(scope(uow, world)));

/** A submission of the world moved along `events` (committed). */
function aSubmission(...events: ('submit' | 'startReview' | 'approve' | 'reject')[]) {
  return async (world: World, db: Kysely<DB>): Promise<SubmissionSummary> => {
    const form = await aForm(world);
    let s: SubmissionSummary = await committed(world, db, (sc) => submissions.create(sc, { formId: form.id, values }));
    for (const event of events) {
      s = await committed(world, db, (sc) =>
        event === 'reject' ? submissions.reject(sc, s.id, { expectedVersion: s.version, reason: 'No receipt' }) : submissions[event](sc, s.id, { expectedVersion: s.version }),
      );
    }
    return s;
  };
}

/** A draft with a pending attachment. */
async function anAttachment(world: World, db: Kysely<DB>) {
  const s = await aSubmission()(world, db);
  return committed(world, db, (sc) => submissions.attach(sc, s.id, file()));
}

const at = (s: SubmissionSummary) => ({ expectedVersion: s.version });

/** The mutations that record each action. */
export const SCENARIOS = {
  'submission.create': scenario({ actor: 'verifier', setup: aForm, run: (uow, world, form) => submissions.create(scope(uow, world), { formId: form.id, values }) }),
  'submission.edit': scenario({
    actor: 'verifier',
    setup: aSubmission(),
    run: (uow, world, s) => submissions.edit(scope(uow, world), s.id, { values: { ...values, amount: 11 }, expectedVersion: s.version }),
  }),
  'submission.submit': scenario({ actor: 'verifier', setup: aSubmission(), run: (uow, world, s) => submissions.submit(scope(uow, world), s.id, at(s)) }),
  'submission.start_review': scenario({ actor: 'verifier', setup: aSubmission('submit'), run: (uow, world, s) => submissions.startReview(scope(uow, world), s.id, at(s)) }),
  'submission.approve': scenario({ actor: 'verifier', setup: aSubmission('submit', 'startReview'), run: (uow, world, s) => submissions.approve(scope(uow, world), s.id, at(s)) }),
  'submission.reject': scenario({
    actor: 'verifier',
    setup: aSubmission('submit', 'startReview'),
    run: (uow, world, s) => submissions.reject(scope(uow, world), s.id, { ...at(s), reason: 'Incomplete' }),
  }),
  'submission.reopen': scenario({ actor: 'verifier', setup: aSubmission('submit', 'startReview', 'reject'), run: (uow, world, s) => submissions.reopen(scope(uow, world), s.id, at(s)) }),
  'submission.complete': scenario({
    actor: 'verifier',
    setup: aSubmission('submit', 'startReview', 'approve'),
    run: (uow, world, s) => submissions.complete(scope(uow, world), s.id, at(s)),
  }),
  'submission.archive': scenario({ actor: 'verifier', setup: aSubmission('submit', 'startReview', 'reject'), run: (uow, world, s) => submissions.archive(scope(uow, world), s.id, at(s)) }),
  'submission.assign': scenario({
    actor: 'verifier',
    setup: aSubmission(),
    run: (uow, world, s) => submissions.assign(scope(uow, world), s.id, { ...at(s), userId: world.applicantId }),
  }),
  'submission.attach': scenario({ actor: 'verifier', setup: aSubmission(), run: (uow, world, s) => submissions.attach(scope(uow, world), s.id, file()) }),
  'submission.record_scan': scenario({ actor: 'verifier', setup: anAttachment, run: (uow, world, a) => submissions.recordScan(scope(uow, world), a.id, 'clean') }),
  'submission.detach': scenario({ actor: 'verifier', setup: anAttachment, run: (uow, world, a) => submissions.detach(scope(uow, world), a.id) }),
} satisfies Partial<Record<AuditAction, Scenario>>;
