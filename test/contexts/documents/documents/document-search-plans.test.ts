import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../../../src/core/database/create-database.js';
import type { StoredDocument as Document } from '../../../../src/contexts/documents/documents/document.js';
import { createRepositories, type Repositories } from '../../../../src/repositories.js';
import type { DB } from '../../../../src/schema/db.js';
import { seedDefaults } from '../../../../src/contexts/identity/seeders/seed-defaults.js';
import { useTestDatabase } from '../../../helpers/database.js';
import { aClient, anObject } from '../../../helpers/documents.js';
import { anOrganization, aUser } from '../../../helpers/fixtures.js';

// The search queries of the client and document repositories, on a realistic amount of data
// (2 organizations × 2 000 clients, 20 of them with 500 documents each): EXPLAIN of exactly the
// SQL the repositories send shows the trigram and GIN metadata indexes in use, and the searches
// find near misses and stay inside their client (or organization).

type PlanNode = Record<string, unknown>;

/** Every node of an EXPLAIN (FORMAT JSON) plan. */
function planNodes(plan: PlanNode): PlanNode[] {
  const children = (plan['Plans'] as PlanNode[] | undefined) ?? [];
  return [plan, ...children.flatMap(planNodes)];
}

/** Clients per organization, made with one INSERT … SELECT each. */
const CLIENTS_PER_ORGANIZATION = 2_000;
/** Clients of each organization that get documents (so 20 in all). */
const CLIENTS_WITH_DOCUMENTS = 10;
const DOCUMENTS_PER_CLIENT = 500;

