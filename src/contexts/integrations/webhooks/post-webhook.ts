// One webhook request: the host resolved and every address checked against the address policy,
// the connection pinned to a checked address (no second lookup a DNS change could redirect),
// https only, no redirect followed, a deadline over the whole exchange, and at most a bounded
// start of the response read.
import { lookup as dnsLookup } from 'node:dns/promises';
import { request, type Agent } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import type { AddressPolicy } from './address-policy.js';

/** How one attempt ended. `error` is a short code, never a message (it may hold the URL or the body). */
export interface PostOutcome {
  readonly ok: boolean;
  readonly status: number | null;
  readonly excerpt: string | null;
  readonly error: 'http_status' | 'timeout' | 'address_refused' | 'dns_failure' | 'tls_error' | 'connection_error' | 'invalid_url' | null;
}

/** What {@link postWebhook} needs besides the request. */
export interface PostSettings {
  readonly policy: AddressPolicy;
  readonly timeoutMs: number;
  readonly excerptChars: number;
  readonly agent: Agent;
  /** Extra trusted certificate authorities (PEM), e.g. a test receiver's. */
  readonly ca?: string | readonly string[];
  /** Resolves a host name to its addresses. (Default: the system resolver) */
  readonly resolve?: (host: string) => Promise<readonly { address: string; family: number }[]>;
}

const systemResolve = async (host: string) => dnsLookup(host, { all: true, verbatim: true });

const TLS_CODES = /^(?:ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_SSL_)/;

/** A response body start as text: valid UTF-8 (bad bytes replaced), no NUL, at most `chars` characters. */
function excerptOf(chunks: Buffer[], chars: number): string {
  return Array.from(Buffer.concat(chunks).toString('utf8').replaceAll('\u0000', '\uFFFD')).slice(0, chars).join('');
}

/** Posts `body` with `headers` to `url` under `settings`. Never rejects: every failure is an outcome. */
export async function postWebhook(url: string, headers: Record<string, string>, body: string, settings: PostSettings): Promise<PostOutcome> {
  const fail = (error: NonNullable<PostOutcome['error']>, status: number | null = null, excerpt: string | null = null): PostOutcome => ({
    ok: false,
    status,
    excerpt,
    error,
  });
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return fail('invalid_url');
  }
  if (target.protocol !== 'https:' || target.username !== '' || target.password !== '') return fail('invalid_url');
  const deadline = Date.now() + settings.timeoutMs;
  const host = target.hostname.startsWith('[') ? target.hostname.slice(1, -1) : target.hostname;
  let addresses: readonly { address: string; family: number }[];
  if (isIP(host) !== 0) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await withDeadline((settings.resolve ?? systemResolve)(host), deadline);
    } catch (error) {
      return fail(error === TIMEOUT ? 'timeout' : 'dns_failure');
    }
  }
  // Every address the name has must be permitted: a name that also points inside is refused.
  if (addresses.length === 0) return fail('dns_failure');
  if (!addresses.every((a) => settings.policy.permits(a.address))) return fail('address_refused');
  const pinned = addresses[0]!;
  const lookup: LookupFunction = (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [pinned]);
    else callback(null, pinned.address, pinned.family);
  };
  const remaining = deadline - Date.now();
  if (remaining <= 0) return fail('timeout');
  return new Promise<PostOutcome>((resolve) => {
    let settled = false;
    const settle = (outcome: PostOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const req = request(
      target,
      {
        method: 'POST',
        agent: settings.agent,
        lookup,
        ...(settings.ca === undefined ? {} : { ca: settings.ca as string | string[] }),
        ...(isIP(host) === 0 ? { servername: host } : {}),
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let bytes = 0;
        const limit = settings.excerptChars * 4;
        const finish = () => {
          const excerpt = bytes === 0 ? null : excerptOf(chunks, settings.excerptChars);
          const known = status >= 100 && status <= 599 ? status : null;
          settle(status >= 200 && status < 300 ? { ok: true, status: known, excerpt, error: null } : fail('http_status', known, excerpt));
          if (!res.complete) res.destroy();
        };
        res.on('data', (chunk: Buffer) => {
          if (bytes < limit) chunks.push(chunk.subarray(0, limit - bytes));
          bytes += chunk.length;
          if (bytes >= limit) finish();
        });
        res.on('end', finish);
        res.on('error', finish);
      },
    );
    const timer = setTimeout(() => {
      settle(fail('timeout'));
      req.destroy();
    }, remaining);
    req.on('error', (error: NodeJS.ErrnoException) => settle(fail(TLS_CODES.test(error.code ?? '') ? 'tls_error' : 'connection_error')));
    req.end(body);
  });
}

const TIMEOUT = Symbol('timeout');

/** `promise`, or a rejection with {@link TIMEOUT} at `deadline`. */
async function withDeadline<T>(promise: Promise<T>, deadline: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(TIMEOUT), Math.max(0, deadline - Date.now()));
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
