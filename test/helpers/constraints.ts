// The harness of the *.constraints.test.ts files: contract tests of the integrity rules of the
// schema (sql/migrations/*.up.sql, and the migration runner's tracking table), run against
// PostgreSQL with raw SQL (no repositories). For every CHECK, UNIQUE (constraints, primary keys,
// partial and expression unique indexes), FOREIGN KEY and NOT NULL a test runs a statement the
// database must reject, asserting the exact SQLSTATE and constraint, and a "near miss" it must
// accept, so a constraint that is too loose or too strict fails. A test marked `it.fails`
// documents a limit that deliberately exists (it passes while the limit is there).
//
// Coverage has two halves. Each test file has a sibling `<name>.constraints.ts` declaring, per
// table, the constraints, NOT NULL columns and triggers it exercises; after the file's tests,
// the harness fails the file when a declared name was never exercised, or an exercised one is
// not declared. test/schema/catalog-coverage.test.ts compares the declarations with the catalog,
// so a constraint, NOT NULL column or trigger without a test fails the run.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestDatabase } from '../../src/testing/test-database.js';
import { passedEveryTest, useTestDatabase } from './database.js';

/** not_null_violation. */
export const NOT_NULL = '23502';
/** foreign_key_violation. */
export const FOREIGN_KEY = '23503';
/** ON DELETE RESTRICT reports 23001 restrict_violation from PostgreSQL 18 on, 23503 before. */
export const RESTRICT = '23001';
/** unique_violation. */
export const UNIQUE = '23505';
/** check_violation. */
export const CHECK = '23514';
/** Raised by the append-only trigger of audit_logs (insufficient_privilege). */
export const APPEND_ONLY = '42501';
/** Raised by the immutability trigger of document_versions (insufficient_privilege, as APPEND_ONLY). */
export const IMMUTABLE = '42501';
/** A value that is not a label of an enum type (invalid_text_representation); no constraint. */
export const INVALID_ENUM = '22P02';
/** An explicit value for a GENERATED ALWAYS identity column without OVERRIDING SYSTEM VALUE. */
export const GENERATED_ALWAYS = '428C9';

/** An old timestamp that the set_updated_at trigger must replace. */
export const OLD = '2000-01-01T00:00:00.000Z';
/** Input for the catastrophic-backtracking checks: 100 000 × 'a', then '!'. */
export const HUGE = `${'a'.repeat(100_000)}!`;

/** What a test file exercises of one table: every name is checked against the catalog. */
export interface TableCoverage {
  /** Its CHECK, UNIQUE, PRIMARY KEY and FOREIGN KEY constraints and unique indexes, each violated. */
  readonly constraints: readonly string[];
  /** Its NOT NULL columns, each violated. */
  readonly notNull: readonly string[];
  /** Its triggers, each checked. */
  readonly triggers: readonly string[];
}

/** What a `<name>.constraints.ts` module exports as `coverage`: table name → {@link TableCoverage}. */
export type ConstraintCoverage = Readonly<Record<string, TableCoverage>>;

/** A row of a table, by column name. */
export type Row = Record<string, unknown>;

/** The file's connection and what its tests exercised. */
interface HarnessState {
  readonly database: TestDatabase;
  readonly client: pg.Client;
  /** Names seen in rejections: constraint names, and `table.column` for NOT NULL. */
  readonly violated: Set<string>;
  /** Triggers whose effect was checked. */
  readonly triggersChecked: Set<string>;
}

let state: HarnessState | undefined;

function current(): HarnessState {
  if (!state) throw new Error('useConstraintHarness() has not connected yet: call it at the top of the test file');
  return state;
}

/** Names in `expected` missing from `seen`, and names in `seen` missing from `expected`. */
function gaps(expected: ReadonlySet<string>, seen: ReadonlySet<string>): { missing: string[]; extra: string[] } {
  return {
    missing: [...expected].filter((name) => !seen.has(name)).sort(),
    extra: [...seen].filter((name) => !expected.has(name)).sort(),
  };
}

