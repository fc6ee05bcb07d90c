// The documents group's statements, hand-written: the SQL the repositories send, and the raw
// side's reads. The version writes are in versions.ts.
import type pg from 'pg';
import { auditInsertSql } from '../../raw-audit.js';
import { oneLine, rawTransaction } from '../../support.js';

const DOCUMENT_COLUMNS = `
  "documents"."id", "documents"."organization_id" as "organizationId", "documents"."client_id" as "clientId",
  "documents"."original_name" as "originalName", "documents"."storage_key" as "storageKey",
  "documents"."mime_type" as "mimeType", "documents"."current_version" as "currentVersion",
  "documents"."metadata", "documents"."created_at" as "createdAt", "documents"."updated_at" as "updatedAt",
  "documents"."created_by" as "createdBy", "documents"."updated_by" as "updatedBy",
  "documents"."deleted_at" as "deletedAt"`;

const VERSION_COLUMNS = `
  "document_versions"."id", "document_versions"."document_id" as "documentId",
  "document_versions"."version_number" as "versionNumber", "document_versions"."storage_key" as "storageKey",
  "document_versions"."checksum_sha256" as "checksumSha256", document_versions.size_bytes::float8 as "sizeBytes",
  "document_versions"."created_by" as "createdBy", "document_versions"."created_at" as "createdAt"`;

const CLIENT_COLUMNS = `
  "clients"."id", "clients"."organization_id" as "organizationId", "clients"."code", "clients"."name",
  "clients"."status", "clients"."metadata", "clients"."manager_user_id" as "managerUserId",
  "clients"."created_at" as "createdAt", "clients"."updated_at" as "updatedAt",
  "clients"."created_by" as "createdBy", "clients"."updated_by" as "updatedBy", "clients"."deleted_at" as "deletedAt"`;

/** The statements the document and client repositories send. */
export const RAW_SQL = {
  setThreshold: `SELECT set_config('pg_trgm.similarity_threshold', $1, true)`,
  searchByName: oneLine(`
    select ${DOCUMENT_COLUMNS}, similarity(documents.original_name, $1) as "score"
    from "documents"
    where "documents"."deleted_at" is null and "documents"."client_id" = $2 and documents.original_name % $3
    order by "score" desc, "documents"."id" limit $4`),
  searchDocumentsByMetadata: oneLine(`
    select ${DOCUMENT_COLUMNS} from "documents"
    where "documents"."deleted_at" is null and "documents"."client_id" = $1 and documents.metadata @> $2::jsonb
    order by "documents"."created_at" desc, "documents"."id" limit $3`),
  searchClientsByMetadata: oneLine(`
    select ${CLIENT_COLUMNS} from "clients"
    where "clients"."organization_id" = $1 and "clients"."deleted_at" is null and clients.metadata @> $2::jsonb
    order by "clients"."code", "clients"."id" limit $3`),
  findDocument: oneLine(`select ${DOCUMENT_COLUMNS} from "documents" where "documents"."deleted_at" is null and "documents"."id" = $1`),
  bumpVersion: oneLine(`
    update "documents" set "current_version" = current_version + 1, "storage_key" = $1, "updated_by" = $2
    where "id" = $3 and "current_version" = $4 and "deleted_at" is null
    returning ${DOCUMENT_COLUMNS}`),
  currentVersion: `select "current_version" from "documents" where "id" = $1 and "deleted_at" is null`,
  insertVersion: oneLine(`
    insert into "document_versions"
      ("organization_id", "document_id", "version_number", "storage_key", "checksum_sha256", "size_bytes", "created_by")
    values ($1, $2, $3, $4, $5, $6, $7)
    returning ${VERSION_COLUMNS}`),
  /** The audit row, the `document.version_added` event and its outbox message: one statement (writeAudit with an event). */
  insertAuditAndEvent: oneLine(`
    with "audit" as (${auditInsertSql(1)}),
    "domain_event" as (insert into "domain_events"
      ("organization_id", "event_type_code", "payload_version", "aggregate_type", "aggregate_id", "aggregate_version", "payload",
       "actor_user_id", "correlation_id", "causation_id", "request_id")
      values ($11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21) returning "organization_id", "id", "created_at")
    insert into "outbox_messages" ("organization_id", "event_id", "event_created_at")
    select "organization_id", "id", "created_at" from "domain_event"`),
} as const;

/** The name search's similarity threshold (the repository's default, repeated). */
export const NAME_THRESHOLD = '0.25';
/** The searches' page size (the repositories' default, repeated). */
export const PAGE_LIMIT = 50;

/** A statement and its parameters. */
export type Query = [string, unknown[]];

/** The name search's SELECT (inside its transaction, after the threshold). */
export function searchByNameQuery(clientId: string, query: string): Query {
  return [RAW_SQL.searchByName, [query, clientId, query, PAGE_LIMIT]];
}

/** documents.searchByMetadata's SELECT. */
export function documentsByMetadataQuery(clientId: string, filter: object): Query {
  return [RAW_SQL.searchDocumentsByMetadata, [clientId, JSON.stringify(filter), PAGE_LIMIT]];
}

/** clients.searchByMetadata's SELECT (one row more than a page). */
export function clientsByMetadataQuery(organizationId: string, filter: object): Query {
  return [RAW_SQL.searchClientsByMetadata, [organizationId, JSON.stringify(filter), PAGE_LIMIT + 1]];
}

/** BEGIN; the transaction-local similarity threshold; the ranked SELECT; COMMIT. */
export async function rawSearchByName(pool: pg.Pool, clientId: string, query: string) {
  return rawTransaction(pool, async (client) => {
    await client.query(RAW_SQL.setThreshold, [NAME_THRESHOLD]);
    const { rows } = await client.query(...searchByNameQuery(clientId, query));
    return rows;
  });
}

/** documents.searchByMetadata with raw pg. */
export async function rawSearchDocumentsByMetadata(pool: pg.Pool, clientId: string, filter: object) {
  return (await pool.query(...documentsByMetadataQuery(clientId, filter))).rows;
}

/** clients.searchByMetadata with raw pg: one page of rows. */
export async function rawSearchClientsByMetadata(pool: pg.Pool, organizationId: string, filter: object) {
  const { rows } = await pool.query(...clientsByMetadataQuery(organizationId, filter));
  return rows.slice(0, PAGE_LIMIT);
}
