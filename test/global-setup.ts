// One PostgreSQL server for the whole run (DATABASE_URL, a container, or embedded), published
// to the test workers; each test file then clones the migrated template.
import { embeddedMigrations } from '../src/migrations/embedded-migrations.js';
import { startTestServer } from '../src/testing/test-database.js';
import { readSqlMigrations } from '../scripts/lib/sql-migrations.js';

export default async function setup(): Promise<() => Promise<void>> {
  const files = readSqlMigrations();
  const same =
    files.length === embeddedMigrations.length &&
    files.every((m, i) => {
      const e = embeddedMigrations[i];
      return e?.name === m.name && e.checksum === m.checksum && e.down.sql === m.down.sql;
    });
  if (!same) {
    throw new Error('src/migrations/embedded-migrations.ts is out of date with sql/: run npm run codegen');
  }
  return startTestServer();
}
