// Contract test of the integrity rules in sql/migrations/*.up.sql, run against PostgreSQL with
// raw SQL (no repositories). For every CHECK, UNIQUE (constraints, primary keys, partial and
// expression unique indexes), FOREIGN KEY and NOT NULL it runs a statement the database must
// reject, asserting the exact SQLSTATE and constraint, and a "near miss" it must accept, so a
// constraint that is too loose or too strict fails the test. The last describe reads the
// catalog and fails when the schema gains a constraint, NOT NULL column or trigger that no test
// here exercised.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRACKING_TABLE } from '../../src/migrations/tracking-table.js';
import { useTestDatabase } from '../helpers/database.js';

const NOT_NULL = '23502';
const FOREIGN_KEY = '23503';
/** ON DELETE RESTRICT reports 23001 restrict_violation from PostgreSQL 18 on, 23503 before. */
const RESTRICT = '23001';
const UNIQUE = '23505';
const CHECK = '23514';

/** An old timestamp that the set_updated_at trigger must replace. */
const OLD = '2000-01-01T00:00:00.000Z';
/** Input for the catastrophic-backtracking checks: 100 000 × 'a', then '!'. */
const HUGE = `${'a'.repeat(100_000)}!`;

const testDb = useTestDatabase();
let client: pg.Client;

beforeAll(async () => {
  client = new pg.Client({ connectionString: testDb.current.connectionString });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
});

/** Names seen in rejections: constraint names, and `table.column` for NOT NULL. */
const violated = new Set<string>();
/** Triggers whose effect was checked. */
const triggersChecked = new Set<string>();

/**
 * Runs `statement` and asserts the database rejects it with SQLSTATE `code` and constraint
 * `constraint`. PostgreSQL reports no constraint name for NOT NULL (not even 18, where they are
 * catalogued), so for 23502 pass `table.column` and the error's table and column are checked.
 */
async function expectRejected(statement: pg.QueryConfig, code: string, constraint: string): Promise<void> {
  const [table, column] = constraint.split('.');
  const expected = code === NOT_NULL ? { code, table, column } : { code, constraint };
  await expect(client.query(statement)).rejects.toMatchObject(expected);
  violated.add(constraint);
}

type Row = Record<string, unknown>;
interface UserKey {
  id: string;
  organization_id: string;
}

function insert(table: string, row: Row): pg.QueryConfig {
  const columns = Object.keys(row);
  return {
    text: `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING *`,
    values: Object.values(row),
  };
}

async function create(table: string, row: Row): Promise<Row> {
  const { rows } = await client.query<Row>(insert(table, row));
  return rows[0]!;
}

// Valid rows with unique values; `overrides` turns them into the row under test.
let sequence = 0;
const next = (): number => ++sequence;

const organizationRow = (overrides: Row = {}): Row => ({ slug: `org-${next()}`, name: 'Acme Corp', ...overrides });
const userRow = (organizationId: string, overrides: Row = {}): Row => {
  const n = next();
  return { organization_id: organizationId, auth_subject: `idp|${n}`, email: `user${n}@example.com`, ...overrides };
};
const profileRow = (user: UserKey, overrides: Row = {}): Row => ({
  user_id: user.id,
  organization_id: user.organization_id,
  full_name: 'Ada Lovelace',
  ...overrides,
});
const roleRow = (overrides: Row = {}): Row => ({ name: `role_${next()}`, ...overrides });
const permissionRow = (overrides: Row = {}): Row => ({ name: `resource_${next()}:read`, ...overrides });
const userRoleRow = (user: UserKey, roleId: string, overrides: Row = {}): Row => ({
  user_id: user.id,
  organization_id: user.organization_id,
  role_id: roleId,
  ...overrides,
});

const createOrganization = async (overrides: Row = {}): Promise<string> =>
  (await create('organizations', organizationRow(overrides))).id as string;
const createUser = async (organizationId?: string, overrides: Row = {}): Promise<UserKey> => {
  const row = await create('users', userRow(organizationId ?? (await createOrganization()), overrides));
  return { id: row.id as string, organization_id: row.organization_id as string };
};
const createRole = async (overrides: Row = {}): Promise<string> =>
  (await create('roles', roleRow(overrides))).id as string;
