// Contract test of the integrity rules in sql/migrations/*.up.sql, run against PostgreSQL with
// raw SQL (no repositories). For every CHECK, UNIQUE (constraints, primary keys, partial and
// expression unique indexes), FOREIGN KEY and NOT NULL it runs a statement the database must
// reject, asserting the exact SQLSTATE and constraint, and a "near miss" it must accept, so a
// constraint that is too loose or too strict fails the test. The last describe reads the
// catalog and fails when the schema gains a constraint, NOT NULL column or trigger that no test
// here exercised. A test marked `it.fails` documents a limit that deliberately exists (it
// passes while the limit is there), or one marked SUSPECTED BUG that has been reported.
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRACKING_TABLE } from '../../src/core/migrations/tracking-table.js';
import { useTestDatabase } from '../helpers/database.js';

const NOT_NULL = '23502';
const FOREIGN_KEY = '23503';
/** ON DELETE RESTRICT reports 23001 restrict_violation from PostgreSQL 18 on, 23503 before. */
const RESTRICT = '23001';
const UNIQUE = '23505';
const CHECK = '23514';
/** Raised by the append-only trigger of audit_logs (insufficient_privilege). */
const APPEND_ONLY = '42501';
/** Raised by the immutability trigger of document_versions (insufficient_privilege, as APPEND_ONLY). */
const IMMUTABLE = '42501';
/** A value that is not a label of an enum type (invalid_text_representation); no constraint. */
const INVALID_ENUM = '22P02';
/** An explicit value for a GENERATED ALWAYS identity column without OVERRIDING SYSTEM VALUE. */
const GENERATED_ALWAYS = '428C9';

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

/**
 * {@link expectRejected} for a row routed to a partition. PostgreSQL names the partition in the
 * error: its table for NOT NULL (`reported` = `partition.column`) and its own index for a
 * PRIMARY KEY or UNIQUE (`<partition>_pkey`); CHECK constraints keep the parent's name. Also
 * records `parent` (the partitioned table's constraint, or `table.column`), which is what the
 * coverage check lists: what a partition inherits is counted on its parent.
 */
async function expectRejectedInPartition(
  statement: pg.QueryConfig,
  code: string,
  reported: string,
  parent: string,
): Promise<void> {
  await expectRejected(statement, code, reported);
  violated.add(parent);
}

