// The gate of the constraints tests: every CHECK, UNIQUE, PRIMARY KEY, FOREIGN KEY and EXCLUDE
// constraint, unique index, NOT NULL column and trigger in the catalog of the migrated schema
// has a test. Each table's tests live in a `<name>.constraints.test.ts` beside a
// `<name>.constraints.ts` that declares, per table, what they exercise; the harness
// (test/helpers/constraints.ts) fails a test file whose tests do not exercise exactly what it
// declares, and this file compares the declarations, found by their file names, with the
// catalog. So a new table needs those two files and nothing else, and a constraint without a
// test fails here.
//
// Partitions are in scope, but only for what they add themselves. What a partition inherits
// from its parent (CHECK and FOREIGN KEY constraints, the partition's index of a parent's
// PRIMARY KEY or UNIQUE, row triggers cloned from the parent, columns NOT NULL on the parent)
// is the parent's and is listed once, under the parent's name; the tests violate it through a
// partition and record the parent's name (expectRejectedInPartition). So a constraint added to
// a partitioned table, or to one partition only, still needs a test, while a monthly partition
// created later adds nothing to test.
import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConstraintCoverage, TableCoverage } from '../helpers/constraints.js';
import { useTestDatabase } from '../helpers/database.js';

const TEST_ROOT = fileURLToPath(new URL('..', import.meta.url));
const DECLARATION = '.constraints.ts';
const TESTS = '.constraints.test.ts';

type Kind = keyof TableCoverage;
/** Table name → names of one kind. */
type NamesByTable = Map<string, Set<string>>;

/** Paths under test/ (with `/`) ending in `suffix`. */
function filesEndingIn(suffix: string): string[] {
  return readdirSync(TEST_ROOT, { recursive: true, encoding: 'utf8' })
    .map((path) => path.split(sep).join('/'))
    .filter((path) => path.endsWith(suffix))
    .sort();
}

function add(map: NamesByTable, table: string, name: string): void {
  map.set(table, (map.get(table) ?? new Set()).add(name));
}

/** Per table, the names in `catalog` missing from `declared` (untested) and the reverse. */
function differences(catalog: NamesByTable, declared: NamesByTable): Record<string, Record<string, string[]>> {
  const result: Record<string, Record<string, string[]>> = {};
  for (const table of [...new Set([...catalog.keys(), ...declared.keys()])].sort()) {
    const inCatalog = catalog.get(table) ?? new Set<string>();
    const inDeclarations = declared.get(table) ?? new Set<string>();
    const untested = [...inCatalog].filter((name) => !inDeclarations.has(name)).sort();
    const notInCatalog = [...inDeclarations].filter((name) => !inCatalog.has(name)).sort();
    if (untested.length > 0 || notInCatalog.length > 0) {
      result[table] = {
        ...(untested.length > 0 ? { untested } : {}),
        ...(notInCatalog.length > 0 ? { notInCatalog } : {}),
      };
    }
  }
  return result;
}

/** Per kind, table → the names the schema has. */
type Catalog = Record<Kind, NamesByTable>;

/** What the tests must cover, read from the catalog of `db`'s current schema. */
async function readCatalog(db: Kysely<any>): Promise<Catalog> {
  const catalog: Catalog = { constraints: new Map(), notNull: new Map(), triggers: new Map() };
  const scope = (relation: string) =>
    sql.raw(`
      JOIN pg_class t ON t.oid = ${relation}
      JOIN pg_namespace s ON s.oid = t.relnamespace
      WHERE s.nspname = current_schema() AND t.relkind IN ('r', 'p')`);
  const read = async (kind: Kind, query: RawBuilder<{ table: string; name: string }>) => {
    for (const { table, name } of (await query.execute(db)).rows) add(catalog[kind], table, name);
  };
  await read('constraints', sql<{ table: string; name: string }>`
    SELECT t.relname::text AS table, c.conname::text AS name FROM pg_constraint c ${scope('c.conrelid')}
      AND c.contype IN ('c', 'f', 'p', 'u', 'x') AND c.conislocal AND c.conparentid = 0
    UNION
    SELECT t.relname::text, i.relname::text FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid ${scope('x.indrelid')}
      AND x.indisunique AND NOT i.relispartition`);
  await read('notNull', sql<{ table: string; name: string }>`
    SELECT t.relname::text AS table, a.attname::text AS name FROM pg_attribute a ${scope('a.attrelid')}
      AND a.attnum > 0 AND NOT a.attisdropped AND a.attnotnull
      AND NOT EXISTS (
        SELECT 1 FROM pg_inherits h
        JOIN pg_attribute p ON p.attrelid = h.inhparent AND p.attname = a.attname AND p.attnotnull
        WHERE h.inhrelid = t.oid)`);
  await read('triggers', sql<{ table: string; name: string }>`
    SELECT t.relname::text AS table, g.tgname::text AS name FROM pg_trigger g ${scope('g.tgrelid')}
      AND NOT g.tgisinternal AND g.tgparentid = 0`);
  return catalog;
}

