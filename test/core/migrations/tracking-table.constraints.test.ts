// Integrity rules of org_data_migrations, the migration runner's tracking table (created by
// ensureTrackingTable in src/core/migrations/tracking-table.ts, not by a migration), exercised with
// raw SQL. The harness, and how coverage is checked: test/helpers/constraints.ts.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TRACKING_TABLE } from '../../../src/core/migrations/tracking-table.js';
import {
  CHECK,
  client,
  create,
  expectRejected,
  insert,
  next,
  NOT_NULL,
  type Row,
  UNIQUE,
  useConstraintHarness,
} from '../../helpers/constraints.js';
import { coverage } from './tracking-table.constraints.js';

useConstraintHarness(coverage);

const HEX64 = createHash('sha256').update('up').digest('hex');

/** A valid row: a migration name no file has, with well-formed checksums. */
const trackingRow = (overrides: Row = {}): Row => ({
  name: `29990101${String(next()).padStart(6, '0')}_not_a_file`,
  checksum: HEX64,
  down_checksum: HEX64,
  duration_ms: 12,
  ...overrides,
});

describe('org_data_migrations', () => {
  it('accepts a row with only the required columns; applied_at defaults to now()', async () => {
    const statement = insert(TRACKING_TABLE, trackingRow());
    const { rows } = await client.query({
      ...statement,
      text: statement.text.replace('RETURNING *', 'RETURNING applied_at = now() AS is_now'),
    });
    expect(rows).toEqual([{ is_now: true }]);
  });

  it.each(['name', 'checksum', 'down_checksum', 'applied_at', 'duration_ms'])('NOT NULL %s', (column) =>
    expectRejected(insert(TRACKING_TABLE, trackingRow({ [column]: null })), NOT_NULL, `${TRACKING_TABLE}.${column}`),
  );

  it('org_data_migrations_pkey rejects a second row for an applied migration', async () => {
    const { rows } = await client.query<{ name: string }>(`SELECT name FROM ${TRACKING_TABLE} ORDER BY name LIMIT 1`);
    const applied = rows[0]!.name;
    await expectRejected(insert(TRACKING_TABLE, trackingRow({ name: applied })), UNIQUE, 'org_data_migrations_pkey');
    // Near miss: names are compared exactly, so another case is another migration.
    await create(TRACKING_TABLE, trackingRow({ name: applied.toUpperCase() }));
  });

  describe.each(['checksum', 'down_checksum'])('%s', (column) => {
    const constraint = `org_data_migrations_${column}_check`;

    it.each([
      ['an empty string', ''],
      ['63 hex digits', HEX64.slice(1)],
      ['65 hex digits', `${HEX64}0`],
      ['upper-case hex', HEX64.toUpperCase()],
      ['a non-hex letter', `g${HEX64.slice(1)}`],
      ['a trailing newline', `${HEX64}\n`],
      ['base64 instead of hex', createHash('sha256').update('up').digest('base64')],
    ])(`${constraint} rejects %s`, (_, checksum) =>
      expectRejected(insert(TRACKING_TABLE, trackingRow({ [column]: checksum })), CHECK, constraint),
    );

    it.each([
      ['the sha256 of nothing', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
      ['64 zeros', '0'.repeat(64)],
      ['64 × f', 'f'.repeat(64)],
    ])(`${constraint} accepts %s`, async (_, checksum) => {
      await create(TRACKING_TABLE, trackingRow({ [column]: checksum }));
    });
  });

  it.each([
    ['-1', -1],
    ['the smallest integer', -2_147_483_648],
  ])('org_data_migrations_duration_ms_check rejects duration_ms %s', (_, duration_ms) =>
    expectRejected(
      insert(TRACKING_TABLE, trackingRow({ duration_ms })),
      CHECK,
      'org_data_migrations_duration_ms_check',
    ),
  );

  it.each([
    ['0', 0],
    ['the largest integer', 2_147_483_647],
  ])('org_data_migrations_duration_ms_check accepts duration_ms %s', async (_, duration_ms) => {
    await create(TRACKING_TABLE, trackingRow({ duration_ms }));
  });
});
