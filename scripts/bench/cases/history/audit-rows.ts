// The entity history's data. `createAuditPartitions` makes `sizes.auditMonths` monthly
// partitions ending with the current month (rows other cases wrote into the DEFAULT partition
// are moved into the current one). Then `sizes.auditRows` rows (default 10,000,000), one
// INSERT … SELECT generate_series per month, created_at rising evenly through each month (so
// event_id order is time order, as in production), entity ids drawn by a deterministic hash
// from `sizes.auditEntities` entities (default 100,000; a quarter `user`, the rest
// `staff_profile`), ~130-byte before/after snapshots, 1,000 actors. `audit_logs_flat` is a
// plain table with the same columns and the same rows, loaded after them, with the parent's
// indexes recreated on it. VACUUM ANALYZE both. Then the sampled entities (probes).
import assert from 'node:assert/strict';
import { statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import { createAuditPartitions } from '../../../../src/core/audit/audit-partitions.js';
import { seededRandom } from '../../../../src/core/kernel/random.js';
import type { DB } from '../../../../src/schema/db.js';
import type { SeedContext } from '../../case.js';
import type { Sizes } from '../../config.js';
import { count, progress, step } from '../../support.js';
import { seedWorld } from '../identity/world.js';
import type { Probe } from './raw-sql.js';

/** Rough bytes per audit row on disk, heap + indexes, per copy (measured ≈ 330 at 1M rows). */
const BYTES_PER_ROW = 400;

/** The loaded history: partitions, rows moved out of DEFAULT, and the sampled entities. */
export interface History {
  readonly partitions: number;
  readonly moved: number;
  readonly probes: readonly Probe[];
}

function monthStart(date: Date, offset: number): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + offset, 1));
}

/** Fails early when the OS tmpdir (where the embedded server keeps its data) is too small. */
export function checkDisk(sizes: Sizes): void {
  const stats = statfsSync(tmpdir());
  const available = stats.bavail * stats.bsize;
  const needed = 2 * sizes.auditRows * BYTES_PER_ROW * 1.5;
  progress(`disk: ${(available / 2 ** 30).toFixed(1)} GiB free in ${tmpdir()}; history needs ~${(needed / 2 ** 30).toFixed(1)} GiB`);
  if (available < needed) throw new Error(`not enough disk in ${tmpdir()} for BENCH_AUDIT_ROWS=${sizes.auditRows}`);
}