const HOW_TO_FIX =
  'untested: add a test to the table\'s <name>.constraints.test.ts and the name to its <name>.constraints.ts ' +
  '(a new table: add both files beside its aggregate); notInCatalog: remove the stale name';

describe('coverage of the schema', () => {
  const testDb = useTestDatabase();
  const declarations = filesEndingIn(DECLARATION);
  const testFiles = filesEndingIn(TESTS);
  /** Per kind, table → declared names; and table → the declarations naming it. */
  const declared: Record<Kind, NamesByTable> = { constraints: new Map(), notNull: new Map(), triggers: new Map() };
  const declaredIn = new Map<string, string[]>();
  let catalog: Catalog;

  beforeAll(async () => {
    for (const file of declarations) {
      const module = (await import(pathToFileURL(join(TEST_ROOT, file)).href)) as { coverage?: ConstraintCoverage };
      expect(module.coverage, `${file} must export its coverage as \`coverage\``).toEqual(expect.any(Object));
      for (const [table, coverage] of Object.entries(module.coverage!)) {
        declaredIn.set(table, [...(declaredIn.get(table) ?? []), file]);
        for (const kind of ['constraints', 'notNull', 'triggers'] as const) {
          for (const name of coverage[kind]) add(declared[kind], table, name);
        }
      }
    }

    catalog = await readCatalog(testDb.current.db);
  });

  it('every <name>.constraints.ts has its <name>.constraints.test.ts, which runs the harness with it', () => {
    const base = (file: string, suffix: string) => file.slice(0, -suffix.length);
    expect(declarations).not.toEqual([]);
    expect(testFiles.map((f) => base(f, TESTS))).toEqual(declarations.map((f) => base(f, DECLARATION)));
    const notWired = testFiles.filter((file) => {
      const source = readFileSync(join(TEST_ROOT, file), 'utf8');
      const declaration = `./${base(file, TESTS).split('/').pop()}.constraints.js`;
      return !source.includes(`from '${declaration}'`) || !source.includes('useConstraintHarness(coverage)');
    });
    const wiring = 'import { coverage } from its .constraints.js and call useConstraintHarness(coverage)';
    expect(notWired, wiring).toEqual([]);
  });

  it('each table is declared by one file', () => {
    const twice = [...declaredIn].filter(([, files]) => files.length > 1);
    expect(Object.fromEntries(twice)).toEqual({});
  });

  it('every CHECK, UNIQUE, PRIMARY KEY, FOREIGN KEY and EXCLUDE constraint and unique index has a test', () => {
    expect(catalog.constraints.size).toBeGreaterThan(0);
    expect(differences(catalog.constraints, declared.constraints), HOW_TO_FIX).toEqual({});
  });

  it('every NOT NULL column has a test', () => {
    expect(catalog.notNull.size).toBeGreaterThan(0);
    expect(differences(catalog.notNull, declared.notNull), HOW_TO_FIX).toEqual({});
  });

  it('every trigger has a test', () => {
    expect(catalog.triggers.size).toBeGreaterThan(0);
    expect(differences(catalog.triggers, declared.triggers), HOW_TO_FIX).toEqual({});
  });

  // The gate itself: what a schema change adds to the catalog shows up as untested, here
  // measured against the schema as migrated (which the tests above compare with the declarations).
  it('reports a constraint, NOT NULL column and trigger added without a test, and a new table', async () => {
    const rollback = new Error('rolled back');
    let found: Catalog | undefined;
    await testDb.current.db
      .transaction()
      .execute(async (trx) => {
        await sql`ALTER TABLE roles ADD CONSTRAINT roles_untested CHECK (name <> 'x')`.execute(trx);
        await sql`ALTER TABLE roles ALTER COLUMN description SET NOT NULL`.execute(trx);
        await sql`CREATE TRIGGER roles_untested BEFORE DELETE ON roles
          FOR EACH ROW EXECUTE FUNCTION set_updated_at()`.execute(trx);
        await sql`CREATE TABLE untested_things (id uuid PRIMARY KEY)`.execute(trx);
        found = await readCatalog(trx);
        throw rollback;
      })
      .catch((error: unknown) => {
        if (error !== rollback) throw error;
      });
    if (!found) throw new Error('the catalog was not read');
    expect(differences(found.constraints, catalog.constraints)).toEqual({
      roles: { untested: ['roles_untested'] },
      untested_things: { untested: ['untested_things_pkey'] },
    });
    expect(differences(found.notNull, catalog.notNull)).toEqual({
      roles: { untested: ['description'] },
      untested_things: { untested: ['id'] },
    });
    expect(differences(found.triggers, catalog.triggers)).toEqual({ roles: { untested: ['roles_untested'] } });
  });
});
