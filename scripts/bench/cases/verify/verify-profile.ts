// staffProfiles.verify(userId, { expectedVersion }) through
// createRepositories(db, { actorUserId: verifier }): ONE statement, no BEGIN/COMMIT: a
// data-modifying CTE that locks the profile (FOR UPDATE) with the facts that decide the
// transition, the conditional UPDATE … RETURNING (pending → verified at the expected version,
// actor holds profile:verify), the audit INSERT from the UPDATE's RETURNING (whitelisted
// before/after built in SQL), and a final SELECT of the facts and the new row. The raw side
// sends the same statement with raw `pg`, byte for byte.
import assert from 'node:assert/strict';
import type pg from 'pg';
import { createRepositories } from '../../../../src/repositories.js';
import { defineCase } from '../../case.js';
import { auditInsertFromSql, eventInsertFromSql, isoSql, snapshotSql } from '../../raw-audit.js';
import { oneLine } from '../../support.js';
import { seedWorld } from '../identity/world.js';
import { createVerifier, PERMISSION, preparePending, take, type Pending } from './pending-profiles.js';

/** The staff-profile fields, as the statement returns them. */
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

const STATUS = `"c"."profile_verification_status"`;

/**
 * The verify transition; $1 $2 $4 verifier, $3 profile, $5 version, $6 … $9 audit context
 * (actor, request id, ip, user agent), $10 … $13 the event's (actor, correlation id, causation
 * id, request id).
 */
function verifySql(withEvent: boolean): string {
  return oneLine(`
  WITH c AS (
    SELECT p.*, (p.user_id <> $1::uuid AND o.deleted_at IS NULL AND EXISTS (
        SELECT 1 FROM users a
        JOIN user_roles ur ON ur.user_id = a.id
        JOIN role_permissions rp ON rp.role_id = ur.role_id
        JOIN permissions perm ON perm.id = rp.permission_id
        WHERE a.id = $2::uuid AND a.organization_id = p.organization_id
          AND a.is_active AND a.deleted_at IS NULL AND perm.name = '${PERMISSION}')) AS allowed,
      EXISTS (SELECT 1 FROM users l WHERE l.id = p.user_id AND l.deleted_at IS NULL) AS live,
      (o.settings #>> '{verification,validityDays}')::int AS validity_days
    FROM user_staff_profiles p JOIN organizations o ON o.id = p.organization_id
    WHERE p.user_id = $3::uuid
    FOR UPDATE OF p
  ), u AS (
    UPDATE user_staff_profiles AS p SET
      profile_verification_status = CASE ${STATUS} WHEN 'pending' THEN 'verified' ELSE ${STATUS} END::profile_verification_status,
      verification_submitted_at = "c"."verification_submitted_at",
      verified_at = CASE ${STATUS} WHEN 'pending' THEN now() ELSE NULL END,
      verified_by_user_id = CASE ${STATUS} WHEN 'pending' THEN $4::uuid ELSE NULL END,
      verification_expires_at = CASE ${STATUS} WHEN 'pending' THEN now() + make_interval(days => c.validity_days) ELSE NULL END,
      rejection_reason = NULL,
      version = c.version + 1
    FROM c
    WHERE p.user_id = c.user_id AND ${STATUS} IN ('pending') AND c.version = $5 AND c.allowed AND c.live
    RETURNING p.*
  ), audit AS (
    ${auditInsertFromSql(
      [
        `SELECT "u"."organization_id" AS organization_id, 'staff_profile.verify' AS action, 'staff_profile' AS entity_type,
          "u"."user_id" AS entity_id, ${snapshotSql('staff_profile', 'c')} AS before, ${snapshotSql('staff_profile', 'u')} AS after
        FROM u CROSS JOIN c`,
      ],
      6,
    )}
  )${withEvent ? `, ${eventInsertFromSql(
    [
      `SELECT "u"."organization_id" AS organization_id, 'staff_profile.verified' AS event_type_code,
        1::int AS payload_version, 'staff_profile' AS aggregate_type,
        "u"."user_id" AS aggregate_id, "u"."version" AS aggregate_version,
        jsonb_build_object('userId', u.user_id, 'organizationId', u.organization_id, 'version', u.version, 'verifiedByUserId', u.verified_by_user_id, 'verifiedAt', ${isoSql('"u"."verified_at"')},
        'expiresAt', ${isoSql('"u"."verification_expires_at"')}) AS payload FROM u CROSS JOIN c WHERE u.profile_verification_status = 'verified' AND c.profile_verification_status <> 'verified'`,
    ],
    10,
  )}` : ''}
  SELECT (u.user_id IS NOT NULL) AS applied, c.profile_verification_status AS "currentStatus",
    c.version AS "currentVersion", c.allowed, c.live,
    ${FIELDS.map(([field, column]) => `"u"."${column}" AS "${field}"`).join(', ')}
  FROM c LEFT JOIN u ON true`);
}

