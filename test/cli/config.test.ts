// How the CLI reads its connections: placeholders refused before any connection, the owner and
// application variables, and secret ARNs through the real AWS fetcher with a fake SDK module.
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/database.js';
import { cli, FAKE_AWS_SDK, FAKE_SECRETS_ENV } from './run-cli.js';

const OWNER_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:test/org-data-owner-AbCdEf';
const APP_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:test/org-data-app-AbCdEf';

/** A TCP server that counts connections and closes them: proof that nothing was connected. */
function countingServer() {
  let connections = 0;
  let server: Server | undefined;
  beforeAll(async () => {
    server = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => new Promise<void>((resolve) => server?.close(() => resolve())));
  return {
    get port() {
      return (server?.address() as { port: number }).port;
    },
    get connections() {
      return connections;
    },
  };
}

describe('org-data configuration', () => {
  const listener = countingServer();

  it('refuses a placeholder password before any DNS lookup or connection (exit 78)', async () => {
    // db.invalid cannot resolve: a lookup would fail with ENOTFOUND and exit 1, not 78.
    for (const [password, host] of [
      ['changeme', `127.0.0.1:${listener.port}`],
      ['%24%7BDB_PASSWORD%7D', 'db.invalid'],
    ]) {
      const result = await cli(['migrate'], { env: { DATABASE_URL: `postgres://app:${password}@${host}/orgdata` } });
      expect(result.code).toBe(78);
      expect(result.stderr).toBe('org-data: Invalid database configuration: DATABASE_URL.password is a placeholder\n');
    }
    expect(listener.connections).toBe(0);
  }, 90_000);

  it('names the owner variable when the owner URL holds the placeholder; a valid DATABASE_URL does not help', async () => {
    const result = await cli(['status'], {
      env: {
        DATABASE_URL: `postgres://app:real-password@127.0.0.1:${listener.port}/orgdata`,
        DATABASE_OWNER_URL: `postgres://owner:changeme@127.0.0.1:${listener.port}/orgdata`,
      },
    });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('DATABASE_OWNER_URL.password is a placeholder');
    expect(result.stderr).not.toContain('real-password');
    expect(listener.connections).toBe(0);
  });
});

describe('org-data with secret ARNs (fake AWS SDK module)', () => {
  const testDb = useTestDatabase();
  const listener = countingServer();

  /** The secret JSON of the test database (its own password; under trust authentication any is accepted). */
  function secretFor(changes: Record<string, unknown> = {}) {
    const url = new URL(testDb.current.connectionString);
    return JSON.stringify({
      engine: 'postgres',
      username: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password) || 'not-checked-by-trust-auth',
      host: url.hostname,
      port: Number(url.port || 5432),
      dbname: url.pathname.slice(1),
      ...changes,
    });
  }

  it('reads DATABASE_OWNER_SECRET_ARN through the AWS fetcher and runs the command', async () => {
    const result = await cli(['status'], {
      imports: [FAKE_AWS_SDK],
      env: { DATABASE_OWNER_SECRET_ARN: OWNER_ARN, [FAKE_SECRETS_ENV]: JSON.stringify({ [OWNER_ARN]: secretFor() }) },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^applied\s+20261121090000_create_organizations/m);
  }, 60_000);

  it('refuses a placeholder in the secret, naming the key, without connecting (exit 78)', async () => {
    const result = await cli(['doctor'], {
      imports: [FAKE_AWS_SDK],
      env: {
        DATABASE_SECRET_ARN: APP_ARN,
        [FAKE_SECRETS_ENV]: JSON.stringify({
          [APP_ARN]: secretFor({ password: '<password>', host: '127.0.0.1', port: listener.port }),
        }),
      },
    });
    expect(result.code).toBe(78);
    expect(result.stderr).toBe('org-data: Invalid database configuration: DATABASE_SECRET_ARN.password is a placeholder\n');
    expect(listener.connections).toBe(0);
  }, 60_000);

  it('reports a secret that cannot be fetched by the error name, never the ARN (exit 78)', async () => {
    const result = await cli(['migrate'], {
      imports: [FAKE_AWS_SDK],
      env: { DATABASE_OWNER_SECRET_ARN: OWNER_ARN, [FAKE_SECRETS_ENV]: '{}' },
    });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('DATABASE_OWNER_SECRET_ARN secret could not be fetched (ResourceNotFoundException)');
    expect(result.stderr).not.toContain('org-data-owner');
  }, 60_000);
});
