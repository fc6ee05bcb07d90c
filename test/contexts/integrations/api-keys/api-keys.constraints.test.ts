// Integrity rules of api_keys and api_key_permissions, from
// sql/migrations/20261204110000_create_api_keys.up.sql, exercised with raw SQL. The harness, and
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
import { coverage } from './api-keys.constraints.js';

useConstraintHarness(coverage);

let organizationId: string;
let userId: string;
let permissionId: string;
beforeAll(async () => {
  organizationId = (await create('organizations', organizationRow())).id as string;
  userId = (await create('users', userRow(organizationId))).id as string;
  permissionId = (await create('permissions', { name: `key:k${randomUUID().slice(0, 8)}`, description: 'For keys' })).id as string;
});
const keyRow = (overrides: Row = {}): Row => ({
  organization_id: organizationId,
  name: 'A key',
  prefix: 'pk_live_',
  secret_hash: randomBytes(32),
  created_by_user_id: userId,
  ...overrides,
});

describe('api_keys', () => {
  it.each(['id', 'created_at', 'updated_at', 'organization_id', 'name', 'prefix', 'secret_hash', 'created_by_user_id'])('NOT NULL %s', (column) =>
    expectRejected(insert('api_keys', keyRow({ [column]: null })), NOT_NULL, `api_keys.${column}`),
  );

  it('api_keys_pkey and api_keys_secret_hash_key reject duplicates; api_keys_organization_id_id_key is the junction’s target', async () => {
    const first = await create('api_keys', keyRow());
    await expectRejected(insert('api_keys', keyRow({ id: first.id })), UNIQUE, 'api_keys_organization_id_id_key');
    await expectSameKey('api_keys_pkey', 'PRIMARY KEY (id, organization_id)', 'api_keys_organization_id_id_key');
    await expectRejected(insert('api_keys', keyRow({ secret_hash: first.secret_hash })), UNIQUE, 'api_keys_secret_hash_key');
    // api_keys_organization_id_id_key cannot be violated on its own (a duplicate (organization_id,
    // id) is a duplicate id, which api_keys_pkey reports first); it is the key the permissions'
    // tenant-scoped foreign key references.
    await expectRejected(insert('api_keys', keyRow({ id: first.id, secret_hash: randomBytes(32) })), UNIQUE, 'api_keys_organization_id_id_key');
    const { rows } = await client.query(`
      SELECT pg_get_constraintdef(k.oid) AS definition,
             array(SELECT f.conname::text FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = k.conindid ORDER BY 1) AS referenced_by
      FROM pg_constraint k WHERE k.conname = 'api_keys_organization_id_id_key'`);
    expect(rows).toEqual([{ definition: 'UNIQUE (organization_id, id)', referenced_by: ['api_key_permissions_api_key_id_fkey'] }]);
    markViolated('api_keys_organization_id_id_key');
  });

  it('foreign keys: the organization, and creator and revoker within it', async () => {
    await expectRejected(insert('api_keys', keyRow({ organization_id: randomUUID() })), FOREIGN_KEY, 'api_keys_organization_id_fkey');
    await expectRejected(insert('api_keys', keyRow({ created_by_user_id: randomUUID() })), FOREIGN_KEY, 'api_keys_created_by_user_id_fkey');
    const other = (await create('organizations', organizationRow())).id;
    const stranger = (await create('users', userRow(other as string))).id;
    await expectRejected(
      insert('api_keys', keyRow({ revoked_at: '2031-01-01T00:00:00Z', revoked_by_user_id: stranger })),
      FOREIGN_KEY,
      'api_keys_revoked_by_user_id_fkey',
    );
  });

  it.each([
    ['api_keys_name_length', { name: ' ' }],
    ['api_keys_name_length', { name: 'n'.repeat(101) }],
    ['api_keys_name_length', { name: HUGE }],
    ['api_keys_prefix_format', { prefix: 'sk_live_' }],
    ['api_keys_secret_hash_length', { secret_hash: randomBytes(31) }],
    ['api_keys_revoked_by_when_revoked', { revoked_at: '2031-01-01T00:00:00Z' }],
    ['api_keys_revoked_after_created', { created_at: '2031-01-02T00:00:00Z', revoked_at: '2031-01-01T00:00:00Z', revoked_by_user_id: 'USER' }],
    ['api_keys_expires_after_created', { created_at: '2031-01-02T00:00:00Z', expires_at: '2031-01-02T00:00:00Z' }],
    ['api_keys_used_after_created', { created_at: '2031-01-02T00:00:00Z', last_used_at: '2031-01-01T00:00:00Z' }],
  ] as [string, Row][])('%s rejects %j', (constraint, overrides) =>
    expectRejected(insert('api_keys', keyRow({ ...overrides, ...(overrides.revoked_by_user_id ? { revoked_by_user_id: userId } : {}) })), CHECK, constraint),
  );

  it('api_keys_set_updated_at keeps updated_at current', async () => {
    const made = await create('api_keys', keyRow({ created_at: OLD, updated_at: OLD }));
    await expectUpdatedAtTrigger('api_keys', { id: made.id });
  });
});

describe('api_key_permissions', () => {
  let keyId: string;
  beforeAll(async () => {
    keyId = (await create('api_keys', keyRow())).id as string;
  });
  const row = (overrides: Row = {}): Row => ({ organization_id: organizationId, api_key_id: keyId, permission_id: permissionId, ...overrides });

  it.each(['organization_id', 'api_key_id', 'permission_id', 'created_at', 'updated_at'])('NOT NULL %s', (column) =>
    expectRejected(insert('api_key_permissions', row({ [column]: null })), NOT_NULL, `api_key_permissions.${column}`),
  );

  it('api_key_permissions_pkey: a permission once per key', async () => {
    await create('api_key_permissions', row());
    await expectRejected(insert('api_key_permissions', row()), UNIQUE, 'api_key_permissions_pkey');
  });

  it('foreign keys: the key within the organization, and the permission', async () => {
    const other = (await create('organizations', organizationRow())).id;
    const key = (await create('api_keys', keyRow())).id;
    await expectRejected(insert('api_key_permissions', row({ api_key_id: key, organization_id: other })), FOREIGN_KEY, 'api_key_permissions_api_key_id_fkey');
    await expectRejected(insert('api_key_permissions', row({ api_key_id: key, permission_id: randomUUID() })), FOREIGN_KEY, 'api_key_permissions_permission_id_fkey');
  });

  it('api_key_permissions_set_updated_at keeps updated_at current', async () => {
    const key = (await create('api_keys', keyRow())).id;
    await create('api_key_permissions', row({ api_key_id: key, created_at: OLD, updated_at: OLD }));
    await expectUpdatedAtTrigger('api_key_permissions', { api_key_id: key, permission_id: permissionId });
  });
});
