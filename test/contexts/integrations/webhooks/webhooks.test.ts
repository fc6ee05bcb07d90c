// Webhooks on real PostgreSQL with a real HTTPS receiver on 127.0.0.1 that checks every
// signature with the Standard Webhooks reference library: managed as the application role in a
// tenant's unit of work; fed from the outbox by the worker's webhooks handler and sent by
// senders connected as a login role granted org_data_worker. Retries, dead letters, automatic
// disable, private targets, timeouts, secret rotation, redelivery, concurrent senders and
// senders whose backends are terminated.
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDatabase } from '../../../../src/core/database/create-database.js';
import { localKeyProvider } from '../../../../src/core/encryption/local-key-provider.js';
import { ForbiddenError } from '../../../../src/core/errors/forbidden-error.js';
import { NotFoundError } from '../../../../src/core/errors/not-found-error.js';
import { TransitionConflictError } from '../../../../src/core/errors/transition-conflict-error.js';
import { ValidationError } from '../../../../src/core/errors/validation-error.js';
import { createWorker, type Worker } from '../../../../src/core/events/worker.js';
import { eventPayloadSchema } from '../../../../src/contexts/events/event-catalog.js';
import { createKeyring } from '../../../../src/contexts/integrations/encryption-keys/keyring.js';
import { WEBHOOK_DELIVERY_STATES, WEBHOOK_DELIVERY_TRANSITIONS } from '../../../../src/contexts/integrations/webhooks/webhook-delivery-machine.js';
import { webhookFanOut } from '../../../../src/contexts/integrations/webhooks/webhook-fan-out.js';
import { verifyWebhookSignature } from '../../../../src/contexts/integrations/webhooks/webhook-signature.js';
import {
  createWebhookSender,
  pruneWebhookDeliveries,
  type WebhookSender,
  type WebhookSenderOptions,
} from '../../../../src/contexts/integrations/webhooks/webhook-sender.js';
import { createWebhooks, type Webhooks } from '../../../../src/contexts/integrations/webhooks/webhooks.js';
import { createRepositories, unitOfWork, type UnitOfWork } from '../../../../src/repositories.js';
import type { DB } from '../../../../src/schema/db.js';
import { startBackendKiller } from '../../../helpers/backend-killer.js';
import { useTestDatabase } from '../../../helpers/database.js';
import { anOrganization, aUser, unique } from '../../../helpers/fixtures.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../../helpers/webhook-receiver.js';

