// npx tsx scripts/bench-documents.ts    the clients-and-documents benchmark on its own
//
// Starts an embedded PostgreSQL (DATABASE_URL is ignored; its data directory is under the OS
// tmpdir), creates and migrates one database, and runs the documents section
// (scripts/bench/documents.ts describes the data and the method): fuzzy name search and
// metadata containment search, and addVersion under 8 concurrent writers, through the
// repositories against the same SQL with raw `pg`.
//
// Environment (defaults are the sizes; the full run takes ~6 min on 2 cores and ~1.5 GB
// under the OS tmpdir):
//   BENCH_DOCUMENTS=1000000   BENCH_CLIENTS=1000
//
// Progress goes to stderr, the report (markdown) to stdout.
import { cpus, totalmem } from 'node:os';
import { createDatabase } from '../src/core/database/create-database.js';
import { migrate } from '../src/core/migrations/migrate.js';
import { startPostgresServer } from '../src/testing/postgres-server.js';
import { DOCUMENTS_METHOD, readDocumentsConfig, runDocumentsSection } from './bench/documents.js';
import { createBenchDatabase, createRawPool, elapsedSeconds, packageVersion, step } from './bench/support.js';

async function printEnvironment(url: string): Promise<void> {
  const pool = createRawPool(url);
  try {
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
    console.log(`${DOCUMENTS_METHOD}.`);
    console.log();
  } finally {
    await pool.end();
  }
}

async function main(): Promise<void> {
  const config = readDocumentsConfig();
  const server = await step('starting embedded PostgreSQL', () => startPostgresServer({ url: null }));
  try {
    const url = await createBenchDatabase(server.adminUrl, 'bench_documents');
    const db = createDatabase({ connectionString: url, max: 1 });
    try {
      await step('migrating', () => migrate(db));
    } finally {
      await db.destroy();
    }
    await printEnvironment(url);
    const report = await runDocumentsSection(url, config);
    console.log('## Clients and documents: search and concurrent versions\n');
    console.log(report);
    console.log();
    console.log(`Total runtime ${(elapsedSeconds() / 60).toFixed(1)} min.`);
  } finally {
    await step('stopping PostgreSQL', () => server.stop());
  }
}

await main();
