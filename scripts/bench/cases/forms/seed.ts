// The forms section's data: an organization of its own with one user, a published form of 50
// fields (every type, every third required; no sensitive field, so no keyring round trip), and
// for the queue (sizes.queuePage + 1) × 20 submitted submissions of another form of it, written
// with set-based SQL (status_changed_at spread pseudo-randomly over 180 days, microseconds), then
// VACUUM ANALYZE. The deep page's cursor is read by OFFSET once here.
import { randomBytes } from 'node:crypto';
import { createFormRepository } from '../../../../src/contexts/forms/forms/form-repository.js';
import { localKeyProvider } from '../../../../src/core/encryption/local-key-provider.js';
import { createKeyring } from '../../../../src/contexts/integrations/encryption-keys/keyring.js';
import { createSubmissions, type Submissions } from '../../../../src/contexts/forms/submissions/submissions.js';
import type { SeedContext } from '../../case.js';
import { step } from '../../support.js';
import { fieldsDefinition, fieldsValues } from '../../../../test/helpers/form-definitions.js';

/** Rows per queue page. */
export const PAGE_SIZE = 20;
/** Fields of the measured form. */
export const FIELDS = 50;

/** What the forms cases share. */
export interface FormsWorld {
  readonly organizationId: string;
  readonly userId: string;
  /** The 50-field form submissions are made to. */
  readonly formId: string;
  /** The form whose submitted queue is paged. */
  readonly queueFormId: string;
  /** Submitted submissions in the queue. */
  readonly queued: number;
  /** The deep page measured, and the cursor that starts it. */
  readonly page: number;
  readonly deepCursor: string | null;
  /** A valid value for each of the 50 fields. */
  readonly values: Record<string, unknown>;
  readonly submissions: Submissions;
}

/** Seeds the section's data once per run. */
export function seedForms(ctx: SeedContext): Promise<FormsWorld> {
  return ctx.shared('forms', async () => {
    const { db, pool } = ctx.setup;
    const org = (await pool.query(`INSERT INTO organizations (slug, name) VALUES ('bench-forms', 'Forms') RETURNING id`)).rows[0].id as string;
    const user = (
      await pool.query(`INSERT INTO users (organization_id, auth_subject, email) VALUES ($1, 'forms|1', 'forms@forms.example.com') RETURNING id`, [org])
    ).rows[0].id as string;
    const forms = createFormRepository(db, { actorUserId: user });
    const made = async (slug: string) => {
      const { form } = await forms.create({ organizationId: org, slug, name: slug, definition: fieldsDefinition(FIELDS) });
      await forms.publish(form.id, { version: 1, expectedPublishedVersion: null });
      return form.id;
    };
    const formId = await made('fifty-fields');
    const queueFormId = await made('queue');
    const page = Math.max(2, ctx.sizes.queuePage);
    const queued = (page + 1) * PAGE_SIZE;
    await step(`forms: ${queued} submitted submissions`, () =>
      pool.query(
        `INSERT INTO submissions (organization_id, form_id, form_version_id, status, number, data, created_by, status_changed_at, submitted_at, created_at)
         SELECT $1, $2, v.id, 'submitted', g, '{"f1": 42.5}', $3, t, t, t - interval '1 hour'
         FROM form_versions v, generate_series(1, $4::int) g,
           LATERAL (SELECT now() - interval '180 days' + abs(hashint8extended(g, 7) % 15552000000000) * interval '1 microsecond' AS t) s
         WHERE v.form_id = $2 AND v.version = 1`,
        [org, queueFormId, user, queued],
      ),
    );
    await pool.query('VACUUM ANALYZE submissions');
    const { rows } = await pool.query<{ at: string; id: string }>(
      `SELECT status_changed_at::text AS at, id FROM submissions WHERE organization_id = $1 AND form_id = $2 AND status = 'submitted'
       ORDER BY status_changed_at, id OFFSET $3 LIMIT 1`,
      [org, queueFormId, (page - 1) * PAGE_SIZE - 1],
    );
    const deepCursor = Buffer.from(JSON.stringify([rows[0]!.at, rows[0]!.id]), 'utf8').toString('base64url');
    const keyring = createKeyring({ provider: localKeyProvider({ masterKeys: { forms: randomBytes(32).toString('base64') }, current: 'forms' }) });
    return {
      organizationId: org,
      userId: user,
      formId,
      queueFormId,
      queued,
      page,
      deepCursor,
      values: fieldsValues(FIELDS),
      submissions: createSubmissions({ keyring }),
    };
  });
}
