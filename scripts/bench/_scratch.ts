import { sql } from 'kysely';
import { createDatabase } from '../../src/database/create-database.js';
import { migrate } from '../../src/migrations/migrate.js';
import { createRepositories } from '../../src/repositories/index.js';
import { seedDefaults } from '../../src/seeders/seed-defaults.js';
import { startPostgresServer } from '../../src/testing/postgres-server.js';
import { createBenchDatabase, createLoggingDatabase } from './support.js';
const server = await startPostgresServer({ url: null });
try {
  const url = await createBenchDatabase(server.adminUrl, 'bench');
  const db = createDatabase({ connectionString: url });
  await migrate(db);
  await seedDefaults(db);
  const repos = createRepositories(db);
  const org = await repos.organizations.create({ slug: 'x', name: 'X' });
  const { db: logged, sent } = createLoggingDatabase(url);
  const r = createRepositories(logged);
  const reg = await r.users.register({ organizationId: org.id, authSubject: 'a|1', email: 'a@b.cd', fullName: 'A B' });
  await r.users.findById(reg.user.id);
  await r.access.hasPermission(reg.user.id, 'user:read');
  await r.audit.listEntityHistory('user', reg.user.id, { limit: 50 });
  await r.audit.listEntityHistory('user', reg.user.id, { limit: 50, from: new Date('2026-01-01'), to: new Date('2026-02-01') });
  await r.staffProfileQueries.listPendingQueue(org.id, { limit: 20 });
  for (const s of sent) console.log(JSON.stringify(s.sql), JSON.stringify(s.parameters));
  console.log((await sql`select version()`.execute(db)).rows);
  await logged.destroy(); await db.destroy();
} finally { await server.stop(); }
