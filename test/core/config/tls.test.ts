import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCertificateAuthority } from '../../../src/core/config/certificate-authority.js';
import { loadDatabaseConfig } from '../../../src/core/config/load-database-config.js';
import { defaultSslMode, isLoopbackHost, tlsOptions } from '../../../src/core/config/tls-options.js';
import { caught, expectConfigError, expectNoValues } from './config-helpers.js';

/** Two real CA certificates (from Node's built-in list), as an RDS-style bundle. */
const BUNDLE = `${rootCertificates[0]}\n${rootCertificates[1]}\n`;
const URL_ = 'postgres://app:hunter2-secret@db.example.com:5432/orgdata';

describe('TLS options', () => {
  it('maps each mode to pg ssl options', () => {
    expect(tlsOptions('disable', 'db.example.com')).toBe(false);
    expect(tlsOptions('require', 'db.example.com')).toEqual({ rejectUnauthorized: false });
    expect(tlsOptions('verify-full', 'db.example.com', BUNDLE)).toEqual({
      rejectUnauthorized: true,
      ca: BUNDLE,
      servername: 'db.example.com',
    });
    expect(tlsOptions('verify-full', 'db.example.com')).toEqual({ rejectUnauthorized: true, servername: 'db.example.com' });
  });

  it('sets no SNI servername for an IP address (RFC 6066); the IP is still verified', () => {
    expect(tlsOptions('verify-full', '10.0.0.5', BUNDLE)).toEqual({ rejectUnauthorized: true, ca: BUNDLE });
    expect(tlsOptions('verify-full', '::1')).toEqual({ rejectUnauthorized: true });
  });

  it('defaults to verify-full with a CA, else disable on loopback and require elsewhere', () => {
    expect(defaultSslMode('db.example.com', true)).toBe('verify-full');
    expect(defaultSslMode('127.0.0.1', true)).toBe('verify-full');
    expect(defaultSslMode('db.example.com', false)).toBe('require');
    expect(defaultSslMode('10.0.0.5', false)).toBe('require');
    for (const host of ['localhost', 'LOCALHOST', '127.0.0.1', '127.1.2.3', '::1', '/var/run/postgresql', 'app.localhost']) {
      expect(isLoopbackHost(host), host).toBe(true);
      expect(defaultSslMode(host, false)).toBe('disable');
    }
    for (const host of ['db.example.com', '10.0.0.1', '128.0.0.1', 'localhost.example.com', '::2']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });
});

describe('loadCertificateAuthority', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'org-data-ca-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('takes PEM text as is, and unescapes a one-line PEM with literal \\n', async () => {
    expect(await loadCertificateAuthority(BUNDLE)).toBe(BUNDLE);
    const oneLine = BUNDLE.replaceAll('\n', '\\n');
    expect(await loadCertificateAuthority(oneLine)).toBe(BUNDLE);
  });

  it('reads a file path', async () => {
    const file = join(dir, 'global-bundle.pem');
    await writeFile(file, BUNDLE);
    expect(await loadCertificateAuthority(file)).toBe(BUNDLE);
  });

  it('rejects a missing file, a file without a certificate, and a corrupt certificate, never printing the path', async () => {
    const missing = join(dir, 'secret-path-missing.pem');
    const missingError = await caught(() => loadCertificateAuthority(missing));
    expect(expectConfigError(missingError, ['DATABASE_SSL_CA']).message).toContain('ENOENT');
    expectNoValues(missingError, [missing, 'secret-path-missing']);

    const empty = join(dir, 'secret-path-empty.pem');
    await writeFile(empty, 'not a certificate');
    const emptyError = await caught(() => loadCertificateAuthority(empty));
    expectConfigError(emptyError, ['DATABASE_SSL_CA']);
    expectNoValues(emptyError, ['secret-path-empty', 'not a certificate']);

    const corrupt = '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n';
    expectConfigError(await caught(() => loadCertificateAuthority(corrupt)), ['DATABASE_SSL_CA']);
    expectConfigError(await caught(() => loadCertificateAuthority(dir)), ['DATABASE_SSL_CA']); // a directory
  });
});

