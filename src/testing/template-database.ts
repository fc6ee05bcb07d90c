import { createHash } from 'node:crypto';
import pg from 'pg';
import { createDatabase } from '../core/database/create-database.js';
import { migrate } from '../core/migrations/migrate.js';
import type { Migration } from '../core/migrations/migration.js';
import { sortedMigrations } from '../core/migrations/status.js';

/** Bump when the runner's tracking table changes shape, so old templates are not reused. */
const TEMPLATE_FORMAT = 'tracking-v2';

/** Serializes template creation across processes sharing one server. */
const TEMPLATE_LOCK_KEY = '4207311958340118';

/** Replaces the database name in a connection string. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** Runs `fn` with a short-lived client connected to the server's maintenance database. */
export async function withAdminClient<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Returns the name of a database migrated with `migrations`, creating it once per server
 * and migration set: its name carries a hash of the migrations' names and checksums, so
 * a changed migration gets a new template. Built under another name and renamed when
 * complete, so a crashed build is never used.
 */
export async function ensureTemplate(adminUrl: string, migrations?: readonly Migration[]): Promise<string> {
  const list = sortedMigrations({ migrations });
  const hash = createHash('sha256')
    .update(TEMPLATE_FORMAT)
    .update(list.map((m) => `${m.name}:${m.checksum}:${m.downChecksum}`).join('\n'))
    .digest('hex')
    .slice(0, 16);
  const template = `org_data_tpl_${hash}`;
  const building = `${template}_building`;
  return withAdminClient(adminUrl, async (admin) => {
    await admin.query(`SELECT pg_advisory_lock(${TEMPLATE_LOCK_KEY})`);
    try {
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
      if (exists.rowCount) return template;
      await admin.query(`DROP DATABASE IF EXISTS "${building}"`);
      await admin.query(`CREATE DATABASE "${building}" TEMPLATE template0 ENCODING 'UTF8'`);
      const db = createDatabase({ connectionString: withDatabase(adminUrl, building), max: 1 });
      try {
        await migrate(db, { migrations: list });
      } finally {
        await db.destroy();
      }
      await admin.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
      return template;
    } finally {
      await admin.query(`SELECT pg_advisory_unlock(${TEMPLATE_LOCK_KEY})`);
    }
  });
}
