// Integrity rules of encryption_keys, from sql/migrations/20261204090000_create_encryption_keys.up.sql,
// exercised with raw SQL. The harness, and how coverage is checked: test/helpers/constraints.ts.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENCRYPTION_KEY_STATES } from '../../../../src/contexts/integrations/encryption-keys/encryption-key-machine.js';
import {
  CHECK,
  client,
  create,
  expectRejected,
  expectUpdatedAtTrigger,
  FOREIGN_KEY,
  HUGE,
  insert,
  next,
  NOT_NULL,
  OLD,
  organizationRow,
  type Row,
  UNIQUE,
  useConstraintHarness,
} from '../../../helpers/constraints.js';
import { coverage } from './encryption-keys.constraints.js';

useConstraintHarness(coverage);

describe('encryption_keys', () => {
  let organizationId: string;
  beforeAll(async () => {
    organizationId = (await create('organizations', organizationRow())).id as string;
  });
  const row = (overrides: Row = {}): Row => ({
    organization_id: organizationId,
    purpose: 'field',
    version: next(),
    status: 'retired',
    retired_at: '2031-01-01T00:00:00Z',
    provider: 'local',
    master_key_id: 'k1',
    wrapped_key: Buffer.alloc(60, 7),
    ...overrides,
  });

  it('defaults: active, with a uuid', async () => {
    const { status: _status, retired_at: _retiredAt, ...active } = row({ purpose: 'defaults_check' });
    const made = await create('encryption_keys', active);
    expect(made).toMatchObject({ status: 'active', retired_at: null });
  });

  it.each(['id', 'created_at', 'updated_at', 'organization_id', 'purpose', 'version', 'status', 'provider', 'master_key_id', 'wrapped_key'])(
    'NOT NULL %s',
    (column) => expectRejected(insert('encryption_keys', row({ [column]: null })), NOT_NULL, `encryption_keys.${column}`),
  );

  it('encryption_keys_pkey is (id, organization_id): a duplicate id in its organization is rejected', async () => {
    const first = await create('encryption_keys', row());
    await expectRejected(insert('encryption_keys', row({ id: first.id })), UNIQUE, 'encryption_keys_pkey');
  });

  it('encryption_keys_organization_id_fkey: the organization must exist', () =>
    expectRejected(insert('encryption_keys', row({ organization_id: randomUUID() })), FOREIGN_KEY, 'encryption_keys_organization_id_fkey'));

  it('encryption_keys_organization_purpose_version_key: one version number per organization and purpose', async () => {
    const first = await create('encryption_keys', row());
    await expectRejected(insert('encryption_keys', row({ version: first.version })), UNIQUE, 'encryption_keys_organization_purpose_version_key');
    await create('encryption_keys', row({ version: first.version, purpose: 'blind_index' }));
  });

  it('encryption_keys_one_active_key: one active key per organization and purpose; retired ones are many', async () => {
    await create('encryption_keys', row({ purpose: 'one_active', status: 'active', retired_at: null }));
    await expectRejected(
      insert('encryption_keys', row({ purpose: 'one_active', status: 'active', retired_at: null })),
      UNIQUE,
      'encryption_keys_one_active_key',
    );
    await create('encryption_keys', row({ purpose: 'one_active' }));
    await create('encryption_keys', row({ purpose: 'one_active' }));
  });

  it.each([
    ['encryption_keys_purpose_format', { purpose: 'Field' }],
    ['encryption_keys_purpose_format', { purpose: 'p'.repeat(65) }],
    ['encryption_keys_purpose_format', { purpose: HUGE }],
    ['encryption_keys_version_range', { version: 0 }],
    ['encryption_keys_version_range', { version: 1_000_001 }],
    ['encryption_keys_status_values', { status: 'destroyed', retired_at: null, purpose: 'destroyed_check' }],
    ['encryption_keys_retired_at_when_retired', { status: 'retired', retired_at: null }],
    ['encryption_keys_retired_at_when_retired', { status: 'active', purpose: 'active_retired_at' }],
    ['encryption_keys_retired_after_created', { created_at: '2031-01-02T00:00:00Z' }],
    ['encryption_keys_provider_format', { provider: 'AWS KMS' }],
    ['encryption_keys_provider_format', { provider: HUGE }],
    ['encryption_keys_master_key_id_length', { master_key_id: '' }],
    ['encryption_keys_master_key_id_length', { master_key_id: 'k'.repeat(2049) }],
    ['encryption_keys_wrapped_key_length', { wrapped_key: Buffer.alloc(31) }],
    ['encryption_keys_wrapped_key_length', { wrapped_key: Buffer.alloc(4097) }],
  ])('%s rejects %j', (constraint, overrides) => expectRejected(insert('encryption_keys', row(overrides)), CHECK, constraint));

  it('encryption_keys_status_values lists exactly the declared key states', async () => {
    const { rows } = await client.query(
      `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'encryption_keys_status_values'`,
    );
    const listed = [...String(rows[0]?.def).matchAll(/'([a-z_]+)'/g)].map((m) => m[1]);
    expect(listed.sort()).toEqual([...ENCRYPTION_KEY_STATES].sort());
  });

  it('encryption_keys_set_updated_at keeps updated_at current', async () => {
    const made = await create('encryption_keys', row({ created_at: OLD, updated_at: OLD, retired_at: '2001-01-01T00:00:00Z' }));
    await expectUpdatedAtTrigger('encryption_keys', { id: made.id });
  });
});
