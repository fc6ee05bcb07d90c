import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createAuditPartitions,
  dropAuditPartitionsBefore,
  listAuditPartitions,
} from '../../../src/core/audit/audit-partitions.js';
import { createDatabase } from '../../../src/core/database/create-database.js';
import { ValidationError } from '../../../src/core/errors/validation-error.js';
import { createRepositories } from '../../../src/repositories.js';
import type { DB } from '../../../src/schema/db.js';
import { useTestDatabase } from '../../helpers/database.js';

// Partition maintenance of audit_logs: creating months ahead, where rows land around month
// boundaries, moving rows out of the DEFAULT partition, and retention. Every row here is
// inserted with raw SQL and an explicit created_at, so the dates do not depend on the clock.

interface Placed {
  readonly eventId: string;
  readonly partition: string;
}

/** Inserts one audit row at `createdAt` (a timestamptz literal) and says where it landed. */
async function insertAt(
  db: Kysely<DB>,
  createdAt: string,
  entityId: string = randomUUID(),
  action = 'test.partition',
): Promise<Placed> {
  const { rows } = await sql<{ event_id: string }>`
    INSERT INTO audit_logs (created_at, updated_at, action, entity_type, entity_id, after)
    VALUES (${createdAt}::timestamptz, ${createdAt}::timestamptz, ${action}, 'test_entity', ${entityId}::uuid,
            jsonb_build_object('at', ${createdAt}::text))
    RETURNING event_id`.execute(db);
  const eventId = String(rows[0]!.event_id);
  return { eventId, partition: await partitionOf(db, eventId) };
}

/** The partition holding the row with `eventId` (throws when there is not exactly one). */
async function partitionOf(db: Kysely<DB>, eventId: string): Promise<string> {
  const { rows } = await sql<{ partition: string }>`
    SELECT tableoid::regclass::text AS partition FROM audit_logs WHERE event_id = ${eventId}::bigint`.execute(db);
  expect(rows).toHaveLength(1);
  return rows[0]!.partition;
}

/** Every audit row as text (event_id, created_at and all the data), keyed by event_id. */
async function snapshotRows(db: Kysely<DB>): Promise<Map<string, string>> {
  const { rows } = await sql<{ event_id: string; row: string }>`
    SELECT event_id::text AS event_id, to_jsonb(a)::text AS row FROM audit_logs a ORDER BY event_id`.execute(db);
  return new Map(rows.map((r) => [r.event_id, r.row]));
}

