// Integrity rules of webhooks, webhook_event_types and webhook_deliveries, from
// sql/migrations/20261205090000_create_webhooks.up.sql, exercised with raw SQL. The harness, and
// how coverage is checked: test/helpers/constraints.ts.
import { randomBytes, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CHECK,
  client,
  create,
  expectRejected,
  expectUpdatedAtTrigger,
  FOREIGN_KEY,
  HUGE,
  insert,
  markViolated,
  NOT_NULL,
  OLD,
  organizationRow,
  type Row,
  UNIQUE,
  useConstraintHarness,
  userRow, expectSameKey } from '../../../helpers/constraints.js';
import { coverage } from './webhooks.constraints.js';

useConstraintHarness(coverage);

let organizationId: string;
let userId: string;
beforeAll(async () => {
  organizationId = (await create('organizations', organizationRow())).id as string;
  userId = (await create('users', userRow(organizationId))).id as string;
});
const webhookRow = (overrides: Row = {}): Row => ({
  organization_id: organizationId,
  url: 'https://hooks.example.com/in',
  secret_encrypted: randomBytes(80),
  created_by_user_id: userId,
  ...overrides,
});
const DISABLED = { is_active: false, disabled_at: '2031-01-01T00:00:00Z', disabled_reason: 'manual' };

describe('webhooks', () => {
  it.each(['id', 'created_at', 'updated_at', 'organization_id', 'url', 'secret_encrypted', 'is_active', 'consecutive_failures', 'created_by_user_id'])(
    'NOT NULL %s',
    (column) => expectRejected(insert('webhooks', webhookRow({ [column]: null })), NOT_NULL, `webhooks.${column}`),
  );

  it('webhooks_pkey rejects a duplicate id; webhooks_organization_id_id_key is the target of the tenant-scoped foreign keys', async () => {
    const first = await create('webhooks', webhookRow());
    await expectRejected(insert('webhooks', webhookRow({ id: first.id })), UNIQUE, 'webhooks_organization_id_id_key');
    await expectSameKey('webhooks_pkey', 'PRIMARY KEY (id, organization_id)', 'webhooks_organization_id_id_key');
    const { rows } = await client.query(`
      SELECT pg_get_constraintdef(k.oid) AS definition,
             array(SELECT f.conname::text FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = k.conindid ORDER BY 1) AS referenced_by
      FROM pg_constraint k WHERE k.conname = 'webhooks_organization_id_id_key'`);
    expect(rows).toEqual([
      { definition: 'UNIQUE (organization_id, id)', referenced_by: ['webhook_deliveries_webhook_id_fkey', 'webhook_event_types_webhook_id_fkey'] },
    ]);
    markViolated('webhooks_organization_id_id_key');
  });

  it('foreign keys: the organization, and the creator within it', async () => {
    await expectRejected(insert('webhooks', webhookRow({ organization_id: randomUUID() })), FOREIGN_KEY, 'webhooks_organization_id_fkey');
    const other = (await create('organizations', organizationRow())).id as string;
    const stranger = (await create('users', userRow(other))).id;
    await expectRejected(insert('webhooks', webhookRow({ created_by_user_id: stranger })), FOREIGN_KEY, 'webhooks_created_by_user_id_fkey');
  });

  it.each([
    ['webhooks_url_format', { url: 'http://hooks.example.com/in' }],
    ['webhooks_url_format', { url: 'https://user:pw@hooks.example.com/in' }],
    ['webhooks_url_format', { url: 'https://hooks.example.com/a b' }],
    ['webhooks_url_format', { url: 'https://' }],
    ['webhooks_url_format', { url: `https://h.example/${'a'.repeat(2040)}` }],
    ['webhooks_url_format', { url: HUGE }],
    ['webhooks_description_length', { description: 'd'.repeat(501) }],
    ['webhooks_secret_encrypted_length', { secret_encrypted: randomBytes(28) }],
    ['webhooks_previous_secret_encrypted_length', { previous_secret_encrypted: randomBytes(2000), previous_secret_expires_at: '2031-01-01T00:00:00Z' }],
    ['webhooks_previous_secret_with_expiry', { previous_secret_encrypted: randomBytes(80) }],
    ['webhooks_previous_secret_with_expiry', { previous_secret_expires_at: '2031-01-01T00:00:00Z' }],
    ['webhooks_disabled_when_inactive', { is_active: false }],
    ['webhooks_disabled_when_inactive', { disabled_at: '2031-01-01T00:00:00Z', disabled_reason: 'manual' }],
    ['webhooks_disabled_reason_when_disabled', { is_active: false, disabled_at: '2031-01-01T00:00:00Z' }],
    ['webhooks_disabled_reason_values', { ...DISABLED, disabled_reason: 'bored' }],
    ['webhooks_consecutive_failures_range', { consecutive_failures: -1 }],
    ['webhooks_deleted_after_created', { ...DISABLED, created_at: '2031-01-02T00:00:00Z', deleted_at: '2031-01-01T00:00:00Z' }],
    ['webhooks_inactive_when_deleted', { deleted_at: '2031-01-01T00:00:00Z' }],
  ] as [string, Row][])('%s rejects %j', (constraint, overrides) => expectRejected(insert('webhooks', webhookRow(overrides)), CHECK, constraint));

  it('accepts a disabled, deleted webhook with a previous secret in its overlap', async () => {
    await create('webhooks', webhookRow({ ...DISABLED, disabled_reason: 'failures', deleted_at: '2031-01-02T00:00:00Z', previous_secret_encrypted: randomBytes(80), previous_secret_expires_at: '2031-01-01T00:00:00Z' }));
  });

  it('webhooks_set_updated_at keeps updated_at current', async () => {
    const made = await create('webhooks', webhookRow({ created_at: OLD, updated_at: OLD }));
    await expectUpdatedAtTrigger('webhooks', { id: made.id });
  });
});

