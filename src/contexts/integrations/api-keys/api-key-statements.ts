// The API keys' statements, compiled once.
import { sql } from 'kysely';
import { compilableSql } from '../../../core/audit/audit-sql.js';
import { compiledQuery } from '../../../core/kernel/compiled-query.js';
import { TENANT_SETTING } from '../../../core/tenancy/tenant-setting.js';
import { API_KEY_LOOKUP_SETTING } from '../../../core/tenancy/lookup-policies.js';
import type { ApiKey } from './api-key.js';

const COLUMNS = sql`k.id, k.organization_id AS "organizationId", k.name, k.prefix, k.created_by_user_id AS "createdByUserId",
  k.expires_at AS "expiresAt", k.revoked_at AS "revokedAt", k.revoked_by_user_id AS "revokedByUserId",
  k.last_used_at AS "lastUsedAt", k.created_at AS "createdAt", k.updated_at AS "updatedAt"`;

/** A key with its permission names, sorted. */
export type ApiKeyRow = ApiKey & { readonly permissions: string[] };

const PERMISSIONS_OF_K = sql`ARRAY(SELECT p.name FROM api_key_permissions kp JOIN permissions p ON p.id = kp.permission_id
  WHERE kp.api_key_id = k.id ORDER BY p.name)`;

/**
 * Makes a key with the permissions named, only when the creator (a live, active user of a live
 * organization) holds every one of them, in one statement; `made` is false (and nothing is
 * written) otherwise, with the names that are unknown or not held.
 */
export const insertApiKey = compiledQuery(
  (
    db,
    p: { organizationId: string; name: string; prefix: string; secretHash: Buffer; creator: string; expiresAt: Date | null; permissions: string[] },
  ) =>
    compilableSql(
      db,
      sql<{ made: boolean; missing: string[]; key: ApiKeyRow | null }>`
        WITH held AS (
          SELECT DISTINCT p.id, p.name FROM permissions p
          JOIN role_permissions rp ON rp.permission_id = p.id
          JOIN user_roles ur ON ur.role_id = rp.role_id
          JOIN users u ON u.id = ur.user_id
          JOIN organizations o ON o.id = ur.organization_id
          WHERE p.name = ANY (${p.permissions}::text[]) AND ur.user_id = ${p.creator}::uuid AND ur.organization_id = ${p.organizationId}::uuid
            AND u.is_active AND u.deleted_at IS NULL AND o.deleted_at IS NULL
        ), complete AS (
          SELECT count(*) = cardinality(ARRAY(SELECT DISTINCT unnest(${p.permissions}::text[]))) AS ok FROM held
        ), k AS (
          INSERT INTO api_keys (organization_id, name, prefix, secret_hash, created_by_user_id, expires_at)
          SELECT ${p.organizationId}::uuid, ${p.name}::text, ${p.prefix}::text, ${p.secretHash}::bytea, ${p.creator}::uuid, ${p.expiresAt}::timestamptz
          FROM complete WHERE complete.ok
          RETURNING *
        ), kp AS (
          INSERT INTO api_key_permissions (organization_id, api_key_id, permission_id)
          SELECT k.organization_id, k.id, held.id FROM k CROSS JOIN held
          RETURNING permission_id
        )
        SELECT (SELECT ok FROM complete) AS made,
          ARRAY(SELECT n FROM unnest(${p.permissions}::text[]) AS n WHERE n NOT IN (SELECT name FROM held) ORDER BY n) AS missing,
          (SELECT to_jsonb(x) FROM (SELECT ${COLUMNS}, ARRAY(SELECT name FROM held ORDER BY name) AS permissions FROM k) x) AS key`,
    ),
);

/** Revokes a key of the organization (the first time only); the key as it is after. */
export const revokeApiKey = compiledQuery((db, p: { id: string; organizationId: string; actor: string }) =>
  compilableSql(
    db,
    sql<ApiKeyRow & { changed: boolean }>`
      WITH r AS (
        UPDATE api_keys SET revoked_at = now(), revoked_by_user_id = ${p.actor}::uuid
        WHERE id = ${p.id}::uuid AND organization_id = ${p.organizationId}::uuid AND revoked_at IS NULL
        RETURNING *
      )
      SELECT ${COLUMNS}, ${PERMISSIONS_OF_K} AS permissions, true AS changed FROM r k
      UNION ALL
      SELECT ${COLUMNS}, ${PERMISSIONS_OF_K} AS permissions, false AS changed FROM api_keys k
      WHERE k.id = ${p.id}::uuid AND k.organization_id = ${p.organizationId}::uuid AND NOT EXISTS (SELECT 1 FROM r)`,
  ),
);

/** The organization's keys, newest first (at most 1,000). */
export const listApiKeys = compiledQuery((db, p: { organizationId: string }) =>
  compilableSql(
    db,
    sql<ApiKeyRow>`SELECT ${COLUMNS}, ${PERMISSIONS_OF_K} AS permissions FROM api_keys k
      WHERE k.organization_id = ${p.organizationId}::uuid ORDER BY k.created_at DESC, k.id DESC LIMIT 1000`,
  ),
);

/** Sets the hash to look up; returns the tenant already set, if any. */
export const startKeyLookup = compiledQuery((db, p: { hash: string }) =>
  compilableSql(
    db,
    sql<{ tenant: string | null }>`SELECT set_config(${sql.lit(API_KEY_LOOKUP_SETTING)}, ${p.hash}::text, true) AS lookup,
      nullif(current_setting(${sql.lit(TENANT_SETTING)}, true), '') AS tenant`,
  ),
);

/**
 * The live key with the hash (not revoked, not expired), its permissions, whether its
 * last_used_at is older than five minutes; its organization set as the tenant.
 */
export const lookupApiKey = compiledQuery((db, p: { hash: string }) =>
  compilableSql(
    db,
    sql<{ id: string; organizationId: string; name: string; permissions: string[]; stale: boolean }>`
      SELECT k.id, k.organization_id AS "organizationId", k.name, ${PERMISSIONS_OF_K} AS permissions,
        (k.last_used_at IS NULL OR k.last_used_at < now() - interval '5 minutes') AS stale,
        set_config(${sql.lit(TENANT_SETTING)}, k.organization_id::text, true) AS tenant
      FROM api_keys k
      WHERE k.secret_hash = decode(${p.hash}::text, 'hex') AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())`,
  ),
);

/** Whether the key's organization is live (read with it set as the tenant). */
export const apiKeyOrganizationLive = compiledQuery((db, p: { id: string }) =>
  compilableSql(db, sql<{ live: boolean }>`SELECT deleted_at IS NULL AS live FROM organizations WHERE id = ${p.id}::uuid`),
);

/** Records a use, at most every five minutes (with the key's organization as the tenant). */
export const touchApiKey = compiledQuery((db, p: { id: string }) =>
  compilableSql(
    db,
    sql`UPDATE api_keys SET last_used_at = now()
      WHERE id = ${p.id}::uuid AND (last_used_at IS NULL OR last_used_at < now() - interval '5 minutes')`,
  ),
);

/** Clears both settings. */
export const endKeyLookup = compiledQuery((db, _: Record<string, never>) =>
  compilableSql(db, sql`SELECT set_config(${sql.lit(API_KEY_LOOKUP_SETTING)}, '', true), set_config(${sql.lit(TENANT_SETTING)}, '', true)`),
);
