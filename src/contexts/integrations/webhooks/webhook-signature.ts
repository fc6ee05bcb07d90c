// Standard Webhooks signatures (https://www.standardwebhooks.com): a secret `whsec_` + base64 of
// random bytes; the signature of a request is `v1,` + base64(HMAC-SHA256(secret bytes,
// `${webhook-id}.${webhook-timestamp}.${body}`)); several, space-separated, while a rotated
// secret still signs. What a receiver runs is in docs/webhooks.md.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ValidationError } from '../../../core/errors/validation-error.js';

const SECRET_PREFIX = 'whsec_';
const SECRET_SHAPE = /^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/;

/** A new signing secret: `whsec_` and 32 random bytes in base64. */
export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/** The key bytes of a `whsec_` secret. */
function secretKey(secret: string): Buffer {
  if (typeof secret !== 'string' || !SECRET_SHAPE.test(secret)) {
    throw new ValidationError([{ path: 'secret', message: 'must be a whsec_ secret (base64 after the prefix)' }]);
  }
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  if (key.length < 24 || key.length > 64) throw new ValidationError([{ path: 'secret', message: 'must hold 24 to 64 bytes' }]);
  return key;
}

/** What a signature covers: the message id, the timestamp (Unix seconds) and the exact body. */
export interface WebhookSignedContent {
  /** The `webhook-id` header: the event's public id. */
  readonly id: string;
  /** The `webhook-timestamp` header: Unix seconds. */
  readonly timestamp: number;
  /** The request body, exactly as sent. */
  readonly body: string;
}

/**
 * The `webhook-signature` header for `content` under each secret (the current one first):
 * `v1,<base64>` entries, space-separated.
 * @throws ValidationError when a secret is not a `whsec_` secret, or `content` is malformed.
 */
export function signWebhook(secrets: readonly string[], content: WebhookSignedContent): string {
  if (!Array.isArray(secrets) || secrets.length === 0) throw new ValidationError([{ path: 'secrets', message: 'must name at least one secret' }]);
  if (content === null || typeof content !== 'object' || typeof content.id !== 'string' || typeof content.body !== 'string' || !Number.isSafeInteger(content.timestamp)) {
    throw new ValidationError([{ path: 'content', message: 'must be { id, timestamp (Unix seconds), body }' }]);
  }
  const signed = `${content.id}.${content.timestamp}.${content.body}`;
  return secrets.map((secret) => `v1,${createHmac('sha256', secretKey(secret)).update(signed, 'utf8').digest('base64')}`).join(' ');
}

/** Options of {@link verifyWebhookSignature}. */
export interface VerifyWebhookOptions {
  /** How far the timestamp may be from now, in seconds. (Default: 300) */
  readonly toleranceSeconds?: number;
  /** The current time. (Default: `Date.now()`) */
  readonly now?: Date;
}

/**
 * Whether a received request is signed by `secret`: the `webhook-signature` header holds a `v1`
 * signature of (`webhook-id`, `webhook-timestamp`, `body`) under it (compared in constant time),
 * and the timestamp is within the tolerance. For receivers written in Node; any Standard
 * Webhooks library does the same.
 * @throws ValidationError when `secret` is not a `whsec_` secret, or for a bad tolerance or time.
 */
export function verifyWebhookSignature(
  secret: string,
  headers: { readonly 'webhook-id'?: unknown; readonly 'webhook-timestamp'?: unknown; readonly 'webhook-signature'?: unknown },
  body: string,
  options: VerifyWebhookOptions | null = {},
): boolean {
  const key = secretKey(secret);
  const settings = options ?? {};
  const tolerance = settings.toleranceSeconds ?? 300;
  if (typeof settings !== 'object' || typeof tolerance !== 'number' || !Number.isFinite(tolerance) || tolerance < 0) {
    throw new ValidationError([{ path: 'options.toleranceSeconds', message: 'must be a number of seconds, 0 or more' }]);
  }
  if (settings.now !== undefined && (!(settings.now instanceof Date) || Number.isNaN(settings.now.getTime()))) {
    throw new ValidationError([{ path: 'options.now', message: 'must be a valid Date' }]);
  }
  if (headers === null || typeof headers !== 'object' || typeof body !== 'string') return false;
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string' || !/^\d{1,12}$/.test(timestamp)) return false;
  const now = Math.floor((settings.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - Number(timestamp)) > tolerance) return false;
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`, 'utf8').digest();
  return signatures.split(' ').some((entry) => {
    if (!entry.startsWith('v1,')) return false;
    const given = Buffer.from(entry.slice(3), 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
