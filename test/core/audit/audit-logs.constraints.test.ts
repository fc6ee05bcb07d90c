// Integrity rules of audit_logs and its DEFAULT partition, from
// sql/migrations/20261121100300_create_audit_logs.up.sql, exercised with raw SQL. The harness, and
// how coverage is checked: test/helpers/constraints.ts.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  APPEND_ONLY,
  CHECK,
  client,
  count,
  create,
  expectRejected,
  expectRejectedInPartition,
  GENERATED_ALWAYS,
  HUGE,
  inRolledBackTransaction,
  insert,
  markTriggerChecked,
  next,
  NOT_NULL,
  type Row,
  UNIQUE,
  useConstraintHarness,
} from '../../helpers/constraints.js';
import { PLATFORM_ORGANIZATION_ID } from '../../../src/core/audit/platform-organization.js';
import { coverage } from './audit-logs.constraints.js';

useConstraintHarness(coverage);

const auditRow = (overrides: Row = {}): Row => ({
  action: 'user.created',
  entity_type: 'user',
  entity_id: randomUUID(),
  ...overrides,
});

describe('audit_logs', () => {
  /** Where every row lands until createAuditPartitions has made the month's partition. */
  const DEFAULT_PARTITION = 'audit_logs_default';
  /** A monthly partition as createAuditPartitions names them, made here with raw SQL. */
  const MONTHLY_PARTITION = 'audit_logs_y2099m01';
  const IN_MONTHLY = '2099-01-15T12:00:00.000Z';

  /** INSERT … OVERRIDING SYSTEM VALUE, to set the GENERATED ALWAYS event_id. */
  const insertOverriding = (row: Row): pg.QueryConfig => {
    const statement = insert('audit_logs', row);
    return { ...statement, text: statement.text.replace(') VALUES (', ') OVERRIDING SYSTEM VALUE VALUES (') };
  };

  /** Inserts a row and returns its event_id and the partition it landed in. */
  async function append(row: Row): Promise<{ event_id: string; partition: string }> {
    const statement = insert('audit_logs', row);
    const { rows } = await client.query<{ event_id: string; partition: string }>({
      ...statement,
      text: statement.text.replace('RETURNING *', 'RETURNING event_id, tableoid::regclass::text AS partition'),
    });
    return rows[0]!;
  }

  /** Asserts the append-only trigger function rejects `statement` for `operation`. */
  const expectAppendOnly = (statement: pg.QueryConfig, operation: 'UPDATE' | 'DELETE' | 'TRUNCATE') =>
    expect(client.query(statement)).rejects.toMatchObject({
      code: APPEND_ONLY,
      message: `audit_logs is append-only: ${operation} is not allowed`,
    });

  const snapshotOf = async (eventIds: string[]): Promise<Row[]> =>
    (
      await client.query<Row>({
        text: 'SELECT tableoid::regclass::text AS partition, * FROM audit_logs WHERE event_id = ANY($1) ORDER BY event_id',
        values: [eventIds],
      })
    ).rows;

  /** A row in the DEFAULT partition and one in the monthly partition. */
  let targets: string[];
  beforeAll(async () => {
    await client.query(`CREATE TABLE ${MONTHLY_PARTITION} PARTITION OF audit_logs
      FOR VALUES FROM ('2099-01-01T00:00:00Z') TO ('2099-02-01T00:00:00Z')`);
    const inDefault = await append(auditRow());
    const inMonthly = await append(auditRow({ created_at: IN_MONTHLY, updated_at: IN_MONTHLY }));
    expect([inDefault.partition, inMonthly.partition]).toEqual([DEFAULT_PARTITION, MONTHLY_PARTITION]);
    targets = [inDefault.event_id, inMonthly.event_id];
  });

  it('is partitioned by RANGE (created_at), with audit_logs_default as the DEFAULT partition', async () => {
    const { rows } = await client.query(`
      SELECT pg_get_partkeydef('audit_logs'::regclass) AS key,
             pg_get_expr(c.relpartbound, c.oid) AS bound
      FROM pg_class c WHERE c.oid = '${DEFAULT_PARTITION}'::regclass`);
    expect(rows).toEqual([{ key: 'RANGE (created_at)', bound: 'DEFAULT' }]);
  });

  it('accepts a row with only the required columns; defaults fill the rest', async () => {
    const row = await create('audit_logs', { action: 'user.created', entity_type: 'user', entity_id: randomUUID() });
    expect(row).toMatchObject({
      // audit_logs_platform_row: no organization is the platform's marker.
      organization_id: PLATFORM_ORGANIZATION_ID,
      actor_user_id: null,
      before: null,
      after: null,
      request_id: null,
      ip: null,
      user_agent: null,
    });
    expect(row.event_id).toMatch(/^[1-9][0-9]*$/);
    expect(row.created_at).toEqual(row.updated_at);
  });

  it.each([
    ['a month that has no partition', '2031-07-15T00:00:00Z', DEFAULT_PARTITION],
    ['the last microsecond before a partitioned month', '2098-12-31T23:59:59.999999Z', DEFAULT_PARTITION],
    ['the first instant of a partitioned month', '2099-01-01T00:00:00Z', MONTHLY_PARTITION],
    ['the last microsecond of a partitioned month', '2099-01-31T23:59:59.999999Z', MONTHLY_PARTITION],
    ['the first instant after a partitioned month', '2099-02-01T00:00:00Z', DEFAULT_PARTITION],
  ])('an insert for %s lands in the right partition (tableoid)', async (_, created_at, partition) => {
    expect((await append(auditRow({ created_at }))).partition).toBe(partition);
  });

  it.each(['created_at', 'updated_at', 'action', 'entity_type', 'entity_id'])('NOT NULL %s', (column) =>
    expectRejectedInPartition(
      insert('audit_logs', auditRow({ [column]: null })),
      NOT_NULL,
      `${DEFAULT_PARTITION}.${column}`,
      `audit_logs.${column}`,
    ),
  );

  it('audit_logs_platform_row: a row written with organization_id NULL (as 0.11 writes platform rows) gets the platform marker', async () => {
    for (const created_at of ['2031-07-15T00:00:00Z', IN_MONTHLY]) {
      const row = await create('audit_logs', auditRow({ organization_id: null, created_at }));
      expect(row.organization_id).toBe(PLATFORM_ORGANIZATION_ID);
    }
    // Near miss: a tenant's row keeps its tenant.
    const tenant = randomUUID();
    expect((await create('audit_logs', auditRow({ organization_id: tenant }))).organization_id).toBe(tenant);
    markTriggerChecked('audit_logs_platform_row');
  });

  it('NOT NULL organization_id holds without its trigger too (triggers off: session_replication_role = replica)', () =>
    inRolledBackTransaction(async () => {
      await client.query('SET LOCAL session_replication_role = replica');
      await expectRejectedInPartition(
        insert('audit_logs', auditRow({ organization_id: null })),
        NOT_NULL,
        `${DEFAULT_PARTITION}.organization_id`,
        'audit_logs.organization_id',
      );
    }));

  it('NOT NULL event_id (GENERATED ALWAYS: an explicit value needs OVERRIDING SYSTEM VALUE)', async () => {
    await expect(client.query(insert('audit_logs', auditRow({ event_id: 1 })))).rejects.toMatchObject({
      code: GENERATED_ALWAYS,
    });
    await expectRejectedInPartition(
      insertOverriding(auditRow({ event_id: null })),
      NOT_NULL,
      `${DEFAULT_PARTITION}.event_id`,
      'audit_logs.event_id',
    );
  });

  it('audit_logs_pkey rejects a duplicate (event_id, created_at, organization_id); the error names the partition index', async () => {
    const event_id = 9_000_000_000 + next();
    for (const [created_at, partition] of [
      ['2031-07-15T00:00:00Z', DEFAULT_PARTITION],
      [IN_MONTHLY, MONTHLY_PARTITION],
    ] as const) {
      await client.query(insertOverriding(auditRow({ event_id, created_at })));
      await expectRejectedInPartition(
        insertOverriding(auditRow({ event_id, created_at })),
        UNIQUE,
        `${partition}_pkey`,
        'audit_logs_pkey',
      );
    }
    // Near misses: the key includes created_at (a partitioned table's keys must include the
    // partition key) and organization_id (the shard key on Citus), so only the identity keeps
    // event_id unique on its own.
    await client.query(insertOverriding(auditRow({ event_id, created_at: '2031-07-15T00:00:00.000001Z' })));
    await client.query(insertOverriding(auditRow({ event_id, created_at: IN_MONTHLY, organization_id: randomUUID() })));
  });

  it.each([
    ['an empty string', ''],
    ['no dot', 'login'],
    ['an uppercase letter', 'User.login'],
    ['an uppercase letter after the dot', 'user.Login'],
    ['a leading dot', '.login'],
    ['a trailing dot', 'user.'],
    ['a double dot', 'user..login'],
    ['a leading digit', '1user.login'],
    ['a digit after the dot', 'user.1login'],
    ['a hyphen', 'user-profile.updated'],
    ['a space', 'user.log in'],
    ['a trailing newline', 'user.login\n'],
    ['101 characters', `a.${'b'.repeat(99)}`],
    ['100 000 × a then ! (catastrophic backtracking)', HUGE],
    ['50 000 × a. then ! (catastrophic backtracking)', `${'a.'.repeat(50_000)}!`],
  ])('audit_logs_action_format rejects %s', (_, action) =>
    expectRejected(insert('audit_logs', auditRow({ action })), CHECK, 'audit_logs_action_format'),
  );

  it.each([
    ['the shortest action', 'a.b'],
    ['entity.verb', 'user.created'],
    ['three segments, digits and underscores', 'staff_profile.verification_2.submitted'],
    ['100 characters', `a.${'b'.repeat(98)}`],
  ])('audit_logs_action_format accepts %s', async (_, action) => {
    await create('audit_logs', auditRow({ action }));
  });

  it.each([
    ['an empty string', ''],
    ['an uppercase letter', 'User'],
    ['a leading digit', '1user'],
    ['a leading underscore', '_user'],
    ['a dot', 'user.profile'],
    ['a hyphen', 'user-profile'],
    ['a space', 'user profile'],
    ['a trailing newline', 'user\n'],
    ['65 characters', 'e'.repeat(65)],
    ['100 000 × a then ! (catastrophic backtracking)', HUGE],
  ])('audit_logs_entity_type_format rejects %s', (_, entity_type) =>
    expectRejected(insert('audit_logs', auditRow({ entity_type })), CHECK, 'audit_logs_entity_type_format'),
  );

  it.each([
    ['one letter', 'u'],
    ['digits and underscores', 'user_staff_profile2'],
    ['64 characters', 'e'.repeat(64)],
  ])('audit_logs_entity_type_format accepts %s', async (_, entity_type) => {
    await create('audit_logs', auditRow({ entity_type }));
  });

  describe.each(['before', 'after'])('%s', (column) => {
    it.each([
      ['an array', '[]'],
      ['a string', '"x"'],
      ['a number', '1'],
      ['a boolean', 'true'],
      ['a JSON null', 'null'],
    ])('audit_logs_snapshots_are_objects rejects %s', (_, snapshot) =>
      expectRejected(
        insert('audit_logs', auditRow({ [column]: snapshot })),
        CHECK,
        'audit_logs_snapshots_are_objects',
      ),
    );

    it.each([
      ['an empty object', '{}'],
      ['a nested object', '{"email": "a@b.io", "roles": ["admin"], "profile": {"locale": "vi"}}'],
      ['no snapshot (NULL)', null],
    ])('audit_logs_snapshots_are_objects accepts %s', async (_, snapshot) => {
      await create('audit_logs', auditRow({ [column]: snapshot }));
    });
  });

  it('audit_logs_request_id_length rejects 201 characters and accepts 200 or NULL', async () => {
    await expectRejected(
      insert('audit_logs', auditRow({ request_id: 'r'.repeat(201) })),
      CHECK,
      'audit_logs_request_id_length',
    );
    await create('audit_logs', auditRow({ request_id: 'r'.repeat(200) }));
    await create('audit_logs', auditRow({ request_id: null }));
  });

  it('audit_logs_user_agent_length rejects 1001 characters and accepts 1000 or NULL', async () => {
    await expectRejected(
      insert('audit_logs', auditRow({ user_agent: 'u'.repeat(1001) })),
      CHECK,
      'audit_logs_user_agent_length',
    );
    await create('audit_logs', auditRow({ user_agent: 'u'.repeat(1000) }));
    await create('audit_logs', auditRow({ user_agent: null }));
  });

  describe('append-only', () => {
    it.each([
      ['audit_logs', 'audit_logs'],
      ['the DEFAULT partition directly', DEFAULT_PARTITION],
      ['a monthly partition directly', MONTHLY_PARTITION],
    ])('audit_logs_append_only rejects UPDATE and DELETE on %s', async (_, table) => {
      const before = await snapshotOf(targets);
      const values = [targets];
      await expectAppendOnly(
        { text: `UPDATE ${table} SET action = 'user.tampered' WHERE event_id = ANY($1)`, values },
        'UPDATE',
      );
      await expectAppendOnly({ text: `UPDATE ${table} SET after = NULL WHERE event_id = ANY($1)`, values }, 'UPDATE');
      await expectAppendOnly({ text: `DELETE FROM ${table} WHERE event_id = ANY($1)`, values }, 'DELETE');
      expect(await snapshotOf(targets)).toEqual(before);
      markTriggerChecked('audit_logs_append_only');
    });

    it('audit_logs_append_only rejects an UPDATE that would move a row to another partition', async () => {
      const [inDefault] = targets;
      await expectAppendOnly(
        { text: 'UPDATE audit_logs SET created_at = $1 WHERE event_id = $2', values: [IN_MONTHLY, inDefault] },
        'UPDATE',
      );
      expect((await snapshotOf([inDefault!]))[0]).toMatchObject({ partition: DEFAULT_PARTITION });
    });

    it('audit_logs_no_truncate rejects TRUNCATE audit_logs', async () => {
      const rows = await count('audit_logs', []);
      await inRolledBackTransaction(() => expectAppendOnly({ text: 'TRUNCATE audit_logs' }, 'TRUNCATE'));
      expect(await count('audit_logs', [])).toBe(rows);
      markTriggerChecked('audit_logs_no_truncate');
    });

    // Statement-level triggers of a partitioned table are not cloned to its partitions (only
    // row-level ones are), and TRUNCATE fires no row-level trigger: each partition carries its
    // own TRUNCATE guard (the migration's on the DEFAULT partition, createAuditPartitions' on
    // the monthly ones it creates).
    it('TRUNCATE audit_logs_default is rejected', async () => {
      await inRolledBackTransaction(() => expectAppendOnly({ text: `TRUNCATE ${DEFAULT_PARTITION}` }, 'TRUNCATE'));
      markTriggerChecked('audit_logs_default_no_truncate');
    });

    // A partition made with raw SQL (as MONTHLY_PARTITION is here) has no guard: partitions
    // must be created with createAuditPartitions (tested in test/core/audit/audit-partitions.test.ts).
    it.fails('a monthly partition created with raw SQL is not guarded against TRUNCATE', () =>
      inRolledBackTransaction(() => expectAppendOnly({ text: `TRUNCATE ${MONTHLY_PARTITION}` }, 'TRUNCATE')),
    );

    it('near miss: retention may detach and drop a whole monthly partition', () =>
      inRolledBackTransaction(async () => {
        await client.query(`ALTER TABLE audit_logs DETACH PARTITION ${MONTHLY_PARTITION}`);
        await client.query(`DROP TABLE ${MONTHLY_PARTITION}`);
        expect(await snapshotOf(targets)).toHaveLength(1);
      }));
  });
});
