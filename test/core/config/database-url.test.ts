import { describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../../../src/core/config/database-url.js';
import { caught, expectConfigError, expectNoValues, PLACEHOLDERS } from './config-helpers.js';

const PASSWORD = 'hunter2-secret';

/** A URL built from raw parts, each percent-encoded. */
function url(parts: { user?: string; password?: string; host?: string; port?: string; database?: string; query?: string } = {}) {
  const { user = 'app', password = PASSWORD, host = 'db.example.com', port = '5432', database = 'orgdata', query = '' } = parts;
  const e = encodeURIComponent;
  return `postgres://${e(user)}:${e(password)}@${host}${port ? `:${port}` : ''}/${e(database)}${query}`;
}

describe('parseDatabaseUrl', () => {
  it('reads every part into discrete fields', () => {
    const parsed = parseDatabaseUrl('postgresql://app:hunter2-secret@db.example.com:6543/orgdata?sslmode=verify-full');
    expect(parsed.credentials).toEqual({
      host: 'db.example.com',
      port: 6543,
      user: 'app',
      password: PASSWORD,
      database: 'orgdata',
    });
    expect(parsed.sslMode).toBe('verify-full');
  });

  it('decodes each part: p%40ss%3Aword is p@ss:word', () => {
    const parsed = parseDatabaseUrl('postgres://us%20er:p%40ss%3Aword@db.example.com/my%2Fdb%20x');
    expect(parsed.credentials.password).toBe('p@ss:word');
    expect(parsed.credentials.user).toBe('us er');
    expect(parsed.credentials.database).toBe('my/db x');
  });

  it('round-trips any password encoded with encodeURIComponent', () => {
    for (const password of ['p@ss:word', 'a/b?c#d', '%41 literal', 'ü€😀', "q'\"\\`$", '<in>side']) {
      expect(parseDatabaseUrl(url({ password })).credentials.password).toBe(password);
    }
  });

  it('defaults the port to 5432 and unbrackets an IPv6 host', () => {
    const parsed = parseDatabaseUrl(url({ host: '[::1]', port: '' }));
    expect(parsed.credentials.host).toBe('::1');
    expect(parsed.credentials.port).toBe(5432);
    expect(parsed.sslMode).toBeUndefined();
  });

  it.each(['disable', 'require', 'verify-full'])('accepts sslmode=%s', (mode) => {
    expect(parseDatabaseUrl(url({ query: `?sslmode=${mode}` })).sslMode).toBe(mode);
  });

  it.each(['prefer', 'verify-ca', 'VERIFY-FULL', 'no-verify', 'true'])('rejects sslmode=%s, naming sslmode', async (mode) => {
    expectConfigError(await caught(() => parseDatabaseUrl(url({ query: `?sslmode=${mode}` }))), ['DATABASE_URL.sslmode']);
  });

  it('rejects a repeated sslmode, other query parameters and a fragment rather than ignoring them', async () => {
    expectConfigError(await caught(() => parseDatabaseUrl(url({ query: '?sslmode=disable&sslmode=require' }))), [
      'DATABASE_URL.sslmode',
    ]);
    expectConfigError(await caught(() => parseDatabaseUrl(url({ query: '?schema=public&application_name=x' }))), [
      'DATABASE_URL.schema',
      'DATABASE_URL.application_name',
    ]);
    expectConfigError(await caught(() => parseDatabaseUrl(`${url()}#frag`)), ['DATABASE_URL']);
  });

  it('rejects a missing password unless allowMissingPassword', async () => {
    for (const bare of ['postgres://app@db.example.com/orgdata', 'postgres://app:@db.example.com/orgdata']) {
      const error = expectConfigError(await caught(() => parseDatabaseUrl(bare)), ['DATABASE_URL.password']);
      expect(error.message).toContain('is missing');
      expect(parseDatabaseUrl(bare, { allowMissingPassword: true }).credentials.password).toBeUndefined();
    }
  });

  it('rejects a missing user, host or database by name', async () => {
    expectConfigError(await caught(() => parseDatabaseUrl(`postgres://:${PASSWORD}@db.example.com/orgdata`)), ['DATABASE_URL.user']);
    expectConfigError(await caught(() => parseDatabaseUrl(`postgres://app:${PASSWORD}@db.example.com/`)), ['DATABASE_URL.database']);
    expectConfigError(await caught(() => parseDatabaseUrl(`postgres://app:${PASSWORD}@db.example.com`)), ['DATABASE_URL.database']);
    expectConfigError(await caught(() => parseDatabaseUrl(`postgres://app:${PASSWORD}@:5432/orgdata`)), ['DATABASE_URL']);
  });

  describe.each(['user', 'password', 'database'] as const)('a placeholder %s', (part) => {
    it.each(PLACEHOLDERS)('%j is rejected naming the part, never printing the password', async (value) => {
      const error = await caught(() => parseDatabaseUrl(url({ [part]: value })));
      const configError = expectConfigError(error, [`DATABASE_URL.${part}`]);
      expect(configError.message).toMatch(/is (missing|empty|a placeholder)/);
      if (part !== 'password') expectNoValues(error, [PASSWORD]);
    });
  });

  it.each(['undefined', 'NULL', 'changeme', 'CHANGE_ME', '%3Chost%3E', '%24%7BDB_HOST%7D'])(
    'rejects the placeholder host %j naming host',
    async (host) => {
      const error = await caught(() => parseDatabaseUrl(url({ host })));
      expectConfigError(error, ['DATABASE_URL.host']);
      expectNoValues(error, [PASSWORD]);
    },
  );

  it('rejects an unexpanded ${…} in any part, as a shell leaves it', async () => {
    const error = await caught(() => parseDatabaseUrl('postgres://${DB_USER}:${DB_PASSWORD}@db.example.com:5432/${DB_NAME}'));
    expectConfigError(error, ['DATABASE_URL.user', 'DATABASE_URL.password', 'DATABASE_URL.database']);
  });

  it('rejects an invalid port by name', async () => {
    expectConfigError(await caught(() => parseDatabaseUrl(url({ port: '0' }))), ['DATABASE_URL.port']);
    // Out of range or not a number: the URL itself does not parse.
    for (const port of ['65536', '99999', 'abc', '-1']) {
      expectConfigError(await caught(() => parseDatabaseUrl(url({ port }))), ['DATABASE_URL']);
    }
  });

  it('rejects malformed percent-encoding by part name', async () => {
    const error = await caught(() => parseDatabaseUrl(`postgres://app:%ZZ${PASSWORD}@db.example.com/orgdata`));
    expectConfigError(error, ['DATABASE_URL.password']);
    expectNoValues(error, [PASSWORD, '%ZZ']);
  });

  it('rejects a URL that does not parse or is not postgres, without printing it', async () => {
    for (const bad of [
      `postgres://app:${PASSWORD}@db.example.com:99999/orgdata`,
      `postgres://app:${PASSWORD}@<host>/orgdata`,
      `app:${PASSWORD}@db.example.com/orgdata`,
      `mysql://app:${PASSWORD}@db.example.com/orgdata`,
      `https://app:${PASSWORD}@db.example.com/orgdata`,
    ]) {
      const error = await caught(() => parseDatabaseUrl(bad));
      expectConfigError(error, ['DATABASE_URL']);
      expectNoValues(error, [PASSWORD, 'db.example.com']);
    }
  });

  it('never prints the password or other parts in any error', async () => {
    const cases = [
      url({ user: 'changeme' }),
      url({ database: 'null' }),
      url({ host: 'undefined' }),
      url({ port: '0' }),
      url({ query: '?sslmode=bogus&x=1' }),
      `${url()}#fragment`,
    ];
    for (const bad of cases) expectNoValues(await caught(() => parseDatabaseUrl(bad)), [PASSWORD, 'db.example.com', 'orgdata', 'bogus']);
  });
});
