import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { embeddedMigrations } from '../src/core/migrations/embedded-migrations.js';
import { createTestDatabase, TEST_SERVER_ENV } from '../src/testing/test-database.js';
import { useTestDatabase } from './helpers/database.js';

describe('test harness', () => {
  const testDb = useTestDatabase();

  it('workers receive the run-wide server from the global setup', () => {
    expect(process.env[TEST_SERVER_ENV]).toMatch(/^postgres(ql)?:\/\//);
  });

  it('gives each file a migrated database', async () => {
    const rows = await sql<{ name: string }>`SELECT name FROM org_data_migrations ORDER BY name`.execute(
      testDb.current.db,
    );
    expect(rows.rows.map((r) => r.name)).toEqual(embeddedMigrations.map((m) => m.name));
  });

  it('runs every connection with TimeZone=UTC', async () => {
    const { rows } = await sql<{ TimeZone: string }>`SHOW TimeZone`.execute(testDb.current.db);
    expect(rows[0]?.TimeZone).toBe('UTC');
  });

  it('isolates databases: a write in one is invisible in another, and dispose drops it', async () => {
    const other = await createTestDatabase();
    await sql`INSERT INTO roles (name) VALUES ('only-here')`.execute(other.db);
    const here = await sql`SELECT 1 FROM roles WHERE name = 'only-here'`.execute(testDb.current.db);
    expect(here.rows).toHaveLength(0);
    await other.dispose();
    const left = await sql`SELECT 1 FROM pg_database WHERE datname = ${other.name}`.execute(testDb.current.db);
    expect(left.rows).toHaveLength(0);
  });

  it('can give an empty database', async () => {
    const empty = await createTestDatabase({ migrated: false });
    try {
      const { rows } = await sql`SELECT to_regclass('users') AS t`.execute(empty.db);
      expect(rows[0]).toEqual({ t: null });
    } finally {
      await empty.dispose();
    }
  });
});
