// npm run lint:citus — migrates a fresh database (embedded PostgreSQL, or the server of
// DATABASE_URL) and fails when its catalog would not distribute by organization_id on Citus as
// scripts/citus/distribution-plan.ts declares (rules: scripts/lib/citus-lint.ts; the plan:
// docs/scaling.md). --list prints the plan's triggers and exceptions as well.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDatabase } from '../src/core/database/create-database.js';
import { migrate } from '../src/core/migrations/migrate.js';
import { startPostgresServer } from '../src/testing/postgres-server.js';
import { DISTRIBUTION } from './citus/distribution-plan.js';
import { lintCitus } from './lib/citus-lint.js';

const server = await startPostgresServer({ announce: false });
const name = `org_data_citus_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: server.adminUrl });
await admin.connect();
let failed = false;
try {
  await admin.query(`create database ${name}`);
  const url = new URL(server.adminUrl);
  url.pathname = `/${name}`;
  const db = createDatabase({ connectionString: url.toString() });
  try {
    await migrate(db);
  } finally {
    await db.destroy();
  }
  const catalog = new pg.Client({ connectionString: url.toString() });
  await catalog.connect();
  const { findings, pending } = await lintCitus(catalog).finally(() => catalog.end());
  const size = (group: object) => Object.keys(group).length;
  console.log(
    `lint:citus: ${size(DISTRIBUTION.distributed)} distributed, ${size(DISTRIBUTION.reference)} reference, ` +
      `${size(DISTRIBUTION.local)} local tables; ${size(DISTRIBUTION.exceptions)} documented exceptions; ` +
      `${size(DISTRIBUTION.triggerFunctions)} trigger functions declared`,
  );
  if (process.argv.includes('--list')) {
    for (const [key, why] of Object.entries(DISTRIBUTION.exceptions)) console.log(`exception ${key}: ${why}`);
    for (const [fn, plan] of Object.entries(DISTRIBUTION.triggerFunctions)) console.log(`trigger function ${fn} (${plan.behaviour}): ${plan.does}`);
  }
  for (const key of pending) console.log(`pending ${key}: ${DISTRIBUTION.pending[key]}`);
  for (const f of findings) console.log(`${f.rule.padEnd(32)} ${f.table}: ${f.object} — ${f.message}`);
  console.log(`lint:citus: ${findings.length} finding${findings.length === 1 ? '' : 's'}, ${pending.length} pending (known, listed in the plan)`);
  failed = findings.length > 0;
} finally {
  await admin.query(`drop database if exists ${name} with (force)`).catch(() => undefined);
  await admin.end();
  await server.stop();
}
process.exitCode = failed ? 1 : 0;
