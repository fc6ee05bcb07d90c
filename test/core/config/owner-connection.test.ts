// The owner (migration) connection beside the application connection: DATABASE_OWNER_URL or
// DATABASE_OWNER_SECRET_ARN, falling back to the application variables when neither is set.
import { describe, expect, it, vi } from 'vitest';
import { loadDatabaseConfig } from '../../../src/core/config/load-database-config.js';
import { ARN, caught, expectConfigError, expectNoValues, PLACEHOLDERS, SECRET_VALUES, secretJson } from './config-helpers.js';

const APP_URL = 'postgres://app_login:app-pass-q1@db.example.com:5432/orgdata';
const OWNER_URL = 'postgres://owner_login:owner-pass-q2@db.example.com:5432/orgdata';
const OWNER_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/org-data-owner-XyZ';

function fetcher(text = secretJson()) {
  return vi.fn(async (_arn: string) => text);
}

describe('loadDatabaseConfig connection: owner', () => {
  it('reads DATABASE_OWNER_URL for the owner and DATABASE_URL for the application', async () => {
    const env = { DATABASE_URL: APP_URL, DATABASE_OWNER_URL: OWNER_URL };
    const owner = await loadDatabaseConfig(env, { connection: 'owner' });
    const app = await loadDatabaseConfig(env);
    expect(owner).toMatchObject({ user: 'owner_login', password: 'owner-pass-q2' });
    expect(owner.variable).toBe('DATABASE_OWNER_URL');
    expect(app).toMatchObject({ user: 'app_login', password: 'app-pass-q1' });
    expect(app.variable).toBe('DATABASE_URL');
    expect(await loadDatabaseConfig(env, { connection: 'application' })).toMatchObject({ user: 'app_login' });
    // variable is non-enumerable: spreading the config into a pg pool config adds nothing.
    expect(Object.keys(owner)).not.toContain('variable');
  });

  it('falls back to the application variables when no owner variable is set', async () => {
    const owner = await loadDatabaseConfig({ DATABASE_URL: APP_URL }, { connection: 'owner' });
    expect(owner).toMatchObject({ user: 'app_login', password: 'app-pass-q1' });
    expect(owner.variable).toBe('DATABASE_URL');
    const fetchSecret = fetcher();
    const fromSecret = await loadDatabaseConfig({ DATABASE_SECRET_ARN: ARN }, { connection: 'owner', fetchSecret });
    expect(fromSecret.variable).toBe('DATABASE_SECRET_ARN');
    expect(fetchSecret).toHaveBeenCalledWith(ARN);
  });

  it('needs no application variable when the owner one is set (a migration job)', async () => {
    const owner = await loadDatabaseConfig({ DATABASE_OWNER_URL: OWNER_URL }, { connection: 'owner' });
    expect(owner.user).toBe('owner_login');
    // The application connection itself still needs its own variable.
    expectConfigError(await caught(() => loadDatabaseConfig({ DATABASE_OWNER_URL: OWNER_URL })), ['DATABASE_URL']);
  });

  it('names the owner variable when nothing is set', async () => {
    const error = expectConfigError(await caught(() => loadDatabaseConfig({}, { connection: 'owner' })), ['DATABASE_OWNER_URL']);
    expect(error.message).toContain('DATABASE_URL');
  });

  it('reads the owner secret with the injected fetcher, naming DATABASE_OWNER_SECRET_ARN in errors', async () => {
    const fetchSecret = fetcher(secretJson({ username: 'owner_from_secret' }));
    const owner = await loadDatabaseConfig(
      { DATABASE_URL: APP_URL, DATABASE_OWNER_SECRET_ARN: OWNER_ARN },
      { connection: 'owner', fetchSecret },
    );
    expect(fetchSecret).toHaveBeenCalledWith(OWNER_ARN);
    expect(owner).toMatchObject({ user: 'owner_from_secret', host: SECRET_VALUES.host });
    expect(owner.source).toBe('secret');
    expect(owner.variable).toBe('DATABASE_OWNER_SECRET_ARN');

    const bad = await caught(() =>
      loadDatabaseConfig(
        { DATABASE_OWNER_SECRET_ARN: OWNER_ARN },
        { connection: 'owner', fetchSecret: fetcher(secretJson({ password: 'changeme' })) },
      ),
    );
    expectConfigError(bad, ['DATABASE_OWNER_SECRET_ARN.password']);
    expectNoValues(bad, [OWNER_ARN, ...Object.values(SECRET_VALUES)]);

    const denied = await caught(() =>
      loadDatabaseConfig(
        { DATABASE_OWNER_SECRET_ARN: OWNER_ARN },
        { connection: 'owner', fetchSecret: async () => Promise.reject(Object.assign(new Error(OWNER_ARN), { name: 'AccessDeniedException' })) },
      ),
    );
    expect(expectConfigError(denied, ['DATABASE_OWNER_SECRET_ARN']).message).toContain('(AccessDeniedException)');
    expectNoValues(denied, [OWNER_ARN]);
  });

  it('refuses a placeholder owner password by name, before fetching anything', async () => {
    for (const password of ['changeme', '%3Cpassword%3E', '%24%7BOWNER_PASSWORD%7D']) {
      const error = await caught(() =>
        loadDatabaseConfig({ DATABASE_URL: APP_URL, DATABASE_OWNER_URL: `postgres://owner:${password}@db.example.com/orgdata` }, { connection: 'owner' }),
      );
      expectConfigError(error, ['DATABASE_OWNER_URL.password']);
      expectNoValues(error, ['app-pass-q1']);
    }
  });

  describe.each(['DATABASE_OWNER_URL', 'DATABASE_OWNER_SECRET_ARN'])('a placeholder %s', (key) => {
    it.each(PLACEHOLDERS)('%j is refused for both connections, before any secret is fetched', async (value) => {
      for (const connection of ['owner', 'application'] as const) {
        const fetchSecret = fetcher();
        const error = await caught(() => loadDatabaseConfig({ DATABASE_SECRET_ARN: ARN, [key]: value }, { connection, fetchSecret }));
        expect(expectConfigError(error, [key]).message).toMatch(/is (empty|a placeholder)/);
        expect(fetchSecret).not.toHaveBeenCalled();
      }
    });
  });

  it('refuses both owner variables together, and both application variables even for the owner', async () => {
    const both = await caught(() =>
      loadDatabaseConfig({ DATABASE_OWNER_URL: OWNER_URL, DATABASE_OWNER_SECRET_ARN: OWNER_ARN }, { connection: 'owner', fetchSecret: fetcher() }),
    );
    expectConfigError(both, ['DATABASE_OWNER_SECRET_ARN']);
    expectNoValues(both, ['owner-pass-q2', OWNER_ARN]);
    const app = await caught(() =>
      loadDatabaseConfig({ DATABASE_OWNER_URL: OWNER_URL, DATABASE_URL: APP_URL, DATABASE_SECRET_ARN: ARN }, { connection: 'owner' }),
    );
    expectConfigError(app, ['DATABASE_SECRET_ARN']);
  });

  it('applies the TLS variables to the owner connection and checks its sslmode against them', async () => {
    const owner = await loadDatabaseConfig(
      { DATABASE_OWNER_URL: OWNER_URL, DATABASE_SSL_MODE: 'verify-full' },
      { connection: 'owner' },
    );
    expect(owner.ssl).toEqual({ rejectUnauthorized: true, servername: 'db.example.com' });
    const conflict = await caught(() =>
      loadDatabaseConfig({ DATABASE_OWNER_URL: `${OWNER_URL}?sslmode=disable`, DATABASE_SSL_MODE: 'require' }, { connection: 'owner' }),
    );
    expect(expectConfigError(conflict, ['DATABASE_SSL_MODE']).message).toContain('sslmode in DATABASE_OWNER_URL');
  });

  it('rejects an unknown connection, and null options or a non-function fetcher, by name', async () => {
    const error = await caught(() => loadDatabaseConfig({ DATABASE_URL: APP_URL }, { connection: 'admin' as never }));
    expectConfigError(error, ['options.connection']);
    const fetcherError = await caught(() => loadDatabaseConfig({ DATABASE_SECRET_ARN: ARN }, { fetchSecret: 'aws' as never }));
    expectConfigError(fetcherError, ['options.fetchSecret']);
    expect((await loadDatabaseConfig({ DATABASE_URL: APP_URL }, null as never)).user).toBe('app_login');
    expectConfigError(await caught(() => loadDatabaseConfig(null as never)), ['(configuration)']);
  });
});
