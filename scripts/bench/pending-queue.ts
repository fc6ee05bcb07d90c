// Section "queue": the admin pending queue at volume, page 1 against a deep page, by keyset
// (the repository's `staffProfileQueries.listPendingQueue`) and by OFFSET (raw `pg`).
//
// Data: BENCH_PROFILES users with staff profiles (default 1,000,000) in 10 organizations of
// their own, written with set-based SQL: per 10 consecutive numbers one user per organization,
// and per organization the statuses cycle every 200 users through 10% pending, 25% verified,
// 5% rejected, 60% draft. Submission times are spread pseudo-randomly (deterministic hash)
// over 180 days with microsecond resolution. Then VACUUM ANALYZE.
//
// Queries on the first organization's queue, page size 20:
//   keyset, repo   listPendingQueue(org, { limit: 20, after }): the cursor of page N is found
//                  by walking the pages first; fetches 21 rows (20 + one to know a next exists)
//   keyset, raw    the same SQL and parameters with raw pg (checked identical first)
//   OFFSET, raw    the same query without the cursor predicate, LIMIT 21 OFFSET (N-1)·20:
//                  the same 21 rows as the keyset query, the way a naive pager would fetch them
// The five fast queries run interleaved; the deep OFFSET page runs in a loop of its own after
// them: it takes ~1000× longer, and its parallel workers were measurably slowing whichever
// query ran right after it (when it shared the loop, page 1 came out slower than page 500).
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import { createRepositories } from '../../src/repositories.js';
import type { DB } from '../../src/schema/db.js';
import { explain, type PlanSummary } from './explain.js';
import { STAFF_PROFILE_COLUMNS } from './raw-columns.js';
import { measureInterleaved, summarize, us } from './measure.js';
import {
  count,
  createLoggingDatabase,
  markdownTable,
  oneLine,
  openConnections,
  progress,
  step,
  type BenchConfig,
  type Connections,
} from './support.js';

const ORGANIZATIONS = 10;
const PAGE_SIZE = 20;
const CHUNK = 250_000;
const ITERATIONS = 1000;
const WARMUP_ITERATIONS = 100;
/** The deep OFFSET page is slow (it reads every row before it); fewer calls, in a loop of its own. */
const DEEP_OFFSET_ITERATIONS = 100;
const DEEP_OFFSET_WARMUP_ITERATIONS = 10;
const TARGET_RATIO = 1.5;

export const QUEUE_METHOD =
  `${ITERATIONS} calls per query after ${WARMUP_ITERATIONS} warm-up iterations, the deep OFFSET page ` +
  `${DEEP_OFFSET_ITERATIONS} calls after ${DEEP_OFFSET_WARMUP_ITERATIONS} in a loop of its own`;

// ---------------------------------------------------------------------------------------------
// The raw side.

const SELECT = `
  select ${STAFF_PROFILE_COLUMNS}, user_staff_profiles.verification_submitted_at::text as "cursorAt"
  from "user_staff_profiles"
  inner join "users" on "users"."id" = "user_staff_profiles"."user_id"
  where "users"."deleted_at" is null and "user_staff_profiles"."organization_id" = $1
    and "user_staff_profiles"."profile_verification_status" = 'pending'`;
const ORDER = `order by "user_staff_profiles"."verification_submitted_at", "user_staff_profiles"."user_id"`;

const SQL = {
  first: oneLine(`${SELECT} ${ORDER} limit $2`),
  after: oneLine(`${SELECT}
    and (user_staff_profiles.verification_submitted_at, user_staff_profiles.user_id) > ($2::timestamptz, $3::uuid)
    ${ORDER} limit $4`),
  offset: oneLine(`${SELECT} ${ORDER} limit $2 offset $3`),
} as const;