/** Runs `fn` inside a transaction that is always rolled back. */
async function inRolledBackTransaction(fn: () => Promise<void>): Promise<void> {
  await client.query('BEGIN');
  try {
    await fn();
  } finally {
    await client.query('ROLLBACK');
  }
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
const academicTitleRow = (overrides: Row = {}): Row => ({
  code: `title_${next()}`,
  label_vi: 'Danh hiệu',
  label_en: 'Title',
  ...overrides,
});
const unitRow = (organizationId: string, overrides: Row = {}): Row => ({
  organization_id: organizationId,
  code: `U-${next()}`,
  name: 'Human Resources',
  ...overrides,
});
const staffRow = (user: UserKey, overrides: Row = {}): Row => ({
  user_id: user.id,
  organization_id: user.organization_id,
  ...overrides,
});
const auditRow = (overrides: Row = {}): Row => ({
  action: 'user.created',
  entity_type: 'user',
  entity_id: randomUUID(),
  ...overrides,
});

interface ClientKey {
  id: string;
  organization_id: string;
}
/** A document: its id and organization_id, the key of document_versions_document_id_fkey. */
type DocumentKey = ClientKey;
const clientRow = (organizationId: string, overrides: Row = {}): Row => ({
  organization_id: organizationId,
  code: `CL-${next()}`,
  name: 'Contoso Ltd',
  ...overrides,
});
const documentRow = (client: ClientKey, overrides: Row = {}): Row => ({
  organization_id: client.organization_id,
  client_id: client.id,
  original_name: `Document ${next()}.pdf`,
  storage_key: `objects/${randomUUID()}`,
  mime_type: 'application/pdf',
  ...overrides,
});
const versionRow = (document: DocumentKey, overrides: Row = {}): Row => {
  const n = next();
  return {
    organization_id: document.organization_id,
    document_id: document.id,
    // Unique in the whole file, so never a duplicate (document_id, version_number) by accident.
    version_number: n,
    storage_key: `objects/${randomUUID()}`,
    checksum_sha256: createHash('sha256').update(`content ${n}`).digest('hex'),
    size_bytes: 1024,
    ...overrides,
  };
};

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
const createUnit = async (organizationId: string, overrides: Row = {}): Promise<string> =>
  (await create('units', unitRow(organizationId, overrides))).id as string;

const keyOf = (row: Row): ClientKey => ({ id: row.id as string, organization_id: row.organization_id as string });
const createClient = async (organizationId?: string, overrides: Row = {}): Promise<ClientKey> =>
  keyOf(await create('clients', clientRow(organizationId ?? (await createOrganization()), overrides)));
const createDocument = async (client?: ClientKey, overrides: Row = {}): Promise<DocumentKey> =>
  keyOf(await create('documents', documentRow(client ?? (await createClient()), overrides)));

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
    // covered by user_profiles_user_id_fkey, user_roles_user_id_fkey,
    // user_staff_profiles_user_id_fkey and clients_manager_user_id_fkey below.
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
        referenced_by: [
          'clients_manager_user_id_fkey',
          'user_profiles_user_id_fkey',
          'user_roles_user_id_fkey',
          'user_staff_profiles_user_id_fkey',
        ],
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
      new URL('../../sql/migrations/20261121100000_create_academic_titles_and_units.up.sql', import.meta.url),
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

describe('units', () => {
  let organizationId: string;
  beforeAll(async () => {
    organizationId = await createOrganization();
  });

  it('accepts a row with only the required columns; defaults fill the rest', async () => {
    const row = await create('units', { organization_id: organizationId, code: 'ONLY-REQUIRED', name: 'Only' });
    expect(row).toMatchObject({ parent_unit_id: null, is_active: true });
    expect(row.id).toEqual(expect.any(String));
    expect(row.created_at).toEqual(row.updated_at);
  });

  it.each(['id', 'organization_id', 'code', 'name', 'is_active', 'created_at', 'updated_at'])('NOT NULL %s', (column) =>
    expectRejected(insert('units', unitRow(organizationId, { [column]: null })), NOT_NULL, `units.${column}`),
  );

  it('units_pkey rejects a duplicate id', async () => {
    const id = await createUnit(organizationId);
    await expectRejected(insert('units', unitRow(organizationId, { id })), UNIQUE, 'units_pkey');
    await createUnit(organizationId, { id: randomUUID() });
  });

  it('units_organization_id_id_key is UNIQUE (organization_id, id), the key of the composite foreign keys', async () => {
    // As users_organization_id_id_key: a duplicate (organization_id, id) is a duplicate id, which
    // units_pkey reports first. Its behaviour as the referenced key is covered by
    // units_parent_unit_id_fkey and user_staff_profiles_unit_id_fkey.
    const id = await createUnit(organizationId);
    await expectRejected(insert('units', unitRow(organizationId, { id })), UNIQUE, 'units_pkey');
    const { rows } = await client.query(`
      SELECT pg_get_constraintdef(k.oid) AS definition,
             array(SELECT f.conname::text FROM pg_constraint f
                   WHERE f.contype = 'f' AND f.conindid = k.conindid ORDER BY 1) AS referenced_by
      FROM pg_constraint k WHERE k.conname = 'units_organization_id_id_key'`);
    expect(rows).toEqual([
      {
        definition: 'UNIQUE (organization_id, id)',
        referenced_by: ['units_parent_unit_id_fkey', 'user_staff_profiles_unit_id_fkey'],
      },
    ]);
    violated.add('units_organization_id_id_key');
  });

  it('units_organization_id_fkey rejects an unknown organization, and deleting an organization that has units', async () => {
    await expectRejected(insert('units', unitRow(randomUUID())), FOREIGN_KEY, 'units_organization_id_fkey');
    const withUnit = await createOrganization();
    await createUnit(withUnit);
    await expectRejected(
      { text: 'DELETE FROM organizations WHERE id = $1', values: [withUnit] },
      FOREIGN_KEY,
      'units_organization_id_fkey',
    );
    const empty = await createOrganization();
    await client.query({ text: 'DELETE FROM organizations WHERE id = $1', values: [empty] });
  });

  it('units_organization_id_code_key: a code is unique per organization, case-sensitively', async () => {
    const code = `HR-${next()}`;
    await createUnit(organizationId, { code });
    await expectRejected(insert('units', unitRow(organizationId, { code })), UNIQUE, 'units_organization_id_code_key');
    // Near misses: the same code in another organization, another case in the same one.
    await createUnit(await createOrganization(), { code });
    await createUnit(organizationId, { code: code.toLowerCase() });
    // UPDATE path: renaming another unit onto the code.
    const other = await createUnit(organizationId);
    await expectRejected(
      { text: 'UPDATE units SET code = $1 WHERE id = $2', values: [code, other] },
      UNIQUE,
      'units_organization_id_code_key',
    );
  });

  it('units_parent_unit_id_fkey accepts a parent of the same organization, or none', async () => {
    const parent = await createUnit(organizationId);
    const child = await createUnit(organizationId, { parent_unit_id: parent });
    await createUnit(organizationId, { parent_unit_id: child });
    await createUnit(organizationId, { parent_unit_id: null });
  });

  it('units_parent_unit_id_fkey rejects an unknown parent', () =>
    expectRejected(
      insert('units', unitRow(organizationId, { parent_unit_id: randomUUID() })),
      FOREIGN_KEY,
      'units_parent_unit_id_fkey',
    ));

  it('units_parent_unit_id_fkey rejects a parent unit of another organization', async () => {
    const foreignParent = await createUnit(await createOrganization());
    await expectRejected(
      insert('units', unitRow(organizationId, { parent_unit_id: foreignParent })),
      FOREIGN_KEY,
      'units_parent_unit_id_fkey',
    );
    // UPDATE path: re-parenting an existing unit under another organization's unit.
    const unit = await createUnit(organizationId);
    await expectRejected(
      { text: 'UPDATE units SET parent_unit_id = $1 WHERE id = $2', values: [foreignParent, unit] },
      FOREIGN_KEY,
      'units_parent_unit_id_fkey',
    );
  });

  it('units_parent_unit_id_fkey keeps a parent with children from being deleted or moved to another organization', async () => {
    const parent = await createUnit(organizationId);
    await createUnit(organizationId, { parent_unit_id: parent });
    await expectRejected(
      { text: 'DELETE FROM units WHERE id = $1', values: [parent] },
      FOREIGN_KEY,
      'units_parent_unit_id_fkey',
    );
    await expectRejected(
      { text: 'UPDATE units SET organization_id = $1 WHERE id = $2', values: [await createOrganization(), parent] },
      FOREIGN_KEY,
      'units_parent_unit_id_fkey',
    );
    // Near miss: a leaf unit can be deleted.
    const leaf = await createUnit(organizationId, { parent_unit_id: parent });
    await client.query({ text: 'DELETE FROM units WHERE id = $1', values: [leaf] });
  });

  it('units_not_own_parent rejects a unit that is its own parent', async () => {
    const id = randomUUID();
    await expectRejected(
      insert('units', unitRow(organizationId, { id, parent_unit_id: id })),
      CHECK,
      'units_not_own_parent',
    );
    const unit = await createUnit(organizationId, { id });
    expect(unit).toBe(id);
    await expectRejected(
      { text: 'UPDATE units SET parent_unit_id = id WHERE id = $1', values: [id] },
      CHECK,
      'units_not_own_parent',
    );
    // Near miss: another unit of the organization as the parent.
    await client.query({
      text: 'UPDATE units SET parent_unit_id = $1 WHERE id = $2',
      values: [await createUnit(organizationId), id],
    });
  });

  it.each([
    ['an empty string', ''],
    ['a leading hyphen', '-HR'],
    ['a leading dot', '.HR'],
    ['a leading underscore', '_HR'],
    ['a space', 'HR 1'],
    ['a slash', 'HR/1'],
    ['a trailing newline', 'HR\n'],
    ['a non-ASCII letter', 'PHÒNG'],
    ['65 characters', 'U'.repeat(65)],
    ['100 000 × a then ! (catastrophic backtracking)', HUGE],
  ])('units_code_format rejects %s', (_, code) =>
    expectRejected(insert('units', unitRow(organizationId, { code })), CHECK, 'units_code_format'),
  );

  it.each([
    ['one letter', 'A'],
    ['one digit', '7'],
    ['mixed case, digits, dots, hyphens and underscores', 'Fac-IT.dept_2'],
    ['64 characters', 'U'.repeat(64)],
  ])('units_code_format accepts %s', async (_, code) => {
    await createUnit(organizationId, { code });
  });

  it.each([
    ['an empty string', ''],
    ['only spaces', '   '],
    ['only a tab and a newline', '\t\n'],
    ['201 characters', 'n'.repeat(201)],
  ])('units_name_length rejects %s', (_, name) =>
    expectRejected(insert('units', unitRow(organizationId, { name })), CHECK, 'units_name_length'),
  );

  it.each([
    ['one character', 'X'],
    ['200 characters', 'n'.repeat(200)],
    ['surrounding spaces and Vietnamese', '  Phòng Tổ chức – Hành chính  '],
  ])('units_name_length accepts %s', async (_, name) => {
    await createUnit(organizationId, { name });
  });

  it('units_set_updated_at sets updated_at on UPDATE', async () => {
    const id = await createUnit(organizationId, { created_at: OLD, updated_at: OLD });
    await expectUpdatedAtTrigger('units', { id });
  });
});

describe('user_staff_profiles', () => {
  type Status = 'draft' | 'pending' | 'verified' | 'rejected';
  const SUBMITTED = '2026-03-02T08:00:00.000Z';
  const VERIFIED = '2026-03-03T09:30:00.000Z';
  const REASON = 'The employee id does not match the HR records.';

  let organizationId: string;
  /** A user of the organization without a staff profile: the subject of rows that must be rejected. */
  let user: UserKey;
  let verifier: UserKey;
  beforeAll(async () => {
    organizationId = await createOrganization();
    user = await createUser(organizationId);
    verifier = await createUser(organizationId);
  });

  /** A fresh user of the organization, for a row that must be accepted. */
  const newcomer = (): Promise<UserKey> => createUser(organizationId);

  /** The smallest valid row in `status`, before `overrides`. */
  const inState = (status: Status, overrides: Row = {}): Row => {
    const columns: Record<Status, Row> = {
      draft: {},
      pending: { profile_verification_status: 'pending', verification_submitted_at: SUBMITTED },
      verified: {
        profile_verification_status: 'verified',
        verification_submitted_at: SUBMITTED,
        verified_at: VERIFIED,
        verified_by_user_id: verifier.id,
      },
      rejected: {
        profile_verification_status: 'rejected',
        verification_submitted_at: SUBMITTED,
        rejection_reason: REASON,
      },
    };
    return { ...columns[status], ...overrides };
  };

  it('accepts a row with only the required columns; defaults fill the rest', async () => {
    const row = await create('user_staff_profiles', staffRow(await newcomer()));
    expect(row).toMatchObject({
      profile_verification_status: 'draft',
      version: 1,
      employee_id: null,
      academic_title_code: null,
      academic_title_other: null,
      unit_id: null,
      verification_submitted_at: null,
      verified_at: null,
      verified_by_user_id: null,
      rejection_reason: null,
      verification_expires_at: null,
    });
    expect(row.created_at).toEqual(row.updated_at);
  });

  it.each(['user_id', 'organization_id', 'profile_verification_status', 'version', 'created_at', 'updated_at'])(
    'NOT NULL %s',
    (column) =>
      expectRejected(
        insert('user_staff_profiles', staffRow(user, { [column]: null })),
        NOT_NULL,
        `user_staff_profiles.${column}`,
      ),
  );

  it('user_staff_profiles_pkey allows one staff profile per user', async () => {
    const owner = await newcomer();
    await create('user_staff_profiles', staffRow(owner));
    await expectRejected(
      insert('user_staff_profiles', staffRow(owner, { job_title: 'Lecturer' })),
      UNIQUE,
      'user_staff_profiles_pkey',
    );
  });

  describe('the verification state machine', () => {
    it.each(['draft', 'pending', 'verified', 'rejected'] as const)('accepts the smallest valid %s row', async (status) => {
      const row = await create('user_staff_profiles', staffRow(await newcomer(), inState(status)));
      expect(row.profile_verification_status).toBe(status);
    });

    it('accepts a verified row with an expiry after verified_at, by one microsecond', async () => {
      await create(
        'user_staff_profiles',
        staffRow(await newcomer(), inState('verified', { verification_expires_at: '2026-03-03T09:30:00.000001Z' })),
      );
    });

    it.each([
      ['without verified_at', { verified_at: null }],
      ['without verified_by_user_id', { verified_by_user_id: null }],
      ['without either', { verified_at: null, verified_by_user_id: null }],
    ])('user_staff_profiles_verified_requires_metadata rejects a verified row %s', (_, overrides) =>
      expectRejected(
        insert('user_staff_profiles', staffRow(user, inState('verified', overrides))),
        CHECK,
        'user_staff_profiles_verified_requires_metadata',
      ),
    );

    const unverifiedWithMetadata = (['draft', 'pending', 'rejected'] as const).flatMap((status) =>
      (['verified_at', 'verified_by_user_id', 'verification_expires_at'] as const).map(
        (column) => [status, column] as const,
      ),
    );

    it.each(unverifiedWithMetadata)(
      'user_staff_profiles_unverified_clears_metadata rejects a %s row with %s set',
      (status, column) => {
        const values = {
          verified_at: VERIFIED,
          verified_by_user_id: verifier.id,
          verification_expires_at: '2027-03-03T00:00:00Z',
        };
        const value = values[column];
        return expectRejected(
          insert('user_staff_profiles', staffRow(user, inState(status, { [column]: value }))),
          CHECK,
          'user_staff_profiles_unverified_clears_metadata',
        );
      },
    );

    it.each([
      ['an empty string', ''],
      ['only spaces', '   '],
      ['only a tab and a newline', '\t\n'],
    ])('user_staff_profiles_rejected_requires_reason rejects a rejected row whose reason is %s', (_, rejection_reason) =>
      expectRejected(
        insert('user_staff_profiles', staffRow(user, inState('rejected', { rejection_reason }))),
        CHECK,
        'user_staff_profiles_rejected_requires_reason',
      ),
    );

    // A CHECK that evaluates to NULL passes: the constraint coalesces a NULL reason to ''.
    it(
      'user_staff_profiles_rejected_requires_reason rejects a rejected row without a reason (NULL)',
      () =>
        inRolledBackTransaction(() =>
          expectRejected(
            insert('user_staff_profiles', staffRow(user, inState('rejected', { rejection_reason: null }))),
            CHECK,
            'user_staff_profiles_rejected_requires_reason',
          ),
        ),
    );

    it.each([
      ['a draft row with a reason', 'draft', REASON],
      ['a draft row with an empty reason', 'draft', ''],
      ['a pending row with a reason', 'pending', REASON],
      ['a verified row with a reason', 'verified', REASON],
    ] as const)('user_staff_profiles_reason_only_when_rejected rejects %s', (_, status, rejection_reason) =>
      expectRejected(
        insert('user_staff_profiles', staffRow(user, inState(status, { rejection_reason }))),
        CHECK,
        'user_staff_profiles_reason_only_when_rejected',
      ),
    );

    it('user_staff_profiles_rejection_reason_length rejects 1001 characters and accepts 1000', async () => {
      await expectRejected(
        insert('user_staff_profiles', staffRow(user, inState('rejected', { rejection_reason: 'r'.repeat(1001) }))),
        CHECK,
        'user_staff_profiles_rejection_reason_length',
      );
      await create(
        'user_staff_profiles',
        staffRow(await newcomer(), inState('rejected', { rejection_reason: 'r'.repeat(1000) })),
      );
    });

    it('user_staff_profiles_pending_requires_submitted_at rejects a pending row without verification_submitted_at', async () => {
      await expectRejected(
        insert('user_staff_profiles', staffRow(user, inState('pending', { verification_submitted_at: null }))),
        CHECK,
        'user_staff_profiles_pending_requires_submitted_at',
      );
      // Near miss: only pending requires it.
      await create('user_staff_profiles', staffRow(await newcomer(), inState('draft', { verification_submitted_at: null })));
      await create(
        'user_staff_profiles',
        staffRow(await newcomer(), inState('verified', { verification_submitted_at: null })),
      );
    });

    it.each([
      ['equal to verified_at', VERIFIED],
      ['one microsecond before verified_at', '2026-03-03T09:29:59.999999Z'],
      ['a year before verified_at', '2025-03-03T09:30:00Z'],
    ])('user_staff_profiles_expiry_after_verification rejects an expiry %s', (_, verification_expires_at) =>
      expectRejected(
        insert('user_staff_profiles', staffRow(user, inState('verified', { verification_expires_at }))),
        CHECK,
        'user_staff_profiles_expiry_after_verification',
      ),
    );

    it('the invariants also guard UPDATE: a transition must set and clear the right columns', async () => {
      const owner = await newcomer();
      await create('user_staff_profiles', staffRow(owner, inState('pending')));
      const update = (set: string, values: unknown[] = []) => ({
        text: `UPDATE user_staff_profiles SET ${set} WHERE user_id = $1`,
        values: [owner.id, ...values],
      });
      await expectRejected(
        update(`profile_verification_status = 'verified'`),
        CHECK,
        'user_staff_profiles_verified_requires_metadata',
      );
      await client.query(
        update(`profile_verification_status = 'verified', verified_at = $2, verified_by_user_id = $3`, [
          VERIFIED,
          verifier.id,
        ]),
      );
      // Back to draft without clearing the verification.
      await expectRejected(
        update(`profile_verification_status = 'draft'`),
        CHECK,
        'user_staff_profiles_unverified_clears_metadata',
      );
      await expectRejected(
        update(
          `profile_verification_status = 'rejected', verified_at = NULL, verified_by_user_id = NULL,
           rejection_reason = $2`,
          ['  '],
        ),
        CHECK,
        'user_staff_profiles_rejected_requires_reason',
      );
      await client.query(
        update(
          `profile_verification_status = 'rejected', verified_at = NULL, verified_by_user_id = NULL, rejection_reason = $2`,
          [REASON],
        ),
      );
      await expectRejected(
        update(`profile_verification_status = 'pending'`),
        CHECK,
        'user_staff_profiles_reason_only_when_rejected',
      );
      await client.query(update(`profile_verification_status = 'pending', rejection_reason = NULL`));
    });
  });

  describe('academic title', () => {
    it.each([
      ["'other' with a title", 'other', 'Doctor of Science (honoris causa)'],
      ["'other' with a title in surrounding spaces", 'other', '  Nhà giáo Nhân dân  '],
      ['a listed code without a title', 'doctor', null],
      ['no code and no title', null, null],
      // The constraint only asks a title to be non-blank when the code is 'other': blank text
      // next to another code (or none) passes. Asserted so that tightening it is deliberate.
      ['a listed code with a blank title', 'master', '   '],
      ['no code with an empty title', null, ''],
    ])('user_staff_profiles_academic_title_other accepts %s', async (_, academic_title_code, academic_title_other) => {
      await create(
        'user_staff_profiles',
        staffRow(await newcomer(), { academic_title_code, academic_title_other }),
      );
    });

    it.each([
      ["'other' without a title (NULL)", 'other', null],
      ["'other' with an empty title", 'other', ''],
      ["'other' with a whitespace-only title", 'other', ' \t\n '],
      ['a listed code with a title', 'master', 'Master of Arts'],
      ['no code with a title', null, 'Doctor of Science'],
    ])('user_staff_profiles_academic_title_other rejects %s', (_, academic_title_code, academic_title_other) =>
      expectRejected(
        insert('user_staff_profiles', staffRow(user, { academic_title_code, academic_title_other })),
        CHECK,
        'user_staff_profiles_academic_title_other',
      ),
    );

    it('user_staff_profiles_academic_title_other_length rejects 121 characters and accepts 120', async () => {
      await expectRejected(
        insert(
          'user_staff_profiles',
          staffRow(user, { academic_title_code: 'other', academic_title_other: 'o'.repeat(121) }),
        ),
        CHECK,
        'user_staff_profiles_academic_title_other_length',
      );
      await create(
        'user_staff_profiles',
        staffRow(await newcomer(), { academic_title_code: 'other', academic_title_other: 'o'.repeat(120) }),
      );
    });

    it('user_staff_profiles_academic_title_code_fkey rejects an unknown code, and deleting a title in use', async () => {
      await expectRejected(
        insert('user_staff_profiles', staffRow(user, { academic_title_code: 'astronaut' })),
        FOREIGN_KEY,
        'user_staff_profiles_academic_title_code_fkey',
      );
      const code = `title_${next()}`;
      await create('academic_titles', academicTitleRow({ code, is_active: false }));
      // Near miss: an inactive title is still a known code.
      await create('user_staff_profiles', staffRow(await newcomer(), { academic_title_code: code }));
      await expectRejected(
        { text: 'DELETE FROM academic_titles WHERE code = $1', values: [code] },
        FOREIGN_KEY,
        'user_staff_profiles_academic_title_code_fkey',
      );
      const unused = `title_${next()}`;
      await create('academic_titles', academicTitleRow({ code: unused }));
      await client.query({ text: 'DELETE FROM academic_titles WHERE code = $1', values: [unused] });
    });
  });

  describe('employee_id', () => {
    it.each([
      ['an empty string', ''],
      ['two characters', 'E1'],
      ['a lowercase letter', 'emp-001'],
      ['an underscore', 'EMP_001'],
      ['a space', 'EMP 001'],
      ['a trailing newline', 'EMP-001\n'],
      ['a non-ASCII letter', 'NHÂN-01'],
      ['33 characters', 'E'.repeat(33)],
      ['100 000 × A then ! (catastrophic backtracking)', `${'A'.repeat(100_000)}!`],
    ])('user_staff_profiles_employee_id_format rejects %s', (_, employee_id) =>
      expectRejected(
        insert('user_staff_profiles', staffRow(user, { employee_id })),
        CHECK,
        'user_staff_profiles_employee_id_format',
      ),
    );

    it.each([
      ['three characters', 'E01'],
      ['digits only', '000123'],
      ['letters, digits and hyphens', 'HN-2026-0042'],
      ['a leading hyphen', '-42'],
      ['32 characters', 'E'.repeat(32)],
    ])('user_staff_profiles_employee_id_format accepts %s', async (_, employee_id) => {
      await create('user_staff_profiles', staffRow(await newcomer(), { employee_id }));
    });

    it('user_staff_profiles_employee_id_key: unique across organizations when present; NULLs do not collide', async () => {
      const employeeId = `EMP-${next()}`;
      await create('user_staff_profiles', staffRow(await newcomer(), { employee_id: employeeId }));
      await expectRejected(
        insert('user_staff_profiles', staffRow(await newcomer(), { employee_id: employeeId })),
        UNIQUE,
        'user_staff_profiles_employee_id_key',
      );
      const elsewhere = await createUser();
      await expectRejected(
        insert('user_staff_profiles', staffRow(elsewhere, { employee_id: employeeId })),
        UNIQUE,
        'user_staff_profiles_employee_id_key',
      );
      // Near misses: another id, and any number of profiles without one.
      await create('user_staff_profiles', staffRow(elsewhere, { employee_id: `${employeeId}-2` }));
      await create('user_staff_profiles', staffRow(await newcomer(), { employee_id: null }));
      await create('user_staff_profiles', staffRow(await newcomer(), { employee_id: null }));
      // UPDATE path, and clearing the id frees it.
      await expectRejected(
        { text: 'UPDATE user_staff_profiles SET employee_id = $1 WHERE user_id = $2', values: [employeeId, elsewhere.id] },
        UNIQUE,
        'user_staff_profiles_employee_id_key',
      );
      await client.query({
        text: 'UPDATE user_staff_profiles SET employee_id = NULL WHERE employee_id = $1',
        values: [employeeId],
      });
      await client.query({
        text: 'UPDATE user_staff_profiles SET employee_id = $1 WHERE user_id = $2',
        values: [employeeId, elsewhere.id],
      });
    });
  });

  it('user_staff_profiles_user_id_fkey rejects an unknown user', () =>
    expectRejected(
      insert('user_staff_profiles', staffRow({ ...user, id: randomUUID() })),
      FOREIGN_KEY,
      'user_staff_profiles_user_id_fkey',
    ));

  it("user_staff_profiles_user_id_fkey rejects an organization_id other than the user's", async () => {
    const owner = await newcomer();
    await expectRejected(
      insert('user_staff_profiles', staffRow({ ...owner, organization_id: await createOrganization() })),
      FOREIGN_KEY,
      'user_staff_profiles_user_id_fkey',
    );
    await create('user_staff_profiles', staffRow(owner));
  });

  it('user_staff_profiles_user_id_fkey keeps a user with a staff profile from moving to another organization', async () => {
    const owner = await newcomer();
    await create('user_staff_profiles', staffRow(owner));
    await expectRejected(
      { text: 'UPDATE users SET organization_id = $1 WHERE id = $2', values: [await createOrganization(), owner.id] },
      FOREIGN_KEY,
      'user_staff_profiles_user_id_fkey',
    );
  });

  it('user_staff_profiles_user_id_fkey cascades: deleting the user deletes the staff profile', async () => {
    const owner = await newcomer();
    const bystander = await newcomer();
    await create('user_staff_profiles', staffRow(owner));
    await create('user_staff_profiles', staffRow(bystander));
    await client.query({ text: 'DELETE FROM users WHERE id = $1', values: [owner.id] });
    expect(await count('user_staff_profiles WHERE user_id = $1', [owner.id])).toBe(0);
    expect(await count('user_staff_profiles WHERE user_id = $1', [bystander.id])).toBe(1);
  });

  it('user_staff_profiles_unit_id_fkey accepts a unit of the same organization, or none', async () => {
    const unit = await createUnit(organizationId);
    await create('user_staff_profiles', staffRow(await newcomer(), { unit_id: unit }));
    await create('user_staff_profiles', staffRow(await newcomer(), { unit_id: null }));
  });

  it('user_staff_profiles_unit_id_fkey rejects an unknown unit', () =>
    expectRejected(
      insert('user_staff_profiles', staffRow(user, { unit_id: randomUUID() })),
      FOREIGN_KEY,
      'user_staff_profiles_unit_id_fkey',
    ));

  it('user_staff_profiles_unit_id_fkey rejects a unit of another organization', async () => {
    const foreignUnit = await createUnit(await createOrganization());
    await expectRejected(
      insert('user_staff_profiles', staffRow(user, { unit_id: foreignUnit })),
      FOREIGN_KEY,
      'user_staff_profiles_unit_id_fkey',
    );
    const owner = await newcomer();
    await create('user_staff_profiles', staffRow(owner, { unit_id: await createUnit(organizationId) }));
    await expectRejected(
      { text: 'UPDATE user_staff_profiles SET unit_id = $1 WHERE user_id = $2', values: [foreignUnit, owner.id] },
      FOREIGN_KEY,
      'user_staff_profiles_unit_id_fkey',
    );
  });

  it('user_staff_profiles_unit_id_fkey keeps a unit with staff from being deleted or moved to another organization', async () => {
    const unit = await createUnit(organizationId);
    await create('user_staff_profiles', staffRow(await newcomer(), { unit_id: unit }));
    await expectRejected(
      { text: 'DELETE FROM units WHERE id = $1', values: [unit] },
      FOREIGN_KEY,
      'user_staff_profiles_unit_id_fkey',
    );
    await expectRejected(
      { text: 'UPDATE units SET organization_id = $1 WHERE id = $2', values: [await createOrganization(), unit] },
      FOREIGN_KEY,
      'user_staff_profiles_unit_id_fkey',
    );
    // Near miss: a unit without staff can be deleted.
    const empty = await createUnit(organizationId);
    await client.query({ text: 'DELETE FROM units WHERE id = $1', values: [empty] });
  });

  it('user_staff_profiles_verified_by_user_id_fkey rejects an unknown verifier', () =>
    expectRejected(
      insert('user_staff_profiles', staffRow(user, inState('verified', { verified_by_user_id: randomUUID() }))),
      FOREIGN_KEY,
      'user_staff_profiles_verified_by_user_id_fkey',
    ));

  it('user_staff_profiles_verified_by_user_id_fkey (NO ACTION) keeps a verifier who verified a profile from being deleted', async () => {
    const admin = await newcomer();
    await create(
      'user_staff_profiles',
      staffRow(await newcomer(), inState('verified', { verified_by_user_id: admin.id })),
    );
    await expectRejected(
      { text: 'DELETE FROM users WHERE id = $1', values: [admin.id] },
      FOREIGN_KEY,
      'user_staff_profiles_verified_by_user_id_fkey',
    );
    expect(await count('users WHERE id = $1', [admin.id])).toBe(1);
  });

  it.each([
    ['0', 0],
    ['-1', -1],
  ])('user_staff_profiles_version_positive rejects version %s', (_, version) =>
    expectRejected(
      insert('user_staff_profiles', staffRow(user, { version })),
      CHECK,
      'user_staff_profiles_version_positive',
    ),
  );

  it.each([
    ['1', 1],
    ['2147483647', 2_147_483_647],
  ])('user_staff_profiles_version_positive accepts version %s', async (_, version) => {
    await create('user_staff_profiles', staffRow(await newcomer(), { version }));
  });

  it('user_staff_profiles_job_title_length rejects 121 characters and accepts 120 or NULL', async () => {
    await expectRejected(
      insert('user_staff_profiles', staffRow(user, { job_title: 'j'.repeat(121) })),
      CHECK,
      'user_staff_profiles_job_title_length',
    );
    await create('user_staff_profiles', staffRow(await newcomer(), { job_title: 'j'.repeat(120) }));
    await create('user_staff_profiles', staffRow(await newcomer(), { job_title: null }));
  });

  it('user_staff_profiles_set_updated_at sets updated_at on UPDATE', async () => {
    const owner = await newcomer();
    await create('user_staff_profiles', staffRow(owner, { created_at: OLD, updated_at: OLD }));
    await expectUpdatedAtTrigger('user_staff_profiles', { user_id: owner.id });
  });
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
      organization_id: null,
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

  it('audit_logs_pkey rejects a duplicate (event_id, created_at); the error names the partition index', async () => {
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
    // Near miss: the key includes created_at (a partitioned table's keys must include the
    // partition key), so only the identity keeps event_id unique on its own.
    await client.query(insertOverriding(auditRow({ event_id, created_at: '2031-07-15T00:00:00.000001Z' })));
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
      triggersChecked.add('audit_logs_append_only');
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
      triggersChecked.add('audit_logs_no_truncate');
    });

    // Statement-level triggers of a partitioned table are not cloned to its partitions (only
    // row-level ones are), and TRUNCATE fires no row-level trigger: each partition carries its
    // own TRUNCATE guard (the migration's on the DEFAULT partition, createAuditPartitions' on
    // the monthly ones it creates).
    it('TRUNCATE audit_logs_default is rejected', async () => {
      await inRolledBackTransaction(() => expectAppendOnly({ text: `TRUNCATE ${DEFAULT_PARTITION}` }, 'TRUNCATE'));
      triggersChecked.add('audit_logs_default_no_truncate');
    });

    // A partition made with raw SQL (as MONTHLY_PARTITION is here) has no guard: partitions
    // must be created with createAuditPartitions (tested in test/audit/audit-partitions.test.ts).
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

/** The largest metadata document, in bytes of jsonb's own text (`*_metadata_size`). */
const METADATA_MAX_BYTES = 16_384;

/** Bytes of `json` as PostgreSQL prints it back from jsonb: what `*_metadata_size` measures. */
async function jsonbTextBytes(json: string): Promise<number> {
  const { rows } = await client.query<{ n: number }>({ text: 'SELECT octet_length($1::jsonb::text) AS n', values: [json] });
  return rows[0]!.n;
}

/**
 * `<table>_metadata_is_object` and `<table>_metadata_size`, the same on clients and documents.
 * `row(metadata)` makes a valid new row of the table; `existing()` one already inserted.
 */
function metadataChecks(table: 'clients' | 'documents', row: (metadata: string) => Row, existing: () => Promise<string>) {
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

describe('clients', () => {
  let organizationId: string;
  beforeAll(async () => {
    organizationId = await createOrganization();
  });

  it('accepts a row with only the required columns; defaults fill the rest', async () => {
    const row = await create('clients', { organization_id: organizationId, code: 'ONLY-REQUIRED', name: 'Only' });
    expect(row).toMatchObject({
      status: 'active',
      metadata: {},
      manager_user_id: null,
      created_by: null,
      updated_by: null,
      deleted_at: null,
    });
    expect(row.id).toEqual(expect.any(String));
    expect(row.created_at).toEqual(row.updated_at);
  });

  it.each(['id', 'organization_id', 'code', 'name', 'status', 'metadata', 'created_at', 'updated_at'])(
    'NOT NULL %s',
    (column) =>
      expectRejected(insert('clients', clientRow(organizationId, { [column]: null })), NOT_NULL, `clients.${column}`),
  );

  it('clients_pkey rejects a duplicate id', async () => {
    const { id } = await createClient(organizationId);
    await expectRejected(insert('clients', clientRow(organizationId, { id })), UNIQUE, 'clients_pkey');
    await createClient(organizationId, { id: randomUUID() });
  });

  it('clients_organization_id_id_key is UNIQUE (organization_id, id), the key of documents_client_id_fkey', async () => {
    // As users_organization_id_id_key: a duplicate (organization_id, id) is a duplicate id,
    // which clients_pkey reports first. Its behaviour as the referenced key is covered by
    // documents_client_id_fkey.
    const { id } = await createClient(organizationId);
    await expectRejected(insert('clients', clientRow(organizationId, { id })), UNIQUE, 'clients_pkey');
    const { rows } = await client.query(`
      SELECT pg_get_constraintdef(k.oid) AS definition,
             array(SELECT f.conname::text FROM pg_constraint f
                   WHERE f.contype = 'f' AND f.conindid = k.conindid ORDER BY 1) AS referenced_by
      FROM pg_constraint k WHERE k.conname = 'clients_organization_id_id_key'`);
    expect(rows).toEqual([{ definition: 'UNIQUE (organization_id, id)', referenced_by: ['documents_client_id_fkey'] }]);
    violated.add('clients_organization_id_id_key');
  });

  it('clients_organization_id_fkey rejects an unknown organization, and deleting an organization that has clients', async () => {
    await expectRejected(insert('clients', clientRow(randomUUID())), FOREIGN_KEY, 'clients_organization_id_fkey');
    const withClient = await createOrganization();
    await createClient(withClient);
    await expectRejected(
      { text: 'DELETE FROM organizations WHERE id = $1', values: [withClient] },
      FOREIGN_KEY,
      'clients_organization_id_fkey',
    );
    const empty = await createOrganization();
    await client.query({ text: 'DELETE FROM organizations WHERE id = $1', values: [empty] });
  });

  it('clients_organization_code_key: one live client per code and organization, case-sensitively; soft-deleted ones free it', async () => {
    const org = await createOrganization();
    const code = `ACME-${next()}`;
    const first = await createClient(org, { code });
    await expectRejected(insert('clients', clientRow(org, { code })), UNIQUE, 'clients_organization_code_key');
    // Near misses: the same code in another organization, another case in the same one.
    await createClient(await createOrganization(), { code });
    await createClient(org, { code: code.toLowerCase() });
    // UPDATE path: renaming another client onto the code.
    const other = await createClient(org);
    await expectRejected(
      { text: 'UPDATE clients SET code = $1 WHERE id = $2', values: [code, other.id] },
      UNIQUE,
      'clients_organization_code_key',
    );

    // A soft-deleted client's code can be reused …
    await client.query({ text: 'UPDATE clients SET deleted_at = now() WHERE id = $1', values: [first.id] });
    const second = await createClient(org, { code });
    await expectRejected(insert('clients', clientRow(org, { code })), UNIQUE, 'clients_organization_code_key');
    // … and restoring the old one while the new one is live is a duplicate (UPDATE path).
    await expectRejected(
      { text: 'UPDATE clients SET deleted_at = NULL WHERE id = $1', values: [first.id] },
      UNIQUE,
      'clients_organization_code_key',
    );
    // Several soft-deleted clients may share the code; with none live, the old one comes back.
    await client.query({ text: 'UPDATE clients SET deleted_at = now() WHERE id = $1', values: [second.id] });
    await createClient(org, { code, deleted_at: OLD });
    await client.query({ text: 'UPDATE clients SET deleted_at = NULL WHERE id = $1', values: [first.id] });
  });

  it('clients_manager_user_id_fkey accepts a manager of the same organization, or none', async () => {
    const manager = await createUser(organizationId);
    await createClient(organizationId, { manager_user_id: manager.id });
    await createClient(organizationId, { manager_user_id: manager.id });
    await createClient(organizationId, { manager_user_id: null });
  });

  it('clients_manager_user_id_fkey rejects an unknown manager', () =>
    expectRejected(
      insert('clients', clientRow(organizationId, { manager_user_id: randomUUID() })),
      FOREIGN_KEY,
      'clients_manager_user_id_fkey',
    ));

  it('clients_manager_user_id_fkey rejects a manager of another organization', async () => {
    const outsider = await createUser(await createOrganization());
    await expectRejected(
      insert('clients', clientRow(organizationId, { manager_user_id: outsider.id })),
      FOREIGN_KEY,
      'clients_manager_user_id_fkey',
    );
    // UPDATE path: handing an existing client to another organization's user.
    const managed = await createClient(organizationId, { manager_user_id: (await createUser(organizationId)).id });
    await expectRejected(
      { text: 'UPDATE clients SET manager_user_id = $1 WHERE id = $2', values: [outsider.id, managed.id] },
      FOREIGN_KEY,
      'clients_manager_user_id_fkey',
    );
    // Near miss: the same user managing a client of their own organization.
    await createClient(outsider.organization_id, { manager_user_id: outsider.id });
  });

  it('clients_manager_user_id_fkey keeps a manager from being deleted or moved to another organization', async () => {
    const manager = await createUser(organizationId);
    await createClient(organizationId, { manager_user_id: manager.id, deleted_at: OLD });
    // Even a soft-deleted client holds on to its manager: the key does not know soft delete.
    await expectRejected(
      { text: 'DELETE FROM users WHERE id = $1', values: [manager.id] },
      FOREIGN_KEY,
      'clients_manager_user_id_fkey',
    );
    await expectRejected(
      { text: 'UPDATE users SET organization_id = $1 WHERE id = $2', values: [await createOrganization(), manager.id] },
      FOREIGN_KEY,
      'clients_manager_user_id_fkey',
    );
    // Near miss: a user who manages no client can be deleted.
    const bystander = await createUser(organizationId);
    await client.query({ text: 'DELETE FROM users WHERE id = $1', values: [bystander.id] });
  });

  it.each([
    ['an empty string', ''],
    ['a leading hyphen', '-ACME'],
    ['a leading dot', '.ACME'],
    ['a leading underscore', '_ACME'],
    ['a space', 'ACME 1'],
    ['a slash', 'ACME/1'],
    ['a trailing newline', 'ACME\n'],
    ['a non-ASCII letter', 'KHÁCH-01'],
    ['65 characters', 'C'.repeat(65)],
    ['100 000 × a then ! (catastrophic backtracking)', HUGE],
  ])('clients_code_format rejects %s', (_, code) =>
    expectRejected(insert('clients', clientRow(organizationId, { code })), CHECK, 'clients_code_format'),
  );

  it.each([
    ['one letter', 'A'],
    ['one digit', '7'],
    ['mixed case, digits, dots, hyphens and underscores', 'Acme-Corp.hn_2'],
    ['64 characters', 'C'.repeat(64)],
  ])('clients_code_format accepts %s', async (_, code) => {
    await createClient(organizationId, { code });
  });

  it.each([
    ['an empty string', ''],
    ['only spaces', '   '],
    ['only a tab and a newline', '\t\n'],
    ['201 characters', 'n'.repeat(201)],
  ])('clients_name_length rejects %s', (_, name) =>
    expectRejected(insert('clients', clientRow(organizationId, { name })), CHECK, 'clients_name_length'),
  );

  it.each([
    ['one character', 'X'],
    ['200 characters', 'n'.repeat(200)],
    ['200 Vietnamese characters (more than 200 bytes)', '\u1ebf'.repeat(200)],
    ['surrounding spaces', '  Công ty TNHH Ánh Dương  '],
  ])('clients_name_length accepts %s', async (_, name) => {
    await createClient(organizationId, { name });
  });

  metadataChecks(
    'clients',
    (metadata) => clientRow(organizationId, { metadata }),
    async () => (await createClient(organizationId)).id,
  );

  it.each(['active', 'inactive', 'suspended'])('status accepts %s', async (status) => {
    await createClient(organizationId, { status });
  });

  it.each([
    ['an unknown status', 'deleted'],
    ['another case', 'Active'],
    ['an empty string', ''],
  ])('status (the client_status enum, no constraint) rejects %s', async (_, status) => {
    await expect(client.query(insert('clients', clientRow(organizationId, { status })))).rejects.toMatchObject({
      code: INVALID_ENUM,
    });
  });

  it('clients_set_updated_at sets updated_at on UPDATE', async () => {
    const { id } = await createClient(organizationId, { created_at: OLD, updated_at: OLD });
    await expectUpdatedAtTrigger('clients', { id });
  });
});

describe('documents', () => {
  let organizationId: string;
  let owner: ClientKey;
  beforeAll(async () => {
    organizationId = await createOrganization();
    owner = await createClient(organizationId);
  });

  it('accepts a row with only the required columns; defaults fill the rest', async () => {
    const row = await create('documents', {
      organization_id: organizationId,
      client_id: owner.id,
      original_name: 'only-required.pdf',
      storage_key: 'objects/only-required',
      mime_type: 'application/pdf',
    });
    expect(row).toMatchObject({ current_version: 1, metadata: {}, created_by: null, updated_by: null, deleted_at: null });
    expect(row.id).toEqual(expect.any(String));
    expect(row.created_at).toEqual(row.updated_at);
  });

  it.each([
    'id',
    'organization_id',
    'client_id',
    'original_name',
    'storage_key',
    'mime_type',
    'current_version',
    'metadata',
    'created_at',
    'updated_at',
  ])('NOT NULL %s', (column) =>
    expectRejected(insert('documents', documentRow(owner, { [column]: null })), NOT_NULL, `documents.${column}`),
  );

  it('documents_pkey rejects a duplicate id', async () => {
    const { id } = await createDocument(owner);
    await expectRejected(insert('documents', documentRow(owner, { id })), UNIQUE, 'documents_pkey');
    await createDocument(owner, { id: randomUUID() });
  });

  it('documents_organization_id_id_key is UNIQUE (organization_id, id), the key of document_versions_document_id_fkey', async () => {
    // As users_organization_id_id_key: documents_pkey reports a duplicate first. Its behaviour
    // as the referenced key is covered by document_versions_document_id_fkey.
    const { id } = await createDocument(owner);
    await expectRejected(insert('documents', documentRow(owner, { id })), UNIQUE, 'documents_pkey');
    const { rows } = await client.query(`
      SELECT pg_get_constraintdef(k.oid) AS definition,
             array(SELECT f.conname::text FROM pg_constraint f
                   WHERE f.contype = 'f' AND f.conindid = k.conindid ORDER BY 1) AS referenced_by
      FROM pg_constraint k WHERE k.conname = 'documents_organization_id_id_key'`);
    expect(rows).toEqual([
      { definition: 'UNIQUE (organization_id, id)', referenced_by: ['document_versions_document_id_fkey'] },
    ]);
    violated.add('documents_organization_id_id_key');
  });

  it('documents_client_id_fkey rejects an unknown client', () =>
    expectRejected(
      insert('documents', documentRow({ ...owner, id: randomUUID() })),
      FOREIGN_KEY,
      'documents_client_id_fkey',
    ));

  it('documents_client_id_fkey rejects a client of another organization', async () => {
    const foreign = await createClient(await createOrganization());
    // The client of another organization, under this organization's id …
    await expectRejected(
      insert('documents', documentRow({ id: foreign.id, organization_id: organizationId })),
      FOREIGN_KEY,
      'documents_client_id_fkey',
    );
    // … and this organization's client under another organization's id.
    await expectRejected(
      insert('documents', documentRow({ id: owner.id, organization_id: foreign.organization_id })),
      FOREIGN_KEY,
      'documents_client_id_fkey',
    );
    // UPDATE path: moving a document to another organization's client.
    const document = await createDocument(owner);
    await expectRejected(
      { text: 'UPDATE documents SET client_id = $1 WHERE id = $2', values: [foreign.id, document.id] },
      FOREIGN_KEY,
      'documents_client_id_fkey',
    );
    // Near misses: each client with its own organization; moving to another client of the same one.
    await createDocument(foreign);
    await client.query({
      text: 'UPDATE documents SET client_id = $1 WHERE id = $2',
      values: [(await createClient(organizationId)).id, document.id],
    });
  });

  it('documents_client_id_fkey does not know soft delete: a deleted client still satisfies it', async () => {
    // The repository refuses documents for a deleted client (INSERT … SELECT from live clients);
    // the database does not.
    const deleted = await createClient(organizationId, { deleted_at: OLD });
    await createDocument(deleted);
  });

  it('documents_client_id_fkey keeps a client with documents from being deleted or moved to another organization', async () => {
    const holder = await createClient(organizationId);
    await createDocument(holder, { deleted_at: OLD });
    await expectRejected(
      { text: 'DELETE FROM clients WHERE id = $1', values: [holder.id] },
      FOREIGN_KEY,
      'documents_client_id_fkey',
    );
    await expectRejected(
      { text: 'UPDATE clients SET organization_id = $1 WHERE id = $2', values: [await createOrganization(), holder.id] },
      FOREIGN_KEY,
      'documents_client_id_fkey',
    );
    // Near misses: a client without documents can be moved, and deleted.
    const empty = await createClient(organizationId);
    await client.query({
      text: 'UPDATE clients SET organization_id = $1 WHERE id = $2',
      values: [await createOrganization(), empty.id],
    });
    await client.query({ text: 'DELETE FROM clients WHERE id = $1', values: [empty.id] });
  });

  it('documents_client_name_key: one live document per name and client, case-sensitively; soft-deleted ones free it', async () => {
    const holder = await createClient(organizationId);
    const original_name = `Annual Report ${next()}.pdf`;
    const first = await createDocument(holder, { original_name });
    await expectRejected(insert('documents', documentRow(holder, { original_name })), UNIQUE, 'documents_client_name_key');
    // Near misses: the same name at another client (of the same organization), another case.
    await createDocument(await createClient(organizationId), { original_name });
    await createDocument(holder, { original_name: original_name.toLowerCase() });
    await createDocument(holder, { original_name: ` ${original_name}` });
    // UPDATE path: renaming another document onto the name.
    const other = await createDocument(holder);
    await expectRejected(
      { text: 'UPDATE documents SET original_name = $1 WHERE id = $2', values: [original_name, other.id] },
      UNIQUE,
      'documents_client_name_key',
    );

    await client.query({ text: 'UPDATE documents SET deleted_at = now() WHERE id = $1', values: [first.id] });
    const second = await createDocument(holder, { original_name });
    await expectRejected(insert('documents', documentRow(holder, { original_name })), UNIQUE, 'documents_client_name_key');
    // Restoring the first while the second is live is a duplicate.
    await expectRejected(
      { text: 'UPDATE documents SET deleted_at = NULL WHERE id = $1', values: [first.id] },
      UNIQUE,
      'documents_client_name_key',
    );
    await client.query({ text: 'UPDATE documents SET deleted_at = now() WHERE id = $1', values: [second.id] });
    await createDocument(holder, { original_name, deleted_at: OLD });
    await client.query({ text: 'UPDATE documents SET deleted_at = NULL WHERE id = $1', values: [first.id] });
  });

  it.each([
    ['an empty string', ''],
    ['only spaces', '   '],
    ['only a tab and a newline', '\t\n'],
    ['1025 characters', 'n'.repeat(1025)],
    ['1025 Vietnamese characters', '\u1ebf'.repeat(1025)],
    ['683 three-byte characters (2049 bytes)', '\u1ebf'.repeat(683)],
  ])('documents_original_name_length rejects %s', (_, original_name) =>
    expectRejected(
      insert('documents', documentRow(owner, { original_name })),
      CHECK,
      'documents_original_name_length',
    ),
  );

  it.each([
    ['one character', 'X'],
    ['256 characters (no 255 cap)', `${'n'.repeat(252)}.pdf`],
    ['1024 characters', 'n'.repeat(1024)],
    ['682 three-byte characters (2046 bytes)', '\u1ebf'.repeat(682)],
    ['1024 two-byte characters (2048 bytes)', '\u00e9'.repeat(1024)],
    ['surrounding spaces and Vietnamese', '  Hợp đồng thuê nhà 2026 (bản ký).pdf  '],
  ])('documents_original_name_length accepts %s', async (_, original_name) => {
    await createDocument(owner, { original_name });
  });

  // The name is also a key of the btree documents_client_name_key, whose entries hold at most
  // 2704 bytes: 1024 CJK characters (3072 bytes of UTF-8) must be refused by the CHECK's byte
  // bound, not fail in the index (54000).
  it('documents_original_name_length rejects 1024 CJK characters (3072 bytes)', async () => {
    let seed = 7;
    const name = Array.from({ length: 1024 }, () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return String.fromCodePoint(0x4e00 + (seed % 20_000));
    }).join('');
    expect(Buffer.byteLength(name)).toBe(3072);
    await expectRejected(insert('documents', documentRow(owner, { original_name: name })), CHECK, 'documents_original_name_length');
    await createDocument(owner, { original_name: name.slice(0, 682) });
  });

  it.each([
    ['an empty string', ''],
    ['1025 characters', `objects/${'k'.repeat(1017)}`],
  ])('documents_storage_key_length rejects %s', (_, storage_key) =>
    expectRejected(insert('documents', documentRow(owner, { storage_key })), CHECK, 'documents_storage_key_length'),
  );

  it.each([
    ['one character', 'k'],
    ['1024 characters', `objects/${'k'.repeat(1016)}`],
  ])('documents_storage_key_length accepts %s', async (_, storage_key) => {
    await createDocument(owner, { storage_key });
  });

  it.each([
    ['an empty string', ''],
    ['no slash', 'text'],
    ['an empty subtype', 'text/'],
    ['an empty type', '/plain'],
    ['only a slash', '/'],
    ['capitalised words (the CHECK is lower case only)', 'Text/Plain'],
    ['an uppercase subtype', 'application/PDF'],
    ['all upper case', 'TEXT/PLAIN'],
    ['two slashes', 'application/pdf/x'],
    ['parameters', 'text/plain; charset=utf-8'],
    ['a space', 'text/ plain'],
    ['a leading space', ' text/plain'],
    ['a trailing newline', 'text/plain\n'],
    ['a type starting with punctuation', '-text/plain'],
    ['a subtype starting with punctuation', 'text/.plain'],
    ['a non-ASCII letter', 'text/plaín'],
    ['256 characters', `application/${'x'.repeat(244)}`],
    ['100 000 × a then ! (catastrophic backtracking)', HUGE],
    ['50 000 × a, a slash, 50 000 × a then !', `${'a'.repeat(50_000)}/${'a'.repeat(50_000)}!`],
  ])('documents_mime_type_format rejects %s', (_, mime_type) =>
    expectRejected(insert('documents', documentRow(owner, { mime_type })), CHECK, 'documents_mime_type_format'),
  );

  it.each([
    ['text/plain', 'text/plain'],
    ['application/pdf', 'application/pdf'],
    ['a vendor tree with dots and hyphens', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ['a structured-syntax suffix', 'image/svg+xml'],
    ['an x- subtype with a leading digit', 'application/x-7z-compressed'],
    ['the shortest', 'a/b'],
    ['every allowed punctuation mark', 'a!#$&^_.+-/b!#$&^_.+-'],
    ['255 characters', `application/${'x'.repeat(243)}`],
  ])('documents_mime_type_format accepts %s', async (_, mime_type) => {
    await createDocument(owner, { mime_type });
  });

  it('documents_mime_type_format also guards UPDATE', async () => {
    const { id } = await createDocument(owner);
    await expectRejected(
      { text: 'UPDATE documents SET mime_type = $1 WHERE id = $2', values: ['Text/Plain', id] },
      CHECK,
      'documents_mime_type_format',
    );
    await client.query({ text: 'UPDATE documents SET mime_type = $1 WHERE id = $2', values: ['text/plain', id] });
  });

  it.each([
    ['0', 0],
    ['-1', -1],
  ])('documents_current_version_positive rejects current_version %s', (_, current_version) =>
    expectRejected(
      insert('documents', documentRow(owner, { current_version })),
      CHECK,
      'documents_current_version_positive',
    ),
  );

  it.each([
    ['1', 1],
    ['2147483647', 2_147_483_647],
  ])('documents_current_version_positive accepts current_version %s', async (_, current_version) => {
    await createDocument(owner, { current_version });
  });

  metadataChecks(
    'documents',
    (metadata) => documentRow(owner, { metadata }),
    async () => (await createDocument(owner)).id,
  );

  it('documents_set_updated_at sets updated_at on UPDATE', async () => {
    const { id } = await createDocument(owner, { created_at: OLD, updated_at: OLD });
    await expectUpdatedAtTrigger('documents', { id });
  });
});

describe('document_versions', () => {
  let organizationId: string;
  let owner: ClientKey;
  let document: DocumentKey;
  beforeAll(async () => {
    organizationId = await createOrganization();
    owner = await createClient(organizationId);
    document = await createDocument(owner);
  });

  const createVersion = (of: DocumentKey = document, overrides: Row = {}): Promise<Row> =>
    create('document_versions', versionRow(of, overrides));

  /** Asserts the immutability trigger function rejects `statement` for `operation`. */
  const expectImmutable = (statement: pg.QueryConfig, operation: 'UPDATE' | 'DELETE' | 'TRUNCATE') =>
    expect(client.query(statement)).rejects.toMatchObject({
      code: IMMUTABLE,
      message: `document_versions is immutable: ${operation} is not allowed`,
    });

  it('accepts a row with only the required columns; defaults fill the rest', async () => {
    const row = await create('document_versions', {
      organization_id: organizationId,
      document_id: (await createDocument(owner)).id,
      version_number: 1,
      storage_key: 'objects/only-required',
      checksum_sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      size_bytes: 0,
    });
    expect(row).toMatchObject({ created_by: null });
    expect(row.id).toEqual(expect.any(String));
    expect(row.created_at).toEqual(row.updated_at);
  });

  it.each([
    'id',
    'organization_id',
    'document_id',
    'version_number',
    'storage_key',
    'checksum_sha256',
    'size_bytes',
    'created_at',
    'updated_at',
  ])('NOT NULL %s', (column) =>
    expectRejected(
      insert('document_versions', versionRow(document, { [column]: null })),
      NOT_NULL,
      `document_versions.${column}`,
    ),
  );

  it('document_versions_pkey rejects a duplicate id', async () => {
    const { id } = await createVersion();
    await expectRejected(insert('document_versions', versionRow(document, { id })), UNIQUE, 'document_versions_pkey');
    await createVersion(document, { id: randomUUID() });
  });

  it('document_versions_document_id_version_number_key: a version number once per document', async () => {
    const of = await createDocument(owner);
    await createVersion(of, { version_number: 1 });
    await expectRejected(
      insert('document_versions', versionRow(of, { version_number: 1 })),
      UNIQUE,
      'document_versions_document_id_version_number_key',
    );
    // Near misses: the next number of the same document, the same number of another document.
    await createVersion(of, { version_number: 2 });
    await createVersion(await createDocument(owner), { version_number: 1 });
  });

  it('document_versions_storage_key_key: an object belongs to one version, across documents and organizations', async () => {
    const storage_key = `objects/${randomUUID()}`;
    const of = await createDocument(owner);
    await createVersion(of, { storage_key, version_number: 1 });
    await expectRejected(
      insert('document_versions', versionRow(of, { storage_key, version_number: 2 })),
      UNIQUE,
      'document_versions_storage_key_key',
    );
    await expectRejected(
      insert('document_versions', versionRow(await createDocument(await createClient()), { storage_key })),
      UNIQUE,
      'document_versions_storage_key_key',
    );
    // Near misses: another case of the key (object keys are case-sensitive), and the document
    // row's own storage_key, which repeats its current version's key.
    await createVersion(of, { storage_key: storage_key.toUpperCase(), version_number: 2 });
    await createDocument(owner, { storage_key });
  });

  it('document_versions_document_id_fkey rejects an unknown document', () =>
    expectRejected(
      insert('document_versions', versionRow({ ...document, id: randomUUID() })),
      FOREIGN_KEY,
      'document_versions_document_id_fkey',
    ));

  it('document_versions_document_id_fkey rejects a version of a document of another organization', async () => {
    const foreign = await createDocument(await createClient(await createOrganization()));
    await expectRejected(
      insert('document_versions', versionRow({ id: foreign.id, organization_id: organizationId })),
      FOREIGN_KEY,
      'document_versions_document_id_fkey',
    );
    await expectRejected(
      insert('document_versions', versionRow({ id: document.id, organization_id: foreign.organization_id })),
      FOREIGN_KEY,
      'document_versions_document_id_fkey',
    );
    // Near miss: each document with its own organization.
    await createVersion(foreign);
  });

  it('document_versions_document_id_fkey keeps a document with versions from being deleted, even soft-deleted', async () => {
    const of = await createDocument(owner, { deleted_at: OLD });
    await createVersion(of);
    await expectRejected(
      { text: 'DELETE FROM documents WHERE id = $1', values: [of.id] },
      FOREIGN_KEY,
      'document_versions_document_id_fkey',
    );
    // Near miss: a document without versions can be deleted.
    const bare = await createDocument(owner);
    await client.query({ text: 'DELETE FROM documents WHERE id = $1', values: [bare.id] });
  });

  it.each([
    ['0', 0],
    ['-1', -1],
  ])('document_versions_version_number_positive rejects version_number %s', (_, version_number) =>
    expectRejected(
      insert('document_versions', versionRow(document, { version_number })),
      CHECK,
      'document_versions_version_number_positive',
    ),
  );

  it.each([
    ['1', 1],
    ['2147483647', 2_147_483_647],
  ])('document_versions_version_number_positive accepts version_number %s', async (_, version_number) => {
    await createVersion(await createDocument(owner), { version_number });
  });

  it.each([
    ['an empty string', ''],
    ['1025 characters', `objects/${'k'.repeat(1017)}`],
  ])('document_versions_storage_key_length rejects %s', (_, storage_key) =>
    expectRejected(
      insert('document_versions', versionRow(document, { storage_key })),
      CHECK,
      'document_versions_storage_key_length',
    ),
  );

  it.each([
    ['one character', 'k'],
    ['1024 characters', `objects/${'k'.repeat(1016)}`],
  ])('document_versions_storage_key_length accepts %s', async (_, storage_key) => {
    await createVersion(document, { storage_key });
  });

  const HEX64 = createHash('sha256').update('hello').digest('hex');

  it.each([
    ['an empty string', ''],
    ['63 hex digits', HEX64.slice(1)],
    ['65 hex digits', `${HEX64}0`],
    ['upper-case hex', HEX64.toUpperCase()],
    ['one upper-case digit', `A${'a'.repeat(63)}`],
    ['a non-hex letter', `g${HEX64.slice(1)}`],
    ['a 0x prefix', `0x${HEX64.slice(2)}`],
    ['a leading space', ` ${HEX64.slice(1)}`],
    ['a trailing newline', `${HEX64}\n`],
    ['base64 instead of hex', createHash('sha256').update('hello').digest('base64')],
    ['100 000 × a then ! (catastrophic backtracking)', HUGE],
  ])('document_versions_checksum_format rejects %s', (_, checksum_sha256) =>
    expectRejected(
      insert('document_versions', versionRow(document, { checksum_sha256 })),
      CHECK,
      'document_versions_checksum_format',
    ),
  );

  it.each([
    ['the sha256 of nothing', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['64 zeros', '0'.repeat(64)],
    ['64 × f', 'f'.repeat(64)],
  ])('document_versions_checksum_format accepts %s', async (_, checksum_sha256) => {
    await createVersion(document, { checksum_sha256 });
  });

  it.each([
    ['-1', -1],
    ['the smallest bigint', '-9223372036854775808'],
  ])('document_versions_size_non_negative rejects size_bytes %s', (_, size_bytes) =>
    expectRejected(
      insert('document_versions', versionRow(document, { size_bytes })),
      CHECK,
      'document_versions_size_non_negative',
    ),
  );

  it.each([
    ['0 (an empty file)', 0],
    ['5 TiB', 5 * 2 ** 40],
    ['the largest bigint', '9223372036854775807'],
  ])('document_versions_size_non_negative accepts size_bytes %s', async (_, size_bytes) => {
    await createVersion(document, { size_bytes });
  });

  describe('immutability', () => {
    /** A version of a live document: what the rejected statements aim at. */
    let target: Row;
    beforeAll(async () => {
      target = await createVersion(await createDocument(owner));
    });
    const snapshot = async (): Promise<Row[]> =>
      (await client.query<Row>({ text: 'SELECT * FROM document_versions WHERE id = $1', values: [target.id] })).rows;
    const remove = (): pg.QueryConfig => ({ text: 'DELETE FROM document_versions WHERE id = $1', values: [target.id] });
    const purgingFlag = (value: string): pg.QueryConfig => ({
      text: `SELECT set_config('org_data.purging_documents', $1, true)`,
      values: [value],
    });
    /** What purge_deleted_documents sets: the gate holds the current transaction's id. */
    const purgingGate: pg.QueryConfig = {
      text: `SELECT set_config('org_data.purging_documents', txid_current()::text, true)`,
    };

    it('document_versions_immutable rejects UPDATE of any column, even a no-op', async () => {
      const before = await snapshot();
      for (const set of [
        `storage_key = 'objects/tampered'`,
        `checksum_sha256 = repeat('0', 64)`,
        'size_bytes = size_bytes + 1',
        'version_number = version_number',
        'updated_at = now()',
      ]) {
        await expectImmutable({ text: `UPDATE document_versions SET ${set} WHERE id = $1`, values: [target.id] }, 'UPDATE');
      }
      expect(await snapshot()).toEqual(before);
      triggersChecked.add('document_versions_immutable');
    });

    it("document_versions_immutable rejects DELETE, also of a soft-deleted document's versions", async () => {
      const before = await snapshot();
      await expectImmutable(remove(), 'DELETE');
      const deleted = await createDocument(owner, { deleted_at: OLD });
      await createVersion(deleted);
      await expectImmutable(
        { text: 'DELETE FROM document_versions WHERE document_id = $1', values: [deleted.id] },
        'DELETE',
      );
      expect(await snapshot()).toEqual(before);
      expect(await count('document_versions WHERE document_id = $1', [deleted.id])).toBe(1);
    });

    it('document_versions_no_truncate rejects TRUNCATE, also through TRUNCATE documents CASCADE', async () => {
      const rows = await count('document_versions', []);
      await inRolledBackTransaction(() => expectImmutable({ text: 'TRUNCATE document_versions' }, 'TRUNCATE'));
      await inRolledBackTransaction(() => expectImmutable({ text: 'TRUNCATE documents CASCADE' }, 'TRUNCATE'));
      await inRolledBackTransaction(() => expectImmutable({ text: 'TRUNCATE clients CASCADE' }, 'TRUNCATE'));
      expect(await count('document_versions', [])).toBe(rows);
      triggersChecked.add('document_versions_no_truncate');
    });

    it('the purging gate opens DELETE only for the transaction whose id it holds', async () => {
      // In the transaction that sets it, DELETE goes through (rolled back here).
      await inRolledBackTransaction(async () => {
        await client.query(purgingGate);
        expect((await client.query(remove())).rowCount).toBe(1);
        expect(await snapshot()).toEqual([]);
      });
      expect(await snapshot()).toHaveLength(1);
      // A committed transaction takes the gate with it …
      await client.query('BEGIN');
      await client.query(purgingGate);
      await client.query('COMMIT');
      await expectImmutable(remove(), 'DELETE');
      // … and so does an implicit one: outside BEGIN, the SELECT is a transaction of its own.
      await client.query(purgingGate);
      await expectImmutable(remove(), 'DELETE');
      expect(await snapshot()).toHaveLength(1);
    });

    it("only the transaction's own id opens DELETE, and nothing opens UPDATE or TRUNCATE", async () => {
      for (const value of ['on', 'true', '1', '', '12345']) {
        await inRolledBackTransaction(async () => {
          await client.query(purgingFlag(value));
          await expectImmutable(remove(), 'DELETE');
        });
      }
      await inRolledBackTransaction(async () => {
        await client.query(purgingGate);
        await client.query('SAVEPOINT before_update');
        await expectImmutable(
          { text: `UPDATE document_versions SET storage_key = 'objects/tampered' WHERE id = $1`, values: [target.id] },
          'UPDATE',
        );
        await client.query('ROLLBACK TO SAVEPOINT before_update');
        await expectImmutable({ text: 'TRUNCATE document_versions' }, 'TRUNCATE');
      });
      expect(await snapshot()).toHaveLength(1);
    });

    // The gate holds the purging transaction's id, so a session-level SET cannot keep it open
    // for later transactions.
    it('a session-level SET does not open the gate for later transactions', async () => {
      const session = new pg.Client({ connectionString: testDb.current.connectionString });
      await session.connect();
      try {
        // Even the id of the transaction that set it does not carry over to the next one.
        const { rows } = await session.query<{ id: string }>('SELECT txid_current()::text AS id');
        await session.query(`SET org_data.purging_documents = '${rows[0]!.id}'`);
        await session.query('BEGIN');
        try {
          await expect(session.query(remove())).rejects.toMatchObject({ code: IMMUTABLE });
        } finally {
          await session.query('ROLLBACK');
        }
      } finally {
        await session.end();
      }
    });

    describe('purge_deleted_documents, the one way to delete versions', () => {
      // Deletion times far before anything else in this file, so that only these documents
      // are older than the cutoff.
      const CUTOFF = '1990-01-01T00:00:00.000Z';
      let oldest: DocumentKey;
      let older: DocumentKey;
      /** Soft-deleted exactly at the cutoff: not before it. */
      let atCutoff: DocumentKey;
      let live: DocumentKey;
      /** storage_key of every version, by document id. */
      const keys = new Map<string, string[]>();

      beforeAll(async () => {
        oldest = await createDocument(owner, { deleted_at: '1989-01-01T00:00:00Z' });
        older = await createDocument(await createClient(), { deleted_at: '1989-06-01T00:00:00Z' });
        atCutoff = await createDocument(owner, { deleted_at: CUTOFF });
        live = await createDocument(owner);
        for (const [of, versions] of [
          [oldest, 2],
          [older, 1],
          [atCutoff, 1],
          [live, 2],
        ] as const) {
          for (let version_number = 1; version_number <= versions; version_number += 1) {
            const row = await createVersion(of, { version_number });
            keys.set(of.id, [...(keys.get(of.id) ?? []), row.storage_key as string]);
          }
        }
      });

      /** In JavaScript: the database's collation may order the keys differently. */
      const byStorageKey = (a: { storage_key: string }, b: { storage_key: string }) =>
        a.storage_key < b.storage_key ? -1 : a.storage_key > b.storage_key ? 1 : 0;
      const purge = async (limit: number) =>
        (
          await client.query<{ document_id: string; organization_id: string; storage_key: string }>({
            text: 'SELECT document_id, organization_id, storage_key FROM purge_deleted_documents($1, $2)',
            values: [CUTOFF, limit],
          })
        ).rows.sort(byStorageKey);
      const expectedRows = (...documents: DocumentKey[]) =>
        documents
          .flatMap((d) => keys.get(d.id)!.map((storage_key) => ({ document_id: d.id, organization_id: d.organization_id, storage_key })))
          .sort(byStorageKey);
      const versionsOf = (...documents: DocumentKey[]) =>
        count('document_versions WHERE document_id = ANY($1::uuid[])', [documents.map((d) => d.id)]);
      const documentsOf = (...documents: DocumentKey[]) =>
        count('documents WHERE id = ANY($1::uuid[])', [documents.map((d) => d.id)]);

      it('deletes the documents soft-deleted before the cutoff with every version, and returns their object keys', () =>
        inRolledBackTransaction(async () => {
          expect(await purge(100)).toEqual(expectedRows(oldest, older));
          expect(await versionsOf(oldest, older)).toBe(0);
          expect(await documentsOf(oldest, older)).toBe(0);
          // Near misses: deleted exactly at the cutoff, and live, keep everything.
          expect(await versionsOf(atCutoff, live)).toBe(3);
          expect(await documentsOf(atCutoff, live)).toBe(2);
          // The function turns the flag off again before it returns: a direct DELETE later in
          // the same transaction is rejected.
          const { rows } = await client.query(`SELECT current_setting('org_data.purging_documents', true) AS flag`);
          expect(rows).toEqual([{ flag: '' }]);
          await expectImmutable(
            { text: 'DELETE FROM document_versions WHERE document_id = $1', values: [live.id] },
            'DELETE',
          );
        }));

      it('takes the oldest deletions first, at most limit documents a call', () =>
        inRolledBackTransaction(async () => {
          expect(await purge(1)).toEqual(expectedRows(oldest));
          expect(await versionsOf(older)).toBe(1);
          expect(await purge(1)).toEqual(expectedRows(older));
          expect(await purge(1)).toEqual([]);
        }));

      it('the rolled-back purges left every document and version in place', async () => {
        expect(await versionsOf(oldest, older, atCutoff, live)).toBe(6);
        expect(await documentsOf(oldest, older, atCutoff, live)).toBe(4);
      });
    });
  });
});

// Runs last: compares what the tests above exercised with the catalog of the migrated schema.
// Partitions are in scope, but only for what they add themselves. What a partition inherits
// from its parent (CHECK and FOREIGN KEY constraints, the partition's index of a parent's
// PRIMARY KEY or UNIQUE, row triggers cloned from the parent, columns NOT NULL on the parent)
// is the parent's and is listed once, under the parent's name; the tests violate it through a
// partition and record the parent's name (expectRejectedInPartition). So a constraint added to
// a partitioned table, or to one partition only, still has to be exercised here, while a
// monthly partition created later (as in the audit_logs tests) adds nothing to exercise.
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
        AND c.contype IN ('c', 'f', 'p', 'u') AND c.conislocal AND c.conparentid = 0
      UNION
      SELECT i.relname::text FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid ${scope.replace('%REL%', 'x.indrelid')}
        AND x.indisunique AND NOT i.relispartition`);
    expect(catalog).not.toEqual([]);
    expect(missing(catalog, violated)).toEqual([]);
  });

  it('every NOT NULL column was violated', async () => {
    const catalog = await names(`
      SELECT t.relname || '.' || a.attname AS name FROM pg_attribute a ${scope.replace('%REL%', 'a.attrelid')}
        AND a.attnum > 0 AND NOT a.attisdropped AND a.attnotnull
        AND NOT EXISTS (
          SELECT 1 FROM pg_inherits h
          JOIN pg_attribute p ON p.attrelid = h.inhparent AND p.attname = a.attname AND p.attnotnull
          WHERE h.inhrelid = t.oid)`);
    expect(catalog).not.toEqual([]);
    expect(missing(catalog, violated)).toEqual([]);
  });

  it('every trigger was checked', async () => {
    const catalog = await names(`
      SELECT g.tgname::text AS name FROM pg_trigger g ${scope.replace('%REL%', 'g.tgrelid')}
        AND NOT g.tgisinternal AND g.tgparentid = 0`);
    expect(catalog).not.toEqual([]);
    expect(missing(catalog, triggersChecked)).toEqual([]);
  });
});
