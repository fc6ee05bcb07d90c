// The database side of the compatibility gate (scripts/compat/gate.sh): a fresh database
// migrated and seeded by THIS checkout, with an owner and an application-role connection, on
// which the previous release's smoke (previous-release-smoke.mjs, run in the project given as
// the first argument) must pass. Uses DATABASE_URL when set, else embedded PostgreSQL.
import { spawnSync } from 'node:child_process';
import { createTestDatabase } from '../../src/testing/test-database.js';

const project = process.argv[2];
if (!project) throw new Error('usage: tsx scripts/compat/run-smoke.ts <project with the previous release installed>');
const database = await createTestDatabase({ seed: true });
let status = 1;
try {
  const result = spawnSync(process.execPath, ['previous-release-smoke.mjs'], {
    cwd: project,
    stdio: 'inherit',
    env: { ...process.env, OWNER_URL: database.connectionString, APP_URL: database.appConnectionString },
  });
  status = result.status ?? 1;
} finally {
  await database.dispose();
}
process.exitCode = status;
