// Making and submitting a 50-field submission (issue 13): submissions.create then submit in one
// tenant unit of work (values validated as a draft, then in full against the form version;
// audit rows and events; the per-form number under the form row's lock), against raw pg doing
// the same writes by hand without validating anything: read the published version, insert the
// submission, its audit row with the event and outbox message, lock the form row, number and
// submit it, the second audit row with its event and outbox message. The SQL differs (the raw
// side is what a careful hand-written service would send, one round trip fewer: it does not
// re-read the row it just wrote), so the check compares what both wrote, not their statements.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { unitOfWork } from '../../../../src/repositories.js';
import { defineCase, type Side } from '../../case.js';
import { rawTransaction } from '../../support.js';
import { seedForms, type FormsWorld } from './seed.js';

const beginWithTenant = (organizationId: string) => `begin; select set_config('app.organization_id', '${organizationId}', true)`;

const AUDIT_WITH_EVENT = `WITH audit AS (
    INSERT INTO audit_logs (organization_id, actor_user_id, action, entity_type, entity_id, before, after)
    VALUES ($1, $2, $3, 'submission', $4, $5, $6)
  ), e AS (
    INSERT INTO domain_events (organization_id, event_type_code, payload_version, aggregate_type, aggregate_id, payload, actor_user_id)
    VALUES ($1, $7, 1, 'submission', $4, $8, $2) RETURNING organization_id, id, created_at
  )
  INSERT INTO outbox_messages (organization_id, event_id, event_created_at) SELECT organization_id, id, created_at FROM e`;

const snapshot = (s: { id: string; formId: string; formVersionId: string; status: string; version: number; number: number | null }) =>
  JSON.stringify({ id: s.id, formId: s.formId, formVersionId: s.formVersionId, status: s.status, version: s.version, number: s.number, assignedUserId: null, assignedTeamId: null, rejectionReason: null });

/** The package: create then submit, in one tenant unit of work. */
const repo: Side<FormsWorld> = (w, on) => () =>
  unitOfWork(on.db, { tenant: w.organizationId, context: { actorUserId: w.userId } }, async (uow) => {
    const draft = await w.submissions.create(uow, { formId: w.formId, values: w.values });
    return w.submissions.submit(uow, draft.id, { expectedVersion: draft.version });
  });

/** Raw pg: the same writes by hand. */
const raw: Side<FormsWorld> = (w, on) => () =>
  rawTransaction(
    on.pool,
    async (client) => {
      const { rows: versions } = await client.query(
        `SELECT v.id FROM form_versions v JOIN forms f ON f.id = v.form_id AND f.published_version = v.version AND f.deleted_at IS NULL AND f.status = 'published'
         WHERE v.form_id = $1`,
        [w.formId],
      );
      const versionId = versions[0].id as string;
      const id = randomUUID();
      await client.query(
        `INSERT INTO submissions (id, organization_id, form_id, form_version_id, data, created_by) VALUES ($1, $2, $3, $4, $5, $6)`,
        [id, w.organizationId, w.formId, versionId, JSON.stringify(w.values), w.userId],
      );
      const made = { id, formId: w.formId, formVersionId: versionId, status: 'draft', version: 1, number: null };
      await client.query(AUDIT_WITH_EVENT, [
        w.organizationId, w.userId, 'submission.create', id, null, snapshot(made), 'submission.created',
        JSON.stringify({ submissionId: id, organizationId: w.organizationId, formId: w.formId, formVersionId: versionId }),
      ]);
      await client.query(`SELECT status FROM forms WHERE id = $1 AND deleted_at IS NULL FOR NO KEY UPDATE`, [w.formId]);
      const { rows } = await client.query(
        `UPDATE submissions s SET status = 'submitted', version = s.version + 1, status_changed_at = now(), submitted_at = now(),
           number = coalesce(s.number, (SELECT coalesce(max(n.number), 0) + 1 FROM submissions n WHERE n.organization_id = s.organization_id AND n.form_id = s.form_id))
         WHERE s.id = $1 AND s.status = 'draft' AND s.version = 1 RETURNING s.number`,
        [id],
      );
      const submitted = { ...made, status: 'submitted', version: 2, number: rows[0].number as number };
      await client.query(AUDIT_WITH_EVENT, [
        w.organizationId, w.userId, 'submission.submit', id, snapshot(made), snapshot(submitted), 'submission.submitted',
        JSON.stringify({ submissionId: id, organizationId: w.organizationId, formId: w.formId, formVersionId: versionId, number: submitted.number, status: 'submitted', previousStatus: 'draft' }),
      ]);
      return submitted;
    },
    beginWithTenant(w.organizationId),
  );

/** create + submit of a 50-field submission. */
export const createSubmit = defineCase<FormsWorld>({
  name: 'submissions.create + submit, 50 fields (one tenant unit of work) against the same writes by hand',
  seed: seedForms,
  repo,
  raw,
  sameSql: async (w, check) => {
    // Both wrote a submitted, numbered submission with the same values, two audit rows and two events.
    const made = [(await check.run(repo, 0)).result, (await check.run(raw, 0)).result] as { id: string; number: number }[];
    for (const [side, s] of [['repo', made[0]!], ['raw', made[1]!]] as const) {
      const { rows } = await check.on.pool.query(
        `SELECT s.status, s.data, (SELECT count(*)::int FROM audit_logs a WHERE a.entity_id = s.id) AS audits,
                (SELECT count(*)::int FROM domain_events e WHERE e.aggregate_id = s.id AND e.organization_id = s.organization_id) AS events
         FROM submissions s WHERE s.id = $1`,
        [s.id],
      );
      assert.deepEqual(rows[0], { status: 'submitted', data: w.values, audits: 2, events: 2 }, `forms create+submit (${side}): what it wrote`);
    }
    assert.equal(made[1]!.number, made[0]!.number + 1, 'forms create+submit: numbered one after the other');
  },
  iterations: 500,
  warmup: 50,
});
