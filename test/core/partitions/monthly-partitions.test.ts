// The monthly-partition helper on tables other than audit_logs: another name, another
// partition key, another tenant column, another DEFAULT partition name, another TRUNCATE guard
// (or none), identity and generated columns, and a table owner that is not a superuser.
// Every row is inserted with an explicit timestamp, so nothing depends on the clock.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { listAuditPartitions } from '../../../src/core/audit/audit-partitions.js';
import { DataError } from '../../../src/core/errors/data-error.js';
import { ValidationError } from '../../../src/core/errors/validation-error.js';
import { monthlyPartitions } from '../../../src/core/partitions/monthly-partitions.js';
import { APPLICATION_ROLE, TENANT_SETTING } from '../../../src/core/tenancy/tenant-setting.js';
import { useTestDatabase } from '../../helpers/database.js';
import { sqlStateOf, useAppLogin } from '../tenancy/app-role.js';
import { useOwnerLogin } from './owner-login.js';

const deparsed = (column: string) =>
  `(${column} = (NULLIF(current_setting('${TENANT_SETTING}'::text, true), ''::text))::uuid)`;

const events = monthlyPartitions({
  table: 'scratch_events',
  partitionKey: 'occurred_at',
  tenantColumn: 'tenant_id',
  truncateGuardFunction: 'scratch_refuse_truncate',
});

