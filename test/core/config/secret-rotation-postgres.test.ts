import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { isAuthenticationError } from '../../../src/core/config/authentication-error.js';
import { loadDatabaseConfig } from '../../../src/core/config/load-database-config.js';
import { createDatabase } from '../../../src/core/database/create-database.js';
import { TEST_SERVER_ENV } from '../../../src/testing/test-database.js';
import { ARN, caught, expectNoValues } from './config-helpers.js';

/** The server the global setup started (or DATABASE_URL), e.g. postgres://postgres:postgres@127.0.0.1:PORT/postgres. */
function testServer(): URL {
  const url = process.env[TEST_SERVER_ENV];
  if (!url) throw new Error(`${TEST_SERVER_ENV} is not set: run through vitest's global setup`);
  return new URL(url);
}

const server = testServer();

/** The server's connection fields as a Secrets Manager-shaped secret, with `password`. */
function secretFor(password: string): string {
  return JSON.stringify({
    engine: 'postgres',
    username: decodeURIComponent(server.username),
    password,
    host: server.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: server.port || '5432',
    dbname: decodeURIComponent(server.pathname.slice(1)) || 'postgres',
  });
}

async function currentUser(config: pg.ClientConfig): Promise<string> {
  const client = new pg.Client(config);
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<{ user: string }>('SELECT current_user AS user')).rows[0]?.user ?? '';
  } finally {
    await client.end();
  }
}

describe('configuration against a real PostgreSQL', () => {
  it('connects with a config loaded from a URL', async () => {
    const config = await loadDatabaseConfig({ DATABASE_URL: server.href }, { allowMissingPassword: true });
    expect(await currentUser({ ...config })).toBe(decodeURIComponent(server.username));
    const db = createDatabase({ ...config, max: 1 });
    try {
      const { rows } = await sql<{ one: number }>`SELECT 1 AS one`.execute(db);
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await db.destroy();
    }
  });

  // The embedded server (and a container) use password authentication. When DATABASE_URL points
  // at a trust-auth server (the local PostgreSQL 15, URL without a password), any password is
  // accepted, so a wrong one cannot fail: skip.
  it.skipIf(server.password === '')(
    'a stale password fails with 28P01; after refreshSecret() the rotated one connects',
    async () => {
      const realPassword = decodeURIComponent(server.password);
      const fetchSecret = vi
        .fn(async (_arn: string) => '')
        .mockResolvedValueOnce(secretFor('wrong-password-q7'))
        .mockResolvedValueOnce(secretFor(realPassword));
      const config = await loadDatabaseConfig({ DATABASE_SECRET_ARN: ARN }, { fetchSecret });
      expect(config.ssl).toBe(false); // loopback host, no TLS mode given

      const stale = new pg.Client({ ...config });
      stale.on('error', () => undefined);
      const error = await caught(() => stale.connect());
      await stale.end().catch(() => undefined);
      expect((error as { code?: string }).code).toBe('28P01');
      expect(isAuthenticationError(error)).toBe(true);

      config.refreshSecret();
      expect(await currentUser({ ...config })).toBe(decodeURIComponent(server.username));

      // A pool opening several connections reuses the cached password.
      const pool = new pg.Pool({ ...config, max: 3 });
      pool.on('error', () => undefined);
      try {
        const results = await Promise.all(Array.from({ length: 3 }, () => pool.query('SELECT pg_sleep(0.05), 1 AS one')));
        expect(results.map((r) => r.rows[0]?.one)).toEqual([1, 1, 1]);
        expect(pool.totalCount).toBe(3);
      } finally {
        await pool.end();
      }

      expect(fetchSecret).toHaveBeenCalledTimes(2);
      expect(fetchSecret).toHaveBeenCalledWith(ARN);
      expectNoValues(error, ['wrong-password-q7']);
    },
  );
});
