// Section "identity": the foundation's figures. findById, hasPermission and register through
// the repositories against the same SQL hand-written with raw `pg`, plus findById through
// Kysely's CamelCasePlugin (the mapping mechanism the package did not choose).
//
//   findById        users.findById(id): one SELECT by primary key
//   hasPermission   access.hasPermission(userId, 'user:read'): one EXISTS over four joins
//   register        users.register(input): BEGIN, the role lookup, four INSERTs (user, profile,
//                   role grant, draft staff profile), one audit INSERT of four rows, COMMIT
//   CamelCasePlugin `selectAll()` through CamelCasePlugin (per-query AST rewrite, per-row key
//                   renaming) instead of explicit column aliases; a third side of the findById
//                   loop, compared with the same raw findById samples.
import assert from 'node:assert/strict';
import { CamelCasePlugin, Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import { createPool } from '../../src/core/database/create-database.js';
import { createRepositories } from '../../src/repositories.js';
import { ADMIN_ROLE, DEFAULT_USER_ROLE } from '../../src/contexts/identity/rbac/default-role.js';
import type { DB } from '../../src/schema/db.js';
import { seededRandom } from '../../src/core/kernel/random.js';
import { seedDevData } from '../../src/contexts/identity/seeders/seed-dev-data.js';
import { cyclic, measureInterleaved, ratio, summarize, us, type Latencies } from './measure.js';
import { auditInsertSql, auditParameters, snapshotJson } from './raw-audit.js';
import { STAFF_PROFILE_COLUMNS } from './raw-columns.js';
import {
  createLoggingDatabase,
  markdownTable,
  oneLine,
  openConnections,
  POOL_SIZE,
  progress,
  step,
  type Connections,
  rawTransaction,
} from './support.js';

export const SEED = 42;
export const ORGANIZATIONS = 10;
export const USERS_PER_ORGANIZATION = 5000;
const SAMPLE_USERS = 200;
const PERMISSION = 'user:read';
const READ_ITERATIONS = 5000;
const REGISTER_ITERATIONS = 1000;
// Until V8 has optimized Kysely's builder and compiler the repository side runs ~5% slower.
const READ_WARMUP_ITERATIONS = 1000;
const REGISTER_WARMUP_ITERATIONS = 200;
const READ_TARGET_RATIO = 1.1;

export const IDENTITY_METHOD =
  `${READ_ITERATIONS} reads per side after ${READ_WARMUP_ITERATIONS} warm-up iterations, ` +
  `${REGISTER_ITERATIONS} registers per side after ${REGISTER_WARMUP_ITERATIONS}`;

// ---------------------------------------------------------------------------------------------
// The raw side: the SQL the repositories send, written out by hand, run with a plain pg.Pool.

const USER_COLUMNS = `
  "users"."id", "users"."organization_id" as "organizationId",
  "users"."auth_subject" as "authSubject", "users"."email", "users"."is_active" as "isActive",
  "users"."created_at" as "createdAt", "users"."updated_at" as "updatedAt",
  "users"."deleted_at" as "deletedAt"`;

const RAW_SQL = {
  findById: oneLine(`
    select ${USER_COLUMNS}
    from "users"
    where "users"."deleted_at" is null and "users"."id" = $1`),
  hasPermission: oneLine(`
    select exists (
      select 1 as "one"
      from "user_roles"
      inner join "users" on "users"."id" = "user_roles"."user_id"
      inner join "organizations" on "organizations"."id" = "user_roles"."organization_id"
      inner join "role_permissions" on "role_permissions"."role_id" = "user_roles"."role_id"
      inner join "permissions" on "permissions"."id" = "role_permissions"."permission_id"
      where "user_roles"."user_id" = $1 and "users"."is_active" = $2
        and "users"."deleted_at" is null and "organizations"."deleted_at" is null
        and "permissions"."name" = $3
    ) as "allowed"`),
  roleByName: `select "id" from "roles" where "name" = $1`,
  insertUser: oneLine(`
    insert into "users" ("organization_id", "auth_subject", "email")
    select "organizations"."id", $1 as "auth_subject", $2 as "email"
    from "organizations"
    where "organizations"."id" = $3 and "organizations"."deleted_at" is null
    returning ${USER_COLUMNS}`),
  insertProfile: oneLine(`
    insert into "user_profiles" ("user_id", "organization_id", "full_name", "birthdate")
    values ($1, $2, $3, $4)
    returning "user_profiles"."user_id" as "userId",
      "user_profiles"."organization_id" as "organizationId",
      "user_profiles"."full_name" as "fullName", user_profiles.birthdate::text as "birthdate",
      "user_profiles"."locale", "user_profiles"."time_zone" as "timeZone",
      "user_profiles"."created_at" as "createdAt", "user_profiles"."updated_at" as "updatedAt"`),
  insertRole: `insert into "user_roles" ("user_id", "role_id", "organization_id") values ($1, $2, $3)`,
  insertStaffProfile: oneLine(`
    insert into "user_staff_profiles" ("user_id", "organization_id") values ($1, $2)
    returning ${STAFF_PROFILE_COLUMNS}`),
  insertAudit: auditInsertSql(4),
} as const;

/** The input of one registration (the fields `users.register` needs). */
interface Registration {
  readonly organizationId: string;
  readonly authSubject: string;
  readonly email: string;
  readonly fullName: string;
}

async function rawFindById(pool: pg.Pool, id: string): Promise<Record<string, unknown> | undefined> {
  const result = await pool.query(RAW_SQL.findById, [id]);
  return result.rows[0];
}

async function rawHasPermission(pool: pg.Pool, userId: string, permission: string): Promise<boolean> {
  const result = await pool.query(RAW_SQL.hasPermission, [userId, true, permission]);
  return result.rows[0]?.allowed === true;
}

async function rawRegister(pool: pg.Pool, input: Registration) {
  return rawTransaction(pool, async (client) => {
    const role = (await client.query(RAW_SQL.roleByName, [DEFAULT_USER_ROLE])).rows[0];
    if (!role) throw new Error('role not found');
    const user = (await client.query(RAW_SQL.insertUser, [input.authSubject, input.email, input.organizationId]))
      .rows[0];
    if (!user) throw new Error('organization not found');
    const profile = (await client.query(RAW_SQL.insertProfile, [user.id, user.organizationId, input.fullName, null]))
      .rows[0];
    await client.query(RAW_SQL.insertRole, [user.id, role.id, user.organizationId]);
    const staff = (await client.query(RAW_SQL.insertStaffProfile, [user.id, user.organizationId])).rows[0];
    const common = { organizationId: user.organizationId, actorUserId: null, entityId: user.id, before: null };
    await client.query(RAW_SQL.insertAudit, [
      ...auditParameters({ ...common, action: 'user.register', entityType: 'user', after: snapshotJson('user', user) }),
      ...auditParameters({
        ...common,
        action: 'user_profile.create',
        entityType: 'user_profile',
        after: snapshotJson('user_profile', profile),
      }),
      ...auditParameters({
        ...common,
        action: 'user_role.assign',
        entityType: 'user_role',
        after: snapshotJson('user_role', { userId: user.id, roleId: role.id }),
      }),
      ...auditParameters({
        ...common,
        action: 'staff_profile.create',
        entityType: 'staff_profile',
        after: snapshotJson('staff_profile', staff),
      }),
    ]);
    return { user, profile, roles: [DEFAULT_USER_ROLE] };
  });
}

// ---------------------------------------------------------------------------------------------
// Setup.

/** Picks `count` distinct live user ids with a fixed seed. */
async function sampleUserIds(db: Kysely<DB>, count: number): Promise<string[]> {
  const rows = await db.selectFrom('users').select('id').where('deleted_at', 'is', null).orderBy('id').execute();
  const next = seededRandom(SEED + 1);
  const picked = new Set<string>();
  while (picked.size < Math.min(count, rows.length)) {
    picked.add(rows[Math.floor(next() * rows.length)]!.id);
  }
  return [...picked];
}

/** Grants `admin` to every other sampled user, so hasPermission answers both true and false. */
async function grantAdminToHalf(db: Kysely<DB>, userIds: readonly string[]): Promise<void> {
  const repos = createRepositories(db);
  const admin = await repos.roles.findByName(ADMIN_ROLE);
  if (!admin) throw new Error(`role ${ADMIN_ROLE} is missing`);
  for (let i = 0; i < userIds.length; i += 2) {
    await repos.access.assignRole(userIds[i]!, admin.id);
  }
}

/** Unique inputs for `users.register` in one organization: bench|1, bench|2, … */
function registrations(organizationId: string): () => Registration {
  let n = 0;
  return () => {
    n += 1;
    return {
      organizationId,
      authSubject: `bench|${n}`,
      email: `bench.${n}@bench.example.com`,
      fullName: `Bench User ${n}`,
    };
  };
}

/** Seeds the roles, permissions, organizations and users (the database every section shares). */
export async function seedIdentity(db: Kysely<DB>): Promise<void> {
  await step(`seeding ${ORGANIZATIONS} organizations × ${USERS_PER_ORGANIZATION} users (seedDevData)`, async () => {
    await seedDevData(db, {
      seed: SEED,
      organizations: ORGANIZATIONS,
      usersPerOrganization: USERS_PER_ORGANIZATION,
      onProgress: (done, total) => process.stderr.write(`\rseeding users ${done}/${total}`),
    });
    process.stderr.write('\n');
  });
}

// ---------------------------------------------------------------------------------------------
// Checks that both sides do the same work.

/**
 * Runs each repository operation once on a Kysely instance that logs its SQL, and fails when
 * that SQL differs from RAW_SQL (a repository changed; update RAW_SQL).
 */
async function verifySameSql(url: string, userId: string, registration: Registration): Promise<void> {
  const { db: logged, sent } = createLoggingDatabase(url);
  try {
    const repos = createRepositories(logged);
    const expectations: [string, () => Promise<unknown>, string[]][] = [
      ['findById', () => repos.users.findById(userId), [RAW_SQL.findById]],
      ['hasPermission', () => repos.access.hasPermission(userId, PERMISSION), [RAW_SQL.hasPermission]],
      [
        'register',
        () => repos.users.register(registration),
        [
          'begin',
          RAW_SQL.roleByName,
          RAW_SQL.insertUser,
          RAW_SQL.insertProfile,
          RAW_SQL.insertRole,
          RAW_SQL.insertStaffProfile,
          RAW_SQL.insertAudit,
          'commit',
        ],
      ],
    ];
    for (const [name, run, expected] of expectations) {
      sent.length = 0;
      await run();
      assert.deepEqual(
        sent.map((q) => q.sql),
        expected,
        `${name}: the raw SQL differs from the repository's; update RAW_SQL`,
      );
    }
  } finally {
    await logged.destroy();
  }
}

/** Fails when the raw side returns or writes something other than what the repository does. */
async function verifySameResults(
  db: Kysely<DB>,
  camel: Kysely<DB>,
  pool: pg.Pool,
  userIds: readonly string[],
  nextRegistration: () => Registration,
): Promise<void> {
  const repos = createRepositories(db);
  let allowed = 0;
  for (const id of userIds) {
    const expected = await repos.users.findById(id);
    assert.deepEqual(await rawFindById(pool, id), expected, `findById(${id})`);
    assert.deepEqual(await findByIdCamelCase(camel, id), expected, `camel-case findById(${id})`);
    const has = await repos.access.hasPermission(id, PERMISSION);
    assert.equal(await rawHasPermission(pool, id, PERMISSION), has, `hasPermission(${id})`);
    if (has) allowed += 1;
  }
  assert.ok(allowed > 0 && allowed < userIds.length, 'hasPermission must answer both true and false');
  const viaRepo = await repos.users.register(nextRegistration());
  const viaRaw = await rawRegister(pool, nextRegistration());
  assert.deepEqual(Object.keys(viaRaw.user), Object.keys(viaRepo.user), 'register: user fields');
  assert.deepEqual(Object.keys(viaRaw.profile), Object.keys(viaRepo.profile), 'register: profile fields');
  assert.deepEqual(viaRaw.roles, viaRepo.roles, 'register: roles');
  // The audit rows both wrote: same actions, same snapshot fields.
  const audit = async (userId: string) =>
    (
      await pool.query(
        `select action, entity_type, array(select jsonb_object_keys(after)) as keys
         from audit_logs where entity_id = $1 order by action`,
        [userId],
      )
    ).rows;
  assert.deepEqual(await audit(viaRaw.user.id), await audit(viaRepo.user.id), 'register: audit rows');
}

// ---------------------------------------------------------------------------------------------
// The alternative mapping mechanism.

/** A Kysely instance mapping snake_case columns to camelCase keys with CamelCasePlugin. */
function createCamelCaseDatabase(url: string): Kysely<DB> {
  return new Kysely<DB>({
    dialect: new PostgresDialect({ pool: createPool({ connectionString: url, max: POOL_SIZE }) }),
    plugins: [new CamelCasePlugin()],
  });
}

/** findById written the CamelCasePlugin way: `selectAll()`, keys renamed per row in JS. */
function findByIdCamelCase(camel: Kysely<DB>, id: string) {
  return camel.selectFrom('users').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
}

// ---------------------------------------------------------------------------------------------
// The run and its table.

interface Row {
  readonly operation: string;
  readonly repo: Latencies;
  readonly raw: Latencies;
  /** Whether the read target applies to this operation. */
  readonly read: boolean;
}

function render(rows: readonly Row[]): string {
  const verdicts: string[] = [];
  const table = markdownTable(
    ['operation', 'repo median µs', 'repo p99 µs', 'raw median µs', 'raw p99 µs', 'ratio median (repo/raw)', 'ratio p99'],
    rows.map((row) => {
      const repo = summarize(row.repo);
      const raw = summarize(row.raw);
      const r = repo.median / raw.median;
      if (row.read) {
        const verdict = r <= READ_TARGET_RATIO ? 'meets' : 'does NOT meet';
        verdicts.push(`- ${row.operation}: median ratio ${r.toFixed(3)} ${verdict} the read target (<= ${READ_TARGET_RATIO.toFixed(2)})`);
      }
      return [
        row.operation,
        us(repo.median),
        us(repo.p99),
        us(raw.median),
        us(raw.p99),
        ratio(repo.median, raw.median),
        ratio(repo.p99, raw.p99),
      ];
    }),
  );
  return `${table}\n\n${verdicts.join('\n')}`;
}

/**
 * Measures every operation, repository against raw, one operation after the other, on
 * connections opened for it; returns the section's markdown. The CamelCasePlugin variant runs in the findById loop, so both mechanisms
 * share one raw baseline.
 */
export async function runIdentitySection(url: string, setup: Connections): Promise<string> {
  const userIds = await sampleUserIds(setup.db, SAMPLE_USERS);
  await grantAdminToHalf(setup.db, userIds);
  // Fresh planner statistics now, so autovacuum's ANALYZE does not change plans mid-run.
  await setup.pool.query('analyze');
  const organization = await setup.db.selectFrom('organizations').select('id').orderBy('slug').executeTakeFirstOrThrow();
  const nextRegistration = registrations(organization.id);

  const { db, pool, close } = openConnections(url);
  const camel = createCamelCaseDatabase(url);
  try {
    progress('identity: checking that raw SQL and results match the repositories');
    await verifySameSql(url, userIds[0]!, nextRegistration());
    await verifySameResults(db, camel, pool, userIds, nextRegistration);

    const repos = createRepositories(db);
    const id = (i: number) => cyclic(userIds, i);
    const findById = await measureInterleaved('findById', READ_ITERATIONS, READ_WARMUP_ITERATIONS, {
      repo: (i) => repos.users.findById(id(i)),
      raw: (i) => rawFindById(pool, id(i)),
      camel: (i) => findByIdCamelCase(camel, id(i)),
    });
    const hasPermission = await measureInterleaved('hasPermission', READ_ITERATIONS, READ_WARMUP_ITERATIONS, {
      repo: (i) => repos.access.hasPermission(id(i), PERMISSION),
      raw: (i) => rawHasPermission(pool, id(i), PERMISSION),
    });
    const register = await measureInterleaved('register', REGISTER_ITERATIONS, REGISTER_WARMUP_ITERATIONS, {
      repo: () => repos.users.register(nextRegistration()),
      raw: () => rawRegister(pool, nextRegistration()),
    });
    return render([
      { operation: 'users.findById', read: true, repo: findById.repo, raw: findById.raw },
      { operation: 'access.hasPermission', read: true, ...hasPermission },
      { operation: 'users.register (transaction: role lookup, 4 inserts, audit insert)', read: false, ...register },
      {
        operation: 'findById via CamelCasePlugin (alternative not chosen)',
        read: true,
        repo: findById.camel,
        raw: findById.raw,
      },
    ]);
  } finally {
    await camel.destroy();
    await close();
  }
}
