import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { loadDatabaseConfig } from '../../../src/core/config/index.js';
import { createDatabase } from '../../../src/core/database/create-database.js';
import { TEST_SERVER_ENV } from '../../../src/testing/test-database.js';

describe('createDatabase: a rotated secret is re-read once on an authentication failure', () => {
  const server = new URL(process.env[TEST_SERVER_ENV] ?? 'postgres://x@localhost/x');
  // Against a trust-auth server (PostgreSQL 15 via DATABASE_URL) any password is accepted.
  it.skipIf(!server.password)('connects after one refresh when the cached password went stale', async () => {
    const right = decodeURIComponent(server.password);
    const secrets = [`${right}-stale`, right];
    let fetches = 0;
    const config = await loadDatabaseConfig(
      { DATABASE_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf', DATABASE_SSL_MODE: 'disable' },
      {
        fetchSecret: async () => {
          const password = secrets[Math.min(fetches, secrets.length - 1)]!;
          fetches += 1;
          return JSON.stringify({
            username: decodeURIComponent(server.username),
            password,
            host: server.hostname,
            port: server.port,
            dbname: 'postgres',
          });
        },
      },
    );
    const db = createDatabase({ ...config, max: 1, refreshPassword: () => config.refreshSecret() });
    try {
      const { rows } = await sql<{ one: number }>`SELECT 1 AS one`.execute(db);
      expect(rows).toEqual([{ one: 1 }]);
      expect(fetches).toBe(2); // the stale one at load, the fresh one after the refusal
    } finally {
      await db.destroy();
    }
  });
});
