// Section "documents": clients and documents at volume (issue 4). Fuzzy name search, metadata
// containment search, and addVersion under concurrent writers, through the repositories against
// the same SQL with raw `pg`.
//
// Data (set-based SQL on a connection of its own without statement_timeout): one organization
// with one user (the actor), BENCH_CLIENTS clients (default 1,000; metadata tier/region/
// industry/segment, 1% {"vip": true}) and BENCH_DOCUMENTS documents (default 1,000,000) spread
// evenly over them, each with its version 1 in document_versions (unique storage key, sha256
// of the key as checksum, a size). Names combine word lists (30 document types, 40
// counterparties, month/quarter/year periods 2015–2026, suffixes, extensions) with a number
// unique within the client, e.g. "Invoice Northwind Traders March 2023 - 0457 signed.pdf", so
// a client has many names that share words with any query. Metadata: category, year, status,
// source, pages; 0.2% {"legalHold": true}. 1% of the documents are soft-deleted. The secondary
// indexes of documents and document_versions are dropped for the load and recreated from their
// own definitions afterwards (checked identical), then VACUUM (ANALYZE): a GIN index keeps a
// pending list until vacuumed, and without statistics the planner may ignore the trigram index.
//
// Reads (calls one at a time, repository and raw interleaved, on SAMPLE_CLIENTS = 200
// random clients, cycled):
//   name search        documents.searchByName(client, query): BEGIN; set_config of
//                      pg_trgm.similarity_threshold (0.25, transaction-local); the ranked
//                      SELECT … WHERE original_name % query; COMMIT. The query is the type,
//                      counterparty and period of one of the client's documents with two
//                      typos (swapped, dropped, doubled or replaced letters), half lower-cased.
//   metadata, common   documents.searchByMetadata(client, {status, year}): ~2% of a client
//   metadata, rare     documents.searchByMetadata(client, {legalHold: true}): ~0.2% of a client
//   clients, common    clients.searchByMetadata(org, {tier, region}): ~4% of the clients
//   clients, rare      clients.searchByMetadata(org, {vip: true}): ~1% of the clients
// Each is checked first: the raw SQL is the SQL the repository sends (captured with a logging
// Kysely instance, byte for byte, same parameters) and both return the same rows. After the
// timing, EXPLAIN (ANALYZE, BUFFERS) of the first 20 inputs of each read, grouped by plan; for
// the name search and the common metadata search also with enable_bitmapscan off, to show what
// the alternative plan (the client's rows through a btree, then filtered) would cost.
//
// Writes: writers, each on connections of its own, add versions to a small set of hot documents
// (live documents of the last client): 8 writers on 4 documents, 8 writers on 1 document, and 1
// writer alone (no contention: the baseline of the repository's own cost). A writer's loop:
// read the document (documents.findById), addVersion with expectedVersion = what it read, and
// on VersionConflictError read again and retry. The raw side sends the same statements with pg:
// the findById SELECT, then BEGIN; the conditional UPDATE … RETURNING; when it touched no row
// the SELECT of current_version and ROLLBACK (a conflict: read again, retry); otherwise the
// version INSERT, the audit INSERT, COMMIT. Per workload, repository and raw rounds alternate
// (which goes first rotates) after one warm-up round per side. Throughput = versions added /
// wall time of the rounds; latency per successful add runs from the first read to the
// successful COMMIT (retries included). All writers run in this one Node process, so the
// repository's JavaScript (Kysely compilation, zod parsing, audit snapshots) shares its event
// loop and the 2 cores with PostgreSQL. Afterwards every hot document's versions must be exactly
// 1..current_version, current_version 1 + the adds counted, one document.add_version audit row
// per added version, and documents.storage_key the last version's.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { VersionConflictError } from '../../src/core/errors/version-conflict-error.js';
import { createRepositories } from '../../src/repositories.js';
import type { DB } from '../../src/schema/db.js';
import { seededRandom } from '../../src/core/kernel/random.js';
import { cyclic, measureInterleaved, ratio, summarize, us, type Latencies } from './measure.js';
import { auditInsertSql, auditParameters } from './raw-audit.js';
import {
  count,
  countRows,
  createLoggingDatabase,
  markdownTable,
  oneLine,
  openConnections,
  progress,
  step,
  type Connections,
  rawTransaction,
} from './support.js';

const SEED = 4;
const ORGANIZATION_SLUG = 'bench-documents';
const CHUNK = 200_000;
const SAMPLE_CLIENTS = 200;
const ITERATIONS = 1000;
const WARMUP_ITERATIONS = 100;
const PLAN_SAMPLES = 20;
const WRITERS = 8;
/**
 * addVersion workloads: the 8 writers on a small hot set and on one document, and one
 * writer alone (no contention) as the baseline of the repository's own cost.
 */
const WORKLOADS = [
  { writers: WRITERS, hot: 4, addsPerWriter: 50 },
  { writers: WRITERS, hot: 1, addsPerWriter: 50 },
  { writers: 1, hot: 1, addsPerWriter: 200 },
] as const;
const HOT_DOCUMENTS = Math.max(...WORKLOADS.map((w) => w.hot));
const ROUNDS = 6;
const WARMUP_ROUND_FRACTION = 0.2;
const MAX_RETRIES = 10_000;

export const DOCUMENTS_METHOD =
  `reads: ${ITERATIONS} calls per side after ${WARMUP_ITERATIONS} warm-up iterations over ${SAMPLE_CLIENTS} random clients; ` +
  `addVersion: ${ROUNDS} alternating rounds per side and workload after a warm-up round of a fifth the size`;

/** Sizes, from the environment. */
export interface DocumentsConfig {
  /** Documents generated, BENCH_DOCUMENTS (default 1,000,000). */
  readonly documents: number;
  /** Clients they are spread over, BENCH_CLIENTS (default 1,000). */
  readonly clients: number;
}