async function partitionNames(db: Kysely<DB>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'audit_logs'::regclass ORDER BY c.relname`.execute(db);
  return rows.map((r) => r.name);
}

/** Expects UPDATE, DELETE and TRUNCATE of `table` to be refused by the database. */
async function expectAppendOnly(db: Kysely<DB>, table: string, eventId: string): Promise<void> {
  const t = sql.table(table);
  await expect(sql`UPDATE ${t} SET action = 'test.tampered' WHERE event_id = ${eventId}::bigint`.execute(db)).rejects.toMatchObject({
    code: '42501',
    message: expect.stringContaining('append-only'),
  });
  await expect(sql`DELETE FROM ${t} WHERE event_id = ${eventId}::bigint`.execute(db)).rejects.toMatchObject({
    code: '42501',
    message: expect.stringContaining('append-only'),
  });
  // TRUNCATE in a transaction that is always rolled back, so a missing guard cannot wipe the table.
  const truncate = await db
    .transaction()
    .execute(async (trx) => {
      const outcome = await sql`TRUNCATE ${t}`.execute(trx).then(
        () => 'truncated',
        (error: { code?: string; message?: string }) => `${error.code}: ${error.message}`,
      );
      throw Object.assign(new Error('roll back'), { outcome });
    })
    .catch((error: { outcome?: string }) => error.outcome);
  expect(truncate).toMatch(/^42501: .*append-only/);
  const { rows } = await sql<{ action: string }>`SELECT action FROM audit_logs WHERE event_id = ${eventId}::bigint`.execute(db);
  expect(rows).toEqual([{ action: 'test.partition' }]);
}

/** Waits until `count` backends of `applicationName` wait on a heavyweight lock. */
async function waitForLockWaiters(db: Kysely<DB>, applicationName: string, count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND application_name = ${applicationName} AND wait_event_type = 'Lock'`.execute(db);
    if ((rows[0]?.n ?? 0) >= count) return;
    if (Date.now() > deadline) throw new Error(`expected ${count} backends of ${applicationName} waiting on a lock`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('audit partitions', () => {
  const testDb = useTestDatabase();
  const db = () => testDb.current.db;

  describe('createAuditPartitions', () => {
    it('creates the current month and monthsAhead months (UTC), and is idempotent', async () => {
      const first = await createAuditPartitions(db(), { monthsAhead: 2, from: new Date('2026-01-15T12:00:00Z') });
      expect(first).toEqual({
        created: ['audit_logs_y2026m01', 'audit_logs_y2026m02', 'audit_logs_y2026m03'],
        movedRows: 0,
      });
      const again = await createAuditPartitions(db(), { monthsAhead: 2, from: new Date('2026-01-15T12:00:00Z') });
      expect(again).toEqual({ created: [], movedRows: 0 });
      // Overlapping window: only the missing month is created.
      const overlap = await createAuditPartitions(db(), { monthsAhead: 1, from: new Date('2026-03-01T00:00:00Z') });
      expect(overlap.created).toEqual(['audit_logs_y2026m04']);

      const listed = await listAuditPartitions(db());
      expect(listed.map((p) => p.name)).toEqual([
        'audit_logs_y2026m01',
        'audit_logs_y2026m02',
        'audit_logs_y2026m03',
        'audit_logs_y2026m04',
      ]);
      expect(listed[1]).toEqual({
        name: 'audit_logs_y2026m02',
        from: new Date('2026-02-01T00:00:00Z'),
        to: new Date('2026-03-01T00:00:00Z'),
      });
      // The bounds PostgreSQL holds are the UTC months.
      const { rows } = await sql<{ bound: string }>`
        SELECT pg_get_expr(c.relpartbound, c.oid) AS bound FROM pg_class c WHERE c.relname = 'audit_logs_y2026m02'`.execute(db());
      expect(rows[0]!.bound).toBe("FOR VALUES FROM ('2026-02-01 00:00:00+00') TO ('2026-03-01 00:00:00+00')");
      // The DEFAULT partition is still there and is not listed as a month.
      expect(await partitionNames(db())).toContain('audit_logs_default');
    });

    it('monthsAhead 0 creates only the current month; the month is the UTC one; a year boundary is handled', async () => {
      // 2026-06-30T23:30-05:00 is 2026-07-01T04:30Z: the UTC month is July.
      const july = await createAuditPartitions(db(), { monthsAhead: 0, from: new Date('2026-06-30T23:30:00-05:00') });
      expect(july.created).toEqual(['audit_logs_y2026m07']);
      const yearEnd = await createAuditPartitions(db(), { monthsAhead: 1, from: new Date('2025-12-31T23:59:59.999Z') });
      expect(yearEnd.created).toEqual(['audit_logs_y2025m12']); // January 2026 exists already
      const listed = await listAuditPartitions(db());
      expect(listed.map((p) => p.name)).toEqual([
        'audit_logs_y2025m12',
        'audit_logs_y2026m01',
        'audit_logs_y2026m02',
        'audit_logs_y2026m03',
        'audit_logs_y2026m04',
        'audit_logs_y2026m07',
      ]);
      expect(listed[0]!.to).toEqual(new Date('2026-01-01T00:00:00Z'));
    });

    it('defaults to three months ahead of now', async () => {
      const now = new Date();
      const result = await createAuditPartitions(db());
      const expected = [0, 1, 2, 3].map((offset) => {
        const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
        return `audit_logs_y${d.getUTCFullYear()}m${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
      });
      const names = (await listAuditPartitions(db())).map((p) => p.name);
      for (const name of expected) expect(names).toContain(name);
      expect(result.created.every((name) => expected.includes(name))).toBe(true);
    });

    it('concurrent runs on separate connections create each month once and report it once', async () => {
      const app = `partition-race-${randomUUID().slice(0, 8)}`;
      const open = () => createDatabase({ connectionString: testDb.current.connectionString, max: 1, applicationName: app });
      const [a, b, holder] = [open(), open(), open()];
      try {
        const stranded = await insertAt(db(), '2029-03-03 00:00:00+00');
        const options = { monthsAhead: 5, from: new Date('2029-01-01T00:00:00Z') };
        // Hold audit_logs so both runs read the (same) list of partitions, then both queue on
        // the maintenance lock: the second one finds every month already created.
        let release!: () => void;
        const released = new Promise<void>((resolve) => (release = resolve));
        let locked!: () => void;
        const isLocked = new Promise<void>((resolve) => (locked = resolve));
        const holding = holder.transaction().execute(async (trx) => {
          await sql`LOCK TABLE audit_logs IN ACCESS EXCLUSIVE MODE`.execute(trx);
          locked();
          await released;
        });
        await isLocked;
        const runs = Promise.all([createAuditPartitions(a, options), createAuditPartitions(b, options)]);
        await waitForLockWaiters(db(), app, 2);
        release();
        await holding;
        const [first, second] = await runs;
        const reported = [...first.created, ...second.created].sort();
        expect(reported).toEqual([
          'audit_logs_y2029m01',
          'audit_logs_y2029m02',
          'audit_logs_y2029m03',
          'audit_logs_y2029m04',
          'audit_logs_y2029m05',
          'audit_logs_y2029m06',
        ]);
        expect(first.movedRows + second.movedRows).toBe(1);
        expect(await partitionOf(db(), stranded.eventId)).toBe('audit_logs_y2029m03');
      } finally {
        await Promise.all([a.destroy(), b.destroy(), holder.destroy()]);
      }
    });

    it('rejects bad options with ValidationError', async () => {
      await expect(createAuditPartitions(db(), { monthsAhead: -1 })).rejects.toBeInstanceOf(ValidationError);
      await expect(createAuditPartitions(db(), { monthsAhead: 1.5 })).rejects.toBeInstanceOf(ValidationError);
      await expect(createAuditPartitions(db(), { monthsAhead: 121 })).rejects.toBeInstanceOf(ValidationError);
      await expect(createAuditPartitions(db(), { from: new Date('not a date') })).rejects.toBeInstanceOf(ValidationError);
    });
  });

  describe('where rows land', () => {
    beforeAll(async () => {
      await createAuditPartitions(db(), { monthsAhead: 3, from: new Date('2026-01-01T00:00:00Z') });
    });

    it.each([
      ['2025-12-31 23:59:59.999999+00', 'audit_logs_y2025m12'],
      ['2026-01-01 00:00:00+00', 'audit_logs_y2026m01'],
      ['2026-01-31 23:59:59.999999+00', 'audit_logs_y2026m01'],
      // 00:30 on 1 February in UTC+7 is still January in UTC.
      ['2026-02-01 00:30:00+07', 'audit_logs_y2026m01'],
      ['2026-02-01 00:00:00+00', 'audit_logs_y2026m02'],
      ['2026-02-01 00:00:00.000001+00', 'audit_logs_y2026m02'],
      ['2026-02-28 23:59:59.999999+00', 'audit_logs_y2026m02'],
      ['2026-03-01 00:00:00+00', 'audit_logs_y2026m03'],
      ['2026-04-30 23:59:59.999999+00', 'audit_logs_y2026m04'],
      // No partition for these months: the DEFAULT partition takes them, the insert never fails.
      ['2026-05-01 00:00:00+00', 'audit_logs_default'],
      ['2025-11-30 23:59:59.999999+00', 'audit_logs_default'],
      ['2030-01-01 00:00:00+00', 'audit_logs_default'],
    ])('a row created at %s lands in %s', async (createdAt, partition) => {
      expect((await insertAt(db(), createdAt)).partition).toBe(partition);
    });

    it('a repository write (created_at = now()) lands in the current month once it exists', async () => {
      const repos = createRepositories(db());
      const org = await repos.organizations.create({ slug: `part-${randomUUID().slice(0, 8)}`, name: 'Partitioned' });
      const { rows } = await sql<{ partition: string; month: string }>`
        SELECT tableoid::regclass::text AS partition, to_char(created_at AT TIME ZONE 'UTC', '"y"YYYY"m"MM') AS month
        FROM audit_logs WHERE entity_id = ${org.id}::uuid`.execute(db());
      expect(rows).toHaveLength(1);
      // createAuditPartitions() of the test above created the current month.
      expect(rows[0]!.partition).toBe(`audit_logs_${rows[0]!.month}`);
    });
  });

  describe('rows stranded in the DEFAULT partition', () => {
    it('are moved into their month when it is created: ids kept, nothing lost or duplicated', async () => {
      const june = [
        await insertAt(db(), '2027-06-01 00:00:00+00'),
        await insertAt(db(), '2027-06-15 12:00:00.123456+00'),
        await insertAt(db(), '2027-06-30 23:59:59.999999+00'),
      ];
      const august = [await insertAt(db(), '2027-08-01 00:00:00+00'), await insertAt(db(), '2027-08-31 23:59:59.999999+00')];
      const stay = [
        await insertAt(db(), '2027-05-31 23:59:59.999999+00'),
        await insertAt(db(), '2027-07-01 00:00:00+00'),
        await insertAt(db(), '2027-09-01 00:00:00+00'),
      ];
      for (const placed of [...june, ...august, ...stay]) expect(placed.partition).toBe('audit_logs_default');
      const before = await snapshotRows(db());

      // June alone first; then a window of June..August: June exists, July and August are
      // created and each takes its stranded rows.
      const juneResult = await createAuditPartitions(db(), { monthsAhead: 0, from: new Date('2027-06-20T00:00:00Z') });
      expect(juneResult).toEqual({ created: ['audit_logs_y2027m06'], movedRows: 3 });
      const rest = await createAuditPartitions(db(), { monthsAhead: 2, from: new Date('2027-06-01T00:00:00Z') });
      expect(rest).toEqual({ created: ['audit_logs_y2027m07', 'audit_logs_y2027m08'], movedRows: 3 });

      for (const placed of june) expect(await partitionOf(db(), placed.eventId)).toBe('audit_logs_y2027m06');
      for (const placed of august) expect(await partitionOf(db(), placed.eventId)).toBe('audit_logs_y2027m08');
      expect(await partitionOf(db(), stay[0]!.eventId)).toBe('audit_logs_default');
      expect(await partitionOf(db(), stay[1]!.eventId)).toBe('audit_logs_y2027m07');
      expect(await partitionOf(db(), stay[2]!.eventId)).toBe('audit_logs_default');

      // Every row, with every column, exactly once (partitionOf asserts one row per id).
      const after = await snapshotRows(db());
      expect(after).toEqual(before);
      const { rows } = await sql<{ n: string; distinct_ids: string }>`
        SELECT count(*) AS n, count(DISTINCT event_id) AS distinct_ids FROM audit_logs`.execute(db());
      expect(rows[0]!.n).toBe(rows[0]!.distinct_ids);
      expect(Number(rows[0]!.n)).toBe(before.size);

      // New ids keep increasing after rows were moved with OVERRIDING SYSTEM VALUE.
      const next = await insertAt(db(), '2027-06-10 00:00:00+00');
      expect(BigInt(next.eventId)).toBeGreaterThan(BigInt([...after.keys()].at(-1)!));
      expect(next.partition).toBe('audit_logs_y2027m06');
    });

    it('the re-attached DEFAULT partition is the DEFAULT again, with its indexes and the append-only trigger', async () => {
      const { rows: bound } = await sql<{ bound: string }>`
        SELECT pg_get_expr(c.relpartbound, c.oid) AS bound FROM pg_class c
        WHERE c.relname = 'audit_logs_default' AND c.relispartition`.execute(db());
      expect(bound).toEqual([{ bound: 'DEFAULT' }]);
      // Every partitioned index of audit_logs has its child on the DEFAULT partition.
      const { rows: indexes } = await sql<{ parent: string; child: string | null }>`
        SELECT p.relname AS parent, (
          SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
          JOIN pg_index x ON x.indexrelid = c.oid
          WHERE i.inhparent = p.oid AND x.indrelid = 'audit_logs_default'::regclass) AS child
        FROM pg_index pi JOIN pg_class p ON p.oid = pi.indexrelid
        WHERE pi.indrelid = 'audit_logs'::regclass`.execute(db());
      expect(indexes.length).toBeGreaterThanOrEqual(3);
      for (const index of indexes) expect(index.child, index.parent).not.toBeNull();
      const { rows: triggers } = await sql<{ tgname: string }>`
        SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_logs_default'::regclass AND tgname = 'audit_logs_append_only'`.execute(
        db(),
      );
      expect(triggers).toHaveLength(1);
    });

    it('append-only still holds afterwards, on the new partition, the DEFAULT one and through the parent', async () => {
      const moved = await insertAt(db(), '2027-06-02 00:00:00+00');
      expect(moved.partition).toBe('audit_logs_y2027m06');
      const stranded = await insertAt(db(), '2027-12-24 00:00:00+00');
      expect(stranded.partition).toBe('audit_logs_default');
      await expectAppendOnly(db(), 'audit_logs_y2027m06', moved.eventId);
      await expectAppendOnly(db(), 'audit_logs', moved.eventId);
      await expectAppendOnly(db(), 'audit_logs_default', stranded.eventId);
      await expectAppendOnly(db(), 'audit_logs', stranded.eventId);
      // A month created without moving rows is guarded the same way.
      const plain = await insertAt(db(), '2026-03-15 00:00:00+00');
      expect(plain.partition).toBe('audit_logs_y2026m03');
      await expectAppendOnly(db(), 'audit_logs_y2026m03', plain.eventId);
    });

    it('a failure while moving rolls the whole month back: DEFAULT stays attached with its rows', async () => {
      const stranded = await insertAt(db(), '2028-02-10 00:00:00+00', randomUUID(), 'test.poison');
      const other = await insertAt(db(), '2028-02-11 00:00:00+00');
      // Make re-inserting the stranded row through the parent fail (a BEFORE INSERT trigger on
      // audit_logs is cloned to the partition being created).
      await sql`CREATE FUNCTION test_refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.action = 'test.poison' THEN RAISE EXCEPTION 'poisoned row'; END IF; RETURN NEW; END $$`.execute(db());
      await sql`CREATE TRIGGER test_refuse_poison BEFORE INSERT ON audit_logs
        FOR EACH ROW EXECUTE FUNCTION test_refuse_poison()`.execute(db());
      try {
        await expect(
          createAuditPartitions(db(), { monthsAhead: 0, from: new Date('2028-02-01T00:00:00Z') }),
        ).rejects.toThrow();
      } finally {
        await sql`DROP TRIGGER test_refuse_poison ON audit_logs`.execute(db());
        await sql`DROP FUNCTION test_refuse_poison()`.execute(db());
      }
      expect(await partitionNames(db())).not.toContain('audit_logs_y2028m02');
      expect(await partitionNames(db())).toContain('audit_logs_default');
      expect(await partitionOf(db(), stranded.eventId)).toBe('audit_logs_default');
      expect(await partitionOf(db(), other.eventId)).toBe('audit_logs_default');
      // And it succeeds once the obstacle is gone.
      const retry = await createAuditPartitions(db(), { monthsAhead: 0, from: new Date('2028-02-01T00:00:00Z') });
      expect(retry).toEqual({ created: ['audit_logs_y2028m02'], movedRows: 2 });
      expect(await partitionOf(db(), stranded.eventId)).toBe('audit_logs_y2028m02');
      expect(await partitionOf(db(), other.eventId)).toBe('audit_logs_y2028m02');
    });
  });

  describe('dropAuditPartitionsBefore', () => {
    it('drops only whole months strictly before the retention date, never the DEFAULT partition', async () => {
      // Rows in the months around the cut, and in DEFAULT for an old month.
      const oldDefault = await insertAt(db(), '2025-10-10 00:00:00+00');
      expect(oldDefault.partition).toBe('audit_logs_default');
      const dec = await insertAt(db(), '2025-12-20 00:00:00+00');
      const jan = await insertAt(db(), '2026-01-20 00:00:00+00');
      const feb = await insertAt(db(), '2026-02-20 00:00:00+00');
      expect([dec.partition, jan.partition, feb.partition]).toEqual([
        'audit_logs_y2025m12',
        'audit_logs_y2026m01',
        'audit_logs_y2026m02',
      ]);

      // The last instant of January keeps January (it contains the date).
      expect(await dropAuditPartitionsBefore(db(), new Date('2026-01-31T23:59:59.999Z'))).toEqual(['audit_logs_y2025m12']);
      // Mid-February: January goes, February (which contains the date) stays.
      expect(await dropAuditPartitionsBefore(db(), new Date('2026-02-15T00:00:00Z'))).toEqual(['audit_logs_y2026m01']);
      // Exactly the first instant of March: February ended before it, so February goes.
      expect(await dropAuditPartitionsBefore(db(), new Date('2026-03-01T00:00:00Z'))).toEqual(['audit_logs_y2026m02']);
      expect(await dropAuditPartitionsBefore(db(), new Date('2026-03-01T00:00:00Z'))).toEqual([]);

      const names = await partitionNames(db());
      expect(names).toContain('audit_logs_default');
      expect(names).toContain('audit_logs_y2026m03');
      expect(names).not.toContain('audit_logs_y2026m02');
      for (const gone of ['audit_logs_y2025m12', 'audit_logs_y2026m01', 'audit_logs_y2026m02']) {
        const { rows } = await sql`SELECT 1 FROM pg_class WHERE relname = ${gone}`.execute(db());
        expect(rows, `${gone} is dropped, not just detached`).toHaveLength(0);
      }
      // The old row in DEFAULT is kept; the dropped months' rows are gone; the rest is queryable.
      expect(await partitionOf(db(), oldDefault.eventId)).toBe('audit_logs_default');
      for (const placed of [dec, jan, feb]) {
        const { rows } = await sql`SELECT 1 FROM audit_logs WHERE event_id = ${placed.eventId}::bigint`.execute(db());
        expect(rows).toHaveLength(0);
      }
      const { rows: months } = await sql<{ partition: string }>`
        SELECT DISTINCT tableoid::regclass::text AS partition FROM audit_logs ORDER BY 1`.execute(db());
      expect(months.map((m) => m.partition)).toContain('audit_logs_y2026m03');
      // Inserting into a dropped month now lands in DEFAULT.
      expect((await insertAt(db(), '2026-01-05 00:00:00+00')).partition).toBe('audit_logs_default');
      // The audit queries still work.
      const entityId = randomUUID();
      await insertAt(db(), '2026-03-05 00:00:00+00', entityId);
      await insertAt(db(), '2027-06-05 00:00:00+00', entityId);
      const { rows: history } = await sql<{ n: string }>`
        SELECT count(*) AS n FROM audit_logs WHERE entity_type = 'test_entity' AND entity_id = ${entityId}::uuid`.execute(db());
      expect(Number(history[0]!.n)).toBe(2);
    });

    it('concurrent retention runs on separate connections drop each month once, without failing', async () => {
      await createAuditPartitions(db(), { monthsAhead: 2, from: new Date('2031-01-01T00:00:00Z') });
      const cutoff = new Date('2031-03-01T00:00:00Z');
      const expected = (await listAuditPartitions(db())).filter((p) => p.to <= cutoff).map((p) => p.name);
      expect(expected).toContain('audit_logs_y2031m02');
      const app = `retention-race-${randomUUID().slice(0, 8)}`;
      const open = () => createDatabase({ connectionString: testDb.current.connectionString, max: 1, applicationName: app });
      const [a, b, holder] = [open(), open(), open()];
      try {
        // Both runs list the same partitions, then queue behind a lock on audit_logs.
        let release!: () => void;
        const released = new Promise<void>((resolve) => (release = resolve));
        let locked!: () => void;
        const isLocked = new Promise<void>((resolve) => (locked = resolve));
        const holding = holder.transaction().execute(async (trx) => {
          await sql`LOCK TABLE audit_logs IN ACCESS EXCLUSIVE MODE`.execute(trx);
          locked();
          await released;
        });
        await isLocked;
        const runs = Promise.allSettled([dropAuditPartitionsBefore(a, cutoff), dropAuditPartitionsBefore(b, cutoff)]);
        await waitForLockWaiters(db(), app, 2);
        release();
        await holding;
        const results = await runs;
        for (const result of results) expect(result.status, String((result as PromiseRejectedResult).reason)).toBe('fulfilled');
        const reported = results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
        expect([...reported].sort()).toEqual([...expected].sort());
        const names = await partitionNames(db());
        for (const name of expected) expect(names).not.toContain(name);
        expect(names).toContain('audit_logs_y2031m03');
        expect(names).toContain('audit_logs_default');
      } finally {
        await Promise.all([a.destroy(), b.destroy(), holder.destroy()]);
      }
    });

    it('rejects an invalid date with ValidationError', async () => {
      await expect(dropAuditPartitionsBefore(db(), new Date('nope'))).rejects.toBeInstanceOf(ValidationError);
    });
  });
});