describe('webhooks', () => {
  const testDb = useTestDatabase({ seed: true });
  const loginRole = `org_data_test_hooks_${randomBytes(4).toString('hex')}`;
  const keyring = createKeyring({ provider: localKeyProvider({ masterKeys: { k1: randomBytes(32).toString('base64') }, current: 'k1' }) });
  const webhooks: Webhooks = createWebhooks({ keyring });
  let owner: Kysely<DB>;
  let app: Kysely<DB>;
  let workerUrl: string;
  let receiver: WebhookReceiver;
  const pools: Kysely<DB>[] = [];
  const senders: WebhookSender[] = [];
  const asWorker = (applicationName = 'org-data-test-hooks', max = 4) => {
    const db = createDatabase({ connectionString: workerUrl, applicationName, max });
    pools.push(db);
    return db;
  };
  let worker: Worker;
  /** The delivery transitions the tests below drove (`event:from`), checked against the declaration at the end. */
  const seen = new Set<string>();
  const saw = (...transitions: string[]) => transitions.forEach((t) => seen.add(t));

  beforeAll(async () => {
    owner = testDb.current.db;
    app = testDb.current.app;
    const password = randomBytes(12).toString('hex');
    await sql.raw(`CREATE ROLE ${loginRole} LOGIN PASSWORD '${password}' IN ROLE org_data_worker`).execute(owner);
    const url = new URL(testDb.current.connectionString);
    url.username = loginRole;
    url.password = password;
    workerUrl = url.toString();
    receiver = await startWebhookReceiver();
    worker = createWorker(asWorker('org-data-test-hooks-worker'), { handlers: [webhookFanOut({ eventTypes: ['user.registered', 'document.created'] })] });
  });

  beforeEach(async () => {
    await sql`DELETE FROM outbox_messages`.execute(owner);
  });

  afterAll(async () => {
    for (const sender of senders) await sender.stop().catch(() => undefined);
    await receiver?.close();
    for (const db of pools) await db.destroy().catch(() => undefined);
    await sql.raw(`DROP OWNED BY ${loginRole}`).execute(owner).catch(() => undefined);
    await sql.raw(`DROP ROLE IF EXISTS ${loginRole}`).execute(owner).catch(() => undefined);
  });

  /** A sender as the worker role, trusting the receiver, allowed to reach 127.0.0.1. */
  const aSender = (options: Partial<WebhookSenderOptions> = {}, applicationName?: string) => {
    const sender = createWebhookSender(asWorker(applicationName), {
      keyring,
      allowAddresses: ['127.0.0.1'],
      ca: receiver.ca,
      timeoutMs: 2000,
      leaseMs: 7000,
      backoff: { baseMs: 1000, maxMs: 4000 },
      maxAttempts: 3,
      ...options,
    });
    senders.push(sender);
    return sender;
  };

  /** A new organization and a user of it who acts. */
  const anOrg = async () => {
    const system = createRepositories(owner);
    const org = await anOrganization(system, `wh-${unique()}`);
    const { user } = await aUser(system, org.id);
    return { organizationId: org.id, actorId: user.id, system };
  };
  type Org = Awaited<ReturnType<typeof anOrg>>;
  const as = <T>(org: Org, fn: (uow: UnitOfWork) => Promise<T>) =>
    unitOfWork(app, { tenant: org.organizationId, context: { actorUserId: org.actorId, requestId: 'webhooks' } }, fn);
  /** A webhook of `org` posting to `path` on the receiver, which verifies with its secret. */
  const aHook = async (org: Org, path: string, eventTypes: string[] = ['user.registered']) => {
    const made = await as(org, (uow) => webhooks.create(uow, { url: `${receiver.origin}${path}`, description: 'test', eventTypes }));
    receiver.expect(path, [made.secret]);
    return made;
  };
  /** Dispatches the outbox through the worker (fan-out), then sends until a round claims nothing. */
  const pump = async (sender: WebhookSender, rounds = 20) => {
    for (let i = 0; i < 20; i += 1) {
      const round = await worker.runOnce();
      if (round.dispatched + round.delivered + round.retried + round.dead === 0) break;
    }
    for (let i = 0; i < rounds; i += 1) if ((await sender.runOnce()).claimed === 0) break;
  };
  const deliveriesOf = async (webhookId: string) =>
    (
      await sql<{ id: string; event_id: string; status: string; attempts: number; available_at: Date; last_attempt_at: Date | null; response_status: number | null; response_excerpt: string | null; last_error: string | null }>`
        SELECT id, event_id, status, attempts, available_at, last_attempt_at, response_status, response_excerpt, last_error
        FROM webhook_deliveries WHERE webhook_id = ${webhookId} ORDER BY created_at, id`.execute(owner)
    ).rows;
  const makeDue = (webhookId: string) => sql`UPDATE webhook_deliveries SET available_at = now() WHERE webhook_id = ${webhookId} AND status = 'retry'`.execute(owner);
  const receivedAt = (path: string) => receiver.received.filter((r) => r.path === path);

  it('create: the secret once, stored sealed, audited and with its event (never the secret); find, list', async () => {
    const org = await anOrg();
    const { webhook, secret } = await aHook(org, `/create-${unique()}`, ['user.registered', 'document.created', 'user.registered']);
    expect(secret).toMatch(/^whsec_/);
    expect(webhook).toMatchObject({ isActive: true, consecutiveFailures: 0, eventTypes: ['document.created', 'user.registered'], createdByUserId: org.actorId });
    const stored = (await sql<{ row: string }>`SELECT w::text AS row FROM webhooks w WHERE id = ${webhook.id}`.execute(owner)).rows[0]!.row;
    expect(stored).not.toContain(secret.slice(6));
    expect(stored).not.toContain(Buffer.from(secret).toString('hex'));
    const audit = await sql<{ after: object }>`SELECT after FROM audit_logs WHERE entity_id = ${webhook.id} AND action = 'webhook.create'`.execute(owner);
    expect(JSON.stringify(audit.rows)).not.toContain(secret.slice(6));
    expect(Object.keys(audit.rows[0]!.after).sort()).toEqual(['description', 'disabledAt', 'disabledReason', 'eventTypes', 'id', 'isActive', 'previousSecretExpiresAt', 'url']);
    const events = await sql<{ payload: object }>`SELECT payload FROM domain_events WHERE aggregate_id = ${webhook.id} AND organization_id = ${org.organizationId}`.execute(owner);
    expect(eventPayloadSchema('webhook.created', 1).parse(events.rows[0]!.payload)).toMatchObject({ host: new URL(webhook.url).host });
    // Only the host: a URL's path or query may carry a token for the receiver.
    expect(JSON.stringify(events.rows)).not.toContain(new URL(webhook.url).pathname);
    expect(JSON.stringify(events.rows)).not.toContain(secret.slice(6));
    expect(await as(org, (uow) => webhooks.find(uow, webhook.id))).toEqual(webhook);
    expect((await as(org, (uow) => webhooks.list(uow))).map((w) => w.id)).toEqual([webhook.id]);
    // Another tenant sees none of it.
    const other = await anOrg();
    expect(await as(other, (uow) => webhooks.find(uow, webhook.id))).toBeUndefined();
    expect(await as(other, (uow) => sql<{ n: number }>`SELECT count(*)::int AS n FROM webhooks`.execute(uow.trx))).toMatchObject({ rows: [{ n: 0 }] });
  });

  it('bad input is a typed error and writes nothing', async () => {
    const org = await anOrg();
    const count = async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM webhooks WHERE organization_id = ${org.organizationId}`.execute(owner)).rows[0]!.n;
    for (const input of [
      { url: 'http://example.com/hook', eventTypes: ['user.registered'] },
      { url: 'https://user:pass@example.com/hook', eventTypes: ['user.registered'] },
      { url: `https://example.com/${'a'.repeat(2048)}`, eventTypes: ['user.registered'] },
      { url: 'https://example.com/hook', eventTypes: [] },
      { url: 'https://example.com/hook', eventTypes: ['user.registred'] },
      { url: 'https://example.com/hook', eventTypes: ['user.registered'], extra: 1 },
      null,
    ]) {
      expect(await as(org, (uow) => webhooks.create(uow, input as never)).catch((e: unknown) => e)).toBeInstanceOf(ValidationError);
    }
    expect(
      await unitOfWork(app, { tenant: org.organizationId }, (uow) => webhooks.create(uow, { url: 'https://example.com/h', eventTypes: ['user.registered'] })).catch((e: unknown) => e),
    ).toBeInstanceOf(ForbiddenError);
    expect(await unitOfWork(app, {}, (uow) => webhooks.list(uow)).catch((e: unknown) => e)).toBeInstanceOf(ValidationError);
    expect(await as(org, (uow) => webhooks.update(uow, '00000000-0000-4000-8000-000000000000', { description: 'x' })).catch((e: unknown) => e)).toBeInstanceOf(NotFoundError);
    expect(await as(org, (uow) => webhooks.disable(uow, 'not-a-uuid')).catch((e: unknown) => e)).toBeInstanceOf(ValidationError);
    expect(() => createWebhooks({} as never)).toThrow(ValidationError);
    expect(() => createWebhookSender(owner, { keyring, timeoutMs: 10_000, leaseMs: 12_000 })).toThrow(ValidationError);
    expect(() => createWebhookSender(owner, { keyring, allowAddresses: ['localhost'] })).toThrow(ValidationError);
    expect(() => createWebhookSender(owner, {} as never)).toThrow(ValidationError);
    expect(() => webhookFanOut({ eventTypes: [] })).toThrow(ValidationError);
    expect(await count()).toBe(0);
  });

  it('end to end: an event reaches the receiver once, signed (verified by the reference library), with its body; recorded as succeeded', async () => {
    const org = await anOrg();
    const path = `/e2e-${unique()}`;
    const { webhook } = await aHook(org, path);
    receiver.answer(path, (request) => ({ status: request.verifiedBy.length > 0 ? 200 : 401, body: 'thanks' }));
    const { user } = await aUser(org.system, org.organizationId);
    const sender = aSender();
    await pump(sender);
    const got = receivedAt(path);
    expect(got).toHaveLength(1);
    expect(got[0]!.verifiedBy).toHaveLength(1);
    const body = JSON.parse(got[0]!.body) as { type: string; timestamp: string; version: number; data: { userId: string } };
    expect(body).toMatchObject({ type: 'user.registered', version: 1, data: { userId: user.id } });
    const [event] = (await sql<{ id: string; created_at: Date }>`SELECT id, created_at FROM domain_events WHERE aggregate_id = ${user.id} AND event_type_code = 'user.registered'`.execute(owner)).rows;
    expect(got[0]!.id).toBe(event!.id);
    expect(body.timestamp).toBe(event!.created_at.toISOString());
    expect(Math.abs(Number(got[0]!.timestamp) - Date.now() / 1000)).toBeLessThan(30);
    const [delivery] = await deliveriesOf(webhook.id);
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 1, response_status: 200, response_excerpt: 'thanks', last_error: null });
    saw('fan_out:null', 'claim:pending', 'succeed:in_flight');
    // The same event fanned out again (a repeated dispatch) makes no second delivery.
    await unitOfWork(asWorker(), { tenant: org.organizationId }, async (uow) => {
      const handler = webhookFanOut({ eventTypes: ['user.registered'] });
      const full = (await sql<Record<string, unknown>>`SELECT id, created_at AS "createdAt", event_type_code AS "eventType" FROM domain_events WHERE id = ${event!.id}`.execute(uow.trx)).rows[0]!;
      await handler.handle(full as never, { trx: uow.trx, tenant: org.organizationId, attempt: 1 });
    });
    expect(await deliveriesOf(webhook.id)).toHaveLength(1);
    const listed = await as(org, (uow) => webhooks.listDeliveries(uow, webhook.id));
    expect(listed).toEqual([expect.objectContaining({ id: delivery!.id, eventId: event!.id, eventType: 'user.registered', status: 'succeeded', responseStatus: 200 })]);
  });

  it('only subscribed types of active webhooks: another type, a disabled and a deleted webhook get nothing', async () => {
    const org = await anOrg();
    const other = await aHook(org, `/other-${unique()}`, ['document.created']);
    const disabled = await aHook(org, `/disabled-${unique()}`);
    const deleted = await aHook(org, `/deleted-${unique()}`);
    await as(org, (uow) => webhooks.disable(uow, disabled.webhook.id));
    await as(org, (uow) => webhooks.delete(uow, deleted.webhook.id));
    expect((await as(org, (uow) => webhooks.list(uow))).map((w) => w.id).sort()).toEqual([other.webhook.id, disabled.webhook.id].sort());
    expect(await as(org, (uow) => webhooks.find(uow, deleted.webhook.id))).toBeUndefined();
    await aUser(org.system, org.organizationId);
    await pump(aSender());
    for (const hook of [other, disabled, deleted]) expect(await deliveriesOf(hook.webhook.id)).toEqual([]);
  });

  it('retries back off within bounds, the response status and a bounded excerpt are kept, and the last attempt makes it dead', async () => {
    const org = await anOrg();
    const path = `/failing-${unique()}`;
    const { webhook } = await aHook(org, path);
    receiver.answer(path, () => ({ status: 503, body: `busy ${'é'.repeat(3000)}` }));
    await aUser(org.system, org.organizationId);
    const sender = aSender({ maxAttempts: 3, backoff: { baseMs: 1000, maxMs: 1500 } });
    const bounds = [
      [500, 1000],
      [750, 1500],
    ];
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      await pump(sender);
      const [delivery] = await deliveriesOf(webhook.id);
      expect(delivery).toMatchObject({ attempts: attempt, response_status: 503, last_error: 'http_status' });
      expect(delivery!.response_excerpt).toHaveLength(1024);
      expect(delivery!.response_excerpt!.startsWith('busy é')).toBe(true);
      if (attempt < 3) {
        expect(delivery!.status).toBe('retry');
        const delay = delivery!.available_at.getTime() - delivery!.last_attempt_at!.getTime();
        expect(delay).toBeGreaterThanOrEqual(bounds[attempt - 1]![0]! - 5);
        expect(delay).toBeLessThanOrEqual(bounds[attempt - 1]![1]! + 5);
        // Not due yet: a round claims nothing.
        expect((await sender.runOnce()).claimed).toBe(0);
        await makeDue(webhook.id);
      } else {
        expect(delivery!.status).toBe('dead');
      }
    }
    saw('retry:in_flight', 'claim:retry', 'bury:in_flight');
    // A dead delivery is sent again on request.
    const [dead] = await deliveriesOf(webhook.id);
    expect(await as(org, (uow) => webhooks.redeliver(uow, dead!.id))).toMatchObject({ status: 'pending', attempts: 0 });
    saw('redeliver:dead');
    expect(receivedAt(path)).toHaveLength(3);
    expect(receivedAt(path).every((r) => r.verifiedBy.length === 1)).toBe(true);
    expect(new Set(receivedAt(path).map((r) => r.id)).size).toBe(1);
  });

  it('disabled automatically after N failed attempts in a row (audited, webhook.disabled); a success resets the count; pending deliveries are cancelled', async () => {
    const org = await anOrg();
    const path = `/flaky-${unique()}`;
    const { webhook } = await aHook(org, path);
    let failing = true;
    receiver.answer(path, () => ({ status: failing ? 500 : 204 }));
    const sender = aSender({ disableAfterFailures: 3, maxAttempts: 10 });
    await aUser(org.system, org.organizationId);
    await pump(sender);
    await makeDue(webhook.id);
    await pump(sender);
    expect((await as(org, (uow) => webhooks.find(uow, webhook.id)))!.consecutiveFailures).toBe(2);
    failing = false;
    await makeDue(webhook.id);
    await pump(sender);
    expect((await as(org, (uow) => webhooks.find(uow, webhook.id)))!.consecutiveFailures).toBe(0);
    failing = true;
    for (let i = 0; i < 3; i += 1) await aUser(org.system, org.organizationId);
    await pump(sender); // three failures: the third disables it
    const after = (await as(org, (uow) => webhooks.find(uow, webhook.id)))!;
    expect(after).toMatchObject({ isActive: false, disabledReason: 'failures', consecutiveFailures: 3 });
    const statuses = (await deliveriesOf(webhook.id)).map((d) => d.status).sort();
    expect(statuses).toEqual(['dead', 'dead', 'dead', 'succeeded']);
    saw('cancel:retry');
    const { rows: events } = await sql<{ payload: object }>`
      SELECT payload FROM domain_events WHERE aggregate_id = ${webhook.id} AND organization_id = ${org.organizationId} AND event_type_code = 'webhook.disabled'`.execute(owner);
    expect(events.map((e) => eventPayloadSchema('webhook.disabled', 1).parse(e.payload))).toEqual([
      { webhookId: webhook.id, organizationId: org.organizationId, reason: 'failures', consecutiveFailures: 3 },
    ]);
    const { rows: audits } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_logs WHERE entity_id = ${webhook.id} AND action = 'webhook.disable'`.execute(owner);
    expect(audits[0]!.n).toBe(1);
    // Enabled again: the count starts over; the dead deliveries stay dead until redelivered.
    const enabled = await as(org, (uow) => webhooks.enable(uow, webhook.id));
    expect(enabled).toMatchObject({ isActive: true, disabledAt: null, disabledReason: null, consecutiveFailures: 0 });
  });

  it('private and loopback targets are refused unless allowed; nothing reaches them', async () => {
    const org = await anOrg();
    const path = `/private-${unique()}`;
    const { webhook } = await aHook(org, path);
    const named = await as(org, (uow) => webhooks.create(uow, { url: 'https://hooks.internal.example/x', eventTypes: ['user.registered'] }));
    const metadata = await as(org, (uow) => webhooks.create(uow, { url: 'https://169.254.169.254/latest', eventTypes: ['user.registered'] }));
    const mapped = await as(org, (uow) => webhooks.create(uow, { url: `https://[::ffff:127.0.0.1]:${new URL(receiver.origin).port}${path}`, eventTypes: ['user.registered'] }));
    await aUser(org.system, org.organizationId);
    // No allow-list; the name resolves to a private address.
    const strict = aSender({ allowAddresses: [], resolve: async () => [{ address: '10.1.2.3', family: 4 }, { address: '93.184.215.14', family: 4 }] });
    await pump(strict, 1);
    for (const hook of [webhook, named.webhook, metadata.webhook, mapped.webhook]) {
      expect(await deliveriesOf(hook.id)).toEqual([expect.objectContaining({ status: 'retry', last_error: 'address_refused', response_status: null })]);
    }
    expect(receivedAt(path)).toHaveLength(0);
  });

  it('a receiver that does not answer in time: a timeout, retried', async () => {
    const org = await anOrg();
    const path = `/slow-${unique()}`;
    const { webhook } = await aHook(org, path);
    receiver.answer(path, () => ({ status: 200, delayMs: 3000 }));
    await aUser(org.system, org.organizationId);
    const started = Date.now();
    await pump(aSender({ timeoutMs: 300, leaseMs: 6000 }), 1);
    expect(Date.now() - started).toBeLessThan(2500);
    expect(await deliveriesOf(webhook.id)).toEqual([expect.objectContaining({ status: 'retry', last_error: 'timeout', response_status: null })]);
  });

  it('secret rotation: during the overlap both secrets verify; without one only the new secret does', async () => {
    const org = await anOrg();
    const path = `/rotate-${unique()}`;
    const { webhook, secret: first } = await aHook(org, path);
    const rotated = await as(org, (uow) => webhooks.rotateSecret(uow, webhook.id, { overlapSeconds: 3600 }));
    expect(rotated.secret).not.toBe(first);
    expect(rotated.webhook.previousSecretExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 3500_000);
    receiver.expect(path, [first, rotated.secret]);
    const sender = aSender();
    await aUser(org.system, org.organizationId);
    await pump(sender);
    expect(receivedAt(path).at(-1)!.verifiedBy).toEqual([first, rotated.secret]);
    const third = await as(org, (uow) => webhooks.rotateSecret(uow, webhook.id, { overlapSeconds: 0 }));
    expect(third.webhook.previousSecretExpiresAt).toBeNull();
    receiver.expect(path, [first, rotated.secret, third.secret]);
    await aUser(org.system, org.organizationId);
    await pump(sender);
    expect(receivedAt(path).at(-1)!.verifiedBy).toEqual([third.secret]);
    const { rows } = await sql<{ action: string }>`SELECT action FROM audit_logs WHERE entity_id = ${webhook.id} ORDER BY created_at`.execute(owner);
    expect(rows.map((r) => r.action)).toEqual(['webhook.create', 'webhook.rotate_secret', 'webhook.rotate_secret']);
  });

  it('redelivery on request: the same webhook-id again; refused while not finished or while the webhook is disabled', async () => {
    const org = await anOrg();
    const path = `/again-${unique()}`;
    const { webhook } = await aHook(org, path);
    await aUser(org.system, org.organizationId);
    const sender = aSender();
    await pump(sender);
    const [delivery] = await deliveriesOf(webhook.id);
    const again = await as(org, (uow) => webhooks.redeliver(uow, delivery!.id));
    expect(again).toMatchObject({ status: 'pending', attempts: 0 });
    saw('redeliver:succeeded');
    expect(await as(org, (uow) => webhooks.redeliver(uow, delivery!.id)).catch((e: unknown) => e)).toBeInstanceOf(TransitionConflictError);
    await pump(sender);
    expect(receivedAt(path).map((r) => r.id)).toEqual([delivery!.event_id, delivery!.event_id]);
    await as(org, (uow) => webhooks.disable(uow, webhook.id));
    expect(await as(org, (uow) => webhooks.redeliver(uow, delivery!.id)).catch((e: unknown) => e)).toBeInstanceOf(TransitionConflictError);
    expect(await as(org, (uow) => webhooks.redeliver(uow, '00000000-0000-4000-8000-000000000000')).catch((e: unknown) => e)).toBeInstanceOf(NotFoundError);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_logs WHERE entity_id = ${delivery!.id} AND action = 'webhook_delivery.redeliver'`.execute(owner);
    expect(rows[0]!.n).toBe(1);
  });

  it('update changes the URL and replaces the event types; audited with its event', async () => {
    const org = await anOrg();
    const { webhook } = await aHook(org, `/update-${unique()}`);
    const updated = await as(org, (uow) => webhooks.update(uow, webhook.id, { url: 'https://example.com/new', description: null, eventTypes: ['document.created'] }));
    expect(updated).toMatchObject({ url: 'https://example.com/new', description: null, eventTypes: ['document.created'] });
    expect(await as(org, (uow) => webhooks.update(uow, webhook.id, {})).catch((e: unknown) => e)).toBeInstanceOf(ValidationError);
    const { rows } = await sql<{ before: { url: string }; after: { url: string } }>`
      SELECT before, after FROM audit_logs WHERE entity_id = ${webhook.id} AND action = 'webhook.update'`.execute(owner);
    expect(rows[0]!.before.url).toBe(webhook.url);
    expect(rows[0]!.after.url).toBe('https://example.com/new');
  });

  it('three senders at once: every delivery sent exactly once', async () => {
    const org = await anOrg();
    const path = `/many-${unique()}`;
    const { webhook } = await aHook(org, path);
    for (let i = 0; i < 40; i += 1) await aUser(org.system, org.organizationId);
    for (let i = 0; i < 20; i += 1) if ((await worker.runOnce()).dispatched === 0) break;
    const three = [0, 1, 2].map(() => aSender({ batchSize: 5, concurrency: 3 }));
    await Promise.all(three.map(async (sender) => { for (let i = 0; i < 30; i += 1) if ((await sender.runOnce()).claimed === 0) break; }));
    const deliveries = await deliveriesOf(webhook.id);
    expect(deliveries).toHaveLength(40);
    expect(deliveries.every((d) => d.status === 'succeeded' && d.attempts === 1)).toBe(true);
    const ids = receivedAt(path).map((r) => r.id);
    expect(ids).toHaveLength(40);
    expect(new Set(ids).size).toBe(40);
  });

  it('worker and senders whose backends are terminated while events are written: one delivery row per event, each succeeded, every event received, repeats identical', async () => {
    const org = await anOrg();
    const path = `/killed-${unique()}`;
    const { webhook } = await aHook(org, path);
    const crashWorker = createWorker(asWorker('org-data-crash-hooks-worker'), {
      handlers: [webhookFanOut({ eventTypes: ['user.registered'] })],
      batchSize: 5,
      leaseMs: 1000,
      pollIntervalMs: 20,
      onError: () => {},
    });
    const crashing = [0, 1, 2].map((i) =>
      aSender({ batchSize: 4, concurrency: 2, leaseMs: 5300, timeoutMs: 300, pollIntervalMs: 20, onError: () => {} }, `org-data-crash-hooks-${i}`),
    );
    crashWorker.start();
    for (const sender of crashing) sender.start();
    const killer = startBackendKiller(testDb.current.connectionString, 'org-data-crash-hooks-%', 30, 90);
    // Two writers, 15 registrations each, while the worker fans out and the senders send.
    await Promise.all([0, 1].map(async () => { for (let i = 0; i < 15; i += 1) await aUser(org.system, org.organizationId); }));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const killed = await killer.stop();
    await expect
      .poll(
        async () => {
          const deliveries = await deliveriesOf(webhook.id);
          return deliveries.length === 30 && deliveries.every((d) => d.status === 'succeeded');
        },
        { timeout: 30_000, interval: 250 },
      )
      .toBe(true);
    await crashWorker.stop();
    for (const sender of crashing) await sender.stop();
    expect(killed).toBeGreaterThan(0);
    const deliveries = await deliveriesOf(webhook.id);
    expect(new Set(deliveries.map((d) => d.event_id)).size).toBe(30);
    const got = receivedAt(path);
    expect(new Set(got.map((r) => r.id))).toEqual(new Set(deliveries.map((d) => d.event_id)));
    // A repeat (a sender killed after the request, before recording it) carries the same id and body.
    const bodies = new Map<string, string>();
    for (const r of got) {
      expect(r.verifiedBy).toHaveLength(1);
      if (bodies.has(r.id)) expect(r.body).toBe(bodies.get(r.id));
      bodies.set(r.id, r.body);
    }
    saw('reclaim:in_flight');
    console.log(`webhooks under kills: ${killed} backends terminated, ${got.length} requests for ${deliveries.length} deliveries`);
  });

  it('a disabled webhook: its pending deliveries are cancelled, one still in flight is buried unsent, its failure count kept', async () => {
    const org = await anOrg();
    const path = `/off-${unique()}`;
    const { webhook } = await aHook(org, path);
    await aUser(org.system, org.organizationId);
    await aUser(org.system, org.organizationId);
    for (let i = 0; i < 20; i += 1) if ((await worker.runOnce()).dispatched === 0) break;
    const [first, second] = await deliveriesOf(webhook.id);
    // One claimed by a sender that then died (its lease ran out).
    await sql`UPDATE webhook_deliveries SET status = 'in_flight', attempts = 1, leased_by = 'gone', leased_until = now() - interval '1 second'
      WHERE id = ${first!.id}`.execute(owner);
    await as(org, (uow) => webhooks.disable(uow, webhook.id));
    await sql`UPDATE webhooks SET consecutive_failures = 7 WHERE id = ${webhook.id}`.execute(owner);
    expect((await deliveriesOf(webhook.id)).find((d) => d.id === second!.id)).toMatchObject({ status: 'dead', last_error: 'webhook_disabled' });
    await pump(aSender(), 1);
    expect((await deliveriesOf(webhook.id)).find((d) => d.id === first!.id)).toMatchObject({ status: 'dead', last_error: 'webhook_disabled' });
    expect(receivedAt(path)).toHaveLength(0);
    expect((await as(org, (uow) => webhooks.find(uow, webhook.id)))!.consecutiveFailures).toBe(7);
    saw('cancel:pending', 'reclaim:in_flight', 'bury:in_flight');
  });

  it('a delivery claimed again after a lost lease with no attempt left is buried, not sent', async () => {
    const org = await anOrg();
    const path = `/exhausted-${unique()}`;
    const { webhook } = await aHook(org, path);
    await aUser(org.system, org.organizationId);
    for (let i = 0; i < 20; i += 1) if ((await worker.runOnce()).dispatched === 0) break;
    await sql`UPDATE webhook_deliveries SET status = 'in_flight', attempts = 3, leased_by = 'gone', leased_until = now() - interval '1 second'
      WHERE webhook_id = ${webhook.id}`.execute(owner);
    await pump(aSender({ maxAttempts: 3 }), 1);
    expect(await deliveriesOf(webhook.id)).toEqual([expect.objectContaining({ status: 'dead', attempts: 4, last_error: 'attempts_exhausted' })]);
    expect(receivedAt(path)).toHaveLength(0);
  });

  it('a key provider that fails: nothing sent, the attempt given back, the webhook not blamed; sent once the provider answers', async () => {
    const org = await anOrg();
    const path = `/kms-${unique()}`;
    const { webhook } = await aHook(org, path);
    await aUser(org.system, org.organizationId);
    // The same master key id with another key: unwrapping the organization's data key fails (KeyProviderError).
    const broken = createKeyring({ provider: localKeyProvider({ masterKeys: { k1: randomBytes(32).toString('base64') }, current: 'k1' }) });
    const errors: string[] = [];
    await pump(aSender({ keyring: broken, onError: (e) => errors.push(e.code) }), 1);
    expect(errors).toContain('KEY_PROVIDER');
    const [delivery] = await deliveriesOf(webhook.id);
    expect(delivery).toMatchObject({ status: 'pending', attempts: 0, last_error: 'key_provider_unavailable' });
    expect(delivery!.available_at.getTime()).toBeGreaterThan(Date.now());
    expect((await as(org, (uow) => webhooks.find(uow, webhook.id)))!.consecutiveFailures).toBe(0);
    expect(receivedAt(path)).toHaveLength(0);
    saw('postpone:in_flight');
    await sql`UPDATE webhook_deliveries SET available_at = now() WHERE webhook_id = ${webhook.id}`.execute(owner);
    await pump(aSender());
    expect(await deliveriesOf(webhook.id)).toEqual([expect.objectContaining({ status: 'succeeded', attempts: 1 })]);
  });

  it('stop() lets the request under way finish and gives back what was claimed and not sent', async () => {
    const org = await anOrg();
    const path = `/stop-${unique()}`;
    const { webhook } = await aHook(org, path);
    receiver.answer(path, () => ({ status: 204, delayMs: 400 }));
    for (let i = 0; i < 3; i += 1) await aUser(org.system, org.organizationId);
    for (let i = 0; i < 20; i += 1) if ((await worker.runOnce()).dispatched === 0) break;
    const sender = aSender({ concurrency: 1, batchSize: 3, pollIntervalMs: 10 });
    sender.start();
    await expect.poll(() => sender.progress().inFlight, { timeout: 10_000 }).toBe(1);
    await sender.stop();
    expect(sender.progress()).toMatchObject({ running: false, inFlight: 0 });
    const statuses = (await deliveriesOf(webhook.id)).map((d) => `${d.status}/${d.attempts}`).sort();
    expect(statuses).toEqual(['pending/0', 'pending/0', 'succeeded/1']);
    saw('release:in_flight');
  });

  it('verifyWebhookSignature refuses a bad tolerance or time with a ValidationError', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    for (const options of [{ toleranceSeconds: Number.NaN }, { toleranceSeconds: -1 }, { toleranceSeconds: '5' as never }, { now: 'now' as never }, { now: new Date(Number.NaN) }]) {
      expect(() => verifyWebhookSignature(secret, {}, '', options)).toThrow(ValidationError);
    }
    expect(verifyWebhookSignature(secret, {}, '', null)).toBe(false);
  });

  it('the delivery states are those the table accepts; pruning deletes only finished deliveries', async () => {
    const { rows } = await sql<{ def: string }>`
      SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'webhook_deliveries_status_values'`.execute(owner);
    expect([...rows[0]!.def.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]).sort()).toEqual([...WEBHOOK_DELIVERY_STATES].sort());
    const org = await anOrg();
    const { webhook } = await aHook(org, `/prune-${unique()}`);
    await aUser(org.system, org.organizationId);
    await aUser(org.system, org.organizationId);
    await pump(aSender());
    const [first] = await deliveriesOf(webhook.id);
    await sql`UPDATE webhook_deliveries SET status = 'pending', succeeded_at = NULL WHERE id = ${first!.id}`.execute(owner);
    const pruned = await pruneWebhookDeliveries(asWorker(), { before: new Date(Date.now() + 60_000), batchSize: 1 });
    expect(pruned).toBeGreaterThanOrEqual(1);
    expect((await deliveriesOf(webhook.id)).map((d) => d.id)).toEqual([first!.id]);
    await expect(pruneWebhookDeliveries(asWorker(), { before: 'yesterday' as never })).rejects.toBeInstanceOf(ValidationError);
  });

  it('every declared delivery transition was driven by the tests above', () => {
    expect(WEBHOOK_DELIVERY_TRANSITIONS.map((t) => `${t.event}:${t.from}`).filter((t) => !seen.has(t))).toEqual([]);
  });
});