function sizeFromEnv(name: string, fallback: number, min: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text.replace(/_/g, ''));
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}, got ${text}`);
  return value;
}

export function readDocumentsConfig(): DocumentsConfig {
  const clients = sizeFromEnv('BENCH_CLIENTS', 1000, 10);
  const documents = sizeFromEnv('BENCH_DOCUMENTS', 1_000_000, 1000);
  if (documents < clients * 50) throw new Error(`BENCH_DOCUMENTS must be at least 50 per client (${clients * 50})`);
  return { documents, clients };
}

// ---------------------------------------------------------------------------------------------
// Word lists of the generated data.

const DOCUMENT_TYPES = [
  'Invoice', 'Contract', 'Purchase order', 'Delivery note', 'Bank statement', 'Tax return', 'Payslip',
  'Insurance policy', 'Meeting minutes', 'Annual report', 'Quarterly report', 'Credit note', 'Receipt',
  'Lease agreement', 'Power of attorney', 'Audit findings', 'Budget forecast', 'Board resolution',
  'Certificate of incorporation', 'Employment contract', 'Non-disclosure agreement', 'Expense claim',
  'Balance sheet', 'Profit and loss', 'VAT return', 'Shareholder letter', 'Loan agreement',
  'Customs declaration', 'Service level agreement', 'Project proposal',
];
const COUNTERPARTIES = [
  'Acme Logistics', 'Northwind Traders', 'Contoso', 'Globex', 'Initech', 'Umbrella Holdings', 'Stark Industries',
  'Wayne Enterprises', 'Hooli', 'Vandelay Imports', 'Kowalski', 'Nowak', 'Mueller', 'Garcia', 'Rossi', 'Dubois',
  'Andersson', 'Novak', 'Horvath', 'Jansen', 'Fabrikam', 'Tailspin Toys', 'Wide World Importers', 'Adventure Works',
  'Litware', 'Proseware', 'Lucerne Publishing', 'Coho Winery', 'Blue Yonder Airlines', 'Alpine Ski House',
  'Margie Travel', 'Trey Research', 'City Power and Light', 'Fourth Coffee', 'Woodgrove Bank', 'Bellows College',
  'Humongous Insurance', 'Southridge Video', 'Graphic Design Institute', 'Wingtip Toys',
];
const MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November',
  'December',
];
const SUFFIXES = ['', '', '', '', ' signed', ' final', ' draft', ' v2', ' v3', ' scan', ' copy', ' amended', ' rev 2'];
const EXTENSIONS: readonly [string, string][] = [
  ['.pdf', 'application/pdf'],
  ['.pdf', 'application/pdf'],
  ['.pdf', 'application/pdf'],
  ['.pdf', 'application/pdf'],
  ['.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  ['.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  ['.jpg', 'image/jpeg'],
  ['.png', 'image/png'],
  ['.eml', 'message/rfc822'],
  ['.csv', 'text/csv'],
];
const DOCUMENT_STATUSES = ['final', 'draft', 'signed', 'archived'];
const SOURCES = ['upload', 'email', 'scan', 'api'];
const FIRST_YEAR = 2015;
const YEARS = 12;

const COMPANY_WORDS = ['Baltic', 'Nordic', 'Alpine', 'Atlantic', 'Pacific', 'Central', 'Royal', 'United', 'Golden', 'Silver'];
const COMPANY_KINDS = ['Foods', 'Logistics', 'Consulting', 'Pharma', 'Textiles', 'Motors', 'Energy', 'Media', 'Estates', 'Labs'];
const TIERS = ['platinum', 'gold', 'silver', 'bronze'];
const REGIONS = ['eu-west', 'eu-central', 'eu-north', 'us-east', 'us-west', 'apac'];
const INDUSTRIES = ['retail', 'manufacturing', 'healthcare', 'finance', 'public', 'transport', 'media', 'energy'];
const SEGMENTS = ['sme', 'enterprise', 'public'];

// ---------------------------------------------------------------------------------------------
// Data.

/** A connection for loading: no statement or lock timeout, generous maintenance_work_mem. */
async function loaderClient(url: string): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: url,
    options: '-c TimeZone=UTC -c statement_timeout=0 -c lock_timeout=0 -c maintenance_work_mem=512MB',
  });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

interface Seeded {
  readonly organizationId: string;
  readonly actorId: string;
}

/** 64-bit hash h(g, seed) >= 0, the SQL expression. */
const h = (seed: number, of = 'g') => `abs(hashint8extended(${of}, ${SEED * 100 + seed}))`;
/** Element of a text[] parameter picked by a hash. */
const pick = (parameter: string, seed: number, of = 'g') => `(${parameter})[1 + ${h(seed, of)} % cardinality(${parameter})]`;

async function seedClients(client: pg.Client, config: DocumentsConfig): Promise<Seeded> {
  const organizationId = (
    await client.query(`INSERT INTO organizations (slug, name) VALUES ($1, 'Documents benchmark') RETURNING id`, [
      ORGANIZATION_SLUG,
    ])
  ).rows[0].id as string;
  const actorId = (
    await client.query(
      `INSERT INTO users (organization_id, auth_subject, email) VALUES ($1, 'bench-documents|actor', 'actor@documents.example.com')
       RETURNING id`,
      [organizationId],
    )
  ).rows[0].id as string;
  await client.query(
    `INSERT INTO clients (organization_id, code, name, status, metadata, manager_user_id, created_by, updated_by, created_at, updated_at)
     SELECT $1, 'C' || lpad(g::text, 5, '0'),
       ${pick('$3::text[]', 1)} || ' ' || ${pick('$4::text[]', 2)} || ' ' || g,
       (CASE WHEN ${h(3)} % 100 < 90 THEN 'active' WHEN ${h(3)} % 100 < 97 THEN 'inactive' ELSE 'suspended' END)::client_status,
       jsonb_build_object('tier', ${pick('$5::text[]', 4)}, 'region', ${pick('$6::text[]', 5)},
         'industry', ${pick('$7::text[]', 6)}, 'segment', ${pick('$8::text[]', 7)}, 'employees', 1 + ${h(8)} % 5000)
         || CASE WHEN ${h(9)} % 100 = 0 THEN '{"vip": true}'::jsonb ELSE '{}'::jsonb END,
       CASE WHEN g % 2 = 0 THEN $2::uuid END, $2, $2,
       now() - interval '6 years' + g * interval '1 hour', now() - interval '6 years' + g * interval '1 hour'
     FROM generate_series(1, $9::int) g`,
    [organizationId, actorId, COMPANY_WORDS, COMPANY_KINDS, TIERS, REGIONS, INDUSTRIES, SEGMENTS, config.clients],
  );
  return { organizationId, actorId };
}

/** Documents g = from…to with their version 1, in one statement. */
async function seedDocumentChunk(client: pg.Client, seeded: Seeded, config: DocumentsConfig, from: number, to: number) {
  const perClient = Math.ceil(config.documents / config.clients);
  const width = Math.max(4, String(perClient).length);
  await client.query(
    `WITH c AS (
       SELECT array_agg(id ORDER BY code) AS ids FROM clients WHERE organization_id = $1
     ), src AS (
       SELECT g, c.ids[1 + (g - 1) % $4::int] AS client_id, (g - 1) / $4::int + 1 AS seq,
         ${FIRST_YEAR} + ${h(11)} % ${YEARS} AS year,
         ${h(12)} AS period, ${h(13)} AS ext, ${h(14)} AS meta,
         now() - abs(hashint8extended(g, ${SEED * 100 + 15}) % ${3 * 365 * 86_400_000_000}) * interval '1 microsecond' AS at
       FROM c, generate_series($2::int, $3::int) g
     ), named AS (
       SELECT src.*, ${pick('$5::text[]', 16)} AS kind,
         ${pick('$5::text[]', 16)} || ' ' || ${pick('$6::text[]', 17)} || ' '
           || CASE period % 3 WHEN 0 THEN ($7::text[])[1 + period / 3 % 12] || ' ' || year
                              WHEN 1 THEN 'Q' || (1 + period / 3 % 4) || ' ' || year
                              ELSE year::text END
           || ' - ' || lpad(seq::text, ${width}, '0') || ${pick('$8::text[]', 18)}
           || ($9::text[])[1 + ext % cardinality($9::text[])] AS name,
         ($10::text[])[1 + ext % cardinality($10::text[])] AS mime
       FROM src
     ), d AS (
       INSERT INTO documents (organization_id, client_id, original_name, storage_key, mime_type, metadata,
         created_by, updated_by, created_at, updated_at, deleted_at)
       SELECT $1, client_id, name, 'org/' || $1 || '/documents/' || g || '/v1', mime,
         jsonb_build_object('category', replace(lower(kind), ' ', '_'), 'year', year,
           'status', ($11::text[])[1 + meta % 4], 'source', ($12::text[])[1 + meta / 4 % 4], 'pages', 1 + meta / 16 % 60)
           || CASE WHEN meta / 1000 % 500 = 0 THEN '{"legalHold": true}'::jsonb ELSE '{}'::jsonb END,
         $13, $13, at, at, CASE WHEN meta / 500000 % 100 = 0 THEN at + interval '1 day' END
       FROM named
       RETURNING id, organization_id, storage_key, created_by, created_at
     )
     INSERT INTO document_versions (organization_id, document_id, version_number, storage_key, checksum_sha256,
       size_bytes, created_by, created_at, updated_at)
     SELECT organization_id, id, 1, storage_key, encode(sha256(convert_to(storage_key, 'UTF8')), 'hex'),
       1024 + ${h(19, 'hashtext(storage_key)')} % 50000000, created_by, created_at, created_at
     FROM d`,
    [
      seeded.organizationId,
      from,
      to,
      config.clients,
      DOCUMENT_TYPES,
      COUNTERPARTIES,
      MONTHS,
      SUFFIXES,
      EXTENSIONS.map(([ext]) => ext),
      EXTENSIONS.map(([, mime]) => mime),
      DOCUMENT_STATUSES,
      SOURCES,
      seeded.actorId,
    ],
  );
}

/** Secondary (non-unique) index definitions of the tables that are bulk loaded. */
async function secondaryIndexes(client: pg.Client): Promise<{ name: string; definition: string }[]> {
  const { rows } = await client.query(
    `SELECT indexrelid::regclass::text AS name, pg_get_indexdef(indexrelid) AS definition
     FROM pg_index WHERE indrelid IN ('documents'::regclass, 'document_versions'::regclass) AND NOT indisunique
     ORDER BY 1`,
  );
  return rows as { name: string; definition: string }[];
}

/** Seeds the organization, clients, documents and versions; VACUUM (ANALYZE). */
async function seed(url: string, config: DocumentsConfig): Promise<Seeded> {
  const client = await loaderClient(url);
  try {
    const existing = await client.query(`SELECT count(*)::int AS n FROM documents`);
    assert.equal(existing.rows[0].n, 0, 'documents: the benchmark expects no documents in the database');
    const seeded = await step(`documents: ${count(config.clients)} clients`, () => seedClients(client, config));
    const indexes = await secondaryIndexes(client);
    for (const index of indexes) await client.query(`DROP INDEX ${index.name}`);
    for (let from = 1; from <= config.documents; from += CHUNK) {
      const to = Math.min(config.documents, from + CHUNK - 1);
      await step(`documents: documents + version 1, ${count(from)}–${count(to)} of ${count(config.documents)}`, () =>
        seedDocumentChunk(client, seeded, config, from, to),
      );
    }
    await step(`documents: recreating ${indexes.map((i) => i.name).join(', ')}`, async () => {
      for (const index of indexes) await client.query(index.definition);
    });
    assert.deepEqual(await secondaryIndexes(client), indexes, 'documents: the recreated indexes differ from the migration’s');
    await step('documents: VACUUM (ANALYZE) clients, documents, document_versions', async () => {
      await client.query('VACUUM (ANALYZE) clients');
      await client.query('VACUUM (ANALYZE) documents');
      await client.query('VACUUM (ANALYZE) document_versions');
    });
    return seeded;
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// The raw side: the SQL the repositories send, written out by hand.

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

const RAW_SQL = {
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
  insertAudit: auditInsertSql(1),
} as const;

/** The repositories' defaults the raw side repeats. */
const NAME_THRESHOLD = '0.25';
const PAGE_LIMIT = 50;

/** The audit snapshot of a version (the document_version whitelist), as JSON text. */
const VERSION_SNAPSHOT_FIELDS = ['id', 'documentId', 'versionNumber', 'storageKey', 'checksumSha256', 'sizeBytes'] as const;
function versionSnapshotJson(version: Record<string, unknown>): string {
  return JSON.stringify(Object.fromEntries(VERSION_SNAPSHOT_FIELDS.map((field) => [field, version[field]])));
}

function searchByNameParameters(clientId: string, query: string): unknown[] {
  return [query, clientId, query, PAGE_LIMIT];
}

async function rawSearchByName(pool: pg.Pool, clientId: string, query: string) {
  return rawTransaction(pool, async (client) => {
    await client.query(RAW_SQL.setThreshold, [NAME_THRESHOLD]);
    const { rows } = await client.query(RAW_SQL.searchByName, searchByNameParameters(clientId, query));
    return rows;
  });
}

async function rawSearchDocumentsByMetadata(pool: pg.Pool, clientId: string, filter: object) {
  return (await pool.query(RAW_SQL.searchDocumentsByMetadata, [clientId, JSON.stringify(filter), PAGE_LIMIT])).rows;
}

async function rawSearchClientsByMetadata(pool: pg.Pool, organizationId: string, filter: object) {
  const { rows } = await pool.query(RAW_SQL.searchClientsByMetadata, [organizationId, JSON.stringify(filter), PAGE_LIMIT + 1]);
  return rows.slice(0, PAGE_LIMIT);
}

/** A new object for a version: unique key, a checksum, a size. */
interface NewObject {
  readonly storageKey: string;
  readonly checksumSha256: string;
  readonly sizeBytes: number;
}

function newObject(documentId: string): NewObject {
  return {
    storageKey: `bench/${documentId}/${randomUUID()}`,
    checksumSha256: randomBytes(32).toString('hex'),
    sizeBytes: 1024 + randomBytes(3).readUIntBE(0, 3),
  };
}

class RawConflict extends Error {}

async function rawFindDocument(pool: pg.Pool, id: string) {
  return (await pool.query(RAW_SQL.findDocument, [id])).rows[0] as Record<string, unknown> | undefined;
}

async function rawAddVersion(pool: pg.Pool, actorId: string, documentId: string, expectedVersion: number, object: NewObject) {
  return rawTransaction(pool, async (client) => {
    const document = (
      await client.query(RAW_SQL.bumpVersion, [object.storageKey, actorId, documentId, expectedVersion])
    ).rows[0];
    if (!document) {
      const current = (await client.query(RAW_SQL.currentVersion, [documentId])).rows[0];
      if (!current) throw new Error(`document ${documentId} not found`);
      throw new RawConflict();
    }
    const version = (
      await client.query(RAW_SQL.insertVersion, [
        document.organizationId,
        documentId,
        document.currentVersion,
        object.storageKey,
        object.checksumSha256,
        object.sizeBytes,
        actorId,
      ])
    ).rows[0];
    await client.query(
      RAW_SQL.insertAudit,
      auditParameters({
        organizationId: document.organizationId,
        actorUserId: actorId,
        action: 'document.add_version',
        entityType: 'document_version',
        entityId: documentId,
        before: null,
        after: versionSnapshotJson(version),
      }),
    );
    return { document, version };
  });
}

// ---------------------------------------------------------------------------------------------
// Inputs.

interface Sample {
  readonly clientId: string;
  /** The document the name query was made from. */
  readonly documentId: string;
  readonly name: string;
  /** Near-miss name query. */
  readonly query: string;
  /** Common documents filter: {status, year}. */
  readonly common: { status: string; year: number };
  /** Common clients filter: {tier, region}. */
  readonly clientFilter: { tier: string; region: string };
}

const RARE_DOCUMENT_FILTER = { legalHold: true };
const RARE_CLIENT_FILTER = { vip: true };

/** Two typos in the letters of `text`: swap, drop, double or replace. */
function withTypos(text: string, next: () => number): string {
  let chars = [...text];
  for (let typo = 0; typo < 2; typo += 1) {
    const letters = chars.flatMap((c, i) => (/[A-Za-z]/.test(c) && i + 1 < chars.length && /[A-Za-z]/.test(chars[i + 1]!) ? [i] : []));
    const at = letters[Math.floor(next() * letters.length)]!;
    const kind = Math.floor(next() * 4);
    if (kind === 0) chars = [...chars.slice(0, at), chars[at + 1]!, chars[at]!, ...chars.slice(at + 2)];
    else if (kind === 1) chars = [...chars.slice(0, at), ...chars.slice(at + 1)];
    else if (kind === 2) chars = [...chars.slice(0, at), chars[at]!, ...chars.slice(at)];
    else chars[at] = 'aeiou'[Math.floor(next() * 5)]!;
  }
  return chars.join('');
}

async function sampleInputs(pool: pg.Pool, organizationId: string): Promise<Sample[]> {
  const next = seededRandom(SEED);
  const clients = (
    await pool.query(`SELECT id FROM clients WHERE organization_id = $1 AND deleted_at IS NULL ORDER BY code`, [organizationId])
  ).rows.map((row) => row.id as string);
  const picked = new Set<string>();
  while (picked.size < Math.min(SAMPLE_CLIENTS, clients.length)) picked.add(clients[Math.floor(next() * clients.length)]!);
  const samples: Sample[] = [];
  for (const clientId of picked) {
    const live = (await pool.query(`SELECT count(*)::int AS n FROM documents WHERE client_id = $1 AND deleted_at IS NULL`, [clientId]))
      .rows[0].n as number;
    const document = (
      await pool.query(
        `SELECT id, original_name FROM documents WHERE client_id = $1 AND deleted_at IS NULL
         ORDER BY original_name LIMIT 1 OFFSET $2`,
        [clientId, Math.floor(next() * live)],
      )
    ).rows[0];
    const name = document.original_name as string;
    const stem = name.slice(0, name.indexOf(' - '));
    const query = withTypos(next() < 0.5 ? stem.toLowerCase() : stem, next);
    samples.push({
      clientId,
      documentId: document.id as string,
      name,
      query,
      common: { status: DOCUMENT_STATUSES[Math.floor(next() * 4)]!, year: FIRST_YEAR + Math.floor(next() * YEARS) },
      clientFilter: { tier: TIERS[Math.floor(next() * TIERS.length)]!, region: REGIONS[Math.floor(next() * REGIONS.length)]! },
    });
  }
  return samples;
}

// ---------------------------------------------------------------------------------------------
// Checks that both sides do the same work.

function expectSent(sent: { sql: string; parameters: readonly unknown[] }[], expected: [string, unknown[]][], what: string) {
  assert.deepEqual(
    sent.map((q) => q.sql),
    expected.map(([text]) => text),
    `${what}: the raw SQL differs from the repository’s; update RAW_SQL`,
  );
  sent.forEach((q, i) => assert.deepEqual(q.parameters, expected[i]![1], `${what}: parameters of statement ${i + 1}`));
}

/** Runs each repository call once on a logging Kysely instance; its SQL must be RAW_SQL's. */
async function verifySameSql(url: string, seeded: Seeded, sample: Sample, hotId: string): Promise<void> {
  const { db: logged, sent } = createLoggingDatabase(url);
  try {
    const repos = createRepositories(logged, { actorUserId: seeded.actorId });
    const common = JSON.stringify(sample.common);
    const clientFilter = JSON.stringify(sample.clientFilter);
    const checks: [string, () => Promise<unknown>, [string, unknown[]][]][] = [
      [
        'searchByName',
        () => repos.documents.searchByName(sample.clientId, sample.query),
        [
          ['begin', []],
          [RAW_SQL.setThreshold, [NAME_THRESHOLD]],
          [RAW_SQL.searchByName, searchByNameParameters(sample.clientId, sample.query)],
          ['commit', []],
        ],
      ],
      [
        'documents.searchByMetadata',
        () => repos.documents.searchByMetadata(sample.clientId, sample.common),
        [[RAW_SQL.searchDocumentsByMetadata, [sample.clientId, common, PAGE_LIMIT]]],
      ],
      [
        'clients.searchByMetadata',
        () => repos.clients.searchByMetadata(seeded.organizationId, sample.clientFilter),
        [[RAW_SQL.searchClientsByMetadata, [seeded.organizationId, clientFilter, PAGE_LIMIT + 1]]],
      ],
      ['documents.findById', () => repos.documents.findById(hotId), [[RAW_SQL.findDocument, [hotId]]]],
    ];
    for (const [what, run, expected] of checks) {
      sent.length = 0;
      await run();
      expectSent(sent, expected, what);
    }

    // addVersion: the winning path, then a stale caller (the conflict path).
    const current = (await repos.documents.findById(hotId))!;
    const object = newObject(hotId);
    sent.length = 0;
    const added = await repos.documents.addVersion(hotId, { expectedVersion: current.currentVersion, ...object });
    expectSent(
      sent,
      [
        ['begin', []],
        [RAW_SQL.bumpVersion, [object.storageKey, seeded.actorId, hotId, current.currentVersion]],
        [
          RAW_SQL.insertVersion,
          [seeded.organizationId, hotId, current.currentVersion + 1, object.storageKey, object.checksumSha256, object.sizeBytes, seeded.actorId],
        ],
        [
          RAW_SQL.insertAudit,
          auditParameters({
            organizationId: seeded.organizationId,
            actorUserId: seeded.actorId,
            action: 'document.add_version',
            entityType: 'document_version',
            entityId: hotId,
            before: null,
            after: versionSnapshotJson(added.version as unknown as Record<string, unknown>),
          }),
        ],
        ['commit', []],
      ],
      'addVersion',
    );
    sent.length = 0;
    const stale = newObject(hotId);
    await assert.rejects(
      repos.documents.addVersion(hotId, { expectedVersion: current.currentVersion, ...stale }),
      VersionConflictError,
    );
    expectSent(
      sent,
      [
        ['begin', []],
        [RAW_SQL.bumpVersion, [stale.storageKey, seeded.actorId, hotId, current.currentVersion]],
        [RAW_SQL.currentVersion, [hotId]],
        ['rollback', []],
      ],
      'addVersion (conflict)',
    );
  } finally {
    await logged.destroy();
  }
}

interface ReadStats {
  /** Rows each sample returned (repository side), for the table. */
  readonly rows: Record<ReadKind, number[]>;
  /** Rank of the source document in the name search (1-based), or 0 when missing. */
  readonly ranks: number[];
}

/** Every sample through both sides: the same rows. Returns row counts and name-search ranks. */
async function verifySameResults(db: Kysely<DB>, pool: pg.Pool, organizationId: string, samples: readonly Sample[]): Promise<ReadStats> {
  const repos = createRepositories(db);
  const rows: Record<ReadKind, number[]> = { name: [], common: [], rare: [], clientsCommon: [], clientsRare: [] };
  const ranks: number[] = [];
  for (const s of samples) {
    const byName = await repos.documents.searchByName(s.clientId, s.query);
    assert.deepEqual(await rawSearchByName(pool, s.clientId, s.query), byName, `searchByName(${s.query})`);
    rows.name.push(byName.length);
    ranks.push(byName.findIndex((d) => d.id === s.documentId) + 1);
    const common = await repos.documents.searchByMetadata(s.clientId, s.common);
    assert.deepEqual(await rawSearchDocumentsByMetadata(pool, s.clientId, s.common), common, 'documents.searchByMetadata');
    rows.common.push(common.length);
    const rare = await repos.documents.searchByMetadata(s.clientId, RARE_DOCUMENT_FILTER);
    assert.deepEqual(await rawSearchDocumentsByMetadata(pool, s.clientId, RARE_DOCUMENT_FILTER), rare, 'documents.searchByMetadata (rare)');
    rows.rare.push(rare.length);
    const clients = await repos.clients.searchByMetadata(organizationId, s.clientFilter);
    assert.deepEqual(await rawSearchClientsByMetadata(pool, organizationId, s.clientFilter), clients.items, 'clients.searchByMetadata');
    rows.clientsCommon.push(clients.items.length);
  }
  const vip = await repos.clients.searchByMetadata(organizationId, RARE_CLIENT_FILTER);
  assert.deepEqual(await rawSearchClientsByMetadata(pool, organizationId, RARE_CLIENT_FILTER), vip.items, 'clients.searchByMetadata (rare)');
  rows.clientsRare.push(vip.items.length);
  return { rows, ranks };
}

// ---------------------------------------------------------------------------------------------
// Reads.

type ReadKind = 'name' | 'common' | 'rare' | 'clientsCommon' | 'clientsRare';

const READS: readonly { kind: ReadKind; label: string }[] = [
  { kind: 'name', label: 'documents.searchByName (near-miss query, trigram %, ranked)' },
  { kind: 'common', label: 'documents.searchByMetadata {status, year} (~2% of a client)' },
  { kind: 'rare', label: 'documents.searchByMetadata {legalHold: true} (~0.2%)' },
  { kind: 'clientsCommon', label: 'clients.searchByMetadata {tier, region} (~4% of the clients)' },
  { kind: 'clientsRare', label: 'clients.searchByMetadata {vip: true} (~1%)' },
];

/** The raw SQL and parameters of read `kind` for one sample (what EXPLAIN runs). */
function readQuery(kind: ReadKind, organizationId: string, s: Sample): [string, unknown[]] {
  switch (kind) {
    case 'name':
      return [RAW_SQL.searchByName, searchByNameParameters(s.clientId, s.query)];
    case 'common':
      return [RAW_SQL.searchDocumentsByMetadata, [s.clientId, JSON.stringify(s.common), PAGE_LIMIT]];
    case 'rare':
      return [RAW_SQL.searchDocumentsByMetadata, [s.clientId, JSON.stringify(RARE_DOCUMENT_FILTER), PAGE_LIMIT]];
    case 'clientsCommon':
      return [RAW_SQL.searchClientsByMetadata, [organizationId, JSON.stringify(s.clientFilter), PAGE_LIMIT + 1]];
    case 'clientsRare':
      return [RAW_SQL.searchClientsByMetadata, [organizationId, JSON.stringify(RARE_CLIENT_FILTER), PAGE_LIMIT + 1]];
  }
}

async function measureReads(db: Kysely<DB>, pool: pg.Pool, organizationId: string, samples: readonly Sample[]) {
  const repos = createRepositories(db);
  const at = (i: number) => cyclic(samples, i);
  const sides: Record<ReadKind, { repo: (i: number) => Promise<unknown>; raw: (i: number) => Promise<unknown> }> = {
    name: {
      repo: (i) => repos.documents.searchByName(at(i).clientId, at(i).query),
      raw: (i) => rawSearchByName(pool, at(i).clientId, at(i).query),
    },
    common: {
      repo: (i) => repos.documents.searchByMetadata(at(i).clientId, at(i).common),
      raw: (i) => rawSearchDocumentsByMetadata(pool, at(i).clientId, at(i).common),
    },
    rare: {
      repo: (i) => repos.documents.searchByMetadata(at(i).clientId, RARE_DOCUMENT_FILTER),
      raw: (i) => rawSearchDocumentsByMetadata(pool, at(i).clientId, RARE_DOCUMENT_FILTER),
    },
    clientsCommon: {
      repo: (i) => repos.clients.searchByMetadata(organizationId, at(i).clientFilter),
      raw: (i) => rawSearchClientsByMetadata(pool, organizationId, at(i).clientFilter),
    },
    clientsRare: {
      repo: () => repos.clients.searchByMetadata(organizationId, RARE_CLIENT_FILTER),
      raw: () => rawSearchClientsByMetadata(pool, organizationId, RARE_CLIENT_FILTER),
    },
  };
  const latencies = {} as Record<ReadKind, { repo: Latencies; raw: Latencies }>;
  for (const { kind } of READS) {
    latencies[kind] = await measureInterleaved(kind, ITERATIONS, WARMUP_ITERATIONS, sides[kind]);
  }
  return latencies;
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

/**
 * The whole plan tree on one line, every scan with its relation or index, e.g.
 * `Limit > Sort > Bitmap Heap Scan documents > Bitmap Index Scan documents_metadata_idx`, with
 * and without the rows each scan produced. (explain.ts names the relation of each scan node;
 * the index of a Bitmap Index Scan, which has no relation, is what this section must show.)
 */
function planTree(node: PlanNode, withRows: boolean): string {
  const target = node['Index Name'] ?? node['Relation Name'];
  let text = target ? `${node['Node Type']} ${target}` : node['Node Type'];
  if (withRows && target) text += ` (${count(Math.round((node['Actual Rows'] ?? 0) * (node['Actual Loops'] ?? 1)))} rows)`;
  const children = (node.Plans ?? []).map((child) => planTree(child, withRows));
  if (children.length === 1) return `${text} > ${children[0]}`;
  return children.length > 1 ? `${text} (${children.join('; ')})` : text;
}

/** EXPLAIN (ANALYZE, BUFFERS) of `text`: the plan tree, buffers and server-side time. */
async function explainTree(pool: pg.Pool, text: string, values: readonly unknown[]) {
  const { rows } = await pool.query(`explain (analyze, buffers, format json) ${text}`, [...values]);
  const result = (rows[0]['QUERY PLAN'] as { Plan: PlanNode; 'Execution Time': number }[])[0]!;
  return {
    shape: planTree(result.Plan, false),
    detail: planTree(result.Plan, true),
    buffers: (result.Plan['Shared Hit Blocks'] ?? 0) + (result.Plan['Shared Read Blocks'] ?? 0),
    executionMs: result['Execution Time'],
  };
}

/** EXPLAIN ANALYZE of the first PLAN_SAMPLES inputs of each read, grouped by plan shape. */
async function explainReads(url: string, organizationId: string, samples: readonly Sample[]): Promise<string[][]> {
  // The name search's `%` reads pg_trgm.similarity_threshold: the repository sets it per
  // transaction; here every connection starts with it.
  const pool = new pg.Pool({
    connectionString: url,
    max: 1,
    options: `-c TimeZone=UTC -c pg_trgm.similarity_threshold=${NAME_THRESHOLD}`,
  });
  pool.on('error', () => undefined);
  const rows: string[][] = [];
  try {
    await pool.query(`SELECT similarity('a', 'b')`); // loads pg_trgm, which adopts the setting
    const threshold = (await pool.query(`SELECT current_setting('pg_trgm.similarity_threshold') AS t`)).rows[0].t;
    assert.equal(Number(threshold), Number(NAME_THRESHOLD), 'EXPLAIN connection: pg_trgm.similarity_threshold');
    const runs = [
      ...READS.map((read) => ({ ...read, bitmapScans: true })),
      // What the planner would do without bitmap scans: the client's rows through a btree,
      // filtered. Not what the repository runs; shown to judge the chosen plans.
      ...READS.filter((read) => read.kind === 'name' || read.kind === 'common').map((read) => ({ ...read, bitmapScans: false })),
    ];
    for (const { kind, label, bitmapScans } of runs) {
      const inputs = kind === 'clientsRare' ? samples.slice(0, 1) : samples.slice(0, PLAN_SAMPLES);
      const groups = new Map<string, { example: string; ms: number[]; buffers: number[] }>();
      if (!bitmapScans) await pool.query('SET enable_bitmapscan = off');
      for (const s of inputs) {
        const plan = await explainTree(pool, ...readQuery(kind, organizationId, s));
        const group = groups.get(plan.shape) ?? { example: plan.detail, ms: [], buffers: [] };
        group.ms.push(plan.executionMs);
        group.buffers.push(plan.buffers);
        groups.set(plan.shape, group);
      }
      if (!bitmapScans) await pool.query('RESET enable_bitmapscan');
      for (const group of groups.values()) {
        rows.push([
          label.replace(/ \(.*\)$/, '') + (bitmapScans ? '' : ' — enable_bitmapscan off, for comparison'),
          `${group.ms.length}/${inputs.length}`,
          group.example,
          count(median(group.buffers)),
          median(group.ms).toFixed(2),
        ]);
      }
    }
  } finally {
    await pool.end();
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Writes: addVersion under concurrent writers.

type Side = 'repo' | 'raw';

interface RoundResult {
  readonly seconds: number;
  readonly successes: number;
  readonly conflicts: number;
  readonly latencies: number[];
}

/** One writer: `adds` successful versions on random hot documents, retrying conflicts. */
async function writer(
  side: Side,
  connections: Connections,
  actorId: string,
  hot: readonly string[],
  adds: number,
  next: () => number,
  added: Map<string, number>,
): Promise<{ conflicts: number; latencies: number[] }> {
  const repos = createRepositories(connections.db, { actorUserId: actorId });
  let conflicts = 0;
  const latencies: number[] = [];
  for (let n = 0; n < adds; n += 1) {
    const id = hot[Math.floor(next() * hot.length)]!;
    const start = process.hrtime.bigint();
    for (let attempt = 0; ; attempt += 1) {
      if (attempt > MAX_RETRIES) throw new Error(`addVersion(${id}): more than ${MAX_RETRIES} conflicts in a row`);
      try {
        if (side === 'repo') {
          const current = await repos.documents.findById(id);
          if (!current) throw new Error(`document ${id} not found`);
          await repos.documents.addVersion(id, { expectedVersion: current.currentVersion, ...newObject(id) });
        } else {
          const current = await rawFindDocument(connections.pool, id);
          if (!current) throw new Error(`document ${id} not found`);
          await rawAddVersion(connections.pool, actorId, id, current.currentVersion as number, newObject(id));
        }
        break;
      } catch (error) {
        if (!(error instanceof VersionConflictError || error instanceof RawConflict)) throw error;
        conflicts += 1;
      }
    }
    latencies.push(Number(process.hrtime.bigint() - start));
    added.set(id, (added.get(id) ?? 0) + 1);
  }
  return { conflicts, latencies };
}

async function round(
  side: Side,
  writers: readonly Connections[],
  actorId: string,
  hot: readonly string[],
  addsPerWriter: number,
  seed: number,
  added: Map<string, number>,
): Promise<RoundResult> {
  const start = process.hrtime.bigint();
  const results = await Promise.all(
    writers.map((connections, w) => writer(side, connections, actorId, hot, addsPerWriter, seededRandom(seed * 100 + w), added)),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return {
    seconds,
    successes: addsPerWriter * writers.length,
    conflicts: results.reduce((n, r) => n + r.conflicts, 0),
    latencies: results.flatMap((r) => r.latencies),
  };
}

/** Fails unless every hot document's versions are 1..current_version with one audit row per add. */
async function verifyVersions(pool: pg.Pool, added: ReadonlyMap<string, number>): Promise<number> {
  const ids = [...added.keys()];
  const { rows } = await pool.query(
    `SELECT d.id, d.current_version,
       (SELECT count(*)::int FROM document_versions v WHERE v.document_id = d.id) AS versions,
       (SELECT count(DISTINCT v.version_number)::int FROM document_versions v WHERE v.document_id = d.id) AS distinct_numbers,
       (SELECT min(v.version_number) FROM document_versions v WHERE v.document_id = d.id) AS first,
       (SELECT max(v.version_number) FROM document_versions v WHERE v.document_id = d.id) AS last,
       (SELECT count(*)::int FROM audit_logs a WHERE a.entity_type = 'document_version' AND a.entity_id = d.id
          AND a.action = 'document.add_version') AS audits,
       (SELECT v.storage_key FROM document_versions v WHERE v.document_id = d.id ORDER BY v.version_number DESC LIMIT 1)
         = d.storage_key AS head_key
     FROM documents d WHERE d.id = ANY ($1::uuid[])`,
    [ids],
  );
  assert.equal(rows.length, ids.length, 'every hot document exists');
  let versions = 0;
  for (const row of rows) {
    const adds = added.get(row.id as string)!;
    const what = `document ${row.id}`;
    assert.equal(row.current_version, 1 + adds, `${what}: current_version = 1 + ${adds} adds`);
    assert.equal(row.versions, row.current_version, `${what}: one version per number`);
    assert.equal(row.distinct_numbers, row.versions, `${what}: no duplicate version numbers`);
    assert.equal(row.first, 1, `${what}: versions start at 1`);
    assert.equal(row.last, row.current_version, `${what}: versions end at current_version`);
    assert.equal(row.audits, adds, `${what}: one audit row per added version`);
    assert.equal(row.head_key, true, `${what}: storage_key is the last version's`);
    versions += row.versions as number;
  }
  return versions;
}

