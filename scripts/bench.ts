// npm run bench    latency of the repositories against the same SQL hand-written with raw `pg`
//
// What it measures: the client-side cost the package adds on top of a PostgreSQL round trip.
// For each operation the repository call (input validation with zod, Kysely query building and
// compilation, done once for the hot reads by preparedQuery, the Kysely driver, error mapping) and the same SQL text sent with a raw
// `pg.Pool` run against one seeded database, interleaved in one run: every iteration runs each
// side once on the same input, rotating which side goes first, after a warm-up. Calls run one
// at a time, so each sample is one call's latency (process.hrtime.bigint around the await).
//
//   findById        users.findById(id): one SELECT by primary key
//   hasPermission   access.hasPermission(userId, 'user:read'): one EXISTS over four joins
//   register        users.register(input): BEGIN, three INSERTs, COMMIT on one connection
//   CamelCasePlugin the mapping mechanism the package did not choose: `selectAll()` through
//                   Kysely's CamelCasePlugin (per-query AST rewrite, per-row key renaming)
//                   instead of explicit column aliases in the SQL. It runs as a third side of
//                   the findById loop and is compared with the same raw findById samples.
//
// Before measuring, the script checks that the raw SQL is the SQL the repositories send (it
// fails when a repository's SQL changed) and that both sides return the same rows.
//
// The target is reads within 10% of raw pg (median ratio <= 1.10). It is reported, never
// enforced: timings depend on the machine, so the script exits 0 whatever they are.
//
// Always an embedded PostgreSQL (DATABASE_URL is ignored), seeded with 10 organizations of
// 5000 users. Progress goes to stderr, the report to stdout.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CamelCasePlugin, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { createDatabase, createPool } from '../src/database/create-database.js';
import { migrate } from '../src/migrations/migrate.js';
import { createRepositories } from '../src/repositories/index.js';
import { ADMIN_ROLE, DEFAULT_USER_ROLE } from '../src/repositories/rbac/default-role.js';
import type { DB } from '../src/schema/db.js';
import { seededRandom } from '../src/seeders/random.js';
import { seedDevData } from '../src/seeders/seed-dev-data.js';
import { startPostgresServer } from '../src/testing/postgres-server.js';

const POOL_SIZE = 4;
const SEED = 42;
const ORGANIZATIONS = 10;
const USERS_PER_ORGANIZATION = 5000;
const SAMPLE_USERS = 200;
const PERMISSION = 'user:read';
const READ_ITERATIONS = 5000;
const REGISTER_ITERATIONS = 1000;
// Until V8 has optimized Kysely's builder and compiler the repository side runs ~5% slower.
const READ_WARMUP_ITERATIONS = 1000;
const REGISTER_WARMUP_ITERATIONS = 200;
const READ_TARGET_RATIO = 1.1;

// ---------------------------------------------------------------------------------------------
// The raw side: the SQL the repositories send, written out by hand, run with a plain pg.Pool.

/** Collapses the whitespace of a multi-line SQL literal, so the text is what Kysely sends. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')').trim();
}

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
      inner join "role_permissions" on "role_permissions"."role_id" = "user_roles"."role_id"
      inner join "permissions" on "permissions"."id" = "role_permissions"."permission_id"
      where "user_roles"."user_id" = $1 and "users"."is_active" = $2
        and "users"."deleted_at" is null and "permissions"."name" = $3
    ) as "allowed"`),
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
  insertRole: oneLine(`
    insert into "user_roles" ("user_id", "role_id", "organization_id")
    select $1 as "user_id", "roles"."id", $2 as "organization_id"
    from "roles"
    where "roles"."name" = $3
    returning "role_id"`),
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
  const client = await pool.connect();
  try {
    await client.query('begin');
    const user = (await client.query(RAW_SQL.insertUser, [input.authSubject, input.email, input.organizationId]))
      .rows[0];
    if (!user) throw new Error('organization not found');
    const profile = (await client.query(RAW_SQL.insertProfile, [user.id, user.organizationId, input.fullName, null]))
      .rows[0];
    const role = (await client.query(RAW_SQL.insertRole, [user.id, user.organizationId, DEFAULT_USER_ROLE])).rows[0];
    if (!role) throw new Error('role not found');
    await client.query('commit');
    return { user, profile, roles: [DEFAULT_USER_ROLE] };
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}

// ---------------------------------------------------------------------------------------------
// Setup.

/** Creates the database `name` on the server and returns its connection string. */
async function createBenchDatabase(adminUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Seeds the roles, permissions, organizations and users; progress on one stderr line. */
async function seed(db: Kysely<DB>): Promise<void> {
  await seedDevData(db, {
    seed: SEED,
    organizations: ORGANIZATIONS,
    usersPerOrganization: USERS_PER_ORGANIZATION,
    onProgress: (done, total) => process.stderr.write(`\rseeding users ${done}/${total}`),
  });
  process.stderr.write('\n');
}

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

/**
 * The raw side's pool. pg-pool's `end()` resolves before its connections have closed; when
 * `server.stop()` then terminates them (57P01) an idle client emits 'error', which crashes the
 * process unless the pool has a listener (`createPool` has one too).
 */
function createRawPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE, options: '-c TimeZone=UTC' });
  pool.on('error', () => undefined);
  return pool;
}

