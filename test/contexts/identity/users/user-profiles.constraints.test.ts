// Integrity rules of user_profiles, from sql/migrations/20261121090100_create_users.up.sql,
// exercised with raw SQL. The harness, and how coverage is checked: test/helpers/constraints.ts.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CHECK,
  client,
  count,
  create,
  createOrganization,
  createUser,
  expectRejected,
  expectUpdatedAtTrigger,
  FOREIGN_KEY,
  HUGE,
  insert,
  NOT_NULL,
  OLD,
  type Row,
  UNIQUE,
  useConstraintHarness,
  type UserKey,
} from '../../../helpers/constraints.js';
import { coverage } from './user-profiles.constraints.js';

useConstraintHarness(coverage);

const profileRow = (user: UserKey, overrides: Row = {}): Row => ({
  user_id: user.id,
  organization_id: user.organization_id,
  full_name: 'Ada Lovelace',
  ...overrides,
});

describe('user_profiles', () => {
  let user: UserKey;
  beforeAll(async () => {
    user = await createUser();
  });

  it('accepts a row with only the required columns; defaults fill the rest', async () => {
    const row = await create('user_profiles', profileRow(await createUser()));
    expect(row).toMatchObject({ locale: 'en', time_zone: 'UTC', birthdate: null });
  });

  it.each(['user_id', 'organization_id', 'full_name', 'locale', 'time_zone', 'created_at', 'updated_at'])(
    'NOT NULL %s',
    (column) =>
      expectRejected(
        insert('user_profiles', profileRow(user, { [column]: null })),
        NOT_NULL,
        `user_profiles.${column}`,
      ),
  );

  it('user_profiles_pkey allows one profile per user', async () => {
    const owner = await createUser();
    await create('user_profiles', profileRow(owner));
    await expectRejected(
      insert('user_profiles', profileRow(owner, { full_name: 'Someone Else' })),
      UNIQUE,
      'user_profiles_pkey',
    );
  });

  it('user_profiles_user_id_fkey rejects an unknown user', async () => {
    await expectRejected(
      insert('user_profiles', profileRow({ ...user, id: randomUUID() })),
      FOREIGN_KEY,
      'user_profiles_user_id_fkey',
    );
  });

  it("user_profiles_user_id_fkey rejects an organization_id other than the user's", async () => {
    const owner = await createUser();
    const otherOrganization = await createOrganization();
    await expectRejected(
      insert('user_profiles', profileRow({ ...owner, organization_id: otherOrganization })),
      FOREIGN_KEY,
      'user_profiles_user_id_fkey',
    );
    await create('user_profiles', profileRow(owner));
  });

  it('user_profiles_user_id_fkey keeps a user with a profile from moving to another organization', async () => {
    const owner = await createUser();
    await create('user_profiles', profileRow(owner));
    const move = {
      text: 'UPDATE users SET organization_id = $1 WHERE id = $2',
      values: [await createOrganization(), owner.id],
    };
    await expectRejected(move, FOREIGN_KEY, 'user_profiles_user_id_fkey');
    // Near miss: a user without children can move.
    const loner = await createUser();
    await client.query({ ...move, values: [await createOrganization(), loner.id] });
  });

  it('user_profiles_user_id_fkey cascades: deleting the user deletes the profile', async () => {
    const owner = await createUser();
    const bystander = await createUser(owner.organization_id);
    await create('user_profiles', profileRow(owner));
    await create('user_profiles', profileRow(bystander));
    await client.query({ text: 'DELETE FROM users WHERE id = $1', values: [owner.id] });
    expect(await count('user_profiles WHERE user_id = $1', [owner.id])).toBe(0);
    expect(await count('user_profiles WHERE user_id = $1', [bystander.id])).toBe(1);
  });

  it.each([
    ['an empty string', ''],
    ['only spaces', '   '],
    ['only a tab and a newline', '\t\n'],
    ['201 characters', 'f'.repeat(201)],
  ])('user_profiles_full_name_length rejects %s', (_, full_name) =>
    expectRejected(insert('user_profiles', profileRow(user, { full_name })), CHECK, 'user_profiles_full_name_length'),
  );

  it.each([
    ['one character', 'X'],
    ['200 characters', 'f'.repeat(200)],
    ['surrounding spaces', '  Ada Lovelace  '],
  ])('user_profiles_full_name_length accepts %s', async (_, full_name) => {
    await create('user_profiles', profileRow(await createUser(), { full_name }));
  });

  it('user_profiles_birthdate_range rejects a date before 1900-01-01', () =>
    expectRejected(
      insert('user_profiles', profileRow(user, { birthdate: '1899-12-31' })),
      CHECK,
      'user_profiles_birthdate_range',
    ));

  it.each([
    ['1900-01-01', '1900-01-01'],
    ['a leap day', '2000-02-29'],
    ['no birthdate (NULL)', null],
  ])('user_profiles_birthdate_range accepts %s', async (_, birthdate) => {
    await create('user_profiles', profileRow(await createUser(), { birthdate }));
  });

  it.each([
    ['an empty string', ''],
    ['a one-letter language', 'e'],
    ['a four-letter language', 'engl'],
    ['a digit in the language', 'e1'],
    ['an underscore', 'en_US'],
    ['a trailing hyphen', 'en-'],
    ['a one-character subtag', 'en-a'],
    ['a nine-character subtag', 'en-abcdefghi'],
    ['36 characters', `en${'-abcdefgh'.repeat(3)}-abcdef`],
    ['100 000 × a then ! (catastrophic backtracking)', HUGE],
  ])('user_profiles_locale_format rejects %s', (_, locale) =>
    expectRejected(insert('user_profiles', profileRow(user, { locale })), CHECK, 'user_profiles_locale_format'),
  );

  it.each([
    ['a two-letter language', 'fr'],
    ['a three-letter language', 'fil'],
    ['a region', 'en-US'],
    ['a script and a region', 'zh-Hant-TW'],
    ['a numeric region', 'es-419'],
    ['35 characters', `en${'-abcdefgh'.repeat(3)}-abcde`],
  ])('user_profiles_locale_format accepts %s', async (_, locale) => {
    await create('user_profiles', profileRow(await createUser(), { locale }));
  });

  it.each([
    ['an empty string', ''],
    ['a space', 'Europe/ Paris'],
    ['a leading slash', '/UTC'],
    ['a trailing slash', 'UTC/'],
    ['a double slash', 'Europe//Paris'],
    ['a dot', 'Etc/GMT.5'],
    ['65 characters', `America/${'z'.repeat(57)}`],
    ['100 000 × a then ! (catastrophic backtracking)', HUGE],
  ])('user_profiles_time_zone_format rejects %s', (_, time_zone) =>
    expectRejected(insert('user_profiles', profileRow(user, { time_zone })), CHECK, 'user_profiles_time_zone_format'),
  );

  it.each([
    ['UTC', 'UTC'],
    ['Europe/Paris', 'Europe/Paris'],
    ['three segments with an underscore', 'America/Argentina/Buenos_Aires'],
    ['a plus offset', 'Etc/GMT+5'],
    ['a minus offset', 'Etc/GMT-14'],
    ['64 characters', `America/${'z'.repeat(56)}`],
  ])('user_profiles_time_zone_format accepts %s', async (_, time_zone) => {
    await create('user_profiles', profileRow(await createUser(), { time_zone }));
  });

  it('user_profiles_set_updated_at sets updated_at on UPDATE', async () => {
    const owner = await createUser();
    await create('user_profiles', profileRow(owner, { created_at: OLD, updated_at: OLD }));
    await expectUpdatedAtTrigger('user_profiles', { user_id: owner.id });
  });
});