describe('webhook_event_types', () => {
  let webhookId: string;
  beforeAll(async () => {
    webhookId = (await create('webhooks', webhookRow())).id as string;
  });
  const row = (overrides: Row = {}): Row => ({ organization_id: organizationId, webhook_id: webhookId, event_type_code: 'user.registered', ...overrides });

  it.each(['organization_id', 'webhook_id', 'event_type_code', 'created_at', 'updated_at'])('NOT NULL %s', (column) =>
    expectRejected(insert('webhook_event_types', row({ [column]: null })), NOT_NULL, `webhook_event_types.${column}`),
  );

  it('webhook_event_types_pkey: an event type once per webhook', async () => {
    await create('webhook_event_types', row());
    await expectRejected(insert('webhook_event_types', row()), UNIQUE, 'webhook_event_types_pkey');
  });

  it('foreign keys: the webhook within the organization, and the event type', async () => {
    const other = (await create('organizations', organizationRow())).id;
    await expectRejected(insert('webhook_event_types', row({ organization_id: other, event_type_code: 'document.created' })), FOREIGN_KEY, 'webhook_event_types_webhook_id_fkey');
    await expectRejected(insert('webhook_event_types', row({ event_type_code: 'no.such_type' })), FOREIGN_KEY, 'webhook_event_types_event_type_code_fkey');
  });

  it('webhook_event_types_set_updated_at keeps updated_at current', async () => {
    await create('webhook_event_types', row({ event_type_code: 'document.deleted', created_at: OLD, updated_at: OLD }));
    await expectUpdatedAtTrigger('webhook_event_types', { webhook_id: webhookId, event_type_code: 'document.deleted' });
  });
});

