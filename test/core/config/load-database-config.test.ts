import { inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { AWS_SECRETS_MANAGER_PACKAGE, createAwsSecretFetcher } from '../../../src/core/config/aws-secret-fetcher.js';
import { ConfigurationError } from '../../../src/core/config/configuration-error.js';
import { REDACTED } from '../../../src/core/config/database-connection-config.js';
import { loadDatabaseConfig } from '../../../src/core/config/load-database-config.js';
import { ARN, caught, expectConfigError, expectNoValues, PLACEHOLDERS, SECRET_VALUES, secretJson } from './config-helpers.js';

const VALUES = [...Object.values(SECRET_VALUES), ARN];
const URL_ = 'postgres://app:hunter2-secret@db.example.com:5432/orgdata?sslmode=require';

/** A fetcher that returns `text` and records its calls. */
function fetcher(text = secretJson()) {
  return vi.fn(async (_arn: string) => text);
}

describe('loadDatabaseConfig from DATABASE_URL', () => {
  it('returns discrete pg fields and no connection string', async () => {
    const config = await loadDatabaseConfig({ DATABASE_URL: URL_, UNRELATED: 'x' });
    expect({ ...config }).toEqual({
      host: 'db.example.com',
      port: 5432,
      user: 'app',
      password: 'hunter2-secret',
      database: 'orgdata',
      ssl: { rejectUnauthorized: false },
    });
    expect(config.source).toBe('url');
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => config.refreshSecret()).not.toThrow();
  });

  it('leaves out a missing password only with allowMissingPassword', async () => {
    const bare = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' };
    expectConfigError(await caught(() => loadDatabaseConfig(bare)), ['DATABASE_URL.password']);
    const config = await loadDatabaseConfig(bare, { allowMissingPassword: true });
    expect('password' in config).toBe(false);
    expect(config.ssl).toBe(false);
  });

  it('rejects a placeholder password in the URL naming password', async () => {
    const error = await caught(() => loadDatabaseConfig({ DATABASE_URL: 'postgres://app:changeme@db.example.com/orgdata' }));
    expectConfigError(error, ['DATABASE_URL.password']);
    const allowed = await caught(() =>
      loadDatabaseConfig({ DATABASE_URL: 'postgres://app:%3Cpassword%3E@db.example.com/orgdata' }, { allowMissingPassword: true }),
    );
    expectConfigError(allowed, ['DATABASE_URL.password']);
  });

  it('prints the password as [redacted]', async () => {
    const config = await loadDatabaseConfig({ DATABASE_URL: URL_ });
    for (const printed of [JSON.stringify(config), inspect(config), `${JSON.stringify({ config })}`]) {
      expect(printed).not.toContain('hunter2-secret');
      expect(printed).toContain(REDACTED);
    }
    expect(config.password).toBe('hunter2-secret');
  });
});

