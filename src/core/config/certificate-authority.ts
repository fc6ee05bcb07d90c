import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ConfigurationError } from './configuration-error.js';

/** The environment variable holding the CA bundle; names every issue. */
const KEY = 'DATABASE_SSL_CA';

/** One PEM certificate block. */
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function invalid(message: string): ConfigurationError {
  return new ConfigurationError([{ path: KEY, message }]);
}

/** The error code of a failed read (`ENOENT`, `EACCES`, …), safe to print; never the path. */
function readErrorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]{0,31}$/.test(code) ? ` (${code})` : '';
}

/**
 * Reads the CA bundle that server certificates are verified against (for Amazon RDS, the
 * `global-bundle.pem` AWS publishes), from `DATABASE_SSL_CA`'s value:
 *
 * - PEM text itself when it contains `-----BEGIN`. An environment variable often carries the
 *   line breaks as the two characters `\n`; such a value (with no real line break) is unescaped.
 * - Otherwise the path of a PEM file (relative to the working directory), read with `fs`.
 *
 * Every certificate in the bundle must parse; a bundle without one is rejected.
 *
 * @returns The PEM text, for the `ca` TLS option.
 * @throws ConfigurationError naming `DATABASE_SSL_CA`; never its value, the path or the file.
 */
export async function loadCertificateAuthority(value: string): Promise<string> {
  let pem: string;
  if (value.includes('-----BEGIN')) {
    pem = value.includes('\n') ? value : value.replaceAll('\\n', '\n');
  } else {
    try {
      pem = await readFile(value.trim(), 'utf8');
    } catch (error) {
      throw invalid(`is neither PEM text nor a readable file${readErrorCode(error)}`);
    }
  }
  const blocks = pem.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) throw invalid('does not contain a PEM certificate');
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch {
      throw invalid('contains a certificate that cannot be parsed');
    }
  }
  return pem;
}