/** Row counts of every table, for the report. */
async function countRows(pool: pg.Pool): Promise<Record<string, number>> {
  const tables = ['organizations', 'users', 'user_profiles', 'user_roles', 'roles', 'permissions', 'role_permissions'];
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const result = await pool.query(`select count(*)::int as n from ${table}`);
    counts[table] = result.rows[0].n;
  }
  return counts;
}

// ---------------------------------------------------------------------------------------------
// Checks that both sides do the same work.

/**
 * Runs each repository operation once on a Kysely instance that logs its SQL, and fails when
 * that SQL differs from RAW_SQL (a repository changed; update RAW_SQL).
 */
async function verifySameSql(url: string, userId: string, registration: Registration): Promise<void> {
  const sent: string[] = [];
  const logged = new Kysely<DB>({
    dialect: new PostgresDialect({ pool: createPool({ connectionString: url, max: 1 }) }),
    log: (event) => {
      if (event.level === 'query') sent.push(event.query.sql);
    },
  });
  try {
    const repos = createRepositories(logged);
    const expectations: [string, () => Promise<unknown>, string[]][] = [
      ['findById', () => repos.users.findById(userId), [RAW_SQL.findById]],
      ['hasPermission', () => repos.access.hasPermission(userId, PERMISSION), [RAW_SQL.hasPermission]],
      [
        'register',
        () => repos.users.register(registration),
        ['begin', RAW_SQL.insertUser, RAW_SQL.insertProfile, RAW_SQL.insertRole, 'commit'],
      ],
    ];
    for (const [name, run, expected] of expectations) {
      sent.length = 0;
      await run();
      assert.deepEqual(sent, expected, `${name}: the raw SQL differs from the repository's; update RAW_SQL`);
    }
  } finally {
    await logged.destroy();
  }
}

/** Fails when the raw side returns something other than what the repository returns. */
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
// Measurement.

/** Latencies in nanoseconds, one entry per measured call. */
type Latencies = Float64Array;

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start);
}

/**
 * Runs every side once per iteration on the same iteration index, rotating which side goes
 * first, for `iterations` iterations after `warmup` unrecorded ones; returns each side's
 * latencies. With two sides this alternates repo-first and raw-first.
 */
async function measureInterleaved<K extends string>(
  label: string,
  iterations: number,
  warmup: number,
  sides: Record<K, (i: number) => Promise<unknown>>,
): Promise<Record<K, Latencies>> {
  const names = Object.keys(sides) as K[];
  const latencies = Object.fromEntries(names.map((name) => [name, new Float64Array(iterations)])) as Record<K, Latencies>;
  for (let i = -warmup; i < iterations; i += 1) {
    for (let k = 0; k < names.length; k += 1) {
      const name = names[(i + warmup + k) % names.length]!;
      const latency = await timed(() => sides[name](i));
      if (i >= 0) latencies[name][i] = latency;
    }
    if (i % 500 === 0) process.stderr.write(`\r${label} ${Math.max(i, 0)}/${iterations}   `);
  }
  process.stderr.write(`\r${label} ${iterations}/${iterations}   \n`);
  return latencies;
}

/** The `p`-quantile (0..1) of sorted values, nearest rank. */
function quantile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

/** Median and p99 of latencies in ns, returned in µs. */
function summarize(latencies: Latencies): { median: number; p99: number } {
  const sorted = Float64Array.from(latencies).sort();
  return { median: quantile(sorted, 0.5) / 1000, p99: quantile(sorted, 0.99) / 1000 };
}

// ---------------------------------------------------------------------------------------------
// Report.

interface Row {
  readonly operation: string;
  readonly repo: Latencies;
  readonly raw: Latencies;
  /** Whether the read target applies to this operation. */
  readonly read: boolean;
}