/** Partitions, rows, the flat copy, statistics. */
async function load(db: Kysely<DB>, pool: pg.Pool, sizes: Sizes): Promise<{ partitions: number; moved: number }> {
  const now = new Date();
  const first = monthStart(now, -(sizes.auditMonths - 1));
  const { created, movedRows } = await createAuditPartitions(db, { from: first, monthsAhead: sizes.auditMonths - 1 });
  progress(`history: created ${created.length} partitions (${created[0]} … ${created.at(-1)}), moved ${movedRows} rows out of DEFAULT`);
  const organizations = (await pool.query(`SELECT array_agg(id ORDER BY slug) AS ids FROM organizations`)).rows[0].ids;
  let done = 0;
  for (let m = 0; m < sizes.auditMonths; m += 1) {
    const rows = Math.floor(sizes.auditRows / sizes.auditMonths) + (m < sizes.auditRows % sizes.auditMonths ? 1 : 0);
    const from = monthStart(now, -(sizes.auditMonths - 1) + m);
    // The current month: up to now, never in the future.
    const to = new Date(Math.min(monthStart(now, -(sizes.auditMonths - 1) + m + 1).getTime(), now.getTime()));
    await step(`history: month ${m + 1}/${sizes.auditMonths} (${from.toISOString().slice(0, 7)}), ${count(rows)} rows`, () =>
      pool.query(
        `INSERT INTO audit_logs (created_at, updated_at, organization_id, actor_user_id, action, entity_type, entity_id, before, after)
         SELECT t, t, ($5::uuid[])[(1 + k % array_length($5::uuid[], 1))::int], md5('actor-' || (n % 1000))::uuid,
           CASE WHEN k % 4 = 0 THEN 'user.update'
                ELSE (ARRAY['staff_profile.edit', 'staff_profile.submit', 'staff_profile.verify'])[(1 + n % 3)::int] END,
           CASE WHEN k % 4 = 0 THEN 'user' ELSE 'staff_profile' END, e,
           CASE WHEN n % 10 = 0 THEN NULL
                ELSE jsonb_build_object('userId', e, 'status', 'pending', 'version', n % 9 + 1, 'jobTitle', 'Lecturer') END,
           jsonb_build_object('userId', e, 'status', 'verified', 'version', n % 9 + 2, 'jobTitle', 'Lecturer')
         FROM generate_series(1, $1::int) g,
           LATERAL (SELECT $4::bigint + g AS n) s1,
           LATERAL (SELECT abs(hashint8extended(n, 7) % $6::bigint) AS k) s2,
           LATERAL (SELECT md5('entity-' || k)::uuid AS e,
                           $2::timestamptz + ($3::timestamptz - $2::timestamptz) * ((g - 0.5) / $1::int)::float8 AS t) s3`,
        [rows, from, to, done, organizations, sizes.auditEntities],
      ),
    );
    done += rows;
  }
  const client = await pool.connect();
  try {
    await client.query(`SET maintenance_work_mem = '1GB'`);
    // LIKE … INCLUDING ALL on the partitioned parent makes a plain table (no partitioning,
    // none of the append-only triggers) with copies of the parent's three indexes and the
    // identity; but loading a table and then building its indexes is much faster than
    // maintaining them row by row, so the indexes are copied after the load.
    await step('history: audit_logs_flat (same rows, one table)', async () => {
      await client.query(`CREATE TABLE audit_logs_flat (LIKE audit_logs INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
      await client.query(`INSERT INTO audit_logs_flat SELECT * FROM audit_logs`);
    });
    await step('history: the parent’s indexes on audit_logs_flat', async () => {
      const { rows } = await client.query(
        `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'audit_logs'`,
      );
      for (const { indexname, indexdef } of rows as { indexname: string; indexdef: string }[]) {
        const definition = indexdef.replace(
          ` INDEX ${indexname} ON ONLY public.audit_logs `,
          ` INDEX ${indexname.replace('audit_logs', 'audit_logs_flat')} ON public.audit_logs_flat `,
        );
        assert.notEqual(definition, indexdef, `cannot copy index ${indexdef}`);
        await client.query(definition);
      }
      const columns = (table: string) =>
        client
          .query(`SELECT pg_get_indexdef(indexrelid) AS def FROM pg_index WHERE indrelid = $1::regclass`, [table])
          .then((r) => r.rows.map((row) => (row.def as string).replace(/^.* USING /, '')).sort());
      assert.deepEqual(await columns('audit_logs_flat'), await columns('audit_logs'), 'flat table: same indexes');
    });
    await step('history: VACUUM ANALYZE audit_logs, audit_logs_flat', async () => {
      await client.query('VACUUM ANALYZE audit_logs');
      await client.query('VACUUM ANALYZE audit_logs_flat');
    });
    const partitioned = await client.query(`SELECT count(*)::bigint AS n FROM audit_logs`);
    const flat = await client.query(`SELECT count(*)::bigint AS n FROM audit_logs_flat`);
    assert.equal(flat.rows[0].n, partitioned.rows[0].n, 'flat table: same rows');
  } finally {
    client.release();
  }
  const partitions = (await pool.query(`SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'audit_logs'::regclass`)).rows[0].n;
  return { partitions, moved: movedRows };
}

/** Sampled entities, each with one month of the range that holds data. */
async function sampleProbes(pool: pg.Pool, sizes: Sizes): Promise<Probe[]> {
  const next = seededRandom(7);
  const numbers = Array.from({ length: sizes.sampleEntities }, () => Math.floor(next() * sizes.auditEntities));
  const { rows } = await pool.query(
    `SELECT CASE WHEN k % 4 = 0 THEN 'user' ELSE 'staff_profile' END AS type, md5('entity-' || k)::uuid AS id
     FROM unnest($1::bigint[]) WITH ORDINALITY AS s(k, i) ORDER BY i`,
    [numbers],
  );
  const now = new Date();
  return rows.map((row) => {
    const from = monthStart(now, -Math.floor(next() * sizes.auditMonths));
    return { type: row.type, id: row.id, from, to: monthStart(from, 1) };
  });
}

/** Loads the audit rows and samples the probes, once per run. */
export function seedHistory(ctx: SeedContext): Promise<History> {
  return ctx.shared('history', async () => {
    await seedWorld(ctx);
    const loaded = await load(ctx.setup.db, ctx.setup.pool, ctx.sizes);
    return { ...loaded, probes: await sampleProbes(ctx.setup.pool, ctx.sizes) };
  });
}
