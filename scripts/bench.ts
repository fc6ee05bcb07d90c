// npm run bench    what the package costs on top of PostgreSQL, and how its queries hold up at volume
//
// Always an embedded PostgreSQL (DATABASE_URL is ignored; its data directory is under the OS
// tmpdir), one database, seeded with 10 organizations of 5,000 users (seedDevData). Then, in
// this order (each section in scripts/bench/, which describes its method in detail):
//
//   identity  users.findById, access.hasPermission, users.register and findById through
//             CamelCasePlugin, through the repositories against the same SQL with raw `pg`
//   verify    staffProfiles.verify (conditional UPDATE + audit insert in one transaction)
//             against the same statements with raw `pg`
//   queue     the pending queue with BENCH_PROFILES staff profiles (10% pending): page 1
//             against page BENCH_QUEUE_PAGE (size 20), by keyset and by OFFSET
//   history   audit.listEntityHistory with BENCH_AUDIT_ROWS audit rows over BENCH_AUDIT_MONTHS
//             monthly partitions against the same rows in one unpartitioned table
//   documents BENCH_DOCUMENTS documents over BENCH_CLIENTS clients: fuzzy name search,
//             metadata containment search, addVersion under 8 concurrent writers
//
// Repository-against-raw comparisons run interleaved in one process: every iteration runs
// each side once on the same input (two sides alternate which goes first, more run in a seeded
// random order), after a warm-up; calls run one at a time, so each sample is one call's
// latency, on connections opened after the section's data was loaded. Before timing, every
// section checks that the raw SQL is the SQL the repositories send (byte for byte; the
// transition UPDATE up to whitespace), with the same parameters, and that both sides return
// the same rows.
//
// Targets (reported, never enforced: timings depend on the machine, so the script exits 0
// whatever they are): reads within 10% of raw pg (median ratio <= 1.10); keyset page 500
// within 1.5× of page 1.
//
// Environment (defaults are the sizes; the full run takes ~10 min on 2 cores and ~11 GB
// under the OS tmpdir):
//   BENCH_SECTIONS=identity,verify,queue,history,documents   which sections to run
//   BENCH_DOCUMENTS=1000000   BENCH_CLIENTS=1000
//   BENCH_PROFILES=1000000   BENCH_QUEUE_PAGE=500
//   BENCH_AUDIT_ROWS=10000000   BENCH_AUDIT_ENTITIES=100000   BENCH_AUDIT_MONTHS=24
//
// Progress goes to stderr, the report (markdown) to stdout.
import { cpus, totalmem } from 'node:os';
import type pg from 'pg';
import { migrate } from '../src/core/migrations/migrate.js';
import { startPostgresServer } from '../src/testing/postgres-server.js';
import { checkDisk, HISTORY_METHOD, runHistorySection } from './bench/audit-history.js';
import { IDENTITY_METHOD, ORGANIZATIONS, runIdentitySection, seedIdentity, USERS_PER_ORGANIZATION } from './bench/identity.js';
import { QUEUE_METHOD, runQueueSection } from './bench/pending-queue.js';
import { readDocumentsConfig, runDocumentsSection } from './bench/documents.js';
import {
  count,
  countRows,
  createBenchDatabase,
  elapsedSeconds,
  openConnections,
  packageVersion,
  POOL_SIZE,
  readConfig,
  step,
  type BenchConfig,
  type Connections,
} from './bench/support.js';
import { runVerifySection, VERIFY_METHOD } from './bench/verify-transition.js';