interface WriteRow {
  readonly workload: string;
  readonly side: Side;
  readonly seconds: number;
  readonly successes: number;
  readonly conflicts: number;
  readonly latencies: Latencies;
}

async function measureWrites(url: string, pool: pg.Pool, seeded: Seeded, hotIds: readonly string[], added: Map<string, number>) {
  const connections = Array.from({ length: WRITERS }, () => openConnections(url));
  const results: WriteRow[] = [];
  try {
    for (const [w, workload] of WORKLOADS.entries()) {
      const hot = hotIds.slice(0, workload.hot);
      const writers = connections.slice(0, workload.writers);
      const label = `addVersion: ${workloadName(workload)}`;
      const seed = (r: number, side: Side) => w * 1000 + r * 10 + (side === 'repo' ? 0 : 1);
      const warmup = Math.max(1, Math.round(workload.addsPerWriter * WARMUP_ROUND_FRACTION));
      for (const side of ['repo', 'raw'] as const) {
        await round(side, writers, seeded.actorId, hot, warmup, seed(99, side), added);
      }
      const totals: Record<Side, { seconds: number; successes: number; conflicts: number; latencies: number[] }> = {
        repo: { seconds: 0, successes: 0, conflicts: 0, latencies: [] },
        raw: { seconds: 0, successes: 0, conflicts: 0, latencies: [] },
      };
      for (let r = 0; r < ROUNDS; r += 1) {
        const order: Side[] = r % 2 === 0 ? ['repo', 'raw'] : ['raw', 'repo'];
        for (const side of order) {
          const result = await round(side, writers, seeded.actorId, hot, workload.addsPerWriter, seed(r, side), added);
          const total = totals[side];
          total.seconds += result.seconds;
          total.successes += result.successes;
          total.conflicts += result.conflicts;
          total.latencies.push(...result.latencies);
          process.stderr.write(`\r${label}: round ${r + 1}/${ROUNDS} ${side} ${(result.successes / result.seconds).toFixed(0)}/s   `);
        }
      }
      process.stderr.write('\n');
      for (const side of ['repo', 'raw'] as const) {
        const t = totals[side];
        results.push({ workload: workloadName(workload), side, ...t, latencies: Float64Array.from(t.latencies) });
      }
    }
  } finally {
    await Promise.all(connections.map((c) => c.close()));
  }
  const versions = await verifyVersions(pool, added);
  return { results, versions };
}

