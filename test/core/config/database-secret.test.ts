import { describe, expect, it } from 'vitest';
import { parseDatabaseSecret } from '../../../src/core/config/database-secret.js';
import { caught, expectConfigError, expectNoValues, PLACEHOLDERS, SECRET_VALUES, secretJson } from './config-helpers.js';

const VALUES = Object.values(SECRET_VALUES);

describe('parseDatabaseSecret', () => {
  it('reads an RDS-shaped secret, ignoring extra keys', () => {
    expect(parseDatabaseSecret(secretJson({ dbInstanceIdentifier: 'prod-1' }))).toEqual({
      host: SECRET_VALUES.host,
      port: SECRET_VALUES.port,
      user: SECRET_VALUES.username,
      password: SECRET_VALUES.password,
      database: SECRET_VALUES.dbname,
    });
  });

  it('accepts the hostname and database aliases', () => {
    const parsed = parseDatabaseSecret(
      secretJson({ host: undefined, hostname: 'alias-host', dbname: undefined, database: 'alias_db' }),
    );
    expect(parsed.host).toBe('alias-host');
    expect(parsed.database).toBe('alias_db');
  });

  it('accepts both spellings when they agree, and rejects them when they differ', async () => {
    const same = parseDatabaseSecret(secretJson({ hostname: SECRET_VALUES.host, database: SECRET_VALUES.dbname }));
    expect(same.host).toBe(SECRET_VALUES.host);
    const error = await caught(() => parseDatabaseSecret(secretJson({ hostname: 'other-host', database: 'other_db' })));
    expectConfigError(error, ['DATABASE_SECRET_ARN.hostname', 'DATABASE_SECRET_ARN.database']);
    expectNoValues(error, [...VALUES, 'other-host', 'other_db']);
  });

  it('accepts the port as a number or a numeric string', () => {
    expect(parseDatabaseSecret(secretJson({ port: 5432 })).port).toBe(5432);
    expect(parseDatabaseSecret(secretJson({ port: '5432' })).port).toBe(5432);
    expect(parseDatabaseSecret(secretJson({ port: '65535' })).port).toBe(65535);
    expect(parseDatabaseSecret(secretJson({ port: 1 })).port).toBe(1);
  });

  it.each([0, 65536, -1, 5432.5, Number.MAX_SAFE_INTEGER, '0', '65536', '54 32', ' 5432', '5432abc', '0x10', '1e3', '-5432', '', true, [5432], { port: 5432 }])(
    'rejects the port %j by name',
    async (port) => {
      const error = await caught(() => parseDatabaseSecret(secretJson({ port })));
      expectConfigError(error, ['DATABASE_SECRET_ARN.port']);
      expectNoValues(error, VALUES.filter((value) => value !== SECRET_VALUES.port));
    },
  );

  it.each(['username', 'password', 'host', 'port', 'dbname'])('rejects a missing %s by name', async (key) => {
    const error = await caught(() => parseDatabaseSecret(secretJson({ [key]: undefined })));
    expect(expectConfigError(error, [`DATABASE_SECRET_ARN.${key}`]).message).toContain('is missing');
    expectNoValues(error, VALUES);
  });

  it('reports every missing key at once, naming host and dbname when neither alias is present', async () => {
    const error = await caught(() => parseDatabaseSecret('{}'));
    expectConfigError(
      error,
      ['username', 'password', 'host', 'port', 'dbname'].map((key) => `DATABASE_SECRET_ARN.${key}`),
    );
  });

  it.each([null, 42, true, ['x'], { nested: 'x' }])('rejects a non-string value %j by name', async (value) => {
    const error = await caught(() => parseDatabaseSecret(secretJson({ password: value })));
    expectConfigError(error, ['DATABASE_SECRET_ARN.password']);
  });

  it('rejects a NUL character and whitespace in a host', async () => {
    expectConfigError(await caught(() => parseDatabaseSecret(secretJson({ password: 'a\u0000b' }))), ['DATABASE_SECRET_ARN.password']);
    expectConfigError(await caught(() => parseDatabaseSecret(secretJson({ host: 'db host' }))), ['DATABASE_SECRET_ARN.host']);
  });

  describe.each(['username', 'password', 'host', 'hostname', 'dbname', 'database', 'port'])('a placeholder %s', (key) => {
    it.each(PLACEHOLDERS)('%j is rejected naming the key, never printing a value', async (value) => {
      const changes: Record<string, unknown> = { [key]: value };
      if (key === 'hostname') changes.host = undefined;
      if (key === 'database') changes.dbname = undefined;
      const error = await caught(() => parseDatabaseSecret(secretJson(changes)));
      expect(expectConfigError(error, [`DATABASE_SECRET_ARN.${key}`]).message).toMatch(/is (empty|a placeholder)/);
      expectNoValues(error, VALUES);
    });
  });

  it('rejects a secret that is empty, not JSON or not an object, without quoting it', async () => {
    const cases = [
      '',
      '   ',
      SECRET_VALUES.password,
      `{"password":"${SECRET_VALUES.password}",`,
      `"${SECRET_VALUES.password}"`,
      `["${SECRET_VALUES.password}"]`,
      'null',
      '42',
    ];
    for (const text of cases) {
      const error = await caught(() => parseDatabaseSecret(text));
      expectConfigError(error, ['DATABASE_SECRET_ARN']);
      expectNoValues(error, [SECRET_VALUES.password]);
    }
  });
});
