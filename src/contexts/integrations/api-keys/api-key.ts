import { defineAggregate } from '../../../core/kernel/aggregate.js';

/** An API key as the package shows it: never its secret, nor the secret's hash. */
export interface ApiKey {
  /** Primary key (uuid). */
  readonly id: string;
  /** The organization (tenant) it acts for. */
  readonly organizationId: string;
  /** What it is for, e.g. `CI deploys`. */
  readonly name: string;
  /** The secret's visible start: `pk_live_` or `pk_test_`. */
  readonly prefix: string;
  /** Who made it. */
  readonly createdByUserId: string;
  /** After this it no longer resolves; `null`: never expires. */
  readonly expiresAt: Date | null;
  /** When it was revoked; `null` while it is not. */
  readonly revokedAt: Date | null;
  /** Who revoked it; `null` while it is not revoked. */
  readonly revokedByUserId: string | null;
  /** When it last resolved (updated at most every five minutes); `null`: never. */
  readonly lastUsedAt: Date | null;
  /** When it was made. */
  readonly createdAt: Date;
  /** When it last changed. */
  readonly updatedAt: Date;
}

/** API keys: per tenant, audited (creation, revocation) without the secret's hash. */
export const apiKeyAggregate = defineAggregate<ApiKey>()({
  name: 'api_key',
  table: 'api_keys',
  tenantColumn: 'organization_id',
  columns: {
    id: 'id',
    organizationId: 'organization_id',
    name: 'name',
    prefix: 'prefix',
    createdByUserId: 'created_by_user_id',
    expiresAt: 'expires_at',
    revokedAt: 'revoked_at',
    revokedByUserId: 'revoked_by_user_id',
    lastUsedAt: 'last_used_at',
    createdAt: 'created_at',
    updatedAt: 'updated_at',
  },
  audited: ['id', 'name', 'prefix', 'createdByUserId', 'expiresAt', 'revokedAt', 'revokedByUserId'],
  actions: ['create', 'revoke'],
});

/** The permissions of an API key (a junction to `permissions`, written with the key, never changed). */
export const apiKeyPermissionTable = defineAggregate<{ organizationId: string; apiKeyId: string; permissionId: string }>()({
  name: 'api_key_permission',
  table: 'api_key_permissions',
  tenantColumn: 'organization_id',
  columns: { organizationId: 'organization_id', apiKeyId: 'api_key_id', permissionId: 'permission_id' },
  audited: [],
  actions: [],
});