const VERIFY_SQL = verifySql(true);
/** The same statement without the event and outbox CTEs (the verify of 0.7.0): the events section's baseline. */
const VERIFY_SQL_WITHOUT_EVENT = verifySql(false);

/**
 * The verify statement with raw `pg`; `withEvent: false` sends it without the event CTEs, and
 * `name` as a named prepared statement.
 */
export async function rawVerify(pool: pg.Pool, verifierId: string, { userId, version }: Pending, withEvent = true, name?: string) {
  const params: unknown[] = [verifierId, verifierId, userId, verifierId, version, verifierId, null, null, null];
  if (withEvent) params.push(verifierId, null, null, null);
  const text = withEvent ? VERIFY_SQL : VERIFY_SQL_WITHOUT_EVENT;
  const row = (await pool.query(name ? { name, text, values: params } : { text, values: params })).rows[0];
  // The repository explains a refusal from the same row; in this benchmark it never happens.
  if (!row?.applied) throw new Error(`raw verify of ${userId} at version ${version} changed nothing`);
  return Object.fromEntries(FIELDS.map(([field]) => [field, row[field]]));
}

interface State {
  readonly organizationId: string;
  readonly verifierId: string;
  /** Pending profiles each side verifies, in order (each call takes the next). */
  readonly forRepo: Pending[];
  readonly forRaw: Pending[];
}


/** staffProfiles.verify of a pending profile per call. */
export const verifyProfile = defineCase<State>({
  name: 'staffProfiles.verify (one statement: locked read, conditional UPDATE, audit insert)',
  seed: async (ctx) => {
    const [organizationId] = await seedWorld(ctx);
    const verifierId = await createVerifier(ctx.setup.pool, organizationId!);
    // One profile per call and side, and one per side for the check.
    const pending = await preparePending(ctx.setup.pool, organizationId!, verifierId, 2 * (ctx.calls + 1));
    return { organizationId: organizationId!, verifierId, forRepo: pending.filter((_, k) => k % 2 === 0), forRaw: pending.filter((_, k) => k % 2 === 1) };
  },
  repo: (s, on) => {
    const repos = createRepositories(on.db, { actorUserId: s.verifierId });
    return () => {
      const p = take(s.forRepo);
      return repos.staffProfiles.verify(p.userId, { expectedVersion: p.version });
    };
  },
  raw: (s, on) => () => rawVerify(on.pool, s.verifierId, take(s.forRaw)),
  sameSql: async (s, check) => {
    const { repo, raw } = await check.same(0, {
      // Each side verifies its own profile, at its own now().
      mask: (result) => {
        const profile = result as Record<string, unknown>;
        return [profile.userId, profile.verifiedAt, profile.verificationExpiresAt];
      },
      results: (repo, raw) => {
        assert.deepEqual(Object.keys(raw as object), Object.keys(repo as object), 'verify: returned fields');
        for (const profile of [repo, raw] as Record<string, unknown>[]) {
          assert.equal(profile.status, 'verified');
          assert.equal(profile.verifiedByUserId, s.verifierId);
          assert.ok(profile.verificationExpiresAt instanceof Date, 'verify sets verification_expires_at');
        }
      },
    });
    const audit = async (userId: unknown) =>
      (
        await check.on.pool.query(
          `select action, actor_user_id, before->>'status' as before, after->>'status' as after,
             array(select jsonb_object_keys(after)) as keys
           from audit_logs where entity_id = $1 and action = 'staff_profile.verify'`,
          [userId],
        )
      ).rows;
    const rows = await audit((repo as Record<string, unknown>).userId);
    assert.equal(rows.length, 1, 'verify: one audit row');
    assert.deepEqual(await audit((raw as Record<string, unknown>).userId), rows, 'verify: audit rows');
  },
  iterations: 1000,
  // Fewer than STEADY_WARMUP: each call verifies a pending profile of its own, and the raw prepared
  // side's organization has 4,999 users to verify (iterations + warm-up at most).
  warmup: 3000,
});
