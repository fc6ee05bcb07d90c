// staffProfiles.verify(userId, { expectedVersion }) through
// createRepositories(db, { actorUserId: verifier }): BEGIN; the conditional UPDATE … RETURNING
// (pending → verified at the expected version, actor holds profile:verify); one audit INSERT
// (whitelisted before/after); COMMIT. The raw side sends the same four statements on one
// pooled connection, the snapshots built by hand. The UPDATE is compared up to whitespace (the
// repository writes it over several lines), everything else byte for byte.
import assert from 'node:assert/strict';
import type pg from 'pg';
import { createRepositories } from '../../../../src/repositories.js';
import { defineCase } from '../../case.js';
import { auditInsertSql, auditParameters, snapshotJson } from '../../raw-audit.js';
import { oneLine, rawTransaction } from '../../support.js';
import { seedWorld } from '../identity/world.js';
import { createVerifier, PERMISSION, preparePending, type Pending } from './pending-profiles.js';

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

async function rawVerify(pool: pg.Pool, verifierId: string, { userId, version }: Pending) {
  return rawTransaction(pool, async (client) => {
    const row = (await client.query(VERIFY_SQL, [userId, verifierId, version, verifierId, verifierId, PERMISSION])).rows[0];
    // The repository then reads the row to say why; in this benchmark it never happens.
    if (!row) throw new Error(`raw verify of ${userId} at version ${version} changed nothing`);
    const { before, after } = splitRow(row);
    await client.query(
      AUDIT_SQL,
      auditParameters({
        organizationId: after.organizationId as string,
        actorUserId: verifierId,
        action: 'staff_profile.verify',
        entityType: 'staff_profile',
        entityId: after.userId as string,
        before: snapshotJson('staff_profile', before),
        after: snapshotJson('staff_profile', after),
      }),
    );
    return after;
  });
}

interface State {
  readonly organizationId: string;
  readonly verifierId: string;
  /** Pending profiles each side verifies, in order (each call takes the next). */
  readonly forRepo: Pending[];
  readonly forRaw: Pending[];
}

function take(queue: Pending[]): Pending {
  const next = queue.shift();
  if (!next) throw new Error('verify: no pending profile left; the seed prepared too few');
  return next;
}

/** staffProfiles.verify of a pending profile per call. */
export const verifyProfile = defineCase<State>({
  name: 'staffProfiles.verify (transaction: conditional UPDATE + audit insert)',
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
      repoText: (text, index) => (index === 1 ? oneLine(text) : text),
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
  warmup: 200,
});
