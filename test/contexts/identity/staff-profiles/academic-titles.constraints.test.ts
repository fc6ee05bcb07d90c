// Integrity rules of academic_titles (the reference list of a staff profile's academic title), from
// sql/migrations/20261121100000_create_academic_titles_and_units.up.sql, exercised with raw SQL.
// The harness, and how coverage is checked: test/helpers/constraints.ts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  academicTitleRow,
  CHECK,
  client,
  create,
  expectRejected,
  expectUpdatedAtTrigger,
  HUGE,
  inRolledBackTransaction,
  insert,
  next,
  NOT_NULL,
  OLD,
  type Row,
  UNIQUE,
  useConstraintHarness,
} from '../../../helpers/constraints.js';
import { coverage } from './academic-titles.constraints.js';

useConstraintHarness(coverage);

describe('academic_titles', () => {
  /** The seed of 20261121100000_create_academic_titles_and_units.up.sql: code, label_vi, label_en, sort_order. */
  const SEED: [string, string, string, number][] = [
    ['none', 'Không', 'None', 0],
    ['bachelor', 'Cử nhân', 'Bachelor', 10],
    ['engineer', 'Kỹ sư', 'Engineer', 15],
    ['master', 'Thạc sĩ', 'Master', 20],
    ['doctor', 'Tiến sĩ', 'Doctor', 30],
    ['associate_professor', 'Phó Giáo sư', 'Associate Professor', 40],
    ['professor', 'Giáo sư', 'Professor', 50],
    ['other', 'Khác', 'Other', 90],
  ];

  /** The seed INSERT, copied at run time from the migration so the test re-runs exactly it. */
  function seedStatement(): string {
    const migration = readFileSync(
      new URL('../../../../sql/migrations/20261121100000_create_academic_titles_and_units.up.sql', import.meta.url),
      'utf8',
    );
    const statements = migration.match(/^INSERT INTO academic_titles\b[\s\S]*?;$/gm) ?? [];
    expect(statements).toHaveLength(1);
    return statements[0]!;
  }

  /** Every row with the system columns that change when PostgreSQL writes a new row version. */
  async function snapshot(): Promise<Row[]> {
    const { rows } = await client.query<Row>(
      'SELECT ctid::text, xmin::text, * FROM academic_titles ORDER BY code COLLATE "C"',
    );
    return rows;
  }

  it('the migration seeds the eight titles, active', async () => {
    const { rows } = await client.query({
      text: `SELECT code, label_vi, label_en, sort_order, is_active FROM academic_titles
             WHERE code = ANY($1) ORDER BY sort_order`,
      values: [SEED.map(([code]) => code)],
    });
    expect(rows).toEqual(
      SEED.map(([code, label_vi, label_en, sort_order]) => ({ code, label_vi, label_en, sort_order, is_active: true })),
    );
  });

  it('re-running the seed INSERT changes nothing', async () => {
    const before = await snapshot();
    const result = await client.query(seedStatement());
    expect(result.rowCount).toBe(0);
    expect(await snapshot()).toEqual(before);
  });

  it('re-running the seed leaves an edited title as it is and restores a missing one', () =>
    inRolledBackTransaction(async () => {
      await client.query(`UPDATE academic_titles SET label_en = 'PhD', sort_order = 31 WHERE code = 'doctor'`);
      await client.query(`DELETE FROM academic_titles WHERE code = 'engineer'`);
      const result = await client.query(seedStatement());
      expect(result.rowCount).toBe(1);
      const { rows } = await client.query(
        `SELECT code, label_en, sort_order FROM academic_titles WHERE code IN ('doctor', 'engineer') ORDER BY code`,
      );
      expect(rows).toEqual([
        { code: 'doctor', label_en: 'PhD', sort_order: 31 },
        { code: 'engineer', label_en: 'Engineer', sort_order: 15 },
      ]);
    }));

  it('accepts a row with only the required columns; defaults fill the rest', async () => {
    const row = await create('academic_titles', { code: 'only_required', label_vi: 'Chỉ bắt buộc', label_en: 'Only' });
    expect(row).toMatchObject({ sort_order: 0, is_active: true });
    expect(row.created_at).toEqual(row.updated_at);
  });

  it.each(['code', 'label_vi', 'label_en', 'sort_order', 'is_active', 'created_at', 'updated_at'])(
    'NOT NULL %s',
    (column) =>
      expectRejected(
        insert('academic_titles', academicTitleRow({ [column]: null })),
        NOT_NULL,
        `academic_titles.${column}`,
      ),
  );

  it('academic_titles_pkey rejects a duplicate code', async () => {
    await expectRejected(insert('academic_titles', academicTitleRow({ code: 'doctor' })), UNIQUE, 'academic_titles_pkey');
    await create('academic_titles', academicTitleRow({ code: 'doctor_of_science' }));
  });

  it.each([
    ['an empty string', ''],
    ['an uppercase letter', 'Doctor'],
    ['a leading digit', '2nd_degree'],
    ['a leading underscore', '_doctor'],
    ['a hyphen', 'post-doc'],
    ['a dot', 'ph.d'],
    ['a space', 'post doc'],
    ['a trailing newline', 'doctor\n'],
    ['a non-ASCII letter', 'tiến_sĩ'],
    ['65 characters', 't'.repeat(65)],
    ['100 000 × a then ! (catastrophic backtracking)', HUGE],
  ])('academic_titles_code_format rejects %s', (_, code) =>
    expectRejected(insert('academic_titles', academicTitleRow({ code })), CHECK, 'academic_titles_code_format'),
  );

  it.each([
    ['one letter', 'x'],
    ['digits and underscores', 'doctor_of_science_2'],
    ['64 characters', 't'.repeat(64)],
  ])('academic_titles_code_format accepts %s', async (_, code) => {
    await create('academic_titles', academicTitleRow({ code }));
  });

  describe.each(['label_vi', 'label_en'])('%s', (column) => {
    const constraint = `academic_titles_${column}_length`;

    it.each([
      ['an empty string', ''],
      ['only spaces', '   '],
      ['only a tab and a newline', '\t\n'],
      ['201 characters', 'l'.repeat(201)],
      ['201 Vietnamese characters', '\u1ebf'.repeat(201)],
    ])(`${constraint} rejects %s`, (_, label) =>
      expectRejected(insert('academic_titles', academicTitleRow({ [column]: label })), CHECK, constraint),
    );

    it.each([
      ['one character', 'X'],
      ['200 characters', 'l'.repeat(200)],
      ['200 Vietnamese characters (more than 200 bytes)', '\u1ebf'.repeat(200)],
      ['surrounding spaces', '  Tiến sĩ khoa học  '],
    ])(`${constraint} accepts %s`, async (_, label) => {
      await create('academic_titles', academicTitleRow({ [column]: label }));
    });
  });

  it('academic_titles_set_updated_at sets updated_at on UPDATE', async () => {
    const code = `timed_${next()}`;
    await create('academic_titles', academicTitleRow({ code, created_at: OLD, updated_at: OLD }));
    await expectUpdatedAtTrigger('academic_titles', { code });
  });
});