/**
 * Sets up a constraints test file: a fresh migrated database, one raw pg connection to it
 * ({@link client}), and, after the file's tests, the check that they exercised exactly what
 * `coverage` (the sibling `<name>.constraints.ts`) declares. The check is skipped when a test
 * failed or did not run (filtered with `-t`, `.only`, `.skip`): its gaps would be noise then.
 */
export function useConstraintHarness(coverage: ConstraintCoverage): void {
  // Registered first, so it runs after the hooks below (afterAll hooks run in reverse order).
  afterAll(({}, suite) => {
    const exercised = state;
    state = undefined;
    if (!exercised || !passedEveryTest(suite)) return;
    const tables = Object.entries(coverage);
    const constraints = gaps(
      new Set(tables.flatMap(([table, c]) => [...c.constraints, ...c.notNull.map((column) => `${table}.${column}`)])),
      exercised.violated,
    );
    const triggers = gaps(new Set(tables.flatMap(([, c]) => c.triggers)), exercised.triggersChecked);
    const found = {
      declaredButNotViolated: constraints.missing,
      violatedButNotDeclared: constraints.extra,
      declaredButNotChecked: triggers.missing,
      checkedButNotDeclared: triggers.extra,
    };
    const none = { declaredButNotViolated: [], violatedButNotDeclared: [], declaredButNotChecked: [], checkedButNotDeclared: [] };
    expect(found, `${suite.name} must exercise exactly what its .constraints.ts declares`).toEqual(none);
  });
  const testDb = useTestDatabase();
  beforeAll(async () => {
    const client = new pg.Client({ connectionString: testDb.current.connectionString });
    await client.connect();
    state = { database: testDb.current, client, violated: new Set(), triggersChecked: new Set() };
  });
  afterAll(async () => {
    await state?.client.end();
  });
}

