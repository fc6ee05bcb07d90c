import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConfigurationError } from '../../../src/core/config/configuration-error.js';
import { loadDatabaseConfig } from '../../../src/core/config/load-database-config.js';
import { DEFAULT_SECRET_TTL_MS } from '../../../src/core/config/secret-source.js';
import { ARN, caught, expectConfigError, expectNoValues, SECRET_VALUES, secretJson } from './config-helpers.js';

/** A fetcher returning the given passwords in turn (the last one repeats). */
function rotating(...passwords: string[]) {
  let call = 0;
  return vi.fn(async (_arn: string) => secretJson({ password: passwords[Math.min(call++, passwords.length - 1)] }));
}

/** The config's password function. */
function passwordOf(config: { password?: unknown }): () => Promise<string> {
  expect(typeof config.password).toBe('function');
  return config.password as () => Promise<string>;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('rotated secrets', () => {
  it('reuses the password for the TTL (5 minutes by default), then re-reads the secret', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const fetchSecret = rotating('first', 'second');
    const password = passwordOf(await loadDatabaseConfig({ DATABASE_SECRET_ARN: ARN }, { fetchSecret }));
    expect(DEFAULT_SECRET_TTL_MS).toBe(300_000);
    vi.setSystemTime(Date.now() + DEFAULT_SECRET_TTL_MS - 1);
    expect(await password()).toBe('first');
    expect(fetchSecret).toHaveBeenCalledTimes(1);
    vi.setSystemTime(Date.now() + 1);
    expect(await password()).toBe('second');
    expect(await password()).toBe('second');
    expect(fetchSecret).toHaveBeenCalledTimes(2);
  });

  it('honours secretTtlMs; 0 re-reads for every connection', async () => {
    const fetchSecret = rotating('a', 'b', 'c');
    const password = passwordOf(await loadDatabaseConfig({ DATABASE_SECRET_ARN: ARN }, { fetchSecret, secretTtlMs: 0 }));
    expect(await password()).toBe('b');
    expect(await password()).toBe('c');
    expect(fetchSecret).toHaveBeenCalledTimes(3);
  });

  it('refreshSecret() drops the cache: the next connection re-reads the secret', async () => {
    const fetchSecret = rotating('old', 'new');
    const config = await loadDatabaseConfig({ DATABASE_SECRET_ARN: ARN }, { fetchSecret });
    const password = passwordOf(config);
    expect(await password()).toBe('old');
    const { refreshSecret } = config; // works detached
    refreshSecret();
    expect(fetchSecret).toHaveBeenCalledTimes(1); // lazily: nothing fetched until a connection needs it
    expect(await password()).toBe('new');
    expect(await password()).toBe('new');
    expect(fetchSecret).toHaveBeenCalledTimes(2);
  });

  it('shares one fetch among concurrent connections', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const fetchSecret = vi.fn(async () => {
      calls += 1;
      if (calls > 1) await gate;
      return secretJson({ password: `p${calls}` });
    });
    const config = await loadDatabaseConfig({ DATABASE_SECRET_ARN: ARN }, { fetchSecret });
    config.refreshSecret();
    const password = passwordOf(config);
    const pending = Promise.all(Array.from({ length: 10 }, () => password()));
    release();
    expect(await pending).toEqual(Array(10).fill('p2'));
    expect(fetchSecret).toHaveBeenCalledTimes(2);
  });

  it('after the TTL, keeps the previous password if the refresh fails, and reports it', async () => {
    let fail = false;
    const fetchSecret = vi.fn(async () => {
      if (fail) throw Object.assign(new Error(SECRET_VALUES.password), { name: 'ThrottlingException' });
      return secretJson();
    });
    const onSecretRefreshError = vi.fn((_error: ConfigurationError) => {
      throw new Error('a failing listener is ignored');
    });
    const config = await loadDatabaseConfig({ DATABASE_SECRET_ARN: ARN }, { fetchSecret, secretTtlMs: 0, onSecretRefreshError });
    const password = passwordOf(config);
    fail = true;
    expect(await password()).toBe(SECRET_VALUES.password);
    expect(onSecretRefreshError).toHaveBeenCalledTimes(1);
    const reported = onSecretRefreshError.mock.calls[0]?.[0];
    expectConfigError(reported, ['DATABASE_SECRET_ARN']);
    expect(reported?.message).toContain('ThrottlingException');
    expectNoValues(reported, [SECRET_VALUES.password, ARN]);

    // After refreshSecret() there is no previous password to fall back on: the failure is thrown.
    config.refreshSecret();
    const error = await caught(() => password());
    expectConfigError(error, ['DATABASE_SECRET_ARN']);
    expectNoValues(error, [SECRET_VALUES.password, ARN]);
    fail = false;
    expect(await password()).toBe(SECRET_VALUES.password); // and a later connection retries
  });

  it('rejects a re-read secret that changed more than the password (load the config again)', async () => {
    let secret = secretJson();
    const config = await loadDatabaseConfig({ DATABASE_SECRET_ARN: ARN }, { fetchSecret: async () => secret });
    secret = secretJson({ username: 'other-user-clone', port: 5433, password: 'rotated' });
    config.refreshSecret();
    const error = await caught(() => passwordOf(config)());
    expectConfigError(error, ['DATABASE_SECRET_ARN.username', 'DATABASE_SECRET_ARN.port']);
    expectNoValues(error, ['other-user-clone', 'rotated', ...Object.values(SECRET_VALUES)]);
  });

  it('rejects a rotated secret with a placeholder password when it is re-read', async () => {
    const config = await loadDatabaseConfig({ DATABASE_SECRET_ARN: ARN }, { fetchSecret: rotating('good', 'changeme') });
    config.refreshSecret();
    expectConfigError(await caught(() => passwordOf(config)()), ['DATABASE_SECRET_ARN.password']);
  });
});
