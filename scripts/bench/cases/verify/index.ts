// Section "verify": one verification through the repository against the same statements with
// raw `pg` (verify-profile.ts). After the timing, every prepared profile must have been
// verified exactly once.
import assert from 'node:assert/strict';
import type { BenchGroup } from '../../case.js';
import { ratioTable, resultOf, sideOf } from '../../report.js';
import { verifyProfile } from './verify-profile.js';

/** The verify section. */
export const verify: BenchGroup = {
  section: 'verify',
  title: 'Verify transition (one statement: locked read, conditional UPDATE, audit insert)',
  method: `${verifyProfile.iterations} verifications per side after ${verifyProfile.warmup} warm-up iterations`,
  cases: [verifyProfile],
  report: async (results, { setup }) => {
    const { organizationId } = resultOf(results, verifyProfile).state as { organizationId: string };
    const left = await setup.pool.query(
      `select count(*)::int as n from user_staff_profiles where organization_id = $1 and profile_verification_status = 'pending'`,
      [organizationId],
    );
    assert.equal(left.rows[0].n, 0, 'every prepared profile was verified exactly once');
    return ratioTable([
      { operation: verifyProfile.name, repo: sideOf(results, verifyProfile, 'repo'), raw: sideOf(results, verifyProfile, 'raw') },
    ]);
  },
};