describe('loadDatabaseConfig TLS', () => {
  let caFile: string;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'org-data-ca-'));
    caFile = join(dir, 'rds-global-bundle.pem');
    await writeFile(caFile, BUNDLE);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('verify-full with the RDS CA bundle from a file: rejectUnauthorized, ca and servername', async () => {
    const config = await loadDatabaseConfig({ DATABASE_URL: URL_, DATABASE_SSL_MODE: 'verify-full', DATABASE_SSL_CA: caFile });
    expect(config.ssl).toEqual({ rejectUnauthorized: true, ca: BUNDLE, servername: 'db.example.com' });
  });

  it('defaults to verify-full when a CA is given', async () => {
    const config = await loadDatabaseConfig({ DATABASE_URL: URL_, DATABASE_SSL_CA: BUNDLE });
    expect(config.ssl).toEqual({ rejectUnauthorized: true, ca: BUNDLE, servername: 'db.example.com' });
  });

  it('defaults to require for a remote host and disable for a loopback host', async () => {
    expect((await loadDatabaseConfig({ DATABASE_URL: URL_ })).ssl).toEqual({ rejectUnauthorized: false });
    const local = await loadDatabaseConfig({ DATABASE_URL: 'postgres://app:pw@localhost/orgdata' });
    expect(local.ssl).toBe(false);
  });

  it('DATABASE_SSL_MODE and the URL sslmode each set the mode; they may not disagree', async () => {
    expect((await loadDatabaseConfig({ DATABASE_URL: URL_, DATABASE_SSL_MODE: 'disable' })).ssl).toBe(false);
    expect((await loadDatabaseConfig({ DATABASE_URL: `${URL_}?sslmode=disable` })).ssl).toBe(false);
    const localRequire = await loadDatabaseConfig({ DATABASE_URL: 'postgres://app:pw@127.0.0.1/orgdata?sslmode=require' });
    expect(localRequire.ssl).toEqual({ rejectUnauthorized: false });
    const agreeing = await loadDatabaseConfig({ DATABASE_URL: `${URL_}?sslmode=verify-full`, DATABASE_SSL_MODE: 'verify-full' });
    expect(agreeing.ssl).toEqual({ rejectUnauthorized: true, servername: 'db.example.com' });
    const error = await caught(() =>
      loadDatabaseConfig({ DATABASE_URL: `${URL_}?sslmode=disable`, DATABASE_SSL_MODE: 'verify-full' }),
    );
    expectConfigError(error, ['DATABASE_SSL_MODE']);
    expectNoValues(error, ['hunter2-secret', 'db.example.com']);
  });

  it('rejects a CA bundle with a mode that would not use it', async () => {
    for (const mode of ['disable', 'require']) {
      expectConfigError(
        await caught(() => loadDatabaseConfig({ DATABASE_URL: URL_, DATABASE_SSL_MODE: mode, DATABASE_SSL_CA: caFile })),
        ['DATABASE_SSL_CA'],
      );
    }
  });

  it.each(['prefer', 'verify-ca', 'Verify-Full', 'true', 'on'])('rejects DATABASE_SSL_MODE=%s by name', async (mode) => {
    expectConfigError(await caught(() => loadDatabaseConfig({ DATABASE_URL: URL_, DATABASE_SSL_MODE: mode })), [
      'DATABASE_SSL_MODE',
    ]);
  });

  it('rejects an unreadable CA file before fetching any secret', async () => {
    let fetched = 0;
    const error = await caught(() =>
      loadDatabaseConfig(
        { DATABASE_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db', DATABASE_SSL_CA: join(dir, 'nope.pem') },
        { fetchSecret: async () => ((fetched += 1), '{}') },
      ),
    );
    expectConfigError(error, ['DATABASE_SSL_CA']);
    expect(fetched).toBe(0);
  });
});