describe('monthlyPartitions', () => {
  const testDb = useTestDatabase();
  const appLogin = useAppLogin(testDb);
  const owner = useOwnerLogin(testDb);
  const db = () => testDb.current.db as Kysely<any>;
  const a = randomUUID();
  const b = randomUUID();

  /** Inserts one event at `at` (a timestamptz literal) and says where it landed. */
  async function insertEvent(at: string, tenant: string, payload = `at ${at}`) {
    const { rows } = await sql<{ event_id: string; partition: string }>`
      INSERT INTO scratch_events (occurred_at, tenant_id, payload) VALUES (${at}::timestamptz, ${tenant}, ${payload})
      RETURNING event_id::text, tableoid::regclass::text AS partition`.execute(db());
    return { eventId: rows[0]!.event_id, partition: rows[0]!.partition };
  }

  async function partitionOf(eventId: string): Promise<string> {
    const { rows } = await sql<{ partition: string }>`
      SELECT tableoid::regclass::text AS partition FROM scratch_events WHERE event_id = ${eventId}::bigint`.execute(db());
    expect(rows).toHaveLength(1);
    return rows[0]!.partition;
  }

  /** Every row with every column (identity and generated included), keyed by event_id. */
  async function snapshot(): Promise<Map<string, string>> {
    const { rows } = await sql<{ id: string; row: string }>`
      SELECT event_id::text AS id, to_jsonb(e)::text AS row FROM scratch_events e ORDER BY event_id`.execute(db());
    return new Map(rows.map((r) => [r.id, r.row]));
  }

  const defaultPartition = async (table: string) =>
    (
      await sql<{ name: string | null }>`
        SELECT partdefid::regclass::text AS name FROM pg_partitioned_table WHERE partrelid = ${table}::regclass`.execute(db())
    ).rows[0]?.name;

  const forced = async (table: string) =>
    (await sql<{ f: boolean }>`SELECT relforcerowsecurity AS f FROM pg_class WHERE oid = ${table}::regclass`.execute(db()))
      .rows[0]?.f;

  beforeAll(async () => {
    await sql`CREATE FUNCTION scratch_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'scratch_events refuses %', TG_OP USING ERRCODE = 'insufficient_privilege'; END $$`.execute(db());
    await sql`CREATE TABLE scratch_events (
      event_id bigint GENERATED ALWAYS AS IDENTITY,
      occurred_at timestamptz NOT NULL,
      tenant_id uuid NOT NULL,
      payload text NOT NULL,
      payload_length integer GENERATED ALWAYS AS (length(payload)) STORED,
      PRIMARY KEY (event_id, occurred_at)
    ) PARTITION BY RANGE (occurred_at)`.execute(db());
    await sql`CREATE TABLE scratch_events_fallback PARTITION OF scratch_events DEFAULT`.execute(db());
    await sql`CALL org_data_enable_tenant_isolation('scratch_events', 'tenant_id', 'SELECT, INSERT')`.execute(db());
    await sql`CALL org_data_enable_tenant_isolation('scratch_events_fallback', 'tenant_id', 'NONE')`.execute(db());
  });

  it('creates the months of the table it is given, named after it, and leaves audit_logs alone', async () => {
    const first = await events.create(db(), { monthsAhead: 2, from: new Date('2026-01-15T12:00:00Z') });
    expect(first).toEqual({
      created: ['scratch_events_y2026m01', 'scratch_events_y2026m02', 'scratch_events_y2026m03'],
      movedRows: 0,
    });
    expect(await events.create(db(), { monthsAhead: 2, from: new Date('2026-01-15T12:00:00Z') })).toEqual({
      created: [],
      movedRows: 0,
    });
    const listed = await events.list(db());
    expect(listed.map((p) => p.name)).toEqual(first.created);
    expect(listed[1]).toEqual({
      name: 'scratch_events_y2026m02',
      from: new Date('2026-02-01T00:00:00Z'),
      to: new Date('2026-03-01T00:00:00Z'),
    });
    const { rows } = await sql<{ bound: string }>`
      SELECT pg_get_expr(relpartbound, oid) AS bound FROM pg_class WHERE relname = 'scratch_events_y2026m02'`.execute(db());
    expect(rows[0]!.bound).toBe("FOR VALUES FROM ('2026-02-01 00:00:00+00') TO ('2026-03-01 00:00:00+00')");
    expect(await listAuditPartitions(db())).toEqual([]);
    // Rows land by the spec's partition key.
    expect((await insertEvent('2026-02-28 23:59:59.999999+00', a)).partition).toBe('scratch_events_y2026m02');
    expect((await insertEvent('2026-04-01 00:00:00+00', a)).partition).toBe('scratch_events_fallback');
  });

  it('isolates each new month with the spec’s tenant column, no privilege for the application role, and its TRUNCATE guard', async () => {
    const month = 'scratch_events_y2026m01';
    expect(await forced(month)).toBe(true);
    const { rows: policies } = await sql<{ name: string; cmd: string; qual: string; with_check: string }>`
      SELECT policyname AS name, cmd, qual, with_check FROM pg_policies WHERE tablename = ${month}`.execute(db());
    expect(policies).toEqual([{ name: 'tenant_isolation', cmd: 'ALL', qual: deparsed('tenant_id'), with_check: deparsed('tenant_id') }]);
    const { rows: privileges } = await sql<{ p: string }>`
      SELECT p FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) p
      WHERE has_table_privilege(${APPLICATION_ROLE}, ${month}::regclass, p)`.execute(db());
    expect(privileges).toEqual([]);
    const { rows: triggers } = await sql<{ name: string; fn: string }>`
      SELECT t.tgname AS name, t.tgfoid::regproc::text AS fn FROM pg_trigger t
      WHERE t.tgrelid = ${month}::regclass AND NOT t.tgisinternal`.execute(db());
    expect(triggers).toEqual([{ name: `${month}_no_truncate`, fn: 'scratch_refuse_truncate' }]);
    const truncated = await db()
      .transaction()
      .execute(async (trx) => {
        const state = await sqlStateOf(trx, sql`TRUNCATE ${sql.table(month)}`);
        throw Object.assign(new Error('rollback'), { state });
      })
      .catch((error: { state?: string }) => error.state);
    expect(truncated).toBe('42501');

    // As the application role: through the parent, its own rows; the partition itself, refused.
    const app = appLogin.current.connect();
    await insertEvent('2026-01-10 00:00:00+00', a, 'mine');
    await insertEvent('2026-01-11 00:00:00+00', b, 'theirs');
    const seen = await app.transaction().execute(async (trx) => {
      await sql`SELECT set_config(${TENANT_SETTING}, ${a}, true)`.execute(trx);
      return (await sql<{ payload: string }>`
        SELECT payload FROM scratch_events WHERE occurred_at < '2026-02-01' ORDER BY occurred_at`.execute(trx)).rows;
    });
    expect(seen).toEqual([{ payload: 'mine' }]);
    expect(await sqlStateOf(app, sql`SELECT * FROM ${sql.table(month)}`)).toBe('42501');
  });

  it('moves rows stranded in the DEFAULT partition, whatever its name, into their month: every column kept', async () => {
    const june = [
      await insertEvent('2027-06-01 00:00:00+00', a, 'first'),
      await insertEvent('2027-06-15 12:00:00.123456+00', b, 'second, longer'),
      await insertEvent('2027-06-30 23:59:59.999999+00', a, ''),
    ];
    const stay = [await insertEvent('2027-05-31 23:59:59.999999+00', a), await insertEvent('2027-07-01 00:00:00+00', b)];
    for (const placed of [...june, ...stay]) expect(placed.partition).toBe('scratch_events_fallback');
    const before = await snapshot();

    expect(await events.create(db(), { monthsAhead: 0, from: new Date('2027-06-20T00:00:00Z') })).toEqual({
      created: ['scratch_events_y2027m06'],
      movedRows: 3,
    });
    for (const placed of june) expect(await partitionOf(placed.eventId)).toBe('scratch_events_y2027m06');
    for (const placed of stay) expect(await partitionOf(placed.eventId)).toBe('scratch_events_fallback');
    expect(await snapshot()).toEqual(before);
    // The DEFAULT partition is attached again as the DEFAULT, isolated as before.
    expect(await defaultPartition('scratch_events')).toBe('scratch_events_fallback');
    expect(await forced('scratch_events_fallback')).toBe(true);
    expect(await forced('scratch_events')).toBe(true);
    // The identity goes on after rows were moved with OVERRIDING SYSTEM VALUE.
    const next = await insertEvent('2027-06-02 00:00:00+00', a);
    expect(BigInt(next.eventId)).toBeGreaterThan(BigInt([...before.keys()].at(-1)!));
    expect(next.partition).toBe('scratch_events_y2027m06');
  });

  it('a month that fails is rolled back whole: no partition, DEFAULT attached with its rows', async () => {
    const stranded = await insertEvent('2028-02-10 00:00:00+00', a);
    const wrongColumn = monthlyPartitions({ table: 'scratch_events', partitionKey: 'occurred_at', tenantColumn: 'organization_id' });
    const error = await wrongColumn.create(db(), { monthsAhead: 0, from: new Date('2028-02-01T00:00:00Z') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect(error).toMatchObject({ sqlState: '42703', message: expect.not.stringContaining('organization_id =') });
    expect((await events.list(db())).map((p) => p.name)).not.toContain('scratch_events_y2028m02');
    expect(await defaultPartition('scratch_events')).toBe('scratch_events_fallback');
    expect(await partitionOf(stranded.eventId)).toBe('scratch_events_fallback');
    expect(await forced('scratch_events')).toBe(true);
    expect(await forced('scratch_events_fallback')).toBe(true);
  });

  it('drops whole months ending on or before the retention date, never the DEFAULT partition', async () => {
    const old = await insertEvent('2025-10-10 00:00:00+00', a);
    expect(old.partition).toBe('scratch_events_fallback');
    expect(await events.dropBefore(db(), new Date('2026-02-15T00:00:00Z'))).toEqual(['scratch_events_y2026m01']);
    expect(await events.dropBefore(db(), new Date('2026-03-01T00:00:00Z'))).toEqual(['scratch_events_y2026m02']);
    expect(await events.dropBefore(db(), new Date('2026-03-01T00:00:00Z'))).toEqual([]);
    const { rows } = await sql`SELECT 1 FROM pg_class WHERE relname IN ('scratch_events_y2026m01', 'scratch_events_y2026m02')`.execute(db());
    expect(rows).toEqual([]);
    expect((await events.list(db())).map((p) => p.name)).toEqual(['scratch_events_y2026m03', 'scratch_events_y2027m06']);
    expect(await partitionOf(old.eventId)).toBe('scratch_events_fallback');
    await expect(events.dropBefore(db(), new Date('nope'))).rejects.toBeInstanceOf(ValidationError);
  });

  it('run by a table owner without BYPASSRLS (FORCE on): rows of every tenant are moved, FORCE is set again', async () => {
    const ownerDb = owner.current.db;
    // The owner's own table, isolated with the procedure (EXECUTE is PUBLIC's).
    await sql`CREATE TABLE owned_events (
      id uuid NOT NULL DEFAULT gen_random_uuid(), created_at timestamptz NOT NULL, organization_id uuid NOT NULL,
      PRIMARY KEY (id, created_at)) PARTITION BY RANGE (created_at)`.execute(ownerDb);
    await sql`CREATE TABLE owned_events_default PARTITION OF owned_events DEFAULT`.execute(ownerDb);
    await sql`CALL org_data_enable_tenant_isolation('owned_events')`.execute(ownerDb);
    await sql`CALL org_data_enable_tenant_isolation('owned_events_default', app_privileges => 'NONE')`.execute(ownerDb);
    await sql`INSERT INTO owned_events (created_at, organization_id) VALUES
      ('2026-03-01 00:00:00+00', ${a}), ('2026-03-15 00:00:00+00', ${b}), ('2026-03-31 23:00:00+00', ${b}),
      ('2026-04-01 00:00:00+00', ${a})`.execute(db());
    // FORCE applies to the owner: without a tenant it sees none of these rows.
    const visible = await sql<{ n: number }>`SELECT count(*)::int AS n FROM owned_events`.execute(ownerDb);
    expect(visible.rows).toEqual([{ n: 0 }]);

    const owned = monthlyPartitions({ table: 'owned_events', tenantColumn: 'organization_id' });
    expect(await owned.create(ownerDb, { monthsAhead: 0, from: new Date('2026-03-05T00:00:00Z') })).toEqual({
      created: ['owned_events_y2026m03'],
      movedRows: 3,
    });
    const { rows } = await sql<{ partition: string; n: number }>`
      SELECT tableoid::regclass::text AS partition, count(*)::int AS n FROM owned_events GROUP BY 1 ORDER BY 1`.execute(db());
    expect(rows).toEqual([
      { partition: 'owned_events_default', n: 1 },
      { partition: 'owned_events_y2026m03', n: 3 },
    ]);
    for (const table of ['owned_events', 'owned_events_default', 'owned_events_y2026m03']) {
      expect(await forced(table), table).toBe(true);
    }
    // No guard in the spec: no trigger on the new month.
    const { rows: triggers } = await sql`
      SELECT 1 FROM pg_trigger WHERE tgrelid = 'owned_events_y2026m03'::regclass AND NOT tgisinternal`.execute(db());
    expect(triggers).toEqual([]);
    expect(await owned.create(ownerDb, { monthsAhead: 0, from: new Date('2026-03-05T00:00:00Z') })).toEqual({
      created: [],
      movedRows: 0,
    });
  });

  it('works on a table without a DEFAULT partition', async () => {
    await sql`CREATE TABLE scratch_readings (taken_at timestamptz NOT NULL, organization_id uuid NOT NULL)
      PARTITION BY RANGE (taken_at)`.execute(db());
    const readings = monthlyPartitions({ table: 'scratch_readings', partitionKey: 'taken_at', tenantColumn: 'organization_id' });
    expect(await readings.create(db(), { monthsAhead: 1, from: new Date('2026-12-31T23:59:59Z') })).toEqual({
      created: ['scratch_readings_y2026m12', 'scratch_readings_y2027m01'],
      movedRows: 0,
    });
    await sql`INSERT INTO scratch_readings VALUES ('2027-01-01 00:00:00+00', ${a})`.execute(db());
    const { rows } = await sql<{ partition: string }>`
      SELECT tableoid::regclass::text AS partition FROM scratch_readings`.execute(db());
    expect(rows).toEqual([{ partition: 'scratch_readings_y2027m01' }]);
  });

  it('refuses a spec whose names are not plain identifiers, or too long for the partition names', () => {
    const bad = [
      { table: 'Scratch-Events', tenantColumn: 'tenant_id' },
      { table: 'x'.repeat(41), tenantColumn: 'tenant_id' },
      { table: 'scratch_events', tenantColumn: 'tenant_id"; DROP TABLE users; --' },
      { table: 'scratch_events', partitionKey: '', tenantColumn: 'tenant_id' },
      { table: 'scratch_events', tenantColumn: 'tenant_id', truncateGuardFunction: 'public.f' },
      { table: 'scratch_events', tenantColumn: 'tenant_id', monthsAhead: 3 },
    ];
    for (const spec of bad) expect(() => monthlyPartitions(spec as never), JSON.stringify(spec)).toThrow(ValidationError);
    expect(monthlyPartitions({ table: 'x'.repeat(40), tenantColumn: 't' }).spec).toEqual({
      table: 'x'.repeat(40),
      partitionKey: 'created_at',
      tenantColumn: 't',
    });
  });

  it('reports a missing table and bad options as DataErrors', async () => {
    const missing = monthlyPartitions({ table: 'scratch_missing', tenantColumn: 'organization_id' });
    await expect(missing.list(db())).rejects.toMatchObject({ sqlState: '42P01' });
    await expect(missing.list(db())).rejects.toBeInstanceOf(DataError);
    await expect(events.create(db(), { monthsAhead: -1 })).rejects.toBeInstanceOf(ValidationError);
    await expect(events.create(db(), { monthsAhead: 2.5 })).rejects.toBeInstanceOf(ValidationError);
    await expect(events.create(db(), { from: new Date('nope') })).rejects.toBeInstanceOf(ValidationError);
  });
});
