// Section "verify": one verification through the repository against the same SQL with raw `pg`.
//
//   repo   createRepositories(db, { actorUserId: verifier }).staffProfiles.verify(userId, { expectedVersion })
//          = BEGIN; the conditional UPDATE … RETURNING (pending → verified at the expected
//          version, actor holds profile:verify); one audit INSERT (whitelisted before/after); COMMIT
//   raw    the same four statements on one pooled connection, the UPDATE text (identical up to
//          whitespace) and parameters as the repository sends them, the snapshots built by hand.
//
// Every verification consumes one pending profile (a verified profile cannot be verified
// again), so the section first turns enough of the first organization's users into pending
// profiles with raw SQL. The organization's policy has a validity period, so verify also sets
// verification_expires_at.
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import { createRepositories } from '../../src/repositories.js';
import type { DB } from '../../src/schema/db.js';
import { STAFF_PROFILE_COLUMNS } from './raw-columns.js';
import { measureInterleaved, ratio, summarize, us } from './measure.js';
import { auditInsertSql, auditParameters, snapshotJson } from './raw-audit.js';
import {
  createLoggingDatabase,
  markdownTable,
  oneLine,
  openConnections,
  progress,
  rawTransaction,
  type Connections,
} from './support.js';

const ITERATIONS = 1000;
const WARMUP_ITERATIONS = 200;
const PERMISSION = 'profile:verify';
const VALIDITY_DAYS = 365;

export const VERIFY_METHOD = `${ITERATIONS} verifications per side after ${WARMUP_ITERATIONS} warm-up iterations`;

// ---------------------------------------------------------------------------------------------
// The raw side.

/** The staff-profile fields, as `transitionStatement` returns them (new, then `before_`). */
const FIELDS: readonly [string, string][] = [
  ['userId', 'user_id'],
  ['organizationId', 'organization_id'],
  ['employeeId', 'employee_id'],
  ['academicTitleCode', 'academic_title_code'],
  ['academicTitleOther', 'academic_title_other'],
  ['unitId', 'unit_id'],
  ['jobTitle', 'job_title'],
  ['status', 'profile_verification_status'],
  ['verificationSubmittedAt', 'verification_submitted_at'],
  ['verifiedAt', 'verified_at'],
  ['verifiedByUserId', 'verified_by_user_id'],
  ['rejectionReason', 'rejection_reason'],
  ['verificationExpiresAt', 'verification_expires_at'],
  ['version', 'version'],
  ['createdAt', 'created_at'],
  ['updatedAt', 'updated_at'],
];

const STATUS = `"p"."profile_verification_status"`;

/** The verify transition's conditional UPDATE; $1 profile, $2 $4 $5 verifier, $3 version, $6 permission. */
const VERIFY_SQL = oneLine(`
  WITH current AS (SELECT * FROM user_staff_profiles WHERE user_id = $1::uuid FOR UPDATE)
  UPDATE user_staff_profiles AS p SET
    profile_verification_status = CASE ${STATUS} WHEN 'pending' THEN 'verified' ELSE ${STATUS} END::profile_verification_status,
    verification_submitted_at = "p"."verification_submitted_at",
    verified_at = CASE ${STATUS} WHEN 'pending' THEN now() ELSE NULL END,
    verified_by_user_id = CASE ${STATUS} WHEN 'pending' THEN $2::uuid ELSE NULL END,
    verification_expires_at = CASE ${STATUS} WHEN 'pending'
      THEN now() + make_interval(days => (o.settings #>> '{verification,validityDays}')::int) ELSE NULL END,
    rejection_reason = NULL,
    version = p.version + 1
  FROM current JOIN organizations o ON o.id = current.organization_id
  WHERE p.user_id = current.user_id AND ${STATUS} IN ('pending') AND p.version = $3
    AND (p.user_id <> $4::uuid AND o.deleted_at IS NULL AND EXISTS (
      SELECT 1 FROM users a
      JOIN user_roles ur ON ur.user_id = a.id
      JOIN role_permissions rp ON rp.role_id = ur.role_id
      JOIN permissions perm ON perm.id = rp.permission_id
      WHERE a.id = $5::uuid AND a.organization_id = p.organization_id
        AND a.is_active AND a.deleted_at IS NULL AND perm.name = $6))
    AND EXISTS (SELECT 1 FROM users u WHERE u.id = p.user_id AND u.deleted_at IS NULL)
  RETURNING ${FIELDS.map(([field, column]) => `"p"."${column}" AS "${field}", "current"."${column}" AS "before_${field}"`).join(', ')}`);

const AUDIT_SQL = auditInsertSql(1);

const PROFILE_BY_ID_SQL = oneLine(`select ${STAFF_PROFILE_COLUMNS} from "user_staff_profiles" where "user_id" = $1`);

