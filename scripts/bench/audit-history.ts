// Section "history": an entity's audit history at volume, monthly partitions against one
// unpartitioned table holding the same rows with the same indexes.
//
// Data: `createAuditPartitions` makes BENCH_AUDIT_MONTHS monthly partitions ending with the
// current month (rows the other sections wrote into the DEFAULT partition are moved into the
// current one). Then BENCH_AUDIT_ROWS rows (default 10,000,000), one INSERT … SELECT
// generate_series per month, created_at rising evenly through each month (so event_id order is
// time order, as in production), entity ids drawn by a deterministic hash from
// BENCH_AUDIT_ENTITIES entities (default 100,000; a quarter `user`, the rest `staff_profile`),
// ~130-byte before/after snapshots, 1,000 actors. `audit_logs_flat` is a plain table with the
// same columns and the same rows, loaded after them, with the parent's indexes recreated on
// it. VACUUM ANALYZE both.
//
// Queries, for sampled entities, interleaved per shape:
//   partitioned, repo   audit.listEntityHistory(type, id, { limit: 50 }) (and with from/to
//                       covering one calendar month, which prunes to one partition)
//   partitioned, raw    the same SQL and parameters with raw pg (checked identical first)
//   flat, raw           the same SQL with `from "audit_logs_flat" as "audit_logs"`
import assert from 'node:assert/strict';
import { statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import { createAuditPartitions } from '../../src/core/audit/audit-partitions.js';
import { createRepositories } from '../../src/repositories.js';
import type { DB } from '../../src/schema/db.js';
import { seededRandom } from '../../src/core/kernel/random.js';
import { explain, type PlanSummary } from './explain.js';
import { cyclic, measureInterleaved, summarize, us } from './measure.js';
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

const LIMIT = 50;
const SAMPLE_ENTITIES = 1000;
const ITERATIONS = 2000;
const WARMUP_ITERATIONS = 200;
/** Rough bytes per audit row on disk, heap + indexes, per copy (measured ≈ 330 at 1M rows). */
const BYTES_PER_ROW = 400;

export const HISTORY_METHOD = `${ITERATIONS} calls per side and shape after ${WARMUP_ITERATIONS} warm-up iterations, cycling over ${SAMPLE_ENTITIES} sampled entities`;

// ---------------------------------------------------------------------------------------------
// The raw side.

const SELECT = `
  select "audit_logs"."event_id" as "eventId", "audit_logs"."created_at" as "createdAt",
    "audit_logs"."organization_id" as "organizationId", "audit_logs"."actor_user_id" as "actorUserId",
    "audit_logs"."action", "audit_logs"."entity_type" as "entityType", "audit_logs"."entity_id" as "entityId",
    "audit_logs"."before", "audit_logs"."after", "audit_logs"."request_id" as "requestId",
    "audit_logs"."ip", "audit_logs"."user_agent" as "userAgent"
  from "audit_logs"
  where "audit_logs"."entity_type" = $1 and "audit_logs"."entity_id" = $2`;

const PARTITIONED = {
  all: oneLine(`${SELECT} order by "audit_logs"."event_id" limit $3`),
  month: oneLine(`${SELECT} and "audit_logs"."created_at" >= $3 and "audit_logs"."created_at" < $4
    order by "audit_logs"."event_id" limit $5`),
} as const;

/** The same statement over the flat table: the alias keeps every column reference identical. */
const onFlat = (text: string) => text.replace('from "audit_logs"', 'from "audit_logs_flat" as "audit_logs"');
const FLAT = { all: onFlat(PARTITIONED.all), month: onFlat(PARTITIONED.month) } as const;

interface Probe {
  readonly type: string;
  readonly id: string;
  /** One calendar month with data: [from, to). */
  readonly from: Date;
  readonly to: Date;
}

const allValues = (p: Probe) => [p.type, p.id, LIMIT + 1];
const monthValues = (p: Probe) => [p.type, p.id, p.from, p.to, LIMIT + 1];

async function rawHistory(pool: pg.Pool, text: string, values: unknown[]) {
  return (await pool.query(text, values)).rows.slice(0, LIMIT);
}

// ---------------------------------------------------------------------------------------------
// Data.

function monthStart(date: Date, offset: number): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + offset, 1));
}