describe('webhook_deliveries', () => {
  let webhookId: string;
  let event: { id: string; created_at: string };
  beforeAll(async () => {
    webhookId = (await create('webhooks', webhookRow())).id as string;
    event = (await create('domain_events', {
      organization_id: organizationId,
      event_type_code: 'user.registered',
      payload_version: 1,
      aggregate_type: 'user',
      aggregate_id: randomUUID(),
      payload: '{}',
      // Milliseconds only, so the value read back (a JS Date) is the stored one exactly.
      created_at: '2031-07-15T10:00:00.000Z',
    })) as { id: string; created_at: string };
  });
  const anotherEvent = async () =>
    (await create('domain_events', {
      organization_id: organizationId,
      event_type_code: 'user.registered',
      payload_version: 1,
      aggregate_type: 'user',
      aggregate_id: randomUUID(),
      payload: '{}',
      created_at: '2031-07-15T10:00:00.000Z',
    })) as { id: string; created_at: string };
  const row = (overrides: Row = {}): Row => ({
    organization_id: organizationId,
    webhook_id: webhookId,
    event_id: event.id,
    event_created_at: event.created_at,
    ...overrides,
  });

  it.each(['id', 'created_at', 'updated_at', 'organization_id', 'webhook_id', 'event_id', 'event_created_at', 'status', 'attempts', 'available_at'])(
    'NOT NULL %s',
    (column) => expectRejected(insert('webhook_deliveries', row({ [column]: null })), NOT_NULL, `webhook_deliveries.${column}`),
  );

  it('a new delivery is pending, due now, with no attempt; one per (webhook, event); the primary key', async () => {
    const made = await create('webhook_deliveries', row());
    expect(made).toMatchObject({ status: 'pending', attempts: 0, leased_until: null, succeeded_at: null, dead_at: null });
    await expectRejected(insert('webhook_deliveries', row()), UNIQUE, 'webhook_deliveries_event_webhook_key');
    const other = await anotherEvent();
    await expectRejected(insert('webhook_deliveries', row({ id: made.id, event_id: other.id })), UNIQUE, 'webhook_deliveries_pkey');
  });

  it('foreign keys: the event within the organization (exact time), and the webhook within it', async () => {
    await expectRejected(insert('webhook_deliveries', row({ event_id: randomUUID() })), FOREIGN_KEY, 'webhook_deliveries_event_fkey');
    await expectRejected(insert('webhook_deliveries', row({ event_created_at: '2031-07-15T10:00:00.001Z' })), FOREIGN_KEY, 'webhook_deliveries_event_fkey');
    const other = await anotherEvent();
    await expectRejected(insert('webhook_deliveries', row({ event_id: other.id, webhook_id: randomUUID() })), FOREIGN_KEY, 'webhook_deliveries_webhook_id_fkey');
  });

  const LEASED = { status: 'in_flight', attempts: 1, leased_until: '2031-01-01T00:00:00Z', leased_by: 'sender' };
  it.each([
    ['webhook_deliveries_status_values', { status: 'sent' }],
    ['webhook_deliveries_attempts_range', { attempts: -1 }],
    ['webhook_deliveries_attempts_range', { attempts: 1001 }],
    ['webhook_deliveries_lease_when_in_flight', { status: 'in_flight', attempts: 1 }],
    ['webhook_deliveries_lease_when_in_flight', { leased_until: '2031-01-01T00:00:00Z', leased_by: 'sender' }],
    ['webhook_deliveries_leased_by_length', { ...LEASED, leased_by: 'x'.repeat(201) }],
    ['webhook_deliveries_succeeded_at_when_succeeded', { status: 'succeeded', attempts: 1 }],
    ['webhook_deliveries_succeeded_at_when_succeeded', { succeeded_at: '2031-01-01T00:00:00Z' }],
    ['webhook_deliveries_dead_at_when_dead', { status: 'dead' }],
    ['webhook_deliveries_dead_at_when_dead', { dead_at: '2031-01-01T00:00:00Z' }],
    ['webhook_deliveries_attempted_when_finished', { status: 'retry' }],
    ['webhook_deliveries_attempted_when_finished', { status: 'succeeded', succeeded_at: '2031-01-01T00:00:00Z' }],
    ['webhook_deliveries_response_status_range', { response_status: 99 }],
    ['webhook_deliveries_response_status_range', { response_status: 600 }],
    ['webhook_deliveries_response_excerpt_length', { response_excerpt: 'r'.repeat(1025) }],
    ['webhook_deliveries_last_error_length', { last_error: 'e'.repeat(201) }],
  ] as [string, Row][])('%s rejects %j', async (constraint, overrides) => {
    const other = await anotherEvent();
    await expectRejected(insert('webhook_deliveries', row({ event_id: other.id, ...overrides })), CHECK, constraint);
  });

  it('webhook_deliveries_set_updated_at keeps updated_at current', async () => {
    const other = await anotherEvent();
    const made = await create('webhook_deliveries', row({ event_id: other.id, created_at: OLD, updated_at: OLD }));
    await expectUpdatedAtTrigger('webhook_deliveries', { id: made.id });
  });
});
