import { isIP } from 'node:net';
import type { SslMode } from './config-fields.js';

/**
 * TLS settings for `pg` (its `ssl` option, a subset of Node's `tls.ConnectionOptions`).
 */
export interface DatabaseTlsOptions {
  /** Whether the server certificate must chain to a trusted CA (`false` only for `require`). */
  readonly rejectUnauthorized: boolean;
  /** The PEM CA bundle to trust instead of Node's built-in list, from `DATABASE_SSL_CA`. */
  readonly ca?: string;
  /** The name the certificate must carry (SNI); set to the host unless the host is an IP address. */
  readonly servername?: string;
}

/**
 * Tells whether `host` is this machine: `localhost`, a 127.0.0.0/8 or `::1` address, or a Unix
 * socket directory. Traffic to it never leaves the machine.
 */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase();
  if (name === 'localhost' || name.endsWith('.localhost') || name.startsWith('/')) return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  return name === '::1' || name === '0:0:0:0:0:0:0:1';
}

/**
 * The TLS mode when neither `DATABASE_SSL_MODE` nor the URL's `sslmode` names one:
 * `verify-full` when a CA bundle is configured; otherwise `disable` for a loopback host (see
 * {@link isLoopbackHost}: a local development server rarely has TLS) and `require` for any other
 * host (encrypted; configure `DATABASE_SSL_CA` to verify the server too).
 */
export function defaultSslMode(host: string, hasCertificateAuthority: boolean): SslMode {
  if (hasCertificateAuthority) return 'verify-full';
  return isLoopbackHost(host) ? 'disable' : 'require';
}

/**
 * The `pg` `ssl` option for a TLS mode:
 * - `disable`: `false` (explicit, so `pg` does not fall back to the `PGSSLMODE` variable);
 * - `require`: `{ rejectUnauthorized: false }`;
 * - `verify-full`: `{ rejectUnauthorized: true, ca?, servername? }`, with `servername` the host
 *   unless it is an IP address (SNI cannot carry one; Node then checks the IP against the
 *   certificate).
 */
export function tlsOptions(mode: SslMode, host: string, ca?: string): DatabaseTlsOptions | false {
  switch (mode) {
    case 'disable':
      return false;
    case 'require':
      return Object.freeze({ rejectUnauthorized: false });
    case 'verify-full':
      return Object.freeze({
        rejectUnauthorized: true,
        ...(ca === undefined ? {} : { ca }),
        ...(isIP(host) === 0 && !host.startsWith('/') ? { servername: host } : {}),
      });
  }
}
