// The keyring's statements, compiled once. Every one runs in a transaction with the tenant set
// (row-level security on encryption_keys); all but rewrapKey (by a key id just read) name the
// organization too.
import { sql } from 'kysely';
import { compilableSql } from '../../../core/audit/audit-sql.js';
import { compiledQuery } from '../../../core/kernel/compiled-query.js';
import type { EncryptionKey } from './encryption-key.js';

/** A key row with its wrapped key (which never leaves the keyring). */
export type KeyRow = EncryptionKey & { readonly wrappedKey: Buffer };

const COLUMNS = sql`id, organization_id AS "organizationId", purpose, version, status, provider, master_key_id AS "masterKeyId",
  retired_at AS "retiredAt", created_at AS "createdAt", updated_at AS "updatedAt", wrapped_key AS "wrappedKey"`;

/** The active key of an organization and purpose. */
export const activeKey = compiledQuery((db, p: { organizationId: string; purpose: string }) =>
  compilableSql(
    db,
    sql<KeyRow>`SELECT ${COLUMNS} FROM encryption_keys
      WHERE organization_id = ${p.organizationId}::uuid AND purpose = ${p.purpose}::text AND status = 'active'`,
  ),
);

/** A key of the organization by id. */
export const keyById = compiledQuery((db, p: { organizationId: string; id: string }) =>
  compilableSql(
    db,
    sql<KeyRow>`SELECT ${COLUMNS} FROM encryption_keys WHERE organization_id = ${p.organizationId}::uuid AND id = ${p.id}::uuid`,
  ),
);

/**
 * Makes the active key of an organization and purpose, numbered after the last one; nothing when
 * another transaction made an active key first. Every unique index arbitrates (no conflict
 * target): two first writers can both pass the active-key index's check before either has
 * written it, and the second then meets the first on the version key — as a conflict to skip,
 * not a unique violation.
 */
export const insertActiveKey = compiledQuery(
  (db, p: { id: string; organizationId: string; purpose: string; provider: string; masterKeyId: string; wrappedKey: Buffer }) =>
    compilableSql(
      db,
      sql<KeyRow>`
        INSERT INTO encryption_keys (id, organization_id, purpose, version, provider, master_key_id, wrapped_key)
        SELECT ${p.id}::uuid, ${p.organizationId}::uuid, ${p.purpose}::text,
          coalesce((SELECT max(version) FROM encryption_keys WHERE organization_id = ${p.organizationId}::uuid AND purpose = ${p.purpose}::text), 0) + 1,
          ${p.provider}::text, ${p.masterKeyId}::text, ${p.wrappedKey}::bytea
        ON CONFLICT DO NOTHING
        RETURNING ${COLUMNS}`,
    ),
);

/** Retires the active key of an organization and purpose (it keeps decrypting); nothing when there is none. */
export const retireActiveKey = compiledQuery((db, p: { organizationId: string; purpose: string }) =>
  compilableSql(
    db,
    sql<KeyRow>`
      UPDATE encryption_keys SET status = 'retired', retired_at = now()
      WHERE organization_id = ${p.organizationId}::uuid AND purpose = ${p.purpose}::text AND status = 'active'
      RETURNING ${COLUMNS}`,
  ),
);

/** Up to `limit` keys of the organization not wrapped by the given provider's master key, locked. */
export const keysToRewrap = compiledQuery((db, p: { organizationId: string; provider: string; masterKeyId: string; limit: number }) =>
  compilableSql(
    db,
    sql<KeyRow>`
      SELECT ${COLUMNS} FROM encryption_keys
      WHERE organization_id = ${p.organizationId}::uuid AND (provider <> ${p.provider}::text OR master_key_id <> ${p.masterKeyId}::text)
      ORDER BY id LIMIT ${p.limit}::int
      FOR UPDATE`,
  ),
);

/** Stores a key wrapped anew. */
export const rewrapKey = compiledQuery((db, p: { id: string; provider: string; masterKeyId: string; wrappedKey: Buffer }) =>
  compilableSql(
    db,
    sql<KeyRow>`
      UPDATE encryption_keys SET provider = ${p.provider}::text, master_key_id = ${p.masterKeyId}::text, wrapped_key = ${p.wrappedKey}::bytea
      WHERE id = ${p.id}::uuid
      RETURNING ${COLUMNS}`,
  ),
);