/** The keyset query and its parameters for the page after `cursor` (`null`: page 1). */
function keysetQuery(organizationId: string, cursor: string | null): [string, unknown[]] {
  if (cursor === null) return [SQL.first, [organizationId, PAGE_SIZE + 1]];
  const [at, userId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
  return [SQL.after, [organizationId, at, userId, PAGE_SIZE + 1]];
}

function offsetQuery(organizationId: string, page: number): [string, unknown[]] {
  return [SQL.offset, [organizationId, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE]];
}

async function rawPage(pool: pg.Pool, [text, values]: [string, unknown[]]) {
  const { rows } = await pool.query(text, values);
  return rows.slice(0, PAGE_SIZE).map(({ cursorAt: _, ...profile }) => profile);
}

// ---------------------------------------------------------------------------------------------
// Data.

/** Writes `total` users with staff profiles in 10 new organizations; returns the first one's id. */
async function loadProfiles(pool: pg.Pool, total: number): Promise<string> {
  await pool.query(
    `INSERT INTO organizations (slug, name)
     SELECT 'bench-queue-' || lpad(o::text, 2, '0'), 'Queue ' || o FROM generate_series(1, $1::int) o`,
    [ORGANIZATIONS],
  );
  // Verified profiles need a verifier that exists; which one does not matter to the queue.
  const verifier = (await pool.query(`SELECT id FROM users ORDER BY auth_subject LIMIT 1`)).rows[0].id as string;
  for (let from = 1; from <= total; from += CHUNK) {
    const to = Math.min(total, from + CHUNK - 1);
    await step(`queue: users + staff profiles ${count(from)}–${count(to)} of ${count(total)}`, () =>
      pool.query(
        `WITH orgs AS (
           SELECT array_agg(id ORDER BY slug) AS ids FROM organizations WHERE slug LIKE 'bench-queue-%'
         ), u AS (
           INSERT INTO users (organization_id, auth_subject, email)
           SELECT orgs.ids[1 + (g - 1) % ${ORGANIZATIONS}], 'queue|' || g, 'queue.' || g || '@queue.example.com'
           FROM orgs, generate_series($1::int, $2::int) g
           RETURNING id, organization_id, auth_subject
         ), n AS (
           SELECT u.id, u.organization_id, g,
             ((g - 1) / ${ORGANIZATIONS}) % 20 AS bucket,
             now() - interval '180 days'
               + abs(hashint8extended(g, 42) % 15552000000000) * interval '1 microsecond' AS submitted_at
           FROM u, LATERAL (SELECT substr(u.auth_subject, 7)::bigint AS g) s
         )
         INSERT INTO user_staff_profiles (user_id, organization_id, job_title, profile_verification_status,
           verification_submitted_at, verified_at, verified_by_user_id, rejection_reason, version)
         SELECT id, organization_id, 'Lecturer', s.status,
           CASE WHEN s.status = 'draft' THEN NULL ELSE submitted_at END,
           CASE WHEN s.status = 'verified' THEN submitted_at + interval '1 day' END,
           CASE WHEN s.status = 'verified' THEN $3::uuid END,
           CASE WHEN s.status = 'rejected' THEN 'Documents incomplete' END,
           1 + g % 3
         FROM n, LATERAL (SELECT (CASE WHEN bucket < 2 THEN 'pending' WHEN bucket < 7 THEN 'verified'
                                      WHEN bucket < 8 THEN 'rejected' ELSE 'draft' END
                                )::profile_verification_status AS status) s`,
        [from, to, verifier],
      ),
    );
  }
  await step('queue: VACUUM ANALYZE users, user_staff_profiles', async () => {
    await pool.query('vacuum analyze users');
    await pool.query('vacuum analyze user_staff_profiles');
  });
  return (await pool.query(`SELECT id FROM organizations WHERE slug = 'bench-queue-01'`)).rows[0].id as string;
}

// ---------------------------------------------------------------------------------------------
// The run.

function planLine(name: string, plan: PlanSummary): string[] {
  const scans = plan.scans.map((s) => `${s.relation}${s.index ? ` via ${s.index}` : ''}: ${count(Math.round(s.rows))} rows`);
  return [name, plan.shape, scans.join('; '), count(plan.buffers), plan.planningMs.toFixed(2), plan.executionMs.toFixed(2)];
}

/** Loads the profiles, measures page 1 against page N; returns the section's markdown. */
export async function runQueueSection(url: string, setup: Connections, config: BenchConfig): Promise<string> {
  const org = await loadProfiles(setup.pool, config.profiles);
  const { db, pool, close } = openConnections(url);
  try {
    return await measureQueue(url, db, pool, org, config);
  } finally {
    await close();
  }
}

async function measureQueue(url: string, db: Kysely<DB>, pool: pg.Pool, org: string, config: BenchConfig): Promise<string> {
  const pending = Number((await pool.query(
    `SELECT count(*) FROM user_staff_profiles WHERE organization_id = $1 AND profile_verification_status = 'pending'`,
    [org],
  )).rows[0].count);
  const lastPage = Math.ceil(pending / PAGE_SIZE);
  const page = Math.min(config.queuePage, lastPage);
  if (page < config.queuePage) progress(`queue: only ${lastPage} pages of pending profiles; measuring page ${page}`);

  const repos = createRepositories(db);
  const list = (after: string | null) => repos.staffProfileQueries.listPendingQueue(org, { limit: PAGE_SIZE, after });
  // The cursor of page N: walk pages 1 … N-1.
  const walkStart = process.hrtime.bigint();
  let cursor: string | null = null;
  for (let p = 1; p < page; p += 1) {
    const next: string | null = (await list(cursor)).nextCursor;
    assert.ok(next, `page ${p} has a next cursor`);
    cursor = next;
  }
  const walkMs = Number(process.hrtime.bigint() - walkStart) / 1e6;
  progress(`queue: walked ${page - 1} pages in ${walkMs.toFixed(0)} ms`);
  const deepCursor = cursor;

  // Same SQL, same parameters, same rows.
  const { db: logged, sent } = createLoggingDatabase(url);
  try {
    const loggedList = (after: string | null) =>
      createRepositories(logged).staffProfileQueries.listPendingQueue(org, { limit: PAGE_SIZE, after });
    for (const after of [null, deepCursor]) {
      sent.length = 0;
      const viaRepo = await loggedList(after);
      const [text, values] = keysetQuery(org, after);
      assert.deepEqual(sent.map((q) => q.sql), [text], 'pending queue: the raw SQL differs from the repository’s');
      assert.deepEqual(sent[0]!.parameters, values, 'pending queue: parameters');
      assert.deepEqual(await rawPage(pool, [text, values]), viaRepo.items, 'pending queue: keyset rows');
      const byOffset = await rawPage(pool, offsetQuery(org, after === null ? 1 : page));
      assert.deepEqual(byOffset, viaRepo.items, 'pending queue: OFFSET rows = keyset rows');
      const p = after === null ? 1 : page;
      assert.equal(viaRepo.items.length, Math.min(PAGE_SIZE, pending - (p - 1) * PAGE_SIZE), `page ${p}: length`);
    }
  } finally {
    await logged.destroy();
  }

  const fast = await measureInterleaved('pending queue', ITERATIONS, WARMUP_ITERATIONS, {
    keysetRepo1: () => list(null),
    keysetRepoN: () => list(deepCursor),
    keysetRaw1: () => rawPage(pool, keysetQuery(org, null)),
    keysetRawN: () => rawPage(pool, keysetQuery(org, deepCursor)),
    offset1: () => rawPage(pool, offsetQuery(org, 1)),
  });
  const slow = await measureInterleaved('pending queue, deep OFFSET', DEEP_OFFSET_ITERATIONS, DEEP_OFFSET_WARMUP_ITERATIONS, {
    offsetN: () => rawPage(pool, offsetQuery(org, page)),
  });
  const l = { ...fast, ...slow };
  const s = Object.fromEntries(Object.entries(l).map(([k, v]) => [k, summarize(v)])) as Record<
    keyof typeof l,
    { median: number; p99: number }
  >;
  const row = (name: string, one: { median: number; p99: number }, deep: { median: number; p99: number }) => [
    name,
    us(one.median),
    us(one.p99),
    us(deep.median),
    us(deep.p99),
    `**${(deep.median / one.median).toFixed(2)}×**`,
    `${(deep.p99 / one.p99).toFixed(2)}×`,
  ];
  const keysetRatio = s.keysetRepoN.median / s.keysetRepo1.median;
  const plans = [
    planLine('keyset page 1', await explain(pool, ...keysetQuery(org, null))),
    planLine(`keyset page ${page}`, await explain(pool, ...keysetQuery(org, deepCursor))),
    planLine('OFFSET page 1', await explain(pool, ...offsetQuery(org, 1))),
    planLine(`OFFSET page ${page}`, await explain(pool, ...offsetQuery(org, page))),
  ];
  return [
    `${count(config.profiles)} staff profiles in ${ORGANIZATIONS} organizations; the measured organization has ` +
      `${count(pending)} pending (${lastPage} pages of ${PAGE_SIZE}); page ${page} = rows ` +
      `${count((page - 1) * PAGE_SIZE + 1)}–${count(Math.min(page * PAGE_SIZE, pending))}. ` +
      `Walking pages 1…${page - 1} by cursor took ${walkMs.toFixed(0)} ms (${(walkMs / Math.max(1, page - 1)).toFixed(2)} ms/page).`,
    '',
    markdownTable(
      ['query', 'page 1 median µs', 'page 1 p99 µs', `page ${page} median µs`, `page ${page} p99 µs`, `page ${page} / page 1 (median)`, 'p99 ratio'],
      [
        row('keyset, repository (listPendingQueue)', s.keysetRepo1, s.keysetRepoN),
        row('keyset, raw pg (same SQL)', s.keysetRaw1, s.keysetRawN),
        row(`OFFSET, raw pg (LIMIT ${PAGE_SIZE + 1} OFFSET ${(page - 1) * PAGE_SIZE})`, s.offset1, s.offsetN),
      ],
    ),
    '',
    `- keyset page ${page} / page 1 (repository, median): ${keysetRatio.toFixed(2)}× — ` +
      `${keysetRatio <= TARGET_RATIO ? 'meets' : 'does NOT meet'} the target (within ${TARGET_RATIO}×)`,
    `- OFFSET page ${page} / page 1 (median): ${(s.offsetN.median / s.offset1.median).toFixed(2)}×; ` +
      `OFFSET page ${page} / keyset page ${page} (raw, median): ${(s.offsetN.median / s.keysetRawN.median).toFixed(2)}×`,
    `- repository / raw (keyset, median): page 1 ${(s.keysetRepo1.median / s.keysetRaw1.median).toFixed(3)}, ` +
      `page ${page} ${(s.keysetRepoN.median / s.keysetRawN.median).toFixed(3)}`,
    '',
    'Plans (one EXPLAIN (ANALYZE, BUFFERS) each, after the timing):',
    '',
    markdownTable(['query', 'plan', 'scans (rows × loops)', 'buffers', 'planning ms', 'execution ms'], plans, 3),
  ].join('\n');
}