function printTable(rows: readonly Row[]): void {
  const lines = [
    '| operation | repo median µs | repo p99 µs | raw median µs | raw p99 µs | ratio median (repo/raw) | ratio p99 |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  const verdicts: string[] = [];
  for (const row of rows) {
    const repo = summarize(row.repo);
    const raw = summarize(row.raw);
    const ratio = repo.median / raw.median;
    lines.push(
      `| ${row.operation} | ${repo.median.toFixed(1)} | ${repo.p99.toFixed(1)} | ${raw.median.toFixed(1)} | ` +
        `${raw.p99.toFixed(1)} | ${ratio.toFixed(3)} | ${(repo.p99 / raw.p99).toFixed(3)} |`,
    );
    if (row.read) {
      const verdict = ratio <= READ_TARGET_RATIO ? 'meets' : 'does NOT meet';
      verdicts.push(`- ${row.operation}: median ratio ${ratio.toFixed(3)} ${verdict} the read target (<= ${READ_TARGET_RATIO.toFixed(2)})`);
    }
  }
  console.log(lines.join('\n'));
  console.log();
  console.log(verdicts.join('\n'));
}

function packageVersion(name: string): string {
  const path = join(import.meta.dirname, '..', 'node_modules', name, 'package.json');
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}

async function printEnvironment(pool: pg.Pool, counts: Record<string, number>): Promise<void> {
  const version = (await pool.query('show server_version')).rows[0].server_version as string;
  console.log(`Node ${process.version}, PostgreSQL ${version}, kysely ${packageVersion('kysely')}, pg ${packageVersion('pg')}`);
  console.log(
    `pool max ${POOL_SIZE}; calls run one at a time; ${READ_ITERATIONS} reads per side after ` +
      `${READ_WARMUP_ITERATIONS} warm-up iterations, ${REGISTER_ITERATIONS} registers per side after ` +
      `${REGISTER_WARMUP_ITERATIONS}`,
  );
  console.log(`rows: ${Object.entries(counts).map(([table, n]) => `${table} ${n}`).join(', ')}`);
  console.log();
}

// ---------------------------------------------------------------------------------------------
// The run.

/**
 * Measures every operation, repository against raw, one operation after the other. The
 * CamelCasePlugin variant runs in the findById loop, so both mechanisms share one raw baseline.
 */
async function measureOperations(
  db: Kysely<DB>,
  camel: Kysely<DB>,
  pool: pg.Pool,
  userIds: readonly string[],
  nextRegistration: () => Registration,
): Promise<Row[]> {
  const repos = createRepositories(db);
  // Warm-up iterations have negative indexes.
  const id = (i: number) => userIds[((i % userIds.length) + userIds.length) % userIds.length]!;
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
  return [
    { operation: 'users.findById', read: true, repo: findById.repo, raw: findById.raw },
    { operation: 'access.hasPermission', read: true, ...hasPermission },
    { operation: 'users.register (transaction, 3 inserts)', read: false, ...register },
    {
      operation: 'findById via CamelCasePlugin (alternative not chosen)',
      read: true,
      repo: findById.camel,
      raw: findById.raw,
    },
  ];
}

async function main(): Promise<void> {
  const server = await startPostgresServer({ url: null });
  let db: Kysely<DB> | undefined;
  let camel: Kysely<DB> | undefined;
  let pool: pg.Pool | undefined;
  try {
    const url = await createBenchDatabase(server.adminUrl, 'bench');
    db = createDatabase({ connectionString: url, max: POOL_SIZE });
    camel = createCamelCaseDatabase(url);
    pool = createRawPool(url);
    await migrate(db);
    await seed(db);
    const userIds = await sampleUserIds(db, SAMPLE_USERS);
    await grantAdminToHalf(db, userIds);
    // Fresh planner statistics now, so autovacuum's ANALYZE does not change plans mid-run.
    await pool.query('analyze');
    const organization = await db.selectFrom('organizations').select('id').orderBy('slug').executeTakeFirstOrThrow();
    const nextRegistration = registrations(organization.id);

    await verifySameSql(url, userIds[0]!, nextRegistration());
    await verifySameResults(db, camel, pool, userIds, nextRegistration);
    const rows = await measureOperations(db, camel, pool, userIds, nextRegistration);

    await printEnvironment(pool, await countRows(pool));
    printTable(rows);
  } finally {
    await camel?.destroy();
    await pool?.end();
    await db?.destroy();
    await server.stop();
  }
}

await main();