describe('search plans of clients and documents', () => {
  const testDb = useTestDatabase();
  /** A second Kysely instance on the test database that records every query it sends. */
  let logging: Kysely<DB>;
  let captured: CompiledQuery[] = [];
  /** Repositories on `logging`. */
  let repos: Repositories;

  let organizationId: string;
  let otherOrganizationId: string;
  /** A client of organizationId with 500 bulk documents and an 'Annual Report 2025.pdf'. */
  let clientId: string;
  /** Another client of the same organization, with a document of the same name. */
  let neighbourId: string;
  /** A client of the other organization, with a document of the same name. */
  let foreignId: string;
  let report: Document;
  let neighbourReport: Document;
  let foreignReport: Document;
  /** A soft-deleted near miss of the client: never found. */
  let deletedReport: Document;

  beforeAll(async () => {
    const db = testDb.current.db;
    await seedDefaults(db);
    const system = createRepositories(db);
    organizationId = (await anOrganization(system)).id;
    otherOrganizationId = (await anOrganization(system)).id;
    const actorUserId = (await aUser(system, organizationId)).user.id;
    const writer = createRepositories(db, { actorUserId });

    // Clients: industry, region and tier repeat; 'aerospace' is rare (2 clients per
    // organization). A containment search for a common value legitimately reads the
    // organization's clients in code order and filters (it stops after a page), so the GIN
    // index is asserted for the rare value, where it is the plan that reads least.
    for (const org of [organizationId, otherOrganizationId]) {
      await sql`
        INSERT INTO clients (organization_id, code, name, metadata, created_by, updated_by)
        SELECT ${org}::uuid, 'C-' || lpad(g::text, 5, '0'),
          (ARRAY['Nguyen Trading', 'Acme', 'Globex', 'Initech', 'Umbrella', 'Stark Industries', 'Wayne Enterprises',
                 'Hooli'])[1 + g % 8] || ' ' || g,
          jsonb_build_object(
            'industry', CASE WHEN g % 997 = 0 THEN 'aerospace'
              ELSE (ARRAY['retail', 'banking', 'construction', 'healthcare', 'logistics', 'education', 'hospitality',
                          'agriculture'])[1 + g % 8] END,
            'region', (ARRAY['north', 'south', 'east', 'west'])[1 + (g / 8) % 4],
            'tier', 1 + g % 3,
            'contact', jsonb_build_object('email', 'office' || g || '@example.com')),
          ${actorUserId}::uuid, ${actorUserId}::uuid
        FROM generate_series(1, ${CLIENTS_PER_ORGANIZATION}::int) AS g`.execute(db);
    }

    // Documents: 500 per client for the first 10 clients (by code) of each organization, named
    // like uploads ('Invoice March 2019 - 0042.pdf'), each with its version 1. Metadata: kind,
    // year and source repeat; status 'disputed' is rare (2 documents per client: numbers 7 and 257).
    await sql`
      WITH owners AS (
        SELECT id, organization_id, row_number() OVER (PARTITION BY organization_id ORDER BY code) AS n
        FROM clients WHERE organization_id IN (${organizationId}::uuid, ${otherOrganizationId}::uuid)
      ), inserted AS (
        INSERT INTO documents (organization_id, client_id, original_name, storage_key, mime_type, metadata, created_by, updated_by)
        SELECT o.organization_id, o.id,
          (ARRAY['Invoice', 'Contract', 'Payslip', 'Bank Statement', 'Tax Return', 'Meeting Minutes', 'Quarterly Report',
                 'Purchase Order', 'Delivery Note', 'Insurance Policy', 'Lease Agreement', 'Expense Claim'])[1 + i % 12]
            || ' ' || to_char(make_date(2015 + i % 11, 1 + (i / 12) % 12, 1), 'FMMonth YYYY')
            || ' - ' || lpad(i::text, 4, '0') || '.' || (ARRAY['pdf', 'docx', 'xlsx', 'png', 'txt'])[1 + i % 5],
          'objects/' || gen_random_uuid(),
          (ARRAY['application/pdf', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
                 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'image/png', 'text/plain'])[1 + i % 5],
          jsonb_build_object(
            'kind', (ARRAY['invoice', 'contract', 'payslip', 'statement', 'tax', 'minutes', 'report', 'order', 'delivery',
                           'insurance', 'lease', 'expense'])[1 + i % 12],
            'year', 2015 + i % 11,
            'source', (ARRAY['upload', 'email', 'scanner'])[1 + i % 3])
            || CASE WHEN i % 250 = 7 THEN '{"status": "disputed"}'::jsonb ELSE '{}'::jsonb END,
          ${actorUserId}::uuid, ${actorUserId}::uuid
        FROM owners o CROSS JOIN generate_series(1, ${DOCUMENTS_PER_CLIENT}::int) AS i
        WHERE o.n <= ${CLIENTS_WITH_DOCUMENTS}
        RETURNING id, organization_id, storage_key, created_by
      )
      INSERT INTO document_versions (organization_id, document_id, version_number, storage_key, checksum_sha256, size_bytes, created_by)
      SELECT organization_id, id, 1, storage_key, encode(sha256(convert_to(storage_key, 'UTF8')), 'hex'),
        (random() * 5000000)::bigint, created_by
      FROM inserted`.execute(db);

    const first = async (org: string, n: number) =>
      (
        await sql<{ id: string }>`SELECT id FROM clients WHERE organization_id = ${org}::uuid ORDER BY code OFFSET ${n - 1} LIMIT 1`.execute(db)
      ).rows[0]!.id;
    clientId = await first(organizationId, 1);
    neighbourId = await first(organizationId, 2);
    foreignId = await first(otherOrganizationId, 1);

    // The documents searched for, through the repository (document, version 1, audit).
    const upload = async (client: string, originalName: string, metadata: Record<string, unknown> = {}) =>
      (await writer.documents.create({ clientId: client, originalName, mimeType: 'application/pdf', metadata, ...anObject() }))
        .document;
    report = await upload(clientId, 'Annual Report 2025.pdf', { kind: 'report', year: 2025 });
    neighbourReport = await upload(neighbourId, 'Annual Report 2025.pdf', { kind: 'report', status: 'disputed' });
    foreignReport = await upload(foreignId, 'Annual Report 2025.pdf', { kind: 'report', status: 'disputed' });
    deletedReport = await upload(clientId, 'Annual Report 2024.pdf', { kind: 'report', status: 'disputed' });
    await writer.documents.softDelete(deletedReport.id);
    // A soft-deleted aerospace client: never found.
    const retired = await aClient(writer, organizationId, 'RETIRED-AERO');
    await writer.clients.update(retired.id, { metadata: { industry: 'aerospace' } });
    await writer.clients.softDelete(retired.id);

    // VACUUM, not only ANALYZE: rows inserted after CREATE INDEX sit in the GIN indexes'
    // pending list (fastupdate), which every index search must read in full, and the planner
    // prices that in. Autovacuum flushes it on a live system; here VACUUM does, so the plans are
    // those of a settled table.
    await sql`VACUUM (ANALYZE) clients, documents, document_versions`.execute(db);

    logging = new Kysely<DB>({
      dialect: new PostgresDialect({ pool: createPool({ connectionString: testDb.current.connectionString, max: 1 }) }),
      log: (event) => {
        if (event.level === 'query') captured.push(event.query);
      },
    });
    repos = createRepositories(logging, { actorUserId });
  });

  afterAll(async () => {
    await logging?.destroy();
  });

  it('seeded 2 × 2 000 clients and 20 × 500 documents with their versions', async () => {
    const { rows } = await sql<{ clients: number; owners: number; documents: number; versions: number }>`
      SELECT (SELECT count(*)::int FROM clients) AS clients,
             (SELECT count(DISTINCT client_id)::int FROM documents) AS owners,
             (SELECT count(*)::int FROM documents) AS documents,
             (SELECT count(*)::int FROM document_versions) AS versions`.execute(testDb.current.db);
    // + the soft-deleted client; + the 4 uploaded documents, each with its version 1.
    const documents = 2 * CLIENTS_WITH_DOCUMENTS * DOCUMENTS_PER_CLIENT + 4;
    expect(rows).toEqual([
      { clients: 2 * CLIENTS_PER_ORGANIZATION + 1, owners: 2 * CLIENTS_WITH_DOCUMENTS, documents, versions: documents },
    ]);
  });

  /**
   * Runs one repository call on the logging instance and EXPLAINs exactly the SQL (and
   * parameters) it sent. Returns the call's result and the plan's nodes.
   */
  async function explain<T>(call: () => Promise<T>): Promise<{ result: T; nodes: PlanNode[]; query: CompiledQuery }> {
    captured = [];
    const result = await call();
    // searchByName also sends BEGIN, the set_config of its threshold, the unit of work's
    // `select 1` probe (this logging instance is not a createDatabase one) and COMMIT.
    const selects = captured.filter((q) => /^select/i.test(q.sql) && !q.sql.includes('set_config') && q.sql !== 'select 1');
    expect(selects).toHaveLength(1);
    const query = selects[0]!;
    const { rows } = await logging.executeQuery<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
      CompiledQuery.raw(`EXPLAIN (FORMAT JSON) ${query.sql}`, [...query.parameters]),
    );
    return { result, nodes: planNodes(rows[0]!['QUERY PLAN'][0].Plan), query };
  }

  /** The indexes of `table` that the plan reads. */
  async function indexesRead(nodes: PlanNode[], table: string): Promise<string[]> {
    const { rows } = await sql<{ name: string }>`
      SELECT indexrelid::regclass::text AS name FROM pg_index WHERE indrelid = ${table}::regclass`.execute(testDb.current.db);
    const own = new Set(rows.map((r) => r.name));
    return nodes.flatMap((n) => (typeof n['Index Name'] === 'string' && own.has(n['Index Name']) ? [n['Index Name']] : []));
  }

  const seqScans = (nodes: PlanNode[], table: string) =>
    nodes.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === table);

  describe('documents.searchByName', () => {
    it("uses documents_client_name_trgm_idx for 'anual reprot', with the client and the trigram match as index conditions", async () => {
      const { nodes, query } = await explain(() => repos.documents.searchByName(clientId, 'anual reprot'));
      expect(query.sql).toMatch(/documents\.original_name % \$\d+/);
      expect(seqScans(nodes, 'documents')).toEqual([]);
      expect(await indexesRead(nodes, 'documents')).toEqual(['documents_client_name_trgm_idx']);
      const scan = nodes.find((n) => n['Index Name'] === 'documents_client_name_trgm_idx')!;
      expect(scan['Node Type']).toBe('Bitmap Index Scan');
      expect(String(scan['Index Cond'])).toContain(`client_id = '${clientId}'::uuid`);
      expect(String(scan['Index Cond'])).toContain(`original_name % 'anual reprot'::text`);
    });

    it('finds near misses of the name within the client only, best first, never a deleted document', async () => {
      for (const query of ['Annual Reprot', 'anual report', 'ANNUAL REPORT']) {
        const matches = await repos.documents.searchByName(clientId, query);
        expect(matches[0]).toMatchObject({ id: report.id, originalName: 'Annual Report 2025.pdf', clientId });
        expect(matches.every((m) => m.clientId === clientId && m.deletedAt === null)).toBe(true);
        const ids = matches.map((m) => m.id);
        expect(ids).not.toContain(deletedReport.id);
        expect(ids).not.toContain(neighbourReport.id);
        expect(ids).not.toContain(foreignReport.id);
        const scores = matches.map((m) => m.score);
        expect(scores).toEqual([...scores].sort((a, b) => b - a));
        expect(scores.every((s) => s >= 0.3)).toBe(true);
      }
      // The same query at the neighbour and at the other organization's client finds theirs.
      expect((await repos.documents.searchByName(neighbourId, 'Annual Reprot'))[0]?.id).toBe(neighbourReport.id);
      expect((await repos.documents.searchByName(foreignId, 'Annual Reprot'))[0]?.id).toBe(foreignReport.id);
      // Restoring the deleted near miss makes it findable.
      await createRepositories(testDb.current.db).documents.restore(deletedReport.id);
      try {
        const ids = (await repos.documents.searchByName(clientId, 'Annual Reprot')).map((m) => m.id);
        expect(ids.slice(0, 2).sort()).toEqual([report.id, deletedReport.id].sort());
      } finally {
        await createRepositories(testDb.current.db).documents.softDelete(deletedReport.id);
      }
      expect(await repos.documents.searchByName(clientId, 'zzzz qqqq')).toEqual([]);
    });

    // similarity('Annual Report 2025.pdf', 'anual reprot') is 0.286: below pg_trgm's default
    // threshold (0.3), above the repository's (0.25).
    it("'Anual Reprot' finds 'Annual Report 2025.pdf'", async () => {
      const matches = await repos.documents.searchByName(clientId, 'Anual Reprot');
      expect(matches.map((m) => m.id)).toContain(report.id);
    });
  });

  describe('documents.searchByMetadata', () => {
    it('uses documents_metadata_idx for a rare value', async () => {
      const { nodes, query } = await explain(() => repos.documents.searchByMetadata(clientId, { status: 'disputed' }));
      expect(query.sql).toMatch(/documents\.metadata @> \$\d+::jsonb/);
      expect(seqScans(nodes, 'documents')).toEqual([]);
      expect(await indexesRead(nodes, 'documents')).toContain('documents_metadata_idx');
      const scan = nodes.find((n) => n['Index Name'] === 'documents_metadata_idx')!;
      expect(String(scan['Index Cond'])).toContain(`metadata @> '{"status": "disputed"}'::jsonb`);
    });

    it("finds the client's live documents containing the filter, newest first, and nothing of other clients", async () => {
      const disputed = await repos.documents.searchByMetadata(clientId, { status: 'disputed' });
      expect(disputed.map((d) => d.originalName.replace(/^.* - (\d{4})\.\w+$/, '$1')).sort()).toEqual(['0007', '0257']);
      expect(disputed.every((d) => d.clientId === clientId && d.metadata['status'] === 'disputed')).toBe(true);
      expect(disputed.map((d) => d.id)).not.toContain(deletedReport.id);
      const times = disputed.map((d) => d.createdAt.getTime());
      expect(times).toEqual([...times].sort((a, b) => b - a));
      // Nested containment: several keys at once.
      const reports = await repos.documents.searchByMetadata(clientId, { kind: 'report', year: 2025 });
      expect(reports.map((d) => d.id)).toContain(report.id);
      expect(reports.every((d) => d.clientId === clientId && d.metadata['kind'] === 'report' && d.metadata['year'] === 2025)).toBe(true);
      // The neighbour's and the other organization's disputed report stay with their clients.
      expect((await repos.documents.searchByMetadata(neighbourId, { status: 'disputed', kind: 'report' })).map((d) => d.id)).toEqual([
        neighbourReport.id,
      ]);
      expect((await repos.documents.searchByMetadata(foreignId, { status: 'disputed', kind: 'report' })).map((d) => d.id)).toEqual([
        foreignReport.id,
      ]);
    });
  });

  describe('clients.searchByMetadata', () => {
    it('uses clients_metadata_idx for a rare value', async () => {
      const { nodes, query } = await explain(() => repos.clients.pageByMetadata(organizationId, { industry: 'aerospace' }));
      expect(query.sql).toMatch(/clients\.metadata @> \$\d+::jsonb/);
      expect(seqScans(nodes, 'clients')).toEqual([]);
      expect(await indexesRead(nodes, 'clients')).toContain('clients_metadata_idx');
      const scan = nodes.find((n) => n['Index Name'] === 'clients_metadata_idx')!;
      expect(String(scan['Index Cond'])).toContain(`metadata @> '{"industry": "aerospace"}'::jsonb`);
    });

    it("finds the organization's live clients containing the filter, by code, and none of the other organization", async () => {
      const page = await repos.clients.pageByMetadata(organizationId, { industry: 'aerospace' });
      expect(page.items.map((c) => c.code)).toEqual(['C-00997', 'C-01994']);
      expect(page.items.every((c) => c.organizationId === organizationId)).toBe(true);
      expect(page.nextCursor).toBeNull();
      const other = await repos.clients.pageByMetadata(otherOrganizationId, { industry: 'aerospace' });
      expect(other.items.map((c) => c.code)).toEqual(['C-00997', 'C-01994']);
      expect(other.items.every((c) => c.organizationId === otherOrganizationId)).toBe(true);
      // A common value pages through the organization's clients by code.
      const retail = await repos.clients.pageByMetadata(organizationId, { industry: 'retail', tier: 2 }, { limit: 5 });
      expect(retail.items).toHaveLength(5);
      expect(retail.items.every((c) => c.metadata['industry'] === 'retail' && c.metadata['tier'] === 2)).toBe(true);
      expect(retail.nextCursor).not.toBeNull();
    });
  });
});