/** The part of pg's client the tests use. */
export interface QueryClient {
  /** Runs a statement: text with optional values, or a query config. */
  query<R extends pg.QueryResultRow = Row>(
    statement: string | pg.QueryConfig,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>>;
}

/** The file's raw pg connection (usable once {@link useConstraintHarness} has connected it). */
export const client: QueryClient = {
  query: <R extends pg.QueryResultRow = Row>(statement: string | pg.QueryConfig, values?: unknown[]) =>
    current().client.query<R>(statement, values),
};

/** The file's database (for a second connection of its own). */
export function testDatabase(): TestDatabase {
  return current().database;
}

/** Records that a test violated `name` (a constraint, or `table.column`) other than through {@link expectRejected}. */
export function markViolated(name: string): void {
  current().violated.add(name);
}

/** Records that a test checked the effect of trigger `name`. */
export function markTriggerChecked(name: string): void {
  current().triggersChecked.add(name);
}

/** Runs `statement` and asserts the database rejects it with `code` and, as pg reports it, `constraint`. */
async function assertRejected(statement: pg.QueryConfig, code: string, constraint: string): Promise<void> {
  const [table, column] = constraint.split('.');
  const expected = code === NOT_NULL ? { code, table, column } : { code, constraint };
  await expect(client.query(statement)).rejects.toMatchObject(expected);
}

/**
 * Runs `statement` and asserts the database rejects it with SQLSTATE `code` and constraint
 * `constraint`. PostgreSQL reports no constraint name for NOT NULL (not even 18, where they are
 * catalogued), so for 23502 pass `table.column` and the error's table and column are checked.
 */
export async function expectRejected(statement: pg.QueryConfig, code: string, constraint: string): Promise<void> {
  await assertRejected(statement, code, constraint);
  markViolated(constraint);
}

/**
 * {@link expectRejected} for a row routed to a partition. PostgreSQL names the partition in the
 * error: its table for NOT NULL (`reported` = `partition.column`) and its own index for a
 * PRIMARY KEY or UNIQUE (`<partition>_pkey`); CHECK constraints keep the parent's name. Records
 * `parent` (the partitioned table's constraint, or `table.column`), which is what the coverage
 * lists: what a partition inherits is counted on its parent.
 */
export async function expectRejectedInPartition(
  statement: pg.QueryConfig,
  code: string,
  reported: string,
  parent: string,
): Promise<void> {
  await assertRejected(statement, code, reported);
  markViolated(parent);
}

/** Runs `fn` inside a transaction that is always rolled back. */
export async function inRolledBackTransaction(fn: () => Promise<void>): Promise<void> {
  await client.query('BEGIN');
  try {
    await fn();
  } finally {
    await client.query('ROLLBACK');
  }
}

/** `INSERT INTO table (…) VALUES (…) RETURNING *` for `row`. */
export function insert(table: string, row: Row): pg.QueryConfig {
  const columns = Object.keys(row);
  return {
    text: `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING *`,
    values: Object.values(row),
  };
}

/** Inserts `row` and returns it as stored. */
export async function create(table: string, row: Row): Promise<Row> {
  const { rows } = await client.query<Row>(insert(table, row));
  return rows[0]!;
}

/** `count(*)` of `FROM <text>` (a table and its WHERE clause) with `values`. */
export async function count(text: string, values: unknown[]): Promise<number> {
  const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${text}`, values);
  return rows[0]!.n;
}

let sequence = 0;
/** A number unique in the file, to make values unique. */
export const next = (): number => ++sequence;

// Valid rows with unique values of the tables several files insert into; `overrides` turns
// them into the row under test. A table only its own file needs keeps its row there.

/** The key of a user: its id and organization_id, the key of the composite foreign keys. */
export interface UserKey {
  id: string;
  organization_id: string;
}

/** The key of a client: its id and organization_id, the key of documents_client_id_fkey. */
export interface ClientKey {
  id: string;
  organization_id: string;
}

/** A document: its id and organization_id, the key of document_versions_document_id_fkey. */
export type DocumentKey = ClientKey;

/** A valid organizations row. */
export const organizationRow = (overrides: Row = {}): Row => ({ slug: `org-${next()}`, name: 'Acme Corp', ...overrides });

/** A valid users row of the organization. */
export const userRow = (organizationId: string, overrides: Row = {}): Row => {
  const n = next();
  return { organization_id: organizationId, auth_subject: `idp|${n}`, email: `user${n}@example.com`, ...overrides };
};

/** A valid roles row. */
export const roleRow = (overrides: Row = {}): Row => ({ name: `role_${next()}`, ...overrides });

/** A valid permissions row. */
export const permissionRow = (overrides: Row = {}): Row => ({ name: `resource_${next()}:read`, ...overrides });

/** A valid academic_titles row. */
export const academicTitleRow = (overrides: Row = {}): Row => ({
  code: `title_${next()}`,
  label_vi: 'Danh hiệu',
  label_en: 'Title',
  ...overrides,
});

/** A valid units row of the organization. */
export const unitRow = (organizationId: string, overrides: Row = {}): Row => ({
  organization_id: organizationId,
  code: `U-${next()}`,
  name: 'Human Resources',
  ...overrides,
});

/** A valid clients row of the organization. */
export const clientRow = (organizationId: string, overrides: Row = {}): Row => ({
  organization_id: organizationId,
  code: `CL-${next()}`,
  name: 'Contoso Ltd',
  ...overrides,
});

/** A valid documents row of the client. */
export const documentRow = (client: ClientKey, overrides: Row = {}): Row => ({
  organization_id: client.organization_id,
  client_id: client.id,
  original_name: `Document ${next()}.pdf`,
  storage_key: `objects/${randomUUID()}`,
  mime_type: 'application/pdf',
  ...overrides,
});

/** Inserts an organization; returns its id. */
export const createOrganization = async (overrides: Row = {}): Promise<string> =>
  (await create('organizations', organizationRow(overrides))).id as string;

/** Inserts a user (of a new organization unless given one); returns its key. */
export const createUser = async (organizationId?: string, overrides: Row = {}): Promise<UserKey> => {
  const row = await create('users', userRow(organizationId ?? (await createOrganization()), overrides));
  return { id: row.id as string, organization_id: row.organization_id as string };
};

/** Inserts a role; returns its id. */
export const createRole = async (overrides: Row = {}): Promise<string> =>
  (await create('roles', roleRow(overrides))).id as string;

/** Inserts a permission; returns its id. */
export const createPermission = async (overrides: Row = {}): Promise<string> =>
  (await create('permissions', permissionRow(overrides))).id as string;

/** Inserts a unit of the organization; returns its id. */
export const createUnit = async (organizationId: string, overrides: Row = {}): Promise<string> =>
  (await create('units', unitRow(organizationId, overrides))).id as string;

/** The id and organization_id of a row. */
const keyOf = (row: Row): ClientKey => ({ id: row.id as string, organization_id: row.organization_id as string });

/** Inserts a client (of a new organization unless given one); returns its key. */
export const createClient = async (organizationId?: string, overrides: Row = {}): Promise<ClientKey> =>
  keyOf(await create('clients', clientRow(organizationId ?? (await createOrganization()), overrides)));

/** Inserts a document (of a new client unless given one); returns its key. */
export const createDocument = async (client?: ClientKey, overrides: Row = {}): Promise<DocumentKey> =>
  keyOf(await create('documents', documentRow(client ?? (await createClient()), overrides)));

/**
 * Checks `<table>_set_updated_at` on the row with `key`, which was inserted with
 * created_at = updated_at = OLD: inside one transaction, an UPDATE of another column sets
 * updated_at to the transaction's now(), and an explicit backdating is overwritten.
 */
export async function expectUpdatedAtTrigger(table: string, key: Row): Promise<void> {
  const columns = Object.keys(key);
  const where = columns.map((c, i) => `${c} = $${i + 1}`).join(' AND ');
  const returning = `RETURNING updated_at = now() AS is_now, created_at = '${OLD}'::timestamptz AS created_kept`;
  await client.query('BEGIN');
  try {
    const touched = await client.query(
      `UPDATE ${table} SET created_at = created_at WHERE ${where} ${returning}`,
      Object.values(key),
    );
    expect(touched.rows).toEqual([{ is_now: true, created_kept: true }]);
    const backdated = await client.query(
      `UPDATE ${table} SET updated_at = '${OLD}' WHERE ${where} ${returning}`,
      Object.values(key),
    );
    expect(backdated.rows).toEqual([{ is_now: true, created_kept: true }]);
  } finally {
    await client.query('ROLLBACK');
  }
  markTriggerChecked(`${table}_set_updated_at`);
}

/** The largest metadata document, in bytes of jsonb's own text (`*_metadata_size`). */
const METADATA_MAX_BYTES = 16_384;

/** Bytes of `json` as PostgreSQL prints it back from jsonb: what `*_metadata_size` measures. */
async function jsonbTextBytes(json: string): Promise<number> {
  const { rows } = await client.query<{ n: number }>({ text: 'SELECT octet_length($1::jsonb::text) AS n', values: [json] });
  return rows[0]!.n;
}

/**
 * Declares the tests of `<table>_metadata_is_object` and `<table>_metadata_size`, the same on
 * every table with a metadata document. `row(metadata)` makes a valid new row of the table;
 * `existing()` inserts one and returns its id.
 */
export function metadataChecks(table: string, row: (metadata: string) => Row, existing: () => Promise<string>): void {
  it.each([
    ['an array', '[]'],
    ['a string', '"x"'],
    ['a number', '1'],
    ['a boolean', 'true'],
    ['a JSON null', 'null'],
  ])(`${table}_metadata_is_object rejects %s`, (_, metadata) =>
    expectRejected(insert(table, row(metadata)), CHECK, `${table}_metadata_is_object`),
  );

  it.each([
    ['an empty object', '{}'],
    ['a nested object', '{"industry": "retail", "tags": ["vip", 2026], "contact": {"email": "a@b.io"}}'],
  ])(`${table}_metadata_is_object accepts %s`, async (_, metadata) => {
    await create(table, row(metadata));
  });

  /** `{"k": "<value>"}`: jsonb prints it with a space after the colon, 9 bytes around the value. */
  const withValue = (value: string): string => JSON.stringify({ k: value });

  it(`${table}_metadata_size: at most ${METADATA_MAX_BYTES} bytes of jsonb text, bytes not characters`, async () => {
    const atLimit = withValue('x'.repeat(METADATA_MAX_BYTES - 9));
    const overLimit = withValue('x'.repeat(METADATA_MAX_BYTES - 8));
    expect(await jsonbTextBytes(atLimit)).toBe(METADATA_MAX_BYTES);
    expect(await jsonbTextBytes(overLimit)).toBe(METADATA_MAX_BYTES + 1);
    await create(table, row(atLimit));
    await expectRejected(insert(table, row(overLimit)), CHECK, `${table}_metadata_size`);

    // Two-byte characters: 8 188 of them are 16 385 bytes, though far fewer than 16 384 characters.
    const twoByteAtLimit = withValue(`${'é'.repeat((METADATA_MAX_BYTES - 10) / 2)}x`);
    const twoByteOver = withValue('é'.repeat((METADATA_MAX_BYTES - 8) / 2));
    expect(await jsonbTextBytes(twoByteAtLimit)).toBe(METADATA_MAX_BYTES);
    expect(await jsonbTextBytes(twoByteOver)).toBe(METADATA_MAX_BYTES + 1);
    await create(table, row(twoByteAtLimit));
    await expectRejected(insert(table, row(twoByteOver)), CHECK, `${table}_metadata_size`);

    // UPDATE path: growing the metadata of an existing row past the limit.
    const id = await existing();
    await expectRejected(
      { text: `UPDATE ${table} SET metadata = $1 WHERE id = $2`, values: [overLimit, id] },
      CHECK,
      `${table}_metadata_size`,
    );
    await client.query({ text: `UPDATE ${table} SET metadata = $1 WHERE id = $2`, values: [atLimit, id] });
  });

  // The size is that of jsonb's text, which has a space after every ':' and ',': a document
  // whose compact JSON (JSON.stringify) is exactly at the limit is one byte over here.
  it(`${table}_metadata_size measures jsonb's text, not the compact JSON the client sent`, async () => {
    const compactAtLimit = withValue('x'.repeat(METADATA_MAX_BYTES - 8));
    expect(Buffer.byteLength(compactAtLimit)).toBe(METADATA_MAX_BYTES);
    await expectRejected(insert(table, row(compactAtLimit)), CHECK, `${table}_metadata_size`);
    // Keys are stored once and in jsonb's order: a duplicate key does not count twice.
    const duplicateKey = `{"k": "${'x'.repeat(METADATA_MAX_BYTES - 9)}", "k": "${'x'.repeat(METADATA_MAX_BYTES - 9)}"}`;
    expect(await jsonbTextBytes(duplicateKey)).toBe(METADATA_MAX_BYTES);
    await create(table, row(duplicateKey));
  });
}

/**
 * Checks a primary key that holds the same columns as another unique key of its table (a tenant
 * table's `(id, organization_id)` and its `(organization_id, id)`, the target of composite
 * foreign keys): a duplicate is reported by whichever of the two PostgreSQL checks first, so the
 * test violates `sameAs` and this checks the primary key by its definition and column set, and
 * records it as exercised with it.
 */
export async function expectSameKey(primaryKey: string, definition: string, sameAs: string): Promise<void> {
  const { rows } = await client.query<{ name: string; definition: string; columns: string[] }>(
    `SELECT conname AS name, pg_get_constraintdef(oid) AS definition,
            array(SELECT a.attname::text FROM unnest(conkey) k(n) JOIN pg_attribute a ON a.attrelid = conrelid AND a.attnum = k.n ORDER BY 1) AS columns
     FROM pg_constraint WHERE conname = ANY($1::text[]) ORDER BY conname = $2 DESC`,
    [[primaryKey, sameAs], primaryKey],
  );
  expect(rows.map((row) => row.name)).toEqual([primaryKey, sameAs]);
  expect(rows[0]!.definition).toBe(definition);
  expect(rows[0]!.columns).toEqual(rows[1]!.columns);
  markViolated(primaryKey);
}
