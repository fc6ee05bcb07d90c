// Integrity rules of notifications, from sql/migrations/20261203110000_create_notifications.up.sql,
// exercised with raw SQL. The harness, and how coverage is checked: test/helpers/constraints.ts.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CHECK,
  create,
  expectRejected,
  expectUpdatedAtTrigger,
  FOREIGN_KEY,
  HUGE,
  insert,
  NOT_NULL,
  OLD,
  organizationRow,
  type Row,
  UNIQUE,
  useConstraintHarness,
  userRow,
} from '../../../helpers/constraints.js';
import { coverage } from './notifications.constraints.js';

useConstraintHarness(coverage);

describe('notifications', () => {
  let organizationId: string;
  let userId: string;
  beforeAll(async () => {
    organizationId = (await create('organizations', organizationRow())).id as string;
    userId = (await create('users', userRow(organizationId))).id as string;
  });
  const row = (overrides: Row = {}): Row => ({
    organization_id: organizationId,
    user_id: userId,
    type: 'staff_profile.verified',
    title: 'Verified',
    message: 'Your profile was verified.',
    ...overrides,
  });

  it('defaults: empty data, normal priority, unread', async () => {
    expect(await create('notifications', row())).toMatchObject({ data: {}, priority: 'normal', read_at: null, dismissed_at: null });
  });

  it.each(['id', 'created_at', 'updated_at', 'organization_id', 'user_id', 'type', 'title', 'message', 'data', 'priority'])('NOT NULL %s', (column) =>
    expectRejected(insert('notifications', row({ [column]: null })), NOT_NULL, `notifications.${column}`),
  );

  it('notifications_pkey is (id, organization_id): a duplicate id in its organization is rejected', async () => {
    const first = await create('notifications', row());
    await expectRejected(insert('notifications', row({ id: first.id })), UNIQUE, 'notifications_pkey');
  });

  it('notifications_user_id_fkey: the user must exist in the same organization', async () => {
    await expectRejected(insert('notifications', row({ user_id: randomUUID() })), FOREIGN_KEY, 'notifications_user_id_fkey');
    const other = (await create('organizations', organizationRow())).id;
    await expectRejected(insert('notifications', row({ organization_id: other })), FOREIGN_KEY, 'notifications_user_id_fkey');
  });

  it('notifications_source_event_key: one notification per (event, user); any number without an event', async () => {
    const event = randomUUID();
    await create('notifications', row({ source_event_id: event }));
    await expectRejected(insert('notifications', row({ source_event_id: event })), UNIQUE, 'notifications_source_event_key');
    await create('notifications', row());
    await create('notifications', row());
  });

  it.each([
    ['notifications_type_format', { type: 'NoDot' }],
    ['notifications_type_format', { type: `a.${'b'.repeat(100)}` }],
    ['notifications_type_format', { type: HUGE }],
    ['notifications_title_length', { title: '   ' }],
    ['notifications_title_length', { title: 't'.repeat(201) }],
    ['notifications_message_length', { message: 'm'.repeat(2001) }],
    ['notifications_data_object', { data: '[]' }],
    ['notifications_data_object', { data: JSON.stringify({ x: 'y'.repeat(16_384) }) }],
    ['notifications_priority_values', { priority: 'critical' }],
    ['notifications_read_after_created', { created_at: '2030-01-02T00:00:00Z', read_at: '2030-01-01T00:00:00Z' }],
    ['notifications_dismissed_after_created', { created_at: '2030-01-02T00:00:00Z', dismissed_at: '2030-01-01T00:00:00Z' }],
    ['notifications_expires_after_created', { created_at: '2030-01-02T00:00:00Z', expires_at: '2030-01-02T00:00:00Z' }],
  ])('%s rejects %j', (constraint, overrides) => expectRejected(insert('notifications', row(overrides)), CHECK, constraint));

  it('notifications_set_updated_at keeps updated_at current', async () => {
    const made = await create('notifications', row({ created_at: OLD, updated_at: OLD }));
    await expectUpdatedAtTrigger('notifications', { id: made.id });
  });
});