function workloadName(workload: (typeof WORKLOADS)[number]): string {
  const writers = workload.writers === 1 ? '1 writer (no contention)' : `${workload.writers} writers`;
  return `${writers}, ${workload.hot} hot document${workload.hot === 1 ? '' : 's'}`;
}

function writeTable(rows: readonly WriteRow[]): string {
  const table: string[][] = [];
  for (const workload of WORKLOADS.map(workloadName)) {
    const raw = rows.find((r) => r.workload === workload && r.side === 'raw')!;
    for (const row of rows.filter((r) => r.workload === workload)) {
      const s = summarize(row.latencies);
      const rate = row.successes / row.seconds;
      table.push([
        workload,
        row.side === 'repo' ? 'repository (findById + addVersion)' : 'raw pg (same statements)',
        count(row.successes),
        rate.toFixed(0),
        (row.conflicts / row.successes).toFixed(2),
        (s.median / 1000).toFixed(2),
        (s.p99 / 1000).toFixed(2),
        row.side === 'repo' ? ratio(rate, raw.successes / raw.seconds) : '',
      ]);
    }
  }
  return markdownTable(
    ['workload', 'side', 'versions added', 'versions/s', 'conflicts per success', 'median ms per add', 'p99 ms per add', 'throughput repo/raw'],
    table,
    2,
  );
}