describe('loadDatabaseConfig environment', () => {
  it('requires exactly one of DATABASE_URL and DATABASE_SECRET_ARN', async () => {
    expectConfigError(await caught(() => loadDatabaseConfig({})), ['DATABASE_URL']);
    const both = await caught(() => loadDatabaseConfig({ DATABASE_URL: URL_, DATABASE_SECRET_ARN: ARN }, { fetchSecret: fetcher() }));
    expectConfigError(both, ['DATABASE_SECRET_ARN']);
    expectNoValues(both, [...VALUES, 'hunter2-secret']);
  });

  describe.each(['DATABASE_URL', 'DATABASE_SECRET_ARN', 'DATABASE_SSL_MODE', 'DATABASE_SSL_CA'])('a placeholder %s', (key) => {
    it.each(PLACEHOLDERS)('%j is rejected by name (an empty variable is not "unset")', async (value) => {
      const env: Record<string, string> = key === 'DATABASE_SECRET_ARN' ? { [key]: value } : { DATABASE_URL: URL_, [key]: value };
      const fetchSecret = fetcher();
      const error = await caught(() => loadDatabaseConfig(env, { fetchSecret }));
      expect(expectConfigError(error, [key]).message).toMatch(/is (empty|a placeholder)/);
      expectNoValues(error, ['hunter2-secret']);
      expect(fetchSecret).not.toHaveBeenCalled();
    });
  });

  it('rejects a DATABASE_SECRET_ARN that is not a secret ARN, without printing it', async () => {
    for (const arn of ['prod/db-secret-name', 'arn:aws:s3:::bucket-secret-name', 'arn:aws:secretsmanager:eu-west-1:1234:secret:x']) {
      const fetchSecret = fetcher();
      const error = await caught(() => loadDatabaseConfig({ DATABASE_SECRET_ARN: arn }, { fetchSecret }));
      expectConfigError(error, ['DATABASE_SECRET_ARN']);
      expectNoValues(error, ['secret-name', '1234:secret']);
      expect(fetchSecret).not.toHaveBeenCalled();
    }
  });

  it('rejects a non-string variable and an invalid secretTtlMs by name', async () => {
    expectConfigError(await caught(() => loadDatabaseConfig({ DATABASE_URL: 42 as unknown as string })), ['DATABASE_URL']);
    for (const secretTtlMs of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expectConfigError(await caught(() => loadDatabaseConfig({ DATABASE_URL: URL_ }, { secretTtlMs })), ['options.secretTtlMs']);
    }
  });

  it('reads process.env by default', async () => {
    vi.stubEnv('DATABASE_URL', 'postgres://from-env:pw@db.example.com/orgdata');
    vi.stubEnv('DATABASE_SECRET_ARN', undefined);
    try {
      expect((await loadDatabaseConfig()).user).toBe('from-env');
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('loadDatabaseConfig from DATABASE_SECRET_ARN', () => {
  it('fetches the secret once, with the ARN, and builds the config from its fields', async () => {
    const fetchSecret = fetcher(secretJson({ port: '6543', host: undefined, hostname: SECRET_VALUES.host }));
    const config = await loadDatabaseConfig({ DATABASE_SECRET_ARN: ARN }, { fetchSecret });
    expect(fetchSecret).toHaveBeenCalledTimes(1);
    expect(fetchSecret).toHaveBeenCalledWith(ARN);
    expect(config.source).toBe('secret');
    expect(config).toMatchObject({
      host: SECRET_VALUES.host,
      port: 6543,
      user: SECRET_VALUES.username,
      database: SECRET_VALUES.dbname,
      ssl: { rejectUnauthorized: false },
    });
    expect(typeof config.password).toBe('function');
    expect(await (config.password as () => Promise<string>)()).toBe(SECRET_VALUES.password);
    expect(fetchSecret).toHaveBeenCalledTimes(1); // cached
    expect(JSON.stringify(config)).not.toContain(SECRET_VALUES.password);
  });

  it('applies DATABASE_SSL_MODE to the secret host', async () => {
    const config = await loadDatabaseConfig({ DATABASE_SECRET_ARN: ARN, DATABASE_SSL_MODE: 'verify-full' }, { fetchSecret: fetcher() });
    expect(config.ssl).toEqual({ rejectUnauthorized: true, servername: SECRET_VALUES.host });
  });

  it('rejects an invalid secret by key, before building anything', async () => {
    const error = await caught(() =>
      loadDatabaseConfig({ DATABASE_SECRET_ARN: ARN }, { fetchSecret: fetcher(secretJson({ password: 'null', port: 'changeme', dbname: undefined })) }),
    );
    expectConfigError(error, ['DATABASE_SECRET_ARN.password', 'DATABASE_SECRET_ARN.port', 'DATABASE_SECRET_ARN.dbname']);
    expectNoValues(error, VALUES);
  });

  it('surfaces a fetcher error by name only: not its message, cause, the ARN or the secret', async () => {
    const secret = secretJson();
    const leaky = Object.assign(new Error(`could not read ${ARN}: ${secret}`, { cause: new Error(secret) }), {
      name: 'AccessDeniedException',
      code: 'AccessDenied',
      secret,
    });
    const error = await caught(() => loadDatabaseConfig({ DATABASE_SECRET_ARN: ARN }, { fetchSecret: async () => Promise.reject(leaky) }));
    const configError = expectConfigError(error, ['DATABASE_SECRET_ARN']);
    expect(configError.message).toContain('could not be fetched (AccessDeniedException AccessDenied)');
    expect(configError.cause).toBeUndefined();
    expectNoValues(error, [...VALUES, 'could not read']);
  });

  it('surfaces a thrown non-error, a free-text name and a non-string result without their content', async () => {
    const cases: Array<() => Promise<string>> = [
      async () => Promise.reject(secretJson()),
      async () => Promise.reject(Object.assign(new Error('x'), { name: `Bad ${SECRET_VALUES.password}` })),
      async () => ({ SecretString: secretJson() }) as unknown as string,
      () => {
        throw new Error(SECRET_VALUES.password); // synchronous throw
      },
    ];
    for (const fetchSecret of cases) {
      const error = await caught(() => loadDatabaseConfig({ DATABASE_SECRET_ARN: ARN }, { fetchSecret }));
      expectConfigError(error, ['DATABASE_SECRET_ARN']);
      expectNoValues(error, VALUES);
    }
  });

  it('never prints a secret value in any failure (scan of message, stack, JSON and inspect)', async () => {
    const secrets = [
      secretJson({ password: '' }),
      secretJson({ username: '<user>' }),
      secretJson({ host: '${HOST}' }),
      secretJson({ port: 0 }),
      secretJson({ hostname: 'different-host' }),
      secretJson({ dbname: 'UNDEFINED' }),
      secretJson({ password: 42 }),
      `{"password": "${SECRET_VALUES.password}", "username": ${SECRET_VALUES.username}}`,
      SECRET_VALUES.password,
    ];
    for (const text of secrets) {
      const error = await caught(() => loadDatabaseConfig({ DATABASE_SECRET_ARN: ARN }, { fetchSecret: fetcher(text) }));
      expect(error).toBeInstanceOf(ConfigurationError);
      expectNoValues(error, [...VALUES, 'different-host']);
    }
  });
});

/** Whether the optional peer dependency happens to be installed (it is not a dev dependency). */
const sdkInstalled = await import(/* @vite-ignore */ AWS_SECRETS_MANAGER_PACKAGE as string).then(
  () => true,
  () => false,
);

// These tests are about the SDK being absent; with it installed they would call AWS.
describe.skipIf(sdkInstalled)('the AWS SDK fetcher without @aws-sdk/client-secrets-manager', () => {
  it('says which package to install when the SDK is missing', async () => {
    const error = await caught(() => loadDatabaseConfig({ DATABASE_SECRET_ARN: ARN }));
    const configError = expectConfigError(error, ['DATABASE_SECRET_ARN']);
    expect(configError.message).toContain(`npm install ${AWS_SECRETS_MANAGER_PACKAGE}`);
    expectNoValues(error, [ARN]);
  });

  it('imports the SDK only when a secret is fetched, and retries the import on the next fetch', async () => {
    const fetchSecret = createAwsSecretFetcher(); // no import yet: creating it cannot fail
    for (let attempt = 0; attempt < 2; attempt += 1) {
      expect(((await caught(() => fetchSecret(ARN))) as Error).message).toContain(AWS_SECRETS_MANAGER_PACKAGE);
    }
  });
});