function verifyParameters(verifierId: string, userId: string, expectedVersion: number): unknown[] {
  return [userId, verifierId, expectedVersion, verifierId, verifierId, PERMISSION];
}

/** Splits the UPDATE's row into the new profile and the old one (`before_` fields). */
function splitRow(row: Record<string, unknown>): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (key.startsWith('before_')) before[key.slice('before_'.length)] = value;
    else after[key] = value;
  }
  return { before, after };
}

function verifyAuditParameters(verifierId: string, before: Record<string, unknown>, after: Record<string, unknown>) {
  return auditParameters({
    organizationId: after.organizationId as string,
    actorUserId: verifierId,
    action: 'staff_profile.verify',
    entityType: 'staff_profile',
    entityId: after.userId as string,
    before: snapshotJson('staff_profile', before),
    after: snapshotJson('staff_profile', after),
  });
}

async function rawVerify(pool: pg.Pool, verifierId: string, userId: string, expectedVersion: number) {
  return rawTransaction(pool, async (client) => {
    const row = (await client.query(VERIFY_SQL, verifyParameters(verifierId, userId, expectedVersion))).rows[0];
    // The repository then reads the row to say why; in this benchmark it never happens.
    if (!row) throw new Error(`raw verify of ${userId} at version ${expectedVersion} changed nothing`);
    const { before, after } = splitRow(row);
    await client.query(AUDIT_SQL, verifyAuditParameters(verifierId, before, after));
    return after;
  });
}

// ---------------------------------------------------------------------------------------------
// Setup.

interface Pending {
  readonly userId: string;
  readonly version: number;
}

/** A verifier role holding profile:verify (as `test/helpers/staff.ts` makes it), granted to one user. */
async function createVerifier(pool: pg.Pool, organizationId: string): Promise<string> {
  await pool.query(`INSERT INTO permissions (name, description) VALUES ($1, 'Verify staff profiles')
    ON CONFLICT (name) DO NOTHING`, [PERMISSION]);
  await pool.query(`INSERT INTO roles (name) VALUES ('verifier') ON CONFLICT (name) DO NOTHING`);
  await pool.query(`INSERT INTO role_permissions (role_id, permission_id)
    SELECT r.id, p.id FROM roles r, permissions p WHERE r.name = 'verifier' AND p.name = $1
    ON CONFLICT DO NOTHING`, [PERMISSION]);
  const { rows } = await pool.query(
    `INSERT INTO user_roles (user_id, role_id, organization_id)
     SELECT u.id, r.id, u.organization_id FROM users u, roles r
     WHERE u.organization_id = $1 AND u.deleted_at IS NULL AND r.name = 'verifier'
     ORDER BY u.auth_subject LIMIT 1
     RETURNING user_id`,
    [organizationId],
  );
  return rows[0].user_id as string;
}

/** Turns `count` users of the organization (not the verifier) into pending profiles. */
async function preparePending(pool: pg.Pool, organizationId: string, verifierId: string, count: number): Promise<Pending[]> {
  const { rows } = await pool.query(
    `INSERT INTO user_staff_profiles (user_id, organization_id, job_title, profile_verification_status, verification_submitted_at)
     SELECT id, organization_id, 'Lecturer', 'pending', now() - interval '1 day'
     FROM users WHERE organization_id = $1 AND deleted_at IS NULL AND id <> $2
     ORDER BY auth_subject LIMIT $3
     ON CONFLICT (user_id) DO UPDATE SET profile_verification_status = 'pending',
       verification_submitted_at = excluded.verification_submitted_at, verified_at = NULL,
       verified_by_user_id = NULL, verification_expires_at = NULL, rejection_reason = NULL
     RETURNING user_id, version`,
    [organizationId, verifierId, count],
  );
  if (rows.length < count) throw new Error(`only ${rows.length} users to verify; need ${count}`);
  return rows.map((row) => ({ userId: row.user_id as string, version: row.version as number }));
}

// ---------------------------------------------------------------------------------------------
// Checks that both sides do the same work.

/** Verifies `viaRepo` through a logging Kysely instance and compares every statement with the raw side's. */
async function verifySameSql(url: string, pool: pg.Pool, verifierId: string, profile: Pending): Promise<void> {
  const before = (await pool.query(PROFILE_BY_ID_SQL, [profile.userId])).rows[0];
  const { db: logged, sent } = createLoggingDatabase(url);
  try {
    const after = await createRepositories(logged, { actorUserId: verifierId }).staffProfiles.verify(profile.userId, {
      expectedVersion: profile.version,
    });
    assert.deepEqual(
      sent.map((q) => q.sql).map((text, i) => (i === 1 ? oneLine(text) : text)),
      ['begin', VERIFY_SQL, AUDIT_SQL, 'commit'],
      'verify: the raw SQL differs from the repository’s; update VERIFY_SQL',
    );
    assert.deepEqual(sent[1]!.parameters, verifyParameters(verifierId, profile.userId, profile.version), 'verify: UPDATE parameters');
    assert.deepEqual(
      sent[2]!.parameters,
      verifyAuditParameters(verifierId, before, after as unknown as Record<string, unknown>),
      'verify: audit parameters (snapshot whitelist changed? update raw-audit.ts)',
    );
  } finally {
    await logged.destroy();
  }
}

