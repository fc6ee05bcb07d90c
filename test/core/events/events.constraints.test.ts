// Integrity rules of event_types, domain_events (and its DEFAULT partition) and outbox_messages,
// from sql/migrations/20261203090000_create_domain_events_and_outbox.up.sql, exercised with raw
// SQL. The harness, and how coverage is checked: test/helpers/constraints.ts.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  APPEND_ONLY,
  CHECK,
  client,
  create,
  expectRejected,
  expectRejectedInPartition,
  expectUpdatedAtTrigger,
  FOREIGN_KEY,
  HUGE,
  inRolledBackTransaction,
  insert,
  markTriggerChecked,
  NOT_NULL,
  OLD,
  organizationRow,
  type Row,
  UNIQUE,
  useConstraintHarness,
} from '../../helpers/constraints.js';
import { coverage } from './events.constraints.js';

useConstraintHarness(coverage);

const DEFAULT_PARTITION = 'domain_events_default';

describe('event_types', () => {
  const typeRow = (overrides: Row = {}): Row => ({ code: `test.happened_${randomUUID().slice(0, 8)}`, description: 'Something happened.', ...overrides });

  it('accepts a code like aggregate.happened and defaults the payload version to 1', async () => {
    const row = await create('event_types', typeRow());
    expect(row.payload_version).toBe(1);
  });

  it.each(['code', 'description', 'payload_version', 'created_at', 'updated_at'])('NOT NULL %s', (column) =>
    expectRejected(insert('event_types', typeRow({ [column]: null })), NOT_NULL, `event_types.${column}`),
  );

  it('event_types_pkey rejects a duplicate code', () =>
    expectRejected(insert('event_types', typeRow({ code: 'user.registered' })), UNIQUE, 'event_types_pkey'));

  it.each([['no dot'], ['Upper.case'], ['trailing.'], ['.leading'], ['a..b'], [`a.${'b'.repeat(100)}`], [HUGE]])(
    'event_types_code_format rejects %s',
    (code) => expectRejected(insert('event_types', typeRow({ code })), CHECK, 'event_types_code_format'),
  );

  it.each([[''], ['   '], ['x'.repeat(501)]])('event_types_description_length rejects %j', (description) =>
    expectRejected(insert('event_types', typeRow({ description })), CHECK, 'event_types_description_length'),
  );

  it.each([[0], [1001]])('event_types_payload_version_range rejects %i', (version) =>
    expectRejected(insert('event_types', typeRow({ payload_version: version })), CHECK, 'event_types_payload_version_range'),
  );

  it('event_types_set_updated_at keeps updated_at current', async () => {
    const row = await create('event_types', typeRow({ created_at: OLD, updated_at: OLD }));
    await expectUpdatedAtTrigger('event_types', { code: row.code });
  });
});

describe('event_subscriptions', () => {
  const subscriptionRow = (overrides: Row = {}): Row => ({ event_type_code: 'user.registered', consumer: `c-${randomUUID().slice(0, 8)}`, ...overrides });

  it('one row per (event type, consumer): event_subscriptions_type_consumer_key; the primary key', async () => {
    const first = await create('event_subscriptions', subscriptionRow({ consumer: 'twice' }));
    await expectRejected(insert('event_subscriptions', subscriptionRow({ consumer: 'twice' })), UNIQUE, 'event_subscriptions_type_consumer_key');
    await create('event_subscriptions', subscriptionRow({ consumer: 'twice', event_type_code: 'document.created' }));
    await expectRejected(insert('event_subscriptions', subscriptionRow({ id: first.id })), UNIQUE, 'event_subscriptions_pkey');
  });

  it('event_subscriptions_event_type_code_fkey rejects an unknown event type', () =>
    expectRejected(insert('event_subscriptions', subscriptionRow({ event_type_code: 'user.registred' })), FOREIGN_KEY, 'event_subscriptions_event_type_code_fkey'));

  it.each([['Upper'], ['c'.repeat(101)], [HUGE]])('event_subscriptions_consumer_format rejects %s', (consumer) =>
    expectRejected(insert('event_subscriptions', subscriptionRow({ consumer })), CHECK, 'event_subscriptions_consumer_format'),
  );

  it.each(['id', 'created_at', 'updated_at', 'event_type_code', 'consumer'])('NOT NULL %s', (column) =>
    expectRejected(insert('event_subscriptions', subscriptionRow({ [column]: null })), NOT_NULL, `event_subscriptions.${column}`),
  );

  it('event_subscriptions_set_updated_at keeps updated_at current', async () => {
    const row = await create('event_subscriptions', subscriptionRow({ created_at: OLD, updated_at: OLD }));
    await expectUpdatedAtTrigger('event_subscriptions', { id: row.id });
  });
});

