import { z } from 'zod';
import { placeholderProblem } from './placeholder.js';

/** Error text for a value of the wrong type: says what was expected, never what was given. */
function typeError(expected: string) {
  return (issue: { input?: unknown }) => (issue.input == null ? 'is missing' : `must be ${expected}`);
}

/**
 * A configured text value (user name, password, database name, …): a string that is neither
 * blank nor a placeholder (see {@link placeholderProblem}) and holds no NUL character, which
 * the PostgreSQL protocol cannot carry. The value is kept exactly as given (not trimmed).
 */
export const ConfigTextSchema = z.string({ error: typeError('a string') }).superRefine((value, ctx) => {
  const problem = placeholderProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
  else if (value.includes('\u0000')) ctx.addIssue({ code: 'custom', message: 'must not contain NUL characters' });
});

/**
 * A server host name, IP address or Unix socket directory: a {@link ConfigTextSchema} value
 * without whitespace or control characters.
 */
export const HostSchema = ConfigTextSchema.refine(
  (value) => !/[\s\u0000-\u001f\u007f]/.test(value),
  'must not contain whitespace or control characters',
);

/** The largest TCP port number. */
const MAX_PORT = 65_535;

/**
 * A TCP port, 1 to 65535, given as an integer or as a string of decimal digits (as secrets and
 * environment variables hold it). Outputs the number.
 */
export const PortSchema = z.unknown().transform((input, ctx): number => {
  const reject = (message: string) => {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  if (input == null) return reject('is missing');
  if (typeof input === 'string') {
    const problem = placeholderProblem(input);
    if (problem) return reject(problem);
    if (!/^\d{1,5}$/.test(input)) return reject('must be a whole number from 1 to 65535');
  } else if (typeof input !== 'number') {
    return reject('must be a number or a numeric string');
  }
  const port = Number(input);
  if (!Number.isInteger(port) || port < 1 || port > MAX_PORT) {
    return reject('must be a whole number from 1 to 65535');
  }
  return port;
});

/** The TLS modes this package supports, named as libpq names them. */
export const SSL_MODES = Object.freeze(['disable', 'require', 'verify-full'] as const);

/**
 * How the connection uses TLS:
 * - `disable`: no TLS.
 * - `require`: TLS, but the server certificate is not verified (protects against eavesdropping,
 *   not against an impostor).
 * - `verify-full`: TLS, the certificate must chain to a trusted CA (the `DATABASE_SSL_CA` bundle,
 *   else Node's built-in list) and name the host.
 */
export type SslMode = (typeof SSL_MODES)[number];

/** One of {@link SSL_MODES}, exactly as spelled there. */
export const SslModeSchema = ConfigTextSchema.pipe(
  z.enum(SSL_MODES, { error: `must be one of ${SSL_MODES.join(', ')}` }),
);

/** The shape of a Secrets Manager secret ARN; group 1 is the region. */
export const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):\d{12}:secret:\S+$/;

/**
 * An AWS Secrets Manager secret ARN,
 * `arn:<partition>:secretsmanager:<region>:<account>:secret:<name>`.
 */
export const SecretArnSchema = ConfigTextSchema.refine(
  (value) => SECRET_ARN.test(value),
  'must be a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>)',
);
