// The documents group's data (set-based SQL on a connection of its own without
// statement_timeout): one organization with one user (the actor), `sizes.clients` clients
// (default 1,000; metadata tier/region/industry/segment, 1% {"vip": true}) and
// `sizes.documents` documents (default 1,000,000) spread evenly over them, each with its
// version 1 in document_versions (unique storage key, sha256 of the key as checksum, a size).
// Names combine word lists (30 document types, 40 counterparties, month/quarter/year periods
// 2015–2026, suffixes, extensions) with a number unique within the client, e.g. "Invoice
// Northwind Traders March 2023 - 0457 signed.pdf", so a client has many names that share words
// with any query. Metadata: category, year, status, source, pages; 0.2% {"legalHold": true}.
// 1% of the documents are soft-deleted. The secondary indexes of documents and
// document_versions are dropped for the load and recreated from their own definitions
// afterwards (checked identical), then VACUUM (ANALYZE): a GIN index keeps a pending list until
// vacuumed, and without statistics the planner may ignore the trigram index.
import assert from 'node:assert/strict';
import pg from 'pg';
import type { Sizes } from '../../config.js';
import { count, step } from '../../support.js';
import {
  COMPANY_KINDS,
  COMPANY_WORDS,
  COUNTERPARTIES,
  DOCUMENT_STATUSES,
  DOCUMENT_TYPES,
  EXTENSIONS,
  FIRST_YEAR,
  INDUSTRIES,
  MONTHS,
  REGIONS,
  SEGMENTS,
  SOURCES,
  SUFFIXES,
  TIERS,
  YEARS,
} from './word-lists.js';

/** The seed of the generated data and of the samples. */
export const SEED = 4;
const ORGANIZATION_SLUG = 'bench-documents';
const CHUNK = 200_000;

type DocumentsConfig = Pick<Sizes, 'documents' | 'clients'>;

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

/** The seeded organization and its actor. */
export interface Seeded {
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
export async function seedDocumentsData(url: string, config: DocumentsConfig): Promise<Seeded> {
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

