// npm run seed:dev -- [--seed N] [--organizations N] [--users N]
// Fills the database at DATABASE_URL (migrated first) with deterministic fake data for local
// work, printing progress to stderr. Idempotent: a second run with the same seed adds nothing.
import { parseArgs } from 'node:util';
import { createDatabase } from '../src/core/database/create-database.js';
import { migrate } from '../src/core/migrations/migrate.js';
import { seedDevData } from '../src/contexts/identity/seeders/seed-dev-data.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '42' },
    organizations: { type: 'string', default: '3' },
    users: { type: 'string', default: '20' },
  },
});
const counts = Object.fromEntries(
  (['seed', 'organizations', 'users'] as const).map((key) => {
    const value = Number(values[key]);
    if (!Number.isSafeInteger(value) || value < 0) {
      console.error(`seed:dev: --${key} must be a whole number`);
      process.exit(64);
    }
    return [key, value];
  }),
) as Record<'seed' | 'organizations' | 'users', number>;
const connectionString = process.env.DATABASE_URL;
if (!connectionString) {
  console.error('seed:dev: DATABASE_URL is not set');
  process.exit(64);
}
const db = createDatabase({ connectionString });
try {
  await migrate(db);
  const started = Date.now();
  const result = await seedDevData(db, {
    seed: counts.seed,
    organizations: counts.organizations,
    usersPerOrganization: counts.users,
    onProgress: (done, total) => {
      const percent = Math.floor((done / total) * 100);
      process.stderr.write(`\rseeding users ${done}/${total} (${percent}%)`);
    },
  });
  process.stderr.write('\n');
  console.log(
    `${result.organizationIds.length} organizations, ${result.usersCreated} users created ` +
      `in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
} finally {
  await db.destroy();
}