const createPermission = async (overrides: Row = {}): Promise<string> =>
  (await create('permissions', permissionRow(overrides))).id as string;

async function count(text: string, values: unknown[]): Promise<number> {
  const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${text}`, values);
  return rows[0]!.n;
}

/**
 * Checks `<table>_set_updated_at` on the row with `key`, which was inserted with
 * created_at = updated_at = OLD: inside one transaction, an UPDATE of another column sets
 * updated_at to the transaction's now(), and an explicit backdating is overwritten.
 */
async function expectUpdatedAtTrigger(table: string, key: Row): Promise<void> {
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
  triggersChecked.add(`${table}_set_updated_at`);
}

describe('organizations', () => {
  it('accepts a row with only the required columns; defaults fill the rest', async () => {
    const row = await create('organizations', { slug: 'only-required', name: 'Acme' });
    expect(row).toMatchObject({ settings: {}, deleted_at: null });
    expect(row.id).toEqual(expect.any(String));
    expect(row.created_at).toEqual(row.updated_at);
  });

  it.each(['id', 'slug', 'name', 'settings', 'created_at', 'updated_at'])('NOT NULL %s', (column) =>
    expectRejected(insert('organizations', organizationRow({ [column]: null })), NOT_NULL, `organizations.${column}`),
  );

  it('organizations_pkey rejects a duplicate id', async () => {
    const id = await createOrganization();
    await expectRejected(insert('organizations', organizationRow({ id })), UNIQUE, 'organizations_pkey');
    await createOrganization({ id: randomUUID() });
  });

  it.each([
    ['an empty string', ''],
    ['an uppercase letter', 'Acme'],
    ['a leading hyphen', '-acme'],
    ['a trailing hyphen', 'acme-'],
    ['a double hyphen', 'acme--corp'],
    ['an underscore', 'acme_corp'],
    ['a space', 'acme corp'],
    ['a trailing newline', 'acme\n'],
    ['a non-ASCII letter', 'café'],
    ['64 characters', 'a'.repeat(64)],
    ['62 × a then ! (63 characters)', `${'a'.repeat(62)}!`],
    ['100 000 × a then ! (catastrophic backtracking)', HUGE],
  ])('organizations_slug_format rejects %s', (_, slug) =>
    expectRejected(insert('organizations', organizationRow({ slug })), CHECK, 'organizations_slug_format'),
  );

  it.each([
    ['one letter', 'a'],
    ['one digit', '7'],
    ['hyphenated words and digits', 'acme-corp-2'],
    ['a leading digit', '3m-company'],
    ['63 characters', 'b'.repeat(63)],
  ])('organizations_slug_format accepts %s', async (_, slug) => {
    await create('organizations', organizationRow({ slug }));
  });

  it('organizations_slug_format also guards UPDATE', async () => {
    const id = await createOrganization();
    await expectRejected(
      { text: 'UPDATE organizations SET slug = $1 WHERE id = $2', values: ['Acme', id] },
      CHECK,
      'organizations_slug_format',
    );
    await client.query({ text: 'UPDATE organizations SET slug = $1 WHERE id = $2', values: [`renamed-${next()}`, id] });
  });

  it.each([
    ['an empty string', ''],
    ['only spaces', '   '],
    ['only a tab and a newline', '\t\n'],
    ['201 characters', 'n'.repeat(201)],
  ])('organizations_name_length rejects %s', (_, name) =>
    expectRejected(insert('organizations', organizationRow({ name })), CHECK, 'organizations_name_length'),
  );

  it.each([
    ['one character', 'X'],
    ['200 characters', 'n'.repeat(200)],
    ['surrounding spaces', '  Acme  '],
  ])('organizations_name_length accepts %s', async (_, name) => {
    await create('organizations', organizationRow({ name }));
  });

  it.each([
    ['an array', '[]'],
    ['a string', '"x"'],
    ['a number', '1'],
    ['a JSON null', 'null'],
  ])('organizations_settings_is_object rejects %s', (_, settings) =>
    expectRejected(insert('organizations', organizationRow({ settings })), CHECK, 'organizations_settings_is_object'),
  );

  it.each([
    ['an empty object', '{}'],
    ['a nested object', '{"features": ["sso"], "limits": {"users": 10}}'],
  ])('organizations_settings_is_object accepts %s', async (_, settings) => {
    await create('organizations', organizationRow({ settings }));
  });

  it('organizations_slug_key: one live organization per slug; soft-deleted ones free it', async () => {
    const slug = `soft-${next()}`;
    const first = await createOrganization({ slug });
    await expectRejected(insert('organizations', organizationRow({ slug })), UNIQUE, 'organizations_slug_key');
    await create('organizations', organizationRow({ slug: `${slug}-2` }));

    await client.query({ text: 'UPDATE organizations SET deleted_at = now() WHERE id = $1', values: [first] });
    const second = await createOrganization({ slug });
    await expectRejected(insert('organizations', organizationRow({ slug })), UNIQUE, 'organizations_slug_key');

    // Restoring the first while the second is live is a duplicate too (UPDATE path).
    await expectRejected(
      { text: 'UPDATE organizations SET deleted_at = NULL WHERE id = $1', values: [first] },
      UNIQUE,
      'organizations_slug_key',
    );
    // Several soft-deleted rows may share the slug.
    await client.query({ text: 'UPDATE organizations SET deleted_at = now() WHERE id = $1', values: [second] });
    await createOrganization({ slug, deleted_at: OLD });
    await createOrganization({ slug });
  });

  it('organizations_set_updated_at sets updated_at on UPDATE', async () => {
    const id = await createOrganization({ created_at: OLD, updated_at: OLD });
    await expectUpdatedAtTrigger('organizations', { id });
  });
});

describe('users', () => {
  let organizationId: string;
  beforeAll(async () => {
    organizationId = await createOrganization();
  });

  it('accepts a row with only the required columns; defaults fill the rest', async () => {
    const row = await create('users', {
      organization_id: organizationId,
      auth_subject: 'idp|only-required',
      email: 'only@required.io',
    });
    expect(row).toMatchObject({ is_active: true, deleted_at: null });
    expect(row.id).toEqual(expect.any(String));
  });

  it.each(['id', 'organization_id', 'auth_subject', 'email', 'is_active', 'created_at', 'updated_at'])(
    'NOT NULL %s',
    (column) =>
      expectRejected(insert('users', userRow(organizationId, { [column]: null })), NOT_NULL, `users.${column}`),
  );

  it('users_pkey rejects a duplicate id', async () => {
    const user = await createUser(organizationId);
    await expectRejected(insert('users', userRow(organizationId, { id: user.id })), UNIQUE, 'users_pkey');
    await createUser(organizationId, { id: randomUUID() });
  });

  it('users_organization_id_id_key is UNIQUE (organization_id, id), the key of the composite foreign keys', async () => {
    // It cannot be violated on its own: a duplicate (organization_id, id) is a duplicate id, and
    // users_pkey (the older index) reports it first. Its behaviour as the referenced key is
    // covered by user_profiles_user_id_fkey and user_roles_user_id_fkey below.
    const user = await createUser(organizationId);
    await expectRejected(insert('users', userRow(organizationId, { id: user.id })), UNIQUE, 'users_pkey');
    const { rows } = await client.query(`
      SELECT pg_get_constraintdef(k.oid) AS definition,
             array(SELECT f.conname::text FROM pg_constraint f
                   WHERE f.contype = 'f' AND f.conindid = k.conindid ORDER BY 1) AS referenced_by
      FROM pg_constraint k WHERE k.conname = 'users_organization_id_id_key'`);
    expect(rows).toEqual([
      {
        definition: 'UNIQUE (organization_id, id)',
        referenced_by: ['user_profiles_user_id_fkey', 'user_roles_user_id_fkey'],
      },
    ]);
    violated.add('users_organization_id_id_key');
  });

  it('users_organization_id_fkey rejects an unknown organization, and deleting an organization that has users', async () => {
    await expectRejected(insert('users', userRow(randomUUID())), FOREIGN_KEY, 'users_organization_id_fkey');
    const withUser = await createOrganization();
    await createUser(withUser);
    await expectRejected(
      { text: 'DELETE FROM organizations WHERE id = $1', values: [withUser] },
      FOREIGN_KEY,
      'users_organization_id_fkey',
    );
    // Near miss: an organization without users can be deleted.
    const empty = await createOrganization();
    await client.query({ text: 'DELETE FROM organizations WHERE id = $1', values: [empty] });
  });

  it('users_auth_subject_key: an identity-provider subject is unique across organizations, case-sensitively', async () => {
    const subject = `idp|Subject-${next()}`;
    await createUser(organizationId, { auth_subject: subject });
    await expectRejected(
      insert('users', userRow(await createOrganization(), { auth_subject: subject })),
      UNIQUE,
      'users_auth_subject_key',
    );
    await createUser(organizationId, { auth_subject: subject.toLowerCase() });
  });

  it.each([
    ['an empty string', ''],
    ['256 characters', 's'.repeat(256)],
  ])('users_auth_subject_length rejects %s', (_, auth_subject) =>
    expectRejected(insert('users', userRow(organizationId, { auth_subject })), CHECK, 'users_auth_subject_length'),
  );

  it.each([
    ['one character', 'x'],
    ['255 characters', 's'.repeat(255)],
  ])('users_auth_subject_length accepts %s', async (_, auth_subject) => {
    await createUser(organizationId, { auth_subject });
  });

  it.each([
    ['an empty string', ''],
    ['no @', 'ada.example.com'],
    ['two @', 'ada@@example.com'],
    ['an @ in the domain', 'ada@exam@ple.com'],
    ['an empty local part', '@example.com'],
    ['a dotless domain', 'ada@localhost'],
    ['an empty domain label', 'ada@example..com'],
    ['a leading dot in the domain', 'ada@.example.com'],
    ['a trailing dot', 'ada@example.com.'],
    ['a space', 'ada lovelace@example.com'],
    ['a tab', 'ada@exam\tple.com'],
    ['a trailing newline', 'ada@example.com\n'],
    ['255 characters', `${'a'.repeat(243)}@example.com`],
    ['253 × a then ! (254 characters)', `${'a'.repeat(253)}!`],
    ['100 000 × a then ! (catastrophic backtracking)', HUGE],
  ])('users_email_format rejects %s', (_, email) =>
    expectRejected(insert('users', userRow(organizationId, { email })), CHECK, 'users_email_format'),
  );

  it.each([
    ['a minimal address', 'a@b.io'],
    ['dots, a plus tag and subdomains', 'first.last+tag@mail.example.co.uk'],
    ['a hyphenated domain', 'ada@my-company.example'],
    ['uppercase letters', 'Grace.Hopper@NAVY.MIL'],
    ['254 characters', `${'a'.repeat(242)}@example.com`],
  ])('users_email_format accepts %s', async (_, email) => {
    await createUser(organizationId, { email });
  });

  it('users_email_format also guards UPDATE', async () => {
    const user = await createUser(organizationId);
    await expectRejected(
      { text: 'UPDATE users SET email = $1 WHERE id = $2', values: ['not-an-email', user.id] },
      CHECK,
      'users_email_format',
    );
    await client.query({
      text: 'UPDATE users SET email = $1 WHERE id = $2',
      values: [`changed${next()}@example.com`, user.id],
    });
  });

  it('users_organization_email_key: one live user per email and organization, case-insensitively; soft-deleted ones free it', async () => {
    const org = await createOrganization();
    const first = await createUser(org, { email: 'Ada@Example.com' });
    await expectRejected(
      insert('users', userRow(org, { email: 'ada@example.COM' })),
      UNIQUE,
      'users_organization_email_key',
    );
    // Near misses: another address in the same organization, the same address in another one.
    await createUser(org, { email: 'ada+work@example.com' });
    await createUser(await createOrganization(), { email: 'ada@example.com' });

    // UPDATE path: renaming another user onto the address.
    const other = await createUser(org, { email: 'grace@example.com' });
    await expectRejected(
      { text: 'UPDATE users SET email = $1 WHERE id = $2', values: ['ADA@example.com', other.id] },
      UNIQUE,
      'users_organization_email_key',
    );

    await client.query({ text: 'UPDATE users SET deleted_at = now() WHERE id = $1', values: [first.id] });
    const second = await createUser(org, { email: 'ADA@EXAMPLE.COM' });
    await expectRejected(
      insert('users', userRow(org, { email: 'ada@example.com' })),
      UNIQUE,
      'users_organization_email_key',
    );
    await expectRejected(
      { text: 'UPDATE users SET deleted_at = NULL WHERE id = $1', values: [first.id] },
      UNIQUE,
      'users_organization_email_key',
    );
    await client.query({ text: 'UPDATE users SET deleted_at = now() WHERE id = $1', values: [second.id] });
    await createUser(org, { email: 'ada@example.com' });
  });

  it('users_set_updated_at sets updated_at on UPDATE', async () => {
    const user = await createUser(organizationId, { created_at: OLD, updated_at: OLD });
    await expectUpdatedAtTrigger('users', { id: user.id });
  });
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

describe('roles', () => {
  it('accepts a row with only the required columns; defaults fill the rest', async () => {
    const row = await create('roles', { name: 'only_required' });
    expect(row).toMatchObject({ description: null });
    expect(row.id).toEqual(expect.any(String));
  });

  it.each(['id', 'name', 'created_at', 'updated_at'])('NOT NULL %s', (column) =>
    expectRejected(insert('roles', roleRow({ [column]: null })), NOT_NULL, `roles.${column}`),
  );

  it('roles_pkey rejects a duplicate id', async () => {
    const id = await createRole();
    await expectRejected(insert('roles', roleRow({ id })), UNIQUE, 'roles_pkey');
    await createRole({ id: randomUUID() });
  });

  it('roles_name_key rejects a duplicate name', async () => {
    const name = `auditor_${next()}`;
    await createRole({ name });
    await expectRejected(insert('roles', roleRow({ name })), UNIQUE, 'roles_name_key');
    await createRole({ name: `${name}s` });
  });

  it.each([
    ['an empty string', ''],
    ['an uppercase letter', 'Admin'],
    ['a leading digit', '1admin'],
    ['a leading underscore', '_admin'],
    ['a leading hyphen', '-admin'],
    ['a space', 'org admin'],
    ['a colon', 'org:admin'],
    ['a trailing newline', 'admin\n'],
    ['65 characters', 'r'.repeat(65)],
    ['100 000 × a then ! (catastrophic backtracking)', HUGE],
  ])('roles_name_format rejects %s', (_, name) =>
    expectRejected(insert('roles', roleRow({ name })), CHECK, 'roles_name_format'),
  );

  it.each([
    ['one letter', 'r'],
    ['digits, hyphens and underscores', 'org-admin_2'],
    ['64 characters', 'r'.repeat(64)],
  ])('roles_name_format accepts %s', async (_, name) => {
    await createRole({ name });
  });

  it('roles_description_length rejects 1001 characters', () =>
    expectRejected(insert('roles', roleRow({ description: 'd'.repeat(1001) })), CHECK, 'roles_description_length'));

  it.each([
    ['1000 characters', 'd'.repeat(1000)],
    ['no description (NULL)', null],
  ])('roles_description_length accepts %s', async (_, description) => {
    await createRole({ description });
  });

  it('roles_set_updated_at sets updated_at on UPDATE', async () => {
    const id = await createRole({ created_at: OLD, updated_at: OLD });
    await expectUpdatedAtTrigger('roles', { id });
  });
});

describe('permissions', () => {
  it('accepts a row with only the required columns; defaults fill the rest', async () => {
    const row = await create('permissions', { name: 'only:required' });
    expect(row).toMatchObject({ description: null });
    expect(row.id).toEqual(expect.any(String));
  });

  it.each(['id', 'name', 'created_at', 'updated_at'])('NOT NULL %s', (column) =>
    expectRejected(insert('permissions', permissionRow({ [column]: null })), NOT_NULL, `permissions.${column}`),
  );

  it('permissions_pkey rejects a duplicate id', async () => {
    const id = await createPermission();
    await expectRejected(insert('permissions', permissionRow({ id })), UNIQUE, 'permissions_pkey');
    await createPermission({ id: randomUUID() });
  });

  it('permissions_name_key rejects a duplicate name', async () => {
    const name = `reports_${next()}:export`;
    await createPermission({ name });
    await expectRejected(insert('permissions', permissionRow({ name })), UNIQUE, 'permissions_name_key');
    await createPermission({ name: `${name}s` });
  });

  it.each([
    ['an empty string', ''],
    ['no colon', 'users'],
    ['an empty action', 'users:'],
    ['an empty resource', ':read'],
    ['an uppercase letter', 'Users:read'],
    ['two colons', 'users:read:all'],
    ['a double colon', 'users::read'],
    ['an action starting with a digit', 'users:1read'],
    ['a space', 'users: read'],
    ['a trailing newline', 'users:read\n'],
    ['129 characters', `${'p'.repeat(64)}:${'r'.repeat(64)}`],
    ['100 000 × a then ! (catastrophic backtracking)', HUGE],
    ['100 000 × a, a colon, then ! (catastrophic backtracking)', `${'a'.repeat(100_000)}:!`],
  ])('permissions_name_format rejects %s', (_, name) =>
    expectRejected(insert('permissions', permissionRow({ name })), CHECK, 'permissions_name_format'),
  );

  it.each([
    ['the shortest name', 'p:r'],
    ['digits, hyphens and underscores', 'user-profiles:read_all2'],
    ['128 characters', `${'p'.repeat(63)}:${'r'.repeat(64)}`],
  ])('permissions_name_format accepts %s', async (_, name) => {
    await createPermission({ name });
  });

  it('permissions_description_length rejects 1001 characters', () =>
    expectRejected(
      insert('permissions', permissionRow({ description: 'd'.repeat(1001) })),
      CHECK,
      'permissions_description_length',
    ));

  it.each([
    ['1000 characters', 'd'.repeat(1000)],
    ['no description (NULL)', null],
  ])('permissions_description_length accepts %s', async (_, description) => {
    await createPermission({ description });
  });

  it('permissions_set_updated_at sets updated_at on UPDATE', async () => {
    const id = await createPermission({ created_at: OLD, updated_at: OLD });
    await expectUpdatedAtTrigger('permissions', { id });
  });
});

describe('role_permissions', () => {
  let roleId: string;
  let permissionId: string;
  beforeAll(async () => {
    roleId = await createRole();
    permissionId = await createPermission();
  });

  it.each(['role_id', 'permission_id', 'created_at', 'updated_at'])('NOT NULL %s', (column) =>
    expectRejected(
      insert('role_permissions', { role_id: roleId, permission_id: permissionId, [column]: null }),
      NOT_NULL,
      `role_permissions.${column}`,
    ),
  );

  it('role_permissions_pkey rejects granting the same permission to a role twice', async () => {
    const role = await createRole();
    await create('role_permissions', { role_id: role, permission_id: permissionId });
    await expectRejected(
      insert('role_permissions', { role_id: role, permission_id: permissionId }),
      UNIQUE,
      'role_permissions_pkey',
    );
    // Near misses: the same role with another permission, the same permission on another role.
    await create('role_permissions', { role_id: role, permission_id: await createPermission() });
    await create('role_permissions', { role_id: await createRole(), permission_id: permissionId });
  });

  it('role_permissions_role_id_fkey rejects an unknown role', () =>
    expectRejected(
      insert('role_permissions', { role_id: randomUUID(), permission_id: permissionId }),
      FOREIGN_KEY,
      'role_permissions_role_id_fkey',
    ));

  it('role_permissions_permission_id_fkey rejects an unknown permission', () =>
    expectRejected(
      insert('role_permissions', { role_id: roleId, permission_id: randomUUID() }),
      FOREIGN_KEY,
      'role_permissions_permission_id_fkey',
    ));

  it('role_permissions_role_id_fkey cascades: deleting a role deletes its grants, not the permissions', async () => {
    const role = await createRole();
    const [read, write] = [await createPermission(), await createPermission()];
    await create('role_permissions', { role_id: role, permission_id: read });
    await create('role_permissions', { role_id: role, permission_id: write });
    await create('role_permissions', { role_id: roleId, permission_id: read });
    await client.query({ text: 'DELETE FROM roles WHERE id = $1', values: [role] });
    expect(await count('role_permissions WHERE role_id = $1', [role])).toBe(0);
    expect(await count('role_permissions WHERE role_id = $1 AND permission_id = $2', [roleId, read])).toBe(1);
    expect(await count('permissions WHERE id = ANY($1::uuid[])', [[read, write]])).toBe(2);
  });

  it('role_permissions_permission_id_fkey cascades: deleting a permission deletes its grants, not the roles', async () => {
    const permission = await createPermission();
    const role = await createRole();
    await create('role_permissions', { role_id: role, permission_id: permission });
    await create('role_permissions', { role_id: role, permission_id: permissionId });
    await client.query({ text: 'DELETE FROM permissions WHERE id = $1', values: [permission] });
    expect(await count('role_permissions WHERE permission_id = $1', [permission])).toBe(0);
    expect(await count('role_permissions WHERE role_id = $1', [role])).toBe(1);
  });

  it('role_permissions_set_updated_at sets updated_at on UPDATE', async () => {
    const role = await createRole();
    await create('role_permissions', { role_id: role, permission_id: permissionId, created_at: OLD, updated_at: OLD });
    await expectUpdatedAtTrigger('role_permissions', { role_id: role, permission_id: permissionId });
  });
});

describe('user_roles', () => {
  let user: UserKey;
  let roleId: string;
  beforeAll(async () => {
    user = await createUser();
    roleId = await createRole();
  });

  it('accepts a row with only the required columns; defaults fill the rest', async () => {
    const row = await create('user_roles', userRoleRow(await createUser(), roleId));
    expect(row).toMatchObject({ granted_by: null });
    expect(row.granted_at).toEqual(row.created_at);
  });

  it.each(['user_id', 'role_id', 'organization_id', 'granted_at', 'created_at', 'updated_at'])(
    'NOT NULL %s',
    (column) =>
      expectRejected(
        insert('user_roles', userRoleRow(user, roleId, { [column]: null })),
        NOT_NULL,
        `user_roles.${column}`,
      ),
  );

  it('user_roles_pkey rejects assigning the same role to a user twice', async () => {
    const member = await createUser();
    await create('user_roles', userRoleRow(member, roleId));
    await expectRejected(insert('user_roles', userRoleRow(member, roleId)), UNIQUE, 'user_roles_pkey');
    // Near misses: another role for the same user, the same role for another user.
    await create('user_roles', userRoleRow(member, await createRole()));
    await create('user_roles', userRoleRow(await createUser(member.organization_id), roleId));
  });

  it('user_roles_user_id_fkey rejects an unknown user', () =>
    expectRejected(
      insert('user_roles', userRoleRow({ ...user, id: randomUUID() }, roleId)),
      FOREIGN_KEY,
      'user_roles_user_id_fkey',
    ));

  it("user_roles_user_id_fkey rejects an organization_id other than the user's", async () => {
    const member = await createUser();
    await expectRejected(
      insert('user_roles', userRoleRow({ ...member, organization_id: await createOrganization() }, roleId)),
      FOREIGN_KEY,
      'user_roles_user_id_fkey',
    );
    await create('user_roles', userRoleRow(member, roleId));
  });

  it('user_roles_user_id_fkey keeps a user with roles from moving to another organization', async () => {
    const member = await createUser();
    await create('user_roles', userRoleRow(member, roleId));
    await expectRejected(
      { text: 'UPDATE users SET organization_id = $1 WHERE id = $2', values: [await createOrganization(), member.id] },
      FOREIGN_KEY,
      'user_roles_user_id_fkey',
    );
  });

  it('user_roles_user_id_fkey cascades: deleting a user deletes their role assignments', async () => {
    const member = await createUser();
    const bystander = await createUser(member.organization_id);
    await create('user_roles', userRoleRow(member, roleId));
    await create('user_roles', userRoleRow(member, await createRole()));
    await create('user_roles', userRoleRow(bystander, roleId));
    await client.query({ text: 'DELETE FROM users WHERE id = $1', values: [member.id] });
    expect(await count('user_roles WHERE user_id = $1', [member.id])).toBe(0);
    expect(await count('user_roles WHERE user_id = $1', [bystander.id])).toBe(1);
  });

  it('user_roles_role_id_fkey rejects an unknown role', () =>
    expectRejected(insert('user_roles', userRoleRow(user, randomUUID())), FOREIGN_KEY, 'user_roles_role_id_fkey'));

  it('user_roles_role_id_fkey restricts: an assigned role cannot be deleted until it is unassigned', async () => {
    const role = await createRole();
    const member = await createUser();
    await create('user_roles', userRoleRow(member, role));
    const { rows } = await client.query<{ version: number }>(
      `SELECT current_setting('server_version_num')::int AS version`,
    );
    const code = rows[0]!.version >= 180000 ? RESTRICT : FOREIGN_KEY;
    await expectRejected({ text: 'DELETE FROM roles WHERE id = $1', values: [role] }, code, 'user_roles_role_id_fkey');
    expect(await count('user_roles WHERE role_id = $1', [role])).toBe(1);
    await client.query({ text: 'DELETE FROM user_roles WHERE role_id = $1', values: [role] });
    await client.query({ text: 'DELETE FROM roles WHERE id = $1', values: [role] });
    expect(await count('roles WHERE id = $1', [role])).toBe(0);
  });

  it('user_roles_granted_by_fkey rejects an unknown granter and accepts a known one or NULL', async () => {
    await expectRejected(
      insert('user_roles', userRoleRow(user, roleId, { granted_by: randomUUID() })),
      FOREIGN_KEY,
      'user_roles_granted_by_fkey',
    );
    const admin = await createUser(user.organization_id);
    await create('user_roles', userRoleRow(await createUser(user.organization_id), roleId, { granted_by: admin.id }));
    await create('user_roles', userRoleRow(await createUser(user.organization_id), roleId, { granted_by: null }));
  });

  it('user_roles_granted_by_fkey sets granted_by to NULL when the granter is deleted, keeping the assignment', async () => {
    const admin = await createUser();
    const member = await createUser(admin.organization_id);
    await create('user_roles', userRoleRow(member, roleId, { granted_by: admin.id }));
    await client.query({ text: 'DELETE FROM users WHERE id = $1', values: [admin.id] });
    const { rows } = await client.query({
      text: 'SELECT granted_by FROM user_roles WHERE user_id = $1',
      values: [member.id],
    });
    expect(rows).toEqual([{ granted_by: null }]);
  });

  it('user_roles_set_updated_at sets updated_at on UPDATE', async () => {
    const member = await createUser();
    await create('user_roles', userRoleRow(member, roleId, { created_at: OLD, updated_at: OLD }));
    await expectUpdatedAtTrigger('user_roles', { user_id: member.id, role_id: roleId });
  });
});

// Runs last: compares what the tests above exercised with the catalog of the migrated schema.
describe('coverage of the schema', () => {
  const scope = `
    JOIN pg_class t ON t.oid = %REL%
    JOIN pg_namespace s ON s.oid = t.relnamespace
    WHERE s.nspname = current_schema() AND t.relkind IN ('r', 'p') AND t.relname <> '${TRACKING_TABLE}'`;

  async function names(text: string): Promise<string[]> {
    const { rows } = await client.query<{ name: string }>(text);
    return rows.map((r) => r.name).sort();
  }

  const missing = (catalog: string[], seen: Set<string>): string[] => catalog.filter((name) => !seen.has(name));

  it('every CHECK, UNIQUE, PRIMARY KEY, FOREIGN KEY and unique index was violated', async () => {
    const catalog = await names(`
      SELECT c.conname::text AS name FROM pg_constraint c ${scope.replace('%REL%', 'c.conrelid')}
        AND c.contype IN ('c', 'f', 'p', 'u')
      UNION
      SELECT i.relname::text FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid ${scope.replace('%REL%', 'x.indrelid')}
        AND x.indisunique`);
    expect(catalog).not.toEqual([]);
    expect(missing(catalog, violated)).toEqual([]);
  });

  it('every NOT NULL column was violated', async () => {
    const catalog = await names(`
      SELECT t.relname || '.' || a.attname AS name FROM pg_attribute a ${scope.replace('%REL%', 'a.attrelid')}
        AND a.attnum > 0 AND NOT a.attisdropped AND a.attnotnull`);
    expect(catalog).not.toEqual([]);
    expect(missing(catalog, violated)).toEqual([]);
  });

  it('every trigger was checked', async () => {
    const catalog = await names(`
      SELECT g.tgname::text AS name FROM pg_trigger g ${scope.replace('%REL%', 'g.tgrelid')} AND NOT g.tgisinternal`);
    expect(catalog).not.toEqual([]);
    expect(missing(catalog, triggersChecked)).toEqual([]);
  });
});
