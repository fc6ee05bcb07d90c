// A form's submitted queue by keyset (issue 13): submissions.queue(uow, { formId, status },
// { limit: 20, after }) in a tenant unit of work, at page 1 and at page BENCH_QUEUE_PAGE,
// against the same statements hand-written with raw pg (begin with the tenant, the SELECT,
// commit). Four sides in one interleaved loop.
import assert from 'node:assert/strict';
import { unitOfWork } from '../../../../src/repositories.js';
import { defineCase, type CompareOptions, type Side } from '../../case.js';
import { oneLine, rawTransaction } from '../../support.js';
import { PAGE_SIZE, seedForms, type FormsWorld } from './seed.js';

const COLUMNS = `s.id, s.organization_id AS "organizationId", s.form_id AS "formId", s.form_version_id AS "formVersionId", s.status,
  s.version, s.number, s.created_by AS "createdBy", s.assigned_user_id AS "assignedUserId", s.assigned_team_id AS "assignedTeamId",
  s.status_changed_at AS "statusChangedAt", s.submitted_at AS "submittedAt", s.decided_at AS "decidedAt", s.decided_by AS "decidedBy",
  s.rejection_reason AS "rejectionReason", s.created_at AS "createdAt", s.updated_at AS "updatedAt"`;
const SELECT = `SELECT ${COLUMNS}, s.status_changed_at::text AS "cursorAt" FROM submissions s
  WHERE s.organization_id = $1::uuid AND s.form_id = $2::uuid AND s.status = $3::text`;

/** The queue's statements as the repository sends them, up to whitespace. */
const QUEUE_SQL = {
  first: oneLine(`${SELECT} ORDER BY s.status_changed_at, s.id LIMIT $4::int`),
  after: oneLine(`${SELECT} AND (s.status_changed_at, s.id) > ($4::timestamptz, $5::uuid) ORDER BY s.status_changed_at, s.id LIMIT $6::int`),
} as const;

/** The statement and parameters of the page after `cursor` (`null`: page 1), one row more than a page. */
export function queueQuery(w: FormsWorld, cursor: string | null): [string, unknown[]] {
  if (cursor === null) return [QUEUE_SQL.first, [w.organizationId, w.queueFormId, 'submitted', PAGE_SIZE + 1]];
  const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
  return [QUEUE_SQL.after, [w.organizationId, w.queueFormId, 'submitted', at, id, PAGE_SIZE + 1]];
}

const beginWithTenant = (organizationId: string) => `begin; select set_config('app.organization_id', '${organizationId}', true)`;

const repoPage = (cursor: (w: FormsWorld) => string | null): Side<FormsWorld> => (w, on) => () =>
  unitOfWork(on.db, { tenant: w.organizationId }, (uow) =>
    w.submissions.queue(uow, { formId: w.queueFormId, status: 'submitted' }, { limit: PAGE_SIZE, after: cursor(w) }),
  );
const rawPage = (cursor: (w: FormsWorld) => string | null): Side<FormsWorld> => (w, on) => () =>
  rawTransaction(
    on.pool,
    async (client) => {
      const [text, values] = queueQuery(w, cursor(w));
      return (await client.query(text, values)).rows.slice(0, PAGE_SIZE).map((r: { id: string }) => r.id);
    },
    beginWithTenant(w.organizationId),
  );

const deep = (w: FormsWorld) => w.deepCursor;
const first = () => null;
const repoPage1 = repoPage(first);
const rawPage1 = rawPage(first);

const sameIds: CompareOptions = {
  repoText: (text) => oneLine(text),
  results: (repo, raw) => assert.deepEqual(raw, (repo as { items: { id: string }[] }).items.map((i) => i.id), 'forms queue: the same page'),
};

/** The submitted queue: page BENCH_QUEUE_PAGE (repo, raw) and page 1 (repoPage1, rawPage1). */
export const formQueuePages = defineCase<FormsWorld>({
  name: 'submissions.queue, keyset (tenant unit of work)',
  seed: seedForms,
  repo: repoPage(deep),
  raw: rawPage(deep),
  also: { repoPage1, rawPage1 },
  sameSql: async (w, check) => {
    for (const [label, repo, raw] of [['page 1', repoPage1, rawPage1] as const, [`page ${w.page}`, formQueuePages.repo!, formQueuePages.raw] as const]) {
      const { raw: ids } = await check.compare(repo, raw, 0, `forms queue ${label}`, sameIds);
      assert.equal((ids as string[]).length, PAGE_SIZE, `forms queue ${label}: a full page`);
    }
  },
  iterations: 1000,
  warmup: 100,
});
