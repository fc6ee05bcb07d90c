// The webhook sender: claims due deliveries of every tenant with a lease, opens the webhook's
// secrets, signs and posts outside any transaction, and records the outcome with the tenant
// set: succeeded, retry after a bounded backoff, or dead after the configured attempts; a
// webhook that failed too often in a row is disabled (audited, event webhook.disabled).
import { randomUUID } from 'node:crypto';
import { Agent } from 'node:https';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { auditEvent } from '../../../core/audit/audit-event.js';
import { writeAudit } from '../../../core/audit/write-audit.js';
import { DataError } from '../../../core/errors/data-error.js';
import { DecryptionError, KeyProviderError } from '../../../core/errors/encryption-errors.js';
import { mapDatabaseError } from '../../../core/errors/map-database-error.js';
import { backoffDelayMs } from '../../../core/events/delivery-machine.js';
import { createPollingLoop, runInLanes } from '../../../core/events/polling-loop.js';
import { domainEvent } from '../../../core/events/domain-event.js';
import { asPackageDatabase } from '../../../core/kernel/database-type.js';
import { parseInput } from '../../../core/kernel/parse-input.js';
import { runUnitOfWork } from '../../../core/unit-of-work/run-unit-of-work.js';
import { resolveUnitOfWorkOptions } from '../../../core/unit-of-work/unit-of-work-options.js';
import type { DB } from '../../../schema/db.js';
import type { Keyring } from '../encryption-keys/keyring.js';
import { webhookDisabled } from '../integration-events.js';
import { createAddressPolicy } from './address-policy.js';
import { postWebhook, type PostOutcome } from './post-webhook.js';
import { webhookAggregate } from './webhook.js';
import { signWebhook } from './webhook-signature.js';
import {
  claimWebhookDeliveries,
  heldWebhookDelivery,
  recordWebhookAttempt,
  pruneWebhookDeliveries as pruneStatement,
  releaseWebhookDeliveries,
  type ClaimedWebhookDelivery,
} from './webhook-sender-statements.js';
import { getWebhook, setWebhookState } from './webhook-statements.js';
import { WEBHOOK_SECRET_FIELD, webhookFromRow } from './webhooks.js';

const OptionsSchema = z.strictObject({
  keyring: z.custom<Keyring>(
    (k) => k !== null && typeof k === 'object' && typeof (k as Keyring).decryptText === 'function',
    'must be a keyring (createKeyring)',
  ),
  allowAddresses: z.array(z.string().max(50)).max(100).default([]),
  timeoutMs: z.int().min(100).max(30_000).default(5_000),
  maxAttempts: z.int().min(1).max(100).default(10),
  backoff: z
    .strictObject({ baseMs: z.int().min(1).max(3_600_000).default(30_000), maxMs: z.int().min(1).max(86_400_000).default(21_600_000) })
    .refine((b) => b.baseMs <= b.maxMs, 'baseMs must not exceed maxMs')
    .default({ baseMs: 30_000, maxMs: 21_600_000 }),
  disableAfterFailures: z.int().min(1).max(1_000_000).default(50),
  concurrency: z.int().min(1).max(64).default(8),
  batchSize: z.int().min(1).max(500).default(50),
  leaseMs: z.int().min(1000).max(3_600_000).default(60_000),
  pollIntervalMs: z.int().min(10).max(60_000).default(1000),
  excerptChars: z.int().min(0).max(1024).default(1024),
  userAgent: z.string().min(1).max(200).regex(/^[\x20-\x7e]+$/, 'must be printable ASCII').default('org-data-webhooks/1'),
  ca: z.union([z.string(), z.array(z.string())]).optional(),
  resolve: z.custom<(host: string) => Promise<readonly { address: string; family: number }[]>>((f) => typeof f === 'function', 'must be a function').optional(),
  workerId: z.string().min(1).max(200).optional(),
  onError: z.custom<(error: DataError) => void>((f) => typeof f === 'function', 'must be a function').optional(),
}).refine((o) => o.leaseMs >= o.timeoutMs + 5_000, { message: 'leaseMs must exceed timeoutMs by at least 5 s', path: ['leaseMs'] });