/** Fails early when the OS tmpdir (where the embedded server keeps its data) is too small. */
export function checkDisk(config: BenchConfig): void {
  const stats = statfsSync(tmpdir());
  const available = stats.bavail * stats.bsize;
  const needed = 2 * config.auditRows * BYTES_PER_ROW * 1.5;
  progress(`disk: ${(available / 2 ** 30).toFixed(1)} GiB free in ${tmpdir()}; history needs ~${(needed / 2 ** 30).toFixed(1)} GiB`);
  if (available < needed) throw new Error(`not enough disk in ${tmpdir()} for BENCH_AUDIT_ROWS=${config.auditRows}`);
}

/** Partitions, rows, the flat copy, statistics. */
async function load(db: Kysely<DB>, pool: pg.Pool, config: BenchConfig): Promise<{ partitions: number; moved: number }> {
  const now = new Date();
  const first = monthStart(now, -(config.auditMonths - 1));
  const { created, movedRows } = await createAuditPartitions(db, { from: first, monthsAhead: config.auditMonths - 1 });
  progress(`history: created ${created.length} partitions (${created[0]} … ${created.at(-1)}), moved ${movedRows} rows out of DEFAULT`);
  const organizations = (await pool.query(`SELECT array_agg(id ORDER BY slug) AS ids FROM organizations`)).rows[0].ids;
  let done = 0;
  for (let m = 0; m < config.auditMonths; m += 1) {
    const rows = Math.floor(config.auditRows / config.auditMonths) + (m < config.auditRows % config.auditMonths ? 1 : 0);
    const from = monthStart(now, -(config.auditMonths - 1) + m);
    // The current month: up to now, never in the future.
    const to = new Date(Math.min(monthStart(now, -(config.auditMonths - 1) + m + 1).getTime(), now.getTime()));
    await step(`history: month ${m + 1}/${config.auditMonths} (${from.toISOString().slice(0, 7)}), ${count(rows)} rows`, () =>
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
        [rows, from, to, done, organizations, config.auditEntities],
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
        const definition = (indexdef as string)
          .replace(` INDEX ${indexname} ON ONLY public.audit_logs `, ` INDEX ${indexname.replace('audit_logs', 'audit_logs_flat')} ON public.audit_logs_flat `);
        assert.notEqual(definition, indexdef, `cannot copy index ${indexdef}`);
        await client.query(definition);
      }
      const columns = (table: string) =>
        client
          .query(
            `SELECT pg_get_indexdef(indexrelid) AS def FROM pg_index WHERE indrelid = $1::regclass`,
            [table],
          )
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
async function sampleProbes(pool: pg.Pool, config: BenchConfig): Promise<Probe[]> {
  const next = seededRandom(7);
  const numbers = Array.from({ length: SAMPLE_ENTITIES }, () => Math.floor(next() * config.auditEntities));
  const { rows } = await pool.query(
    `SELECT CASE WHEN k % 4 = 0 THEN 'user' ELSE 'staff_profile' END AS type, md5('entity-' || k)::uuid AS id
     FROM unnest($1::bigint[]) WITH ORDINALITY AS s(k, i) ORDER BY i`,
    [numbers],
  );
  const now = new Date();
  return rows.map((row) => {
    const from = monthStart(now, -Math.floor(next() * config.auditMonths));
    return { type: row.type, id: row.id, from, to: monthStart(from, 1) };
  });
}

// ---------------------------------------------------------------------------------------------
// The run.

function describe(plan: PlanSummary): string {
  const partitions = new Set(plan.scans.map((s) => s.relation));
  const rows = Math.round(plan.scans.reduce((sum, s) => sum + s.rows, 0));
  const indexes = new Set(plan.scans.map((s) => (s.index ?? 'seq scan').replace(/^audit_logs_(y\d{4}m\d{2}|default|flat)_/, '…_')));
  return `${plan.shape}; ${partitions.size} relation${partitions.size === 1 ? '' : 's'} scanned via ${[...indexes].join(', ')}` +
    `${plan.subplansRemoved ? ` (${plan.subplansRemoved} pruned at run time)` : ''}; ${count(rows)} rows read; ` +
    `${count(plan.buffers)} buffers; planning ${plan.planningMs.toFixed(2)} ms, execution ${plan.executionMs.toFixed(2)} ms`;
}

/** Loads the rows, measures partitioned against flat; returns the section's markdown. */
export async function runHistorySection(url: string, setup: Connections, config: BenchConfig): Promise<string> {
  const loaded = await load(setup.db, setup.pool, config);
  const { db, pool, close } = openConnections(url);
  try {
    return await measureHistory(url, db, pool, config, loaded);
  } finally {
    await close();
  }
}

async function measureHistory(
  url: string,
  db: Kysely<DB>,
  pool: pg.Pool,
  config: BenchConfig,
  { partitions, moved }: { partitions: number; moved: number },
): Promise<string> {
  const probes = await sampleProbes(pool, config);

  // Same SQL, same parameters, same rows.
  const { db: logged, sent } = createLoggingDatabase(url);
  try {
    const audit = createRepositories(logged).audit;
    for (const probe of probes.slice(0, 50)) {
      for (const month of [false, true]) {
        sent.length = 0;
        const viaRepo = await audit.listEntityHistory(probe.type, probe.id, {
          limit: LIMIT,
          ...(month ? { from: probe.from, to: probe.to } : {}),
        });
        const [text, flat, values] = month
          ? [PARTITIONED.month, FLAT.month, monthValues(probe)]
          : [PARTITIONED.all, FLAT.all, allValues(probe)];
        assert.deepEqual(sent.map((q) => q.sql), [text], 'entity history: the raw SQL differs from the repository’s');
        assert.deepEqual(sent[0]!.parameters, values, 'entity history: parameters');
        assert.deepEqual(await rawHistory(pool, text, values), viaRepo.items, 'entity history: partitioned rows');
        assert.deepEqual(await rawHistory(pool, flat, values), viaRepo.items, 'entity history: flat rows');
      }
    }
  } finally {
    await logged.destroy();
  }

  const audit = createRepositories(db).audit;
  const measure = (label: string, month: boolean) => {
    const values = month ? monthValues : allValues;
    const [partitionedSql, flatSql] = month ? [PARTITIONED.month, FLAT.month] : [PARTITIONED.all, FLAT.all];
    return measureInterleaved(label, ITERATIONS, WARMUP_ITERATIONS, {
      repo: (i) => {
        const p = cyclic(probes, i);
        return audit.listEntityHistory(p.type, p.id, { limit: LIMIT, ...(month ? { from: p.from, to: p.to } : {}) });
      },
      raw: (i) => rawHistory(pool, partitionedSql, values(cyclic(probes, i))),
      flat: (i) => rawHistory(pool, flatSql, values(cyclic(probes, i))),
    });
  };
  const all = await measure('history (no range)', false);
  const month = await measure('history (one month)', true);

  const row = (name: string, l: typeof all) => {
    const [repo, raw, flat] = [summarize(l.repo), summarize(l.raw), summarize(l.flat)];
    return [
      name,
      us(repo.median),
      us(repo.p99),
      us(raw.median),
      us(raw.p99),
      us(flat.median),
      us(flat.p99),
      `**${(raw.median / flat.median).toFixed(2)}×**`,
      `${(raw.p99 / flat.p99).toFixed(2)}×`,
      (repo.median / raw.median).toFixed(3),
    ];
  };
  const probe = probes[0]!;
  const plans = [
    ['no range, partitioned', await explain(pool, PARTITIONED.all, allValues(probe))],
    ['no range, flat', await explain(pool, FLAT.all, allValues(probe))],
    ['one month, partitioned', await explain(pool, PARTITIONED.month, monthValues(probe))],
    ['one month, flat', await explain(pool, FLAT.month, monthValues(probe))],
  ] as const;
  const perEntity = config.auditRows / config.auditEntities;
  return [
    `${count(config.auditRows)} generated audit rows over ${config.auditMonths} months (${partitions} partitions of ` +
      `audit_logs including DEFAULT; ${moved} earlier rows moved out of DEFAULT), ${count(config.auditEntities)} entities ` +
      `(~${perEntity.toFixed(0)} events each, ~${(perEntity / config.auditMonths).toFixed(1)} per month); ` +
      `page size ${LIMIT} (the queries fetch ${LIMIT + 1}).`,
    '',
    markdownTable(
      [
        'listEntityHistory',
        'partitioned repo median µs',
        'p99 µs',
        'partitioned raw median µs',
        'p99 µs',
        'flat raw median µs',
        'p99 µs',
        'partitioned / flat (raw, median)',
        'p99 ratio',
        'repo / raw (partitioned, median)',
      ],
      [row(`no range, limit ${LIMIT}`, all), row(`one-month from/to, limit ${LIMIT}`, month)],
    ),
    '',
    'Plans (first sampled entity; one EXPLAIN (ANALYZE, BUFFERS) each, after the timing):',
    '',
    ...plans.map(([name, plan]) => `- ${name}: ${describe(plan)}`),
  ].join('\n');
}