describe('domain_events and outbox_messages', () => {
  let organizationId: string;
  beforeAll(async () => {
    organizationId = (await create('organizations', organizationRow())).id as string;
  });
  const eventRow = (overrides: Row = {}): Row => ({
    organization_id: organizationId,
    event_type_code: 'document.deleted',
    payload_version: 1,
    aggregate_type: 'document',
    aggregate_id: randomUUID(),
    payload: '{"documentId": "x"}',
    // Milliseconds only, so the value read back (a JS Date) is the stored one exactly.
    created_at: '2031-07-15T10:00:00.000Z',
    ...overrides,
  });

  it('an event lands in the DEFAULT partition until its month has one, with a fresh public id', async () => {
    const { rows } = await client.query<Row>({
      ...insert('domain_events', eventRow()),
      text: insert('domain_events', eventRow()).text.replace('RETURNING *', 'RETURNING tableoid::regclass::text AS partition, id'),
    });
    expect(rows[0]).toMatchObject({ partition: DEFAULT_PARTITION, id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });

  it.each(['id', 'created_at', 'updated_at', 'organization_id', 'event_type_code', 'payload_version', 'aggregate_type', 'aggregate_id', 'payload'])(
    'NOT NULL %s',
    (column) =>
      expectRejectedInPartition(
        insert('domain_events', eventRow({ [column]: null })),
        NOT_NULL,
        `${DEFAULT_PARTITION}.${column}`,
        `domain_events.${column}`,
      ),
  );

  it('domain_events_pkey rejects a duplicate (organization_id, created_at, id); the error names the partition index', async () => {
    const first = await create('domain_events', eventRow());
    await expectRejectedInPartition(
      insert('domain_events', eventRow({ id: first.id, created_at: first.created_at })),
      UNIQUE,
      `${DEFAULT_PARTITION}_pkey`,
      'domain_events_pkey',
    );
  });

  it.each([['NoDot'], ['a..b'], [`a.${'b'.repeat(100)}`], [HUGE]])('domain_events_event_type_code_format rejects %s', (code) =>
    expectRejected(insert('domain_events', eventRow({ event_type_code: code })), CHECK, 'domain_events_event_type_code_format'),
  );

  it.each([
    ['domain_events_payload_version_range', { payload_version: 0 }],
    ['domain_events_payload_version_range', { payload_version: 1001 }],
    ['domain_events_aggregate_type_format', { aggregate_type: 'Document' }],
    ['domain_events_aggregate_type_format', { aggregate_type: 'a'.repeat(65) }],
    ['domain_events_aggregate_type_format', { aggregate_type: HUGE }],
    ['domain_events_aggregate_version_positive', { aggregate_version: 0 }],
    ['domain_events_payload_object', { payload: '[]' }],
    ['domain_events_payload_object', { payload: '"text"' }],
    ['domain_events_payload_object', { payload: JSON.stringify({ blob: 'x'.repeat(65_536) }) }],
    ['domain_events_correlation_id_length', { correlation_id: 'c'.repeat(201) }],
    ['domain_events_request_id_length', { request_id: 'r'.repeat(201) }],
  ])('%s rejects %j', (constraint, overrides) => expectRejected(insert('domain_events', eventRow(overrides)), CHECK, constraint));

  it('domain_events_append_only rejects UPDATE and DELETE, naming the table and the operation', async () => {
    const event = await create('domain_events', eventRow());
    for (const [operation, text] of [
      ['UPDATE', 'UPDATE domain_events SET payload_version = 2 WHERE id = $1'],
      ['DELETE', 'DELETE FROM domain_events WHERE id = $1'],
    ] as const) {
      await expect(client.query(text, [event.id])).rejects.toMatchObject({
        code: APPEND_ONLY,
        message: `${DEFAULT_PARTITION} is append-only: ${operation} is not allowed`,
      });
    }
    markTriggerChecked('domain_events_append_only');
  });

  it('domain_events_no_truncate and domain_events_default_no_truncate reject TRUNCATE (without the outbox in the way)', () =>
    inRolledBackTransaction(async () => {
      // TRUNCATE of a table the deliveries' keys reference is refused before any trigger
      // (0A000): drop the keys for this transaction to reach the triggers.
      await client.query('ALTER TABLE event_deliveries DROP CONSTRAINT event_deliveries_event_fkey');
      await client.query('ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_event_fkey');
      await client.query('SAVEPOINT t');
      await expect(client.query('TRUNCATE domain_events')).rejects.toMatchObject({
        code: APPEND_ONLY,
        message: 'domain_events is append-only: TRUNCATE is not allowed',
      });
      markTriggerChecked('domain_events_no_truncate');
      await client.query('ROLLBACK TO SAVEPOINT t');
      await expect(client.query(`TRUNCATE ${DEFAULT_PARTITION}`)).rejects.toMatchObject({
        code: APPEND_ONLY,
        message: `${DEFAULT_PARTITION} is append-only: TRUNCATE is not allowed`,
      });
      markTriggerChecked('domain_events_default_no_truncate');
    }));

  describe('outbox_messages', () => {
    const messageFor = (event: Row, overrides: Row = {}): Row => ({
      organization_id: event.organization_id,
      event_id: event.id,
      event_created_at: event.created_at,
      ...overrides,
    });

    it('one message per event: outbox_messages_pkey (the event time and id)', async () => {
      const event = await create('domain_events', eventRow());
      await create('outbox_messages', messageFor(event));
      await expectRejected(insert('outbox_messages', messageFor(event)), UNIQUE, 'outbox_messages_pkey');
    });

    it.each(['event_id', 'created_at', 'updated_at', 'organization_id', 'event_created_at'])('NOT NULL %s', async (column) => {
      const event = await create('domain_events', eventRow());
      await expectRejected(insert('outbox_messages', messageFor(event, { [column]: null })), NOT_NULL, `outbox_messages.${column}`);
    });

    it('outbox_messages_set_updated_at keeps updated_at current', async () => {
      const message = await create('outbox_messages', messageFor(await create('domain_events', eventRow()), { created_at: OLD, updated_at: OLD }));
      await expectUpdatedAtTrigger('outbox_messages', { event_id: message.event_id });
    });
  });

  describe('event_deliveries', () => {
    const deliveryFor = (event: Row, overrides: Row = {}): Row => ({
      organization_id: event.organization_id,
      event_id: event.id,
      event_created_at: event.created_at,
      consumer: `consumer_${randomUUID().slice(0, 8)}`,
      ...overrides,
    });

    it('a new delivery is pending, due now, with no attempt', async () => {
      const row = await create('event_deliveries', deliveryFor(await create('domain_events', eventRow())));
      expect(row).toMatchObject({ status: 'pending', attempts: 0, leased_until: null, leased_by: null, dead_at: null });
    });

    it('one delivery per (event, consumer): event_deliveries_event_consumer_key; the primary key', async () => {
      const event = await create('domain_events', eventRow());
      const first = await create('event_deliveries', deliveryFor(event, { consumer: 'twice' }));
      await expectRejected(insert('event_deliveries', deliveryFor(event, { consumer: 'twice' })), UNIQUE, 'event_deliveries_event_consumer_key');
      await expectRejected(insert('event_deliveries', deliveryFor(event, { id: first.id })), UNIQUE, 'event_deliveries_pkey');
    });

    it('event_deliveries_event_fkey rejects a delivery of no event, or of another tenant’s', async () => {
      const event = await create('domain_events', eventRow());
      await expectRejected(insert('event_deliveries', deliveryFor(event, { event_id: randomUUID() })), FOREIGN_KEY, 'event_deliveries_event_fkey');
      const other = (await create('organizations', organizationRow())).id;
      await expectRejected(insert('event_deliveries', deliveryFor(event, { organization_id: other })), FOREIGN_KEY, 'event_deliveries_event_fkey');
    });

    it.each([
      ['event_deliveries_consumer_format', { consumer: 'Upper' }],
      ['event_deliveries_consumer_format', { consumer: 'c'.repeat(101) }],
      ['event_deliveries_consumer_format', { consumer: HUGE }],
      ['event_deliveries_status_values', { status: 'done' }],
      ['event_deliveries_attempts_range', { attempts: -1 }],
      ['event_deliveries_attempts_range', { attempts: 1001 }],
      ['event_deliveries_lease_when_in_flight', { status: 'in_flight' }],
      ['event_deliveries_lease_when_in_flight', { leased_until: '2031-01-01T00:00:00Z', leased_by: 'w' }],
      ['event_deliveries_dead_at_when_dead', { status: 'dead' }],
      ['event_deliveries_dead_at_when_dead', { dead_at: '2031-01-01T00:00:00Z' }],
      ['event_deliveries_leased_by_length', { status: 'in_flight', leased_until: '2031-01-01T00:00:00Z', leased_by: 'w'.repeat(201) }],
      ['event_deliveries_last_error_length', { last_error: 'e'.repeat(501) }],
    ])('%s rejects %j', async (constraint, overrides) => {
      const event = await create('domain_events', eventRow());
      await expectRejected(insert('event_deliveries', deliveryFor(event, overrides)), CHECK, constraint);
    });

    it.each(['id', 'created_at', 'updated_at', 'organization_id', 'event_id', 'event_created_at', 'consumer', 'status', 'attempts', 'available_at'])(
      'NOT NULL %s',
      async (column) => {
        const event = await create('domain_events', eventRow());
        await expectRejected(insert('event_deliveries', deliveryFor(event, { [column]: null })), NOT_NULL, `event_deliveries.${column}`);
      },
    );

    it('event_deliveries_set_updated_at keeps updated_at current', async () => {
      const row = await create('event_deliveries', deliveryFor(await create('domain_events', eventRow()), { created_at: OLD, updated_at: OLD }));
      await expectUpdatedAtTrigger('event_deliveries', { id: row.id });
    });
  });
});
