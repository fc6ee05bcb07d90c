import { sql, type Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createDatabase } from '../../../src/core/database/create-database.js';
import { MigrationChecksumError, MigrationError, MigrationStateError } from '../../../src/core/errors/migration-errors.js';
import { ValidationError } from '../../../src/core/errors/validation-error.js';
import { embeddedMigrations } from '../../../src/core/migrations/embedded-migrations.js';
import { migrate } from '../../../src/core/migrations/migrate.js';
import { defineMigration, type Migration } from '../../../src/core/migrations/migration.js';
import { rollback } from '../../../src/core/migrations/rollback.js';
import { migrationStatus } from '../../../src/core/migrations/status.js';
import { seedDevData } from '../../../src/contexts/identity/seeders/seed-dev-data.js';
import { createTestDatabase, type TestDatabase } from '../../../src/testing/test-database.js';
import { schemaSnapshot } from '../../helpers/schema-snapshot.js';

const disposables: TestDatabase[] = [];
afterEach(async () => {
  await Promise.all(disposables.splice(0).map((d) => d.dispose()));
});

async function emptyDatabase(): Promise<TestDatabase> {
  const testDb = await createTestDatabase({ migrated: false, max: 1 });
  disposables.push(testDb);
  return testDb;
}

async function tables(db: Kysely<any>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`.execute(db);
  return rows.map((r) => r.name);
}

const m1 = defineMigration('20200101000000_create_things', 'CREATE TABLE things (id int PRIMARY KEY);', 'DROP TABLE things;');
const m2 = defineMigration(
  '20200101000100_count_runs',
  'CREATE TABLE runs (n int NOT NULL); INSERT INTO runs VALUES (1);',
  'DROP TABLE runs;',
);

describe('migrate', () => {
  it('applies every shipped migration once and records name, sha256, applied_at and duration', async () => {
    const { db } = await emptyDatabase();
    const result = await migrate(db);
    expect(result.applied).toEqual(embeddedMigrations.map((m) => m.name));
    const { rows } = await sql<{ name: string; checksum: string; applied_at: Date; duration_ms: number }>`
      SELECT name, checksum, applied_at, duration_ms FROM org_data_migrations ORDER BY name`.execute(db);
    expect(rows.map((r) => [r.name, r.checksum])).toEqual(embeddedMigrations.map((m) => [m.name, m.checksum]));
    for (const row of rows) {
      expect(row.applied_at).toBeInstanceOf(Date);
      expect(row.duration_ms).toBeGreaterThanOrEqual(0);
    }
    expect((await migrate(db)).applied).toEqual([]);
    const status = await migrationStatus(db);
    expect(status.pending).toEqual([]);
    expect(status.applied).toHaveLength(embeddedMigrations.length);
  });

  it('stops at a target and reports the rest as pending with their SQL', async () => {
    const { db } = await emptyDatabase();
    const first = embeddedMigrations[0]!;
    expect((await migrate(db, { to: first.name })).applied).toEqual([first.name]);
    const status = await migrationStatus(db);
    expect(status.pending.map((p) => p.name)).toEqual(embeddedMigrations.slice(1).map((m) => m.name));
    expect(status.pending[0]?.sql).toBe(embeddedMigrations[1]?.up.sql);
    await expect(migrate(db, { to: '20990101000000_nope' })).rejects.toBeInstanceOf(MigrationStateError);
  });

  it('refuses before applying anything when an applied file changed, naming the file', async () => {
    const { db } = await emptyDatabase();
    await migrate(db, { migrations: [m1] });
    const edited = defineMigration(m1.name, 'CREATE TABLE things (id bigint PRIMARY KEY);', m1.down.sql);
    const error = await migrate(db, { migrations: [edited, m2] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationChecksumError);
    expect((error as MigrationChecksumError).files).toEqual([`${m1.name}.up.sql`]);
    expect((error as Error).message).toContain(`${m1.name}.up.sql`);
    expect(await tables(db)).not.toContain('runs');
    const status = await migrationStatus(db, { migrations: [edited, m2] });
    expect(status.mismatched).toEqual([{ name: m1.name, changedFiles: [`${m1.name}.up.sql`] }]);
  });

  it('refuses migrate and rollback when an applied rollback file changed', async () => {
    const { db } = await emptyDatabase();
    await migrate(db, { migrations: [m1] });
    const edited = defineMigration(m1.name, m1.up.sql, 'SELECT 1;');
    await expect(migrate(db, { migrations: [edited, m2] })).rejects.toMatchObject({
      files: [`${m1.name}.down.sql`],
    });
    await expect(rollback(db, { steps: 1 }, { migrations: [edited] })).rejects.toBeInstanceOf(MigrationChecksumError);
    expect(await tables(db)).toContain('things');
  });

  it('serializes 20 concurrent runners: each migration is applied exactly once', async () => {
    const { connectionString } = await emptyDatabase();
    const migrations = [...embeddedMigrations, m1, m2];
    const runners = Array.from({ length: 20 }, () => createDatabase({ connectionString, max: 1 }));
    try {
      const results = await Promise.all(runners.map((db) => migrate(db, { migrations })));
      const appliedNames = results.flatMap((r) => r.applied).sort();
      expect(appliedNames).toEqual(migrations.map((m) => m.name).sort());
      expect(results.filter((r) => r.applied.length > 0)).toHaveLength(1);
      const db = runners[0]!;
      const runs = await sql<{ n: number }>`SELECT n FROM runs`.execute(db);
      expect(runs.rows).toEqual([{ n: 1 }]);
      const count = await sql<{ c: string }>`SELECT count(*) AS c FROM org_data_migrations`.execute(db);
      expect(Number(count.rows[0]?.c)).toBe(migrations.length);
    } finally {
      await Promise.all(runners.map((db) => db.destroy()));
    }
  });

  it('runs a file marked no-transaction outside a transaction (CREATE INDEX CONCURRENTLY)', async () => {
    const { db } = await emptyDatabase();
    const concurrently = defineMigration(
      '20200101000200_index_things',
      '-- org-data:no-transaction\nCREATE INDEX CONCURRENTLY things_id_idx ON things (id);\n' +
        "CREATE INDEX CONCURRENTLY things_text_idx ON things ((id::text || ';'));\n",
      '-- org-data:no-transaction\nDROP INDEX CONCURRENTLY things_text_idx;\nDROP INDEX CONCURRENTLY things_id_idx;\n',
    );
    expect(concurrently.up.transactional).toBe(false);
    await migrate(db, { migrations: [m1, concurrently] });
    const valid = await sql<{ name: string; valid: boolean }>`
      SELECT c.relname AS name, i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE c.relname LIKE 'things_%_idx' ORDER BY 1`.execute(db);
    expect(valid.rows).toEqual([
      { name: 'things_id_idx', valid: true },
      { name: 'things_text_idx', valid: true },
    ]);
    // Session timeouts are reset afterwards: the pooled connection is left as it was.
    const timeout = await sql<{ lock_timeout: string }>`SHOW lock_timeout`.execute(db);
    expect(timeout.rows[0]?.lock_timeout).toBe('10s'); // the connection's own default, restored
    await rollback(db, { steps: 1 }, { migrations: [m1, concurrently] });
    const left = await sql`SELECT 1 FROM pg_class WHERE relname LIKE 'things_%_idx'`.execute(db);
    expect(left.rows).toHaveLength(0);
  });

  it('rolls back a failing migration entirely and reports its name and the PostgreSQL error', async () => {
    const { db } = await emptyDatabase();
    const failing = defineMigration(
      '20200101000050_fails_halfway',
      'CREATE TABLE half (id int); INSERT INTO half VALUES (1); SELECT 1 / 0;',
      'DROP TABLE half;',
    );
    const error = await migrate(db, { migrations: [m1, failing, m2] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).migration).toBe(failing.name);
    expect((error as MigrationError).message).toContain(failing.name);
    expect((error as MigrationError).message).toContain('division by zero');
    expect((error as MigrationError).sqlState).toBe('22012');
    expect(await tables(db)).toEqual(['org_data_migrations', 'things']);
    const status = await migrationStatus(db, { migrations: [m1, failing, m2] });
    expect(status.applied.map((a) => a.name)).toEqual([m1.name]);
    expect(status.pending.map((p) => p.name)).toEqual([failing.name, m2.name]);
  });

  it('sets lock_timeout: a migration blocked by a lock fails fast instead of queueing', async () => {
    const { db, connectionString } = await emptyDatabase();
    await migrate(db, { migrations: [m1] });
    const alter = defineMigration('20200101000400_alter_things', 'ALTER TABLE things ADD COLUMN x int;', 'ALTER TABLE things DROP COLUMN x;');
    const holder = createDatabase({ connectionString, max: 1 });
    try {
      await holder.connection().execute(async (conn) => {
        await sql`BEGIN`.execute(conn);
        await sql`LOCK TABLE things IN ACCESS SHARE MODE`.execute(conn);
        const error = await migrate(db, { migrations: [m1, alter], lockTimeoutMs: 200 }).catch((e: unknown) => e);
        await sql`ROLLBACK`.execute(conn);
        expect(error).toBeInstanceOf(MigrationError);
        expect((error as MigrationError).sqlState).toBe('55P03');
      });
    } finally {
      await holder.destroy();
    }
    await expect(migrate(db, { migrations: [m1, alter] })).resolves.toEqual({ applied: [alter.name] });
  });

  it('sets both timeouts while a script runs, in and outside a transaction', async () => {
    const { db } = await emptyDatabase();
    const assertSettings = `DO $$ BEGIN
      IF current_setting('lock_timeout') <> '1234ms' OR current_setting('statement_timeout') <> '5678ms'
      THEN RAISE EXCEPTION 'timeouts not set'; END IF; END $$`;
    const inTx = defineMigration('20200101000600_check_tx', `${assertSettings};`, 'SELECT 1;');
    const noTx = defineMigration(
      '20200101000700_check_no_tx',
      `-- org-data:no-transaction\n${assertSettings};\nSELECT 1;`,
      'SELECT 1;',
    );
    await expect(
      migrate(db, { migrations: [inTx, noTx], lockTimeoutMs: 1234, statementTimeoutMs: 5678 }),
    ).resolves.toEqual({ applied: [inTx.name, noTx.name] });
  });

  it('reports which statement of a no-transaction file failed, and does not record the file', async () => {
    const { db } = await emptyDatabase();
    const partial = defineMigration(
      '20200101000800_partial',
      '-- org-data:no-transaction\nCREATE TABLE first_part (id int);\nSELECT 1 / 0;\nCREATE TABLE never (id int);',
      'DROP TABLE IF EXISTS first_part;',
    );
    const error = await migrate(db, { migrations: [partial] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toContain('statement 2 of 3');
    expect((error as MigrationError).sqlState).toBe('22012');
    expect(await tables(db)).toEqual(['first_part', 'org_data_migrations']);
    expect((await migrationStatus(db, { migrations: [partial] })).pending.map((p) => p.name)).toEqual([partial.name]);
    const timeout = await sql<{ lock_timeout: string }>`SHOW lock_timeout`.execute(db);
    expect(timeout.rows[0]?.lock_timeout).toBe('10s'); // the connection's own default, restored
  });

  it('runs the statements a -- org-data:run-results query returns, one by one outside a transaction', async () => {
    const { db } = await emptyDatabase();
    const parts = defineMigration(
      '20200101000900_parts',
      'CREATE TABLE parts (id int NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);\n' +
        "CREATE TABLE parts_a PARTITION OF parts FOR VALUES FROM ('2020-01-01') TO ('2020-02-01');\n" +
        "CREATE TABLE parts_b PARTITION OF parts FOR VALUES FROM ('2020-02-01') TO ('2020-03-01');",
      'DROP TABLE parts;',
    );
    const eachPartition = defineMigration(
      '20200101001000_index_each_part',
      '-- org-data:no-transaction\nSELECT 1;\n-- org-data:run-results\n' +
        "SELECT format('CREATE INDEX CONCURRENTLY %I ON %s (id)', c.relname || '_id_idx', c.oid::regclass) AS statement\n" +
        "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'parts'::regclass ORDER BY c.relname;\n" +
        '-- org-data:run-results\nSELECT NULL::text AS statement WHERE false;',
      '-- org-data:no-transaction\nDROP INDEX CONCURRENTLY parts_a_id_idx;\nDROP INDEX CONCURRENTLY parts_b_id_idx;',
    );
    await migrate(db, { migrations: [parts, eachPartition] });
    const valid = await sql<{ name: string; valid: boolean }>`
      SELECT c.relname AS name, i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE c.relname LIKE 'parts_%_id_idx' ORDER BY 1`.execute(db);
    expect(valid.rows).toEqual([
      { name: 'parts_a_id_idx', valid: true },
      { name: 'parts_b_id_idx', valid: true },
    ]);

    // A failing generated statement is named, and the file is not recorded.
    const failing = defineMigration(
      '20200101001100_failing_generated',
      "-- org-data:no-transaction\n-- org-data:run-results\nSELECT s AS statement FROM (VALUES (1, 'SELECT 1'), (2, 'SELECT 1 / 0')) v(n, s) ORDER BY n;",
      'SELECT 1;',
    );
    const error = await migrate(db, { migrations: [parts, eachPartition, failing] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toContain('statement 1 of 1');
    expect((error as Error).message).toContain('generated statement 2 of 2');
    expect((error as MigrationError).sqlState).toBe('22012');
    // A row without a statement is the script's mistake: a MigrationError, not a raw Error.
    const empty = defineMigration(
      '20200101001200_empty_generated',
      '-- org-data:no-transaction\n-- org-data:run-results\nSELECT NULL::text AS statement;',
      'SELECT 1;',
    );
    const emptyError = await migrate(db, { migrations: [parts, eachPartition, empty] }).catch((e: unknown) => e);
    expect(emptyError).toBeInstanceOf(MigrationError);
    expect((emptyError as Error).message).toContain('has no text in its "statement" column');
    expect((await migrationStatus(db, { migrations: [parts, eachPartition, empty] })).pending.map((p) => p.name)).toEqual([empty.name]);
    // In a transactional file the marker would do nothing: refused when the migration is defined.
    expect(() => defineMigration('20200101001300_in_transaction', '-- org-data:run-results\nSELECT 1 AS statement;', 'SELECT 1;')).toThrow(
      ValidationError,
    );
  });

  it('refuses a pending migration that sorts before the last applied one', async () => {
    const { db } = await emptyDatabase();
    await migrate(db, { migrations: [m2] });
    await expect(migrate(db, { migrations: [m1, m2] })).rejects.toBeInstanceOf(MigrationStateError);
  });

  it('reports migrations applied by a newer release as unknown and does not fail on them', async () => {
    const { db } = await emptyDatabase();
    await migrate(db, { migrations: [m1, m2] });
    const status = await migrationStatus(db, { migrations: [m1] });
    expect(status.unknown.map((u) => u.name)).toEqual([m2.name]);
    await expect(migrate(db, { migrations: [m1] })).resolves.toEqual({ applied: [] });
  });
});

describe('rollback', () => {
  it('reverts the last n migrations, or everything after a target', async () => {
    const { db } = await emptyDatabase();
    const third = defineMigration('20200101000500_more', 'CREATE TABLE more (id int);', 'DROP TABLE more;');
    const migrations = [m1, m2, third];
    await migrate(db, { migrations });
    expect(await rollback(db, { steps: 1 }, { migrations })).toEqual({ rolledBack: [third.name] });
    await migrate(db, { migrations });
    expect(await rollback(db, { to: m1.name }, { migrations })).toEqual({ rolledBack: [third.name, m2.name] });
    expect(await tables(db)).toEqual(['org_data_migrations', 'things']);
    await expect(rollback(db, { to: third.name }, { migrations })).rejects.toBeInstanceOf(MigrationStateError);
    await expect(rollback(db, { steps: 0 }, { migrations })).rejects.toBeInstanceOf(MigrationStateError);
  });

  it('refuses to roll back a migration this package does not ship', async () => {
    const { db } = await emptyDatabase();
    await migrate(db, { migrations: [m1, m2] });
    await expect(rollback(db, { steps: 1 }, { migrations: [m1] })).rejects.toBeInstanceOf(MigrationStateError);
    expect(await tables(db)).toContain('runs');
  });

  it('round trip on a populated database: up, down, up yields the same schema', async () => {
    const { db } = await emptyDatabase();
    await migrate(db);
    await seedDevData(db, { organizations: 2, usersPerOrganization: 25 });
    const before = await schemaSnapshot(db);
    expect(before.length).toBeGreaterThan(50);
    const result = await rollback(db, { steps: embeddedMigrations.length });
    expect(result.rolledBack).toEqual(embeddedMigrations.map((m) => m.name).reverse());
    expect(await tables(db)).toEqual(['org_data_migrations']);
    expect(await schemaSnapshot(db)).toEqual(
      // Only the tracking table remains.
      before.filter((line) => line.includes('org_data_migrations')),
    );
    await migrate(db);
    expect(await schemaSnapshot(db)).toEqual(before);
  });
});
