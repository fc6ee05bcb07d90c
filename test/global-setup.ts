// One PostgreSQL server for the whole run (DATABASE_URL, a container, or embedded), published
// to the test workers; each test file then clones the migrated template. The teardown scans
// every log line the workers produced for the server's password and for the canary row values
// of test/secrets.test.ts: none may appear.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedMigrations } from '../src/core/migrations/embedded-migrations.js';
import { startTestServer, TEST_SERVER_ENV } from '../src/testing/test-database.js';
import { readSqlMigrations } from '../scripts/lib/sql-migrations.js';
import { CANARIES } from './helpers/canaries.js';

export default async function setup(): Promise<() => Promise<void>> {
  const files = readSqlMigrations();
  const same =
    files.length === embeddedMigrations.length &&
    files.every((m, i) => {
      const e = embeddedMigrations[i];
      return e?.name === m.name && e.checksum === m.checksum && e.down.sql === m.down.sql;
    });
  if (!same) {
    throw new Error('src/core/migrations/embedded-migrations.ts is out of date with sql/: run npm run codegen');
  }
  const logDir = mkdtempSync(join(tmpdir(), 'org-data-logs-'));
  process.env.ORG_DATA_LOG_SCAN_DIR = logDir;
  const stop = await startTestServer();
  const password = new URL(process.env[TEST_SERVER_ENV]!).password;
  return async () => {
    await stop();
    const secrets = [...CANARIES, ...(password.length >= 8 ? [decodeURIComponent(password)] : [])];
    const leaks: string[] = [];
    for (const file of readdirSync(logDir)) {
      const text = readFileSync(join(logDir, file), 'utf8');
      for (const secret of secrets) if (text.includes(secret)) leaks.push(`${file}: ${secret.slice(0, 6)}…`);
    }
    rmSync(logDir, { recursive: true, force: true });
    if (leaks.length > 0) throw new Error(`Secrets or row values appeared in test logs: ${leaks.join(', ')}`);
  };
}
