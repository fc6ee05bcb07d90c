// The database side of the compatibility gate (scripts/compat/gate.sh): a fresh database
// migrated and seeded by THIS checkout, with an owner, an application-role and a worker-role connection, on
// which the previous release's smoke (previous-release-smoke.mjs, run in the project given as
// the first argument) must pass. Uses DATABASE_URL when set, else embedded PostgreSQL.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createTestDatabase } from '../../src/testing/test-database.js';

const project = process.argv[2];
if (!project) throw new Error('usage: tsx scripts/compat/run-smoke.ts <project with the previous release installed>');
const database = await createTestDatabase({ seed: true });
// A login role granted org_data_worker, as a DBA makes one for a service's worker.
const workerRole = `org_data_compat_worker_${randomBytes(4).toString('hex')}`;
const workerPassword = randomBytes(12).toString('hex');
const admin = new pg.Client({ connectionString: database.connectionString });
await admin.connect();
let status = 1;
try {
  await admin.query(`CREATE ROLE ${workerRole} LOGIN PASSWORD '${workerPassword}' IN ROLE org_data_worker`);
  const workerUrl = new URL(database.connectionString);
  workerUrl.username = workerRole;
  workerUrl.password = workerPassword;
  const result = spawnSync(process.execPath, ['previous-release-smoke.mjs'], {
    cwd: project,
    stdio: 'inherit',
    env: { ...process.env, OWNER_URL: database.connectionString, APP_URL: database.appConnectionString, WORKER_URL: workerUrl.toString() },
  });
  status = result.status ?? 1;
} finally {
  await admin.query(`DROP OWNED BY ${workerRole}`).catch(() => undefined);
  await admin.query(`DROP ROLE IF EXISTS ${workerRole}`).catch(() => undefined);
  await admin.end();
  await database.dispose();
}
process.exitCode = status;