/** Verifies one profile each way and compares what they return and write. */
async function verifySameResults(db: Kysely<DB>, pool: pg.Pool, verifierId: string, a: Pending, b: Pending) {
  const viaRepo = await createRepositories(db, { actorUserId: verifierId }).staffProfiles.verify(a.userId, {
    expectedVersion: a.version,
  });
  const viaRaw = await rawVerify(pool, verifierId, b.userId, b.version);
  assert.deepEqual(Object.keys(viaRaw), Object.keys(viaRepo), 'verify: returned fields');
  for (const profile of [viaRepo, viaRaw] as Record<string, unknown>[]) {
    assert.equal(profile.status, 'verified');
    assert.equal(profile.verifiedByUserId, verifierId);
    assert.ok(profile.verificationExpiresAt instanceof Date, 'verify sets verification_expires_at');
  }
  const audit = async (userId: string) =>
    (
      await pool.query(
        `select action, actor_user_id, before->>'status' as before, after->>'status' as after,
           array(select jsonb_object_keys(after)) as keys
         from audit_logs where entity_id = $1 and action = 'staff_profile.verify'`,
        [userId],
      )
    ).rows;
  const rows = await audit(a.userId);
  assert.equal(rows.length, 1, 'verify: one audit row');
  assert.deepEqual(await audit(b.userId), rows, 'verify: audit rows');
}

// ---------------------------------------------------------------------------------------------
// The run.

/** Prepares pending profiles, measures verify (repository against raw); returns the section's markdown. */
export async function runVerifySection(url: string, setup: Connections): Promise<string> {
  const organization = await setup.db.selectFrom('organizations').select('id').orderBy('slug').executeTakeFirstOrThrow();
  await setup.pool.query(
    `UPDATE organizations SET settings = settings || jsonb_build_object('verification', jsonb_build_object('validityDays', $2::int))
     WHERE id = $1`,
    [organization.id, VALIDITY_DAYS],
  );
  const verifierId = await createVerifier(setup.pool, organization.id);
  const perSide = ITERATIONS + WARMUP_ITERATIONS;
  const pending = await preparePending(setup.pool, organization.id, verifierId, 2 * perSide + 3);
  await setup.pool.query('analyze user_staff_profiles');

  const { db, pool, close } = openConnections(url);
  let latencies;
  try {
    progress(`verify: ${pending.length} pending profiles prepared; checking SQL and results`);
    await verifySameSql(url, pool, verifierId, pending[0]!);
    await verifySameResults(db, pool, verifierId, pending[1]!, pending[2]!);

    const forRepo = pending.slice(3, 3 + perSide);
    const forRaw = pending.slice(3 + perSide);
    const repos = createRepositories(db, { actorUserId: verifierId });
    latencies = await measureInterleaved('verify', ITERATIONS, WARMUP_ITERATIONS, {
      repo: (i) => {
        const p = forRepo[i + WARMUP_ITERATIONS]!;
        return repos.staffProfiles.verify(p.userId, { expectedVersion: p.version });
      },
      raw: (i) => {
        const p = forRaw[i + WARMUP_ITERATIONS]!;
        return rawVerify(pool, verifierId, p.userId, p.version);
      },
    });
  } finally {
    await close();
  }
  const left = Number((await setup.pool.query(
    `select count(*) from user_staff_profiles where organization_id = $1 and profile_verification_status = 'pending'`,
    [organization.id],
  )).rows[0].count);
  assert.equal(left, 0, 'every prepared profile was verified exactly once');

  const repo = summarize(latencies.repo);
  const raw = summarize(latencies.raw);
  return markdownTable(
    ['operation', 'repo median µs', 'repo p99 µs', 'raw median µs', 'raw p99 µs', 'ratio median (repo/raw)', 'ratio p99'],
    [
      [
        'staffProfiles.verify (transaction: conditional UPDATE + audit insert)',
        us(repo.median),
        us(repo.p99),
        us(raw.median),
        us(raw.p99),
        ratio(repo.median, raw.median),
        ratio(repo.p99, raw.p99),
      ],
    ],
  );
}
