// The pending queue's data: `sizes.profiles` users with staff profiles (default 1,000,000) in 10
// organizations of their own, written with set-based SQL: per 10 consecutive numbers one user
// per organization, and per organization the statuses cycle every 200 users through 10%
// pending, 25% verified, 5% rejected, 60% draft. Submission times are spread pseudo-randomly
// (deterministic hash) over 180 days with microsecond resolution. Then VACUUM ANALYZE. The
// measured queue is the first organization's; the cursor of its deep page is found by walking
// the pages first, on connections of its own.
import assert from 'node:assert/strict';
import type pg from 'pg';
import { createRepositories } from '../../../../src/repositories.js';
import type { SeedContext } from '../../case.js';
import { count, openConnections, progress, step } from '../../support.js';
import { seedWorld } from '../identity/world.js';
import { PAGE_SIZE } from './raw-sql.js';

const ORGANIZATIONS = 10;
const CHUNK = 250_000;

/** The measured queue: its organization, size, the deep page and its cursor. */
export interface Queue {
  readonly organizationId: string;
  /** Pending profiles of the organization. */
  readonly pending: number;
  readonly lastPage: number;
  /** The deep page measured: `sizes.queuePage`, or the last page when there are fewer. */
  readonly page: number;
  /** The cursor of `page` (the last cursor of page − 1). */
  readonly deepCursor: string | null;
  /** How long walking pages 1 … page − 1 by cursor took, ms. */
  readonly walkMs: number;
  /** Organizations the profiles are spread over. */
  readonly organizations: number;
}

/** Writes `total` users with staff profiles in 10 new organizations; returns the first one's id. */
async function loadProfiles(pool: pg.Pool, total: number): Promise<string> {
  await pool.query(
    `INSERT INTO organizations (slug, name)
     SELECT 'bench-queue-' || lpad(o::text, 2, '0'), 'Queue ' || o FROM generate_series(1, $1::int) o`,
    [ORGANIZATIONS],
  );
  // Verified profiles need a verifier of their own organization; which one does not matter to the queue.
  await pool.query(
    `INSERT INTO users (organization_id, auth_subject, email)
     SELECT id, 'queue-verifier|' || slug, 'verifier@' || slug || '.example.com' FROM organizations WHERE slug LIKE 'bench-queue-%'`,
  );
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
         ), v AS (
           SELECT organization_id, id FROM users WHERE auth_subject LIKE 'queue-verifier|%'
         ), n AS (
           SELECT u.id, u.organization_id, v.id AS verifier_id, g,
             ((g - 1) / ${ORGANIZATIONS}) % 20 AS bucket,
             now() - interval '180 days'
               + abs(hashint8extended(g, 42) % 15552000000000) * interval '1 microsecond' AS submitted_at
           FROM u JOIN v ON v.organization_id = u.organization_id, LATERAL (SELECT substr(u.auth_subject, 7)::bigint AS g) s
         )
         INSERT INTO user_staff_profiles (user_id, organization_id, job_title, profile_verification_status,
           verification_submitted_at, verified_at, verified_by_user_id, rejection_reason, version)
         SELECT id, organization_id, 'Lecturer', s.status,
           CASE WHEN s.status = 'draft' THEN NULL ELSE submitted_at END,
           CASE WHEN s.status = 'verified' THEN submitted_at + interval '1 day' END,
           CASE WHEN s.status = 'verified' THEN verifier_id END,
           CASE WHEN s.status = 'rejected' THEN 'Documents incomplete' END,
           1 + g % 3
         FROM n, LATERAL (SELECT (CASE WHEN bucket < 2 THEN 'pending' WHEN bucket < 7 THEN 'verified'
                                      WHEN bucket < 8 THEN 'rejected' ELSE 'draft' END
                                )::profile_verification_status AS status) s`,
        [from, to],
      ),
    );
  }
  await step('queue: VACUUM ANALYZE users, user_staff_profiles', async () => {
    await pool.query('vacuum analyze users');
    await pool.query('vacuum analyze user_staff_profiles');
  });
  return (await pool.query(`SELECT id FROM organizations WHERE slug = 'bench-queue-01'`)).rows[0].id as string;
}

/** Loads the profiles and finds the deep page's cursor, once per run. */
export function seedQueue(ctx: SeedContext): Promise<Queue> {
  return ctx.shared('queue', async () => {
    await seedWorld(ctx);
    const organizationId = await loadProfiles(ctx.setup.pool, ctx.sizes.profiles);
    const pending = Number(
      (
        await ctx.setup.pool.query(
          `SELECT count(*) FROM user_staff_profiles WHERE organization_id = $1 AND profile_verification_status = 'pending'`,
          [organizationId],
        )
      ).rows[0].count,
    );
    const lastPage = Math.ceil(pending / PAGE_SIZE);
    const page = Math.min(ctx.sizes.queuePage, lastPage);
    if (page < ctx.sizes.queuePage) progress(`queue: only ${lastPage} pages of pending profiles; measuring page ${page}`);
    const walker = openConnections(ctx.url);
    try {
      const queries = createRepositories(walker.db).staffProfileQueries;
      const start = process.hrtime.bigint();
      let cursor: string | null = null;
      for (let p = 1; p < page; p += 1) {
        const next: string | null = (await queries.pagePendingQueue(organizationId, { limit: PAGE_SIZE, after: cursor })).nextCursor;
        assert.ok(next, `page ${p} has a next cursor`);
        cursor = next;
      }
      const walkMs = Number(process.hrtime.bigint() - start) / 1e6;
      progress(`queue: walked ${page - 1} pages in ${walkMs.toFixed(0)} ms`);
      return { organizationId, pending, lastPage, page, deepCursor: cursor, walkMs, organizations: ORGANIZATIONS };
    } finally {
      await walker.close();
    }
  });
}