// ---------------------------------------------------------------------------------------------
// The run.

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
}

/**
 * Seeds clients and documents into `url` (a migrated database without documents), measures
 * searches and concurrent addVersion (repository against raw pg); returns the section's markdown.
 */
export async function runDocumentsSection(url: string, config: DocumentsConfig = readDocumentsConfig()): Promise<string> {
  const seedStart = process.hrtime.bigint();
  const seeded = await seed(url, config);
  const seedSeconds = Number(process.hrtime.bigint() - seedStart) / 1e9;

  const { db, pool, close } = openConnections(url);
  try {
    const samples = await sampleInputs(pool, seeded.organizationId);
    // Hot documents for addVersion: live documents of the last client.
    const hotIds = (
      await pool.query(
        `SELECT d.id FROM documents d
         WHERE d.deleted_at IS NULL
           AND d.client_id = (SELECT id FROM clients WHERE organization_id = $1 ORDER BY code DESC LIMIT 1)
         ORDER BY d.original_name LIMIT $2`,
        [seeded.organizationId, HOT_DOCUMENTS],
      )
    ).rows.map((row) => row.id as string);
    assert.equal(hotIds.length, HOT_DOCUMENTS, 'documents: hot documents');
    const added = new Map<string, number>(hotIds.map((id) => [id, 0]));

    progress(`documents: ${samples.length} sampled clients; checking that raw SQL and results match the repositories`);
    await verifySameSql(url, seeded, samples[0]!, hotIds[0]!);
    added.set(hotIds[0]!, 1);
    const stats = await verifySameResults(db, pool, seeded.organizationId, samples);

    const reads = await measureReads(db, pool, seeded.organizationId, samples);
    const plans = await explainReads(url, seeded.organizationId, samples);
    const writes = await measureWrites(url, pool, seeded, hotIds, added);

    const live = await countRows(pool, 'documents', 'deleted_at is null');
    const versions = await countRows(pool, 'document_versions');
    const size = (await pool.query(
      `SELECT pg_size_pretty(pg_total_relation_size('documents')) AS documents,
         pg_size_pretty(pg_relation_size('documents_client_name_trgm_idx')) AS trgm,
         pg_size_pretty(pg_relation_size('documents_metadata_idx')) AS metadata,
         pg_size_pretty(pg_total_relation_size('document_versions')) AS versions`,
    )).rows[0];
    const found = stats.ranks.filter((r) => r > 0).length;
    const first = stats.ranks.filter((r) => r === 1).length;
    const pct = (n: number) => `${((100 * n) / stats.ranks.length).toFixed(0)}%`;

    const readRows = READS.map(({ kind, label }) => {
      const repo = summarize(reads[kind].repo);
      const raw = summarize(reads[kind].raw);
      return [
        label,
        String(median(stats.rows[kind])),
        us(repo.median),
        us(repo.p99),
        us(raw.median),
        us(raw.p99),
        ratio(repo.median, raw.median),
        ratio(repo.p99, raw.p99),
      ];
    });
    return [
      `${count(config.documents)} documents (${count(live)} live; 1% soft-deleted) over ${count(config.clients)} clients of one ` +
        `organization, ${count(Math.round(config.documents / config.clients))} per client, each with its version 1; seeded, ` +
        `indexed and vacuumed in ${seedSeconds.toFixed(0)} s. documents ${size.documents} with indexes (trigram index ` +
        `${size.trgm}, metadata GIN ${size.metadata}), document_versions ${size.versions} (${count(versions)} rows at the end).`,
      '',
      markdownTable(
        ['operation', 'rows (median)', 'repo median µs', 'repo p99 µs', 'raw median µs', 'raw p99 µs', 'ratio median (repo/raw)', 'ratio p99'],
        readRows,
      ),
      '',
      `- name search: ${samples.length} near-miss queries (two typos in a document's type, counterparty and period, e.g. ` +
        `"${samples[0]!.query}" for "${samples[0]!.name}"); the source document was found in ${pct(found)} and ranked ` +
        `first in ${pct(first)}; similarity threshold ${NAME_THRESHOLD}, limit ${PAGE_LIMIT}`,
      '',
      `Plans (EXPLAIN (ANALYZE, BUFFERS) of the first ${PLAN_SAMPLES} inputs of each read after the timing, grouped by plan; ` +
        'buffers and server ms are medians):',
      '',
      markdownTable(['query', 'inputs', 'plan (rows of the first input of this plan)', 'buffers', 'server ms'], plans, 3),
      '',
      writeTable(writes.results),
      '',
      `- integrity: ${hotIds.length} hot documents hold ${count(writes.versions)} versions, each document's numbered ` +
        `exactly 1..current_version (no gap, no duplicate), current_version = 1 + the adds counted by the writers, ` +
        `one document.add_version audit row per added version, documents.storage_key = the last version's`,
    ].join('\n');
  } finally {
    await close();
  }
}
