// The verify case's data: a verifier (a role holding profile:verify, granted to one user of the
// first organization, as test/helpers/staff.ts makes it), a validity period in the
// organization's policy (so verify also sets verification_expires_at), and pending profiles
// for the other users. Every verification consumes one pending profile.
import type pg from 'pg';

/** The permission a verifier needs. */
export const PERMISSION = 'profile:verify';
const VALIDITY_DAYS = 365;

/** A pending profile and the version to verify it at. */
export interface Pending {
  readonly userId: string;
  readonly version: number;
}

/** Creates the verifier of `organizationId` and sets the policy's validity period; returns the verifier's id. */
export async function createVerifier(pool: pg.Pool, organizationId: string): Promise<string> {
  await pool.query(
    `UPDATE organizations SET settings = settings || jsonb_build_object('verification', jsonb_build_object('validityDays', $2::int))
     WHERE id = $1`,
    [organizationId, VALIDITY_DAYS],
  );
  await pool.query(
    `INSERT INTO permissions (name, description) VALUES ($1, 'Verify staff profiles') ON CONFLICT (name) DO NOTHING`,
    [PERMISSION],
  );
  await pool.query(`INSERT INTO roles (name) VALUES ('verifier') ON CONFLICT (name) DO NOTHING`);
  await pool.query(
    `INSERT INTO role_permissions (role_id, permission_id)
     SELECT r.id, p.id FROM roles r, permissions p WHERE r.name = 'verifier' AND p.name = $1
     ON CONFLICT DO NOTHING`,
    [PERMISSION],
  );
  const { rows } = await pool.query(
    `INSERT INTO user_roles (user_id, role_id, organization_id)
     SELECT u.id, r.id, u.organization_id FROM users u, roles r
     WHERE u.organization_id = $1 AND u.deleted_at IS NULL AND r.name = 'verifier'
     ORDER BY u.auth_subject LIMIT 1
     -- Another section may have made the same verifier already (a no-op update returns the row).
     ON CONFLICT (user_id, role_id) DO UPDATE SET organization_id = excluded.organization_id
     RETURNING user_id`,
    [organizationId],
  );
  return rows[0].user_id as string;
}

/** Turns `count` users of the organization (not the verifier) into pending profiles. */
export async function preparePending(pool: pg.Pool, organizationId: string, verifierId: string, count: number): Promise<Pending[]> {
  const { rows } = await pool.query(
    `INSERT INTO user_staff_profiles (user_id, organization_id, job_title, profile_verification_status, verification_submitted_at)
     SELECT id, organization_id, 'Lecturer', 'pending', now() - interval '1 day'
     FROM users WHERE organization_id = $1 AND deleted_at IS NULL AND id <> $2
     ORDER BY auth_subject LIMIT $3
     ON CONFLICT ON CONSTRAINT user_staff_profiles_pkey DO UPDATE SET profile_verification_status = 'pending',
       verification_submitted_at = excluded.verification_submitted_at, verified_at = NULL,
       verified_by_user_id = NULL, verification_expires_at = NULL, rejection_reason = NULL
     RETURNING user_id, version`,
    [organizationId, verifierId, count],
  );
  if (rows.length < count) throw new Error(`only ${rows.length} users to verify; need ${count}`);
  await pool.query('analyze user_staff_profiles');
  return rows.map((row) => ({ userId: row.user_id as string, version: row.version as number }));
}

/** The next pending profile of a side's queue (each call takes one). */
export function take(queue: Pending[]): Pending {
  const next = queue.shift();
  if (!next) throw new Error('no pending profile left; the seed prepared too few');
  return next;
}