/** Options of {@link createWebhookSender}. */
export interface WebhookSenderOptions {
  /** The keyring the secrets were sealed with (`createWebhooks`'s). */
  readonly keyring: Keyring;
  /**
   * Addresses and CIDR ranges that may be targeted though private or loopback (e.g. `10.20.0.0/16`
   * for an internal receiver, `127.0.0.1` in tests). Everything else private is refused.
   */
  readonly allowAddresses?: readonly string[];
  /** The deadline of one request (DNS, connect, TLS, response), 100–30,000 ms. (Default: 5,000) */
  readonly timeoutMs?: number;
  /** Attempts before a delivery is dead. (Default: 10) */
  readonly maxAttempts?: number;
  /** The retry backoff: min(maxMs, baseMs · 2^(n − 1)), half of it random. (Default: 30 s to 6 h) */
  readonly backoff?: { readonly baseMs?: number; readonly maxMs?: number };
  /** Failed attempts in a row (over all of a webhook's deliveries) after which it is disabled. (Default: 50) */
  readonly disableAfterFailures?: number;
  /** Requests at once. (Default: 8) */
  readonly concurrency?: number;
  /** Deliveries claimed per round. (Default: 50) */
  readonly batchSize?: number;
  /** The lease of a claimed delivery, at least `timeoutMs` + 5 s. (Default: 60,000) */
  readonly leaseMs?: number;
  /** The wait after an idle round. (Default: 1,000) */
  readonly pollIntervalMs?: number;
  /** How much of a response body is kept, in characters (0–1,024). (Default: 1,024) */
  readonly excerptChars?: number;
  /** The `user-agent` header. (Default: `org-data-webhooks/1`) */
  readonly userAgent?: string;
  /** Extra certificate authorities (PEM) to trust, e.g. an internal receiver's. */
  readonly ca?: string | readonly string[];
  /** The resolver of host names. (Default: the system's, `dns.lookup`) */
  readonly resolve?: (host: string) => Promise<readonly { address: string; family: number }[]>;
  /** This sender's name on its leases. (Default: random) */
  readonly workerId?: string;
  /** Told of every failure the sender survives (a failed attempt is not one; a database error is). */
  readonly onError?: (error: DataError) => void;
}

/** What one {@link WebhookSender.runOnce} did. */
export interface WebhookSenderRound {
  /** Deliveries claimed. */
  readonly claimed: number;
  /** Answered 2xx. */
  readonly succeeded: number;
  /** Failed, to be retried. */
  readonly retried: number;
  /** Became dead (last attempt, or the webhook is not active). */
  readonly dead: number;
  /** Webhooks disabled after failures. */
  readonly disabled: number;
}

/** A sender made by {@link createWebhookSender}. */
export interface WebhookSender {
  /** Runs rounds until {@link WebhookSender.stop}; an idle round waits `pollIntervalMs`. */
  start(): void;
  /** Stops after the requests under way finish; claimed deliveries not sent are given back. */
  stop(): Promise<void>;
  /** One round: claim a batch of due deliveries and send them. */
  runOnce(): Promise<WebhookSenderRound>;
  /** Counters since creation, and whether it runs. */
  progress(): WebhookSenderRound & { readonly running: boolean; readonly inFlight: number };
}

type Prepared =
  | { readonly kind: 'lost' }
  | { readonly kind: 'inactive' }
  | { readonly kind: 'no_secret'; readonly transient: boolean }
  | { readonly kind: 'send'; readonly url: string; readonly secrets: string[]; readonly eventId: string; readonly body: string };

/** How an attempt is recorded: the outcome, what the delivery keeps, and the webhook's failure count. */
interface Attempt {
  readonly outcome: 'succeeded' | 'retry' | 'dead' | 'pending';
  readonly status: number | null;
  readonly excerpt: string | null;
  readonly error: string | null;
  readonly failures: 'reset' | 'add' | 'keep';
}

/**
 * Creates a webhook sender over `db`, connected as a login role granted `org_data_worker` (it
 * claims deliveries of every tenant). Requests carry `webhook-id` (the event's id: receivers
 * deduplicate by it), `webhook-timestamp` and `webhook-signature` (Standard Webhooks, v1), and
 * a JSON body `{ type, timestamp, version, data }`. A host is resolved and refused when any of its
 * addresses is private, loopback, link-local or reserved (unless `allowAddresses` names it),
 * and the connection goes to the address checked. Delivery is at least once: a sender that dies
 * after the request and before recording it sends again when its lease runs out.
 * @throws ValidationError for bad options (nothing started).
 */