async function printEnvironment(pool: pg.Pool, config: BenchConfig): Promise<void> {
  const setting = async (name: string) => (await pool.query(`show ${name}`)).rows[0][name] as string;
  const cpu = cpus();
  console.log('## Environment\n');
  console.log(
    `Node ${process.version}, PostgreSQL ${await setting('server_version')} (embedded; shared_buffers ` +
      `${await setting('shared_buffers')}, work_mem ${await setting('work_mem')}, fsync ${await setting('fsync')}, ` +
      `synchronous_commit ${await setting('synchronous_commit')}), kysely ${packageVersion('kysely')}, ` +
      `pg ${packageVersion('pg')}; ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ` +
      `${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM`,
  );
  console.log(
    `pool max ${POOL_SIZE}; calls run one at a time. identity: ${IDENTITY_METHOD}; verify: ${VERIFY_METHOD}; ` +
      `queue: ${QUEUE_METHOD}; history: ${HISTORY_METHOD}.`,
  );
  console.log(
    `sections: ${[...config.sections].join(', ')}; seed ${ORGANIZATIONS} organizations × ${count(USERS_PER_ORGANIZATION)} users; ` +
      `BENCH_PROFILES=${config.profiles} BENCH_QUEUE_PAGE=${config.queuePage} BENCH_AUDIT_ROWS=${config.auditRows} ` +
      `BENCH_AUDIT_ENTITIES=${config.auditEntities} BENCH_AUDIT_MONTHS=${config.auditMonths}`,
  );
  console.log();
}

async function printRowCounts(pool: pg.Pool): Promise<void> {
  const tables: [string, string?][] = [
    ['organizations'],
    ['users'],
    ['user_profiles'],
    ['user_roles'],
    ['user_staff_profiles'],
    ['user_staff_profiles', `profile_verification_status = 'pending'`],
    ['audit_logs'],
  ];
  const exists = await pool.query(`select to_regclass('audit_logs_flat') is not null as flat`);
  if (exists.rows[0].flat) tables.push(['audit_logs_flat']);
  const counts: string[] = [];
  for (const [table, where] of tables) {
    counts.push(`${table}${where ? ' (pending)' : ''} ${count(await countRows(pool, table, where))}`);
  }
  const partitions = await pool.query(`select count(*)::int as n from pg_inherits where inhparent = 'audit_logs'::regclass`);
  const size = await pool.query(`select pg_size_pretty(pg_database_size(current_database())) as size`);
  console.log('## Row counts\n');
  console.log(`${counts.join(', ')}; audit_logs partitions (incl. DEFAULT) ${partitions.rows[0].n}; database size ${size.rows[0].size}`);
  console.log();
}

function printSection(title: string, markdown: string): void {
  console.log(`## ${title}\n`);
  console.log(markdown);
  console.log();
}

async function main(): Promise<void> {
  const config = readConfig();
  if (config.sections.has('history')) checkDisk(config);
  const server = await step('starting embedded PostgreSQL', () => startPostgresServer({ url: null }));
  let setup: Connections | undefined;
  try {
    const url = await createBenchDatabase(server.adminUrl, 'bench');
    // Migrations, seeding and loading; every section times its calls on connections of its own.
    setup = openConnections(url);
    await migrate(setup.db);
    await printEnvironment(setup.pool, config);
    await seedIdentity(setup.db);

    if (config.sections.has('identity')) {
      printSection('Repositories vs raw pg', await runIdentitySection(url, setup));
    }
    if (config.sections.has('verify')) {
      printSection('Verify transition (conditional UPDATE + audit insert, one transaction)', await runVerifySection(url, setup));
    }
    if (config.sections.has('queue')) {
      printSection(
        'Pending queue: page 1 vs a deep page, keyset vs OFFSET',
        await runQueueSection(url, setup, config),
      );
    }
    if (config.sections.has('history')) {
      printSection('Entity history: monthly partitions vs one table', await runHistorySection(url, setup, config));
    }
    if (config.sections.has('documents')) {
      printSection('Clients and documents: search and concurrent versions', await runDocumentsSection(url, readDocumentsConfig()));
    }
    await printRowCounts(setup.pool);
    console.log(`Total runtime ${(elapsedSeconds() / 60).toFixed(1)} min.`);
  } finally {
    await setup?.close();
    await step('stopping PostgreSQL', () => server.stop());
  }
}

await main();