export function createWebhookSender(database: Kysely<DB>, options: WebhookSenderOptions): WebhookSender {
  const db = asPackageDatabase(database);
  const settings = parseInput(OptionsSchema, options, 'options');
  const policy = createAddressPolicy(settings.allowAddresses);
  const agent = new Agent({ keepAlive: true, maxSockets: settings.concurrency });
  const workerId = settings.workerId ?? `webhooks-${randomUUID()}`;
  const keyring = settings.keyring;
  const totals = { claimed: 0, succeeded: 0, retried: 0, dead: 0, disabled: 0 };
  let inFlight = 0;
  const report = (error: unknown) => {
    try {
      settings.onError?.(mapDatabaseError(error) as DataError);
    } catch {
      // A failing error callback must not stop the sender.
    }
  };
  const inTenant = <T>(tenant: string, fn: (trx: Kysely<DB>) => Promise<T>) =>
    runUnitOfWork(db, resolveUnitOfWorkOptions({ tenant }), ({ trx }) => fn(trx));

  const prepare = (delivery: ClaimedWebhookDelivery): Promise<Prepared> =>
    inTenant(delivery.organizationId, async (trx) => {
      const [held] = await heldWebhookDelivery(trx, { id: delivery.id, worker: workerId, attempts: delivery.attempts, leaseMs: settings.leaseMs });
      if (!held) return { kind: 'lost' };
      if (!held.live) return { kind: 'inactive' };
      const scope = { trx, tenant: delivery.organizationId };
      const secrets: string[] = [];
      try {
        secrets.push(await keyring.decryptText(scope, { ...WEBHOOK_SECRET_FIELD, rowId: held.webhookId }, held.secretEncrypted));
        if (held.previousSecretEncrypted) {
          secrets.push(
            await keyring.decryptText(scope, { table: 'webhooks', column: 'previous_secret_encrypted', rowId: held.webhookId }, held.previousSecretEncrypted),
          );
        }
      } catch (error) {
        if (error instanceof DecryptionError || error instanceof KeyProviderError) {
          report(error);
          // A key provider that failed may answer next time; a value that does not decrypt will not.
          return { kind: 'no_secret', transient: error instanceof KeyProviderError };
        }
        throw error;
      }
      const body = JSON.stringify({
        type: held.eventType,
        timestamp: new Date(held.eventCreatedAt).toISOString(),
        version: held.payloadVersion,
        data: held.payload,
      });
      return { kind: 'send', url: held.url, secrets, eventId: held.eventId, body };
    });

  /** Records an attempt; disables the webhook when its failures in a row reached the threshold. */
  const record = (delivery: ClaimedWebhookDelivery, attempt: Attempt) =>
    inTenant(delivery.organizationId, async (trx) => {
      const [row] = await recordWebhookAttempt(trx, {
        id: delivery.id,
        worker: workerId,
        attempts: delivery.attempts,
        outcome: attempt.outcome,
        delayMs: backoffDelayMs(attempt.outcome === 'pending' ? 1 : delivery.attempts, settings.backoff.baseMs, settings.backoff.maxMs),
        status: attempt.status,
        excerpt: attempt.excerpt,
        error: attempt.error,
        failures: attempt.failures,
      });
      if (!row?.recorded) return false;
      if (attempt.outcome === 'succeeded') totals.succeeded += 1;
      else if (attempt.outcome === 'dead') totals.dead += 1;
      else totals.retried += 1;
      if (attempt.failures === 'add' && row.active && row.webhookId && (row.failures ?? 0) >= settings.disableAfterFailures) {
        const organizationId = delivery.organizationId;
        const [before] = await getWebhook(trx, { id: row.webhookId, organizationId });
        const [state] = await setWebhookState(trx, { id: row.webhookId, organizationId, active: false, reason: 'failures', remove: false });
        const [after] = await getWebhook(trx, { id: row.webhookId, organizationId });
        if (state?.changed && before && after) {
          totals.disabled += 1;
          await writeAudit(
            trx,
            {},
            auditEvent(webhookAggregate, 'disable', {
              entityId: row.webhookId,
              organizationId,
              before: webhookFromRow(before),
              after: webhookFromRow(after),
              event: domainEvent(webhookDisabled, row.webhookId, {
                webhookId: row.webhookId,
                organizationId,
                reason: 'failures',
                consecutiveFailures: state.consecutiveFailures,
              }),
            }),
          );
        }
      }
      return true;
    });

  /** Signs and posts; never rejects (a failure of the sender's own is `internal_error`). */
  const send = async (prepared: Extract<Prepared, { kind: 'send' }>): Promise<PostOutcome | undefined> => {
    try {
      const timestamp = Math.floor(Date.now() / 1000);
      const headers = {
        'content-type': 'application/json',
        'user-agent': settings.userAgent,
        'webhook-id': prepared.eventId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signWebhook(prepared.secrets, { id: prepared.eventId, timestamp, body: prepared.body }),
      };
      return await postWebhook(prepared.url, headers, prepared.body, {
        policy,
        timeoutMs: settings.timeoutMs,
        excerptChars: settings.excerptChars,
        agent,
        ...(settings.ca === undefined ? {} : { ca: settings.ca }),
        ...(settings.resolve === undefined ? {} : { resolve: settings.resolve }),
      });
    } catch (error) {
      report(error);
      return undefined;
    }
  };

  /** The attempt to record for a delivery: sent, or why not. */
  const attemptOf = async (delivery: ClaimedWebhookDelivery): Promise<Attempt | undefined> => {
    const last = delivery.attempts >= settings.maxAttempts;
    const failed = (error: string): Attempt => ({ outcome: last ? 'dead' : 'retry', status: null, excerpt: null, error, failures: 'keep' });
    // Claimed again after a lost lease with no attempt left: buried, not sent once more.
    if (delivery.attempts > settings.maxAttempts) return { ...failed('attempts_exhausted'), outcome: 'dead' };
    let prepared: Prepared;
    try {
      prepared = await prepare(delivery);
    } catch (error) {
      report(error);
      return failed('internal_error');
    }
    if (prepared.kind === 'lost') return undefined;
    if (prepared.kind === 'inactive') return { ...failed('webhook_disabled'), outcome: 'dead' };
    if (prepared.kind === 'no_secret') {
      return prepared.transient ? { ...failed('key_provider_unavailable'), outcome: 'pending' } : failed('secret_unavailable');
    }
    const post = await send(prepared);
    if (!post) return failed('internal_error');
    if (post.ok) return { outcome: 'succeeded', status: post.status, excerpt: post.excerpt, error: null, failures: 'reset' };
    return { outcome: last ? 'dead' : 'retry', status: post.status, excerpt: post.excerpt, error: post.error, failures: 'add' };
  };

  const deliver = async (delivery: ClaimedWebhookDelivery): Promise<void> => {
    inFlight += 1;
    try {
      const attempt = await attemptOf(delivery);
      if (attempt) await record(delivery, attempt);
    } catch (error) {
      // Not recorded: the lease runs out and the delivery is claimed again (and buried once it
      // is past its attempts).
      report(error);
    } finally {
      inFlight -= 1;
    }
  };

  const runOnce = async (): Promise<WebhookSenderRound> => {
    const before = { ...totals };
    if (!loop.stopping()) {
      const claimed = await claimWebhookDeliveries(db, { limit: settings.batchSize, leaseMs: settings.leaseMs, worker: workerId });
      totals.claimed += claimed.length;
      const left = await runInLanes(claimed, settings.concurrency, loop.stopping, deliver);
      if (left.length > 0) await releaseWebhookDeliveries(db, { ids: left.map((d) => d.id), worker: workerId });
    }
    return {
      claimed: totals.claimed - before.claimed,
      succeeded: totals.succeeded - before.succeeded,
      retried: totals.retried - before.retried,
      dead: totals.dead - before.dead,
      disabled: totals.disabled - before.disabled,
    };
  };

  const loop = createPollingLoop(async () => (await runOnce()).claimed > 0, settings.pollIntervalMs, report);

  return Object.freeze({
    start: loop.start,
    async stop() {
      await loop.stop();
      agent.destroy();
    },
    runOnce: () =>
      runOnce().catch((error: unknown) => {
        throw mapDatabaseError(error);
      }),
    progress: () => Object.freeze({ ...totals, running: loop.running(), inFlight }),
  });
}

const PruneSchema = z.strictObject({ before: z.date(), batchSize: z.int().min(1).max(100_000).default(5_000) });

/**
 * Deletes finished deliveries (succeeded or dead) made before `options.before`, in batches of
 * `batchSize` (one statement each): what keeps the table small, and what must run before the
 * months of `domain_events` they point at can be dropped. Of every tenant when `db` connects as
 * the worker role; pending ones are never deleted. The number deleted.
 * @throws ValidationError for bad options.
 */
export async function pruneWebhookDeliveries(
  database: Kysely<DB>,
  options: { readonly before: Date; readonly batchSize?: number },
): Promise<number> {
  const db = asPackageDatabase(database);
  const { before, batchSize } = parseInput(PruneSchema, options, 'options');
  try {
    let total = 0;
    for (;;) {
      const [row] = await pruneStatement(db, { before, limit: batchSize });
      total += row?.deleted ?? 0;
      if ((row?.deleted ?? 0) < batchSize) return total;
    }
  } catch (error) {
    throw mapDatabaseError(error);
  }
}
