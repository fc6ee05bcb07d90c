// The transition matrix, generated from the transition table: every state × every event.
// Legal edges succeed with the right fields; illegal ones throw TransitionConflictError and
// change nothing (row and audit trail identical).
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { TransitionConflictError } from '../../../../src/core/errors/transition-conflict-error.js';
import type { Repositories } from '../../../../src/repositories.js';
import {
  nextState,
  VERIFICATION_EVENTS,
  VERIFICATION_STATES,
  transitionRule,
  type VerificationEvent,
  type VerificationStatus,
} from '../../../../src/contexts/identity/staff-profiles/verification-machine.js';
import { useTestDatabase } from '../../../helpers/database.js';
import { aStaffWorld, anotherApplicant, type StaffWorld } from '../../../helpers/staff.js';

const VERSION = 7;
const OLD_REASON = 'Earlier reason';

describe('verification transition matrix', () => {
  const testDb = useTestDatabase();
  let world: StaffWorld;
  beforeAll(async () => {
    world = await aStaffWorld(testDb.current.db);
  });

  /** Puts a fresh applicant's profile in `state` at VERSION, with that state's fields set. */
  async function profileIn(state: VerificationStatus) {
    const applicant = await anotherApplicant(testDb.current.db, world);
    await sql`
      UPDATE user_staff_profiles SET
        profile_verification_status = ${state}::profile_verification_status,
        version = ${VERSION},
        verification_submitted_at = CASE WHEN ${state} = 'draft' THEN NULL ELSE now() - interval '1 hour' END,
        verified_at = CASE WHEN ${state} = 'verified' THEN now() - interval '1 hour' END,
        verified_by_user_id = CASE WHEN ${state} = 'verified' THEN ${world.verifierId}::uuid END,
        rejection_reason = CASE WHEN ${state} = 'rejected' THEN ${OLD_REASON} END
      WHERE user_id = ${applicant.userId}`.execute(testDb.current.db);
    return applicant;
  }

  const snapshot = async (userId: string) => {
    const { rows } = await sql`
      SELECT p.*, (SELECT count(*) FROM audit_logs a WHERE a.entity_id = p.user_id) AS audit_rows
      FROM user_staff_profiles p WHERE user_id = ${userId}`.execute(testDb.current.db);
    return rows[0];
  };

  function attempt(event: VerificationEvent, applicant: Repositories, userId: string) {
    const verifier = world.asVerifier.staffProfiles;
    switch (event) {
      case 'edit':
        return applicant.staffProfiles.edit(userId, { jobTitle: 'Edited title' });
      case 'submit':
        return applicant.staffProfiles.submit(userId);
      case 'verify':
        return verifier.verify(userId, { expectedVersion: VERSION });
      case 'reject':
        return verifier.reject(userId, { expectedVersion: VERSION, reason: 'New reason' });
    }
  }

  const cases = VERIFICATION_STATES.flatMap((state) => VERIFICATION_EVENTS.map((event) => ({ state, event })));

  it('covers every state × event pair', () => {
    expect(cases).toHaveLength(VERIFICATION_STATES.length * VERIFICATION_EVENTS.length);
  });

  it.each(cases)('$event from $state', async ({ state, event }) => {
    const { userId, repos } = await profileIn(state);
    const before = await snapshot(userId);
    const to = nextState(state, event);
    if (to === undefined) {
      const error = await attempt(event, repos, userId).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransitionConflictError);
      expect(error).toMatchObject({ currentStatus: state, currentVersion: VERSION, event });
      expect(await snapshot(userId)).toEqual(before);
      return;
    }
    const started = Date.now() - 1000;
    const after = await attempt(event, repos, userId);
    expect(after.status).toBe(to);
    expect(after.version).toBe(VERSION + 1);
    // Entering pending stamps the submission; staying pending keeps it.
    if (to === 'pending' && state !== 'pending') {
      expect(after.verificationSubmittedAt!.getTime()).toBeGreaterThan(started);
    } else if (to === 'pending') {
      expect(after.verificationSubmittedAt).toEqual((before as { verification_submitted_at: Date }).verification_submitted_at);
    }
    if (to === 'verified') {
      expect(after.verifiedAt!.getTime()).toBeGreaterThan(started);
      expect(after.verifiedByUserId).toBe(world.verifierId);
    } else {
      expect([after.verifiedAt, after.verifiedByUserId, after.verificationExpiresAt]).toEqual([null, null, null]);
    }
    if (to === 'rejected') {
      expect(after.rejectionReason).toBe(state === 'rejected' ? OLD_REASON : 'New reason');
    } else {
      expect(after.rejectionReason).toBeNull();
    }
    if (event === 'edit') expect(after.jobTitle).toBe('Edited title');
    const audit = await world.system.audit.pageEntityHistory('staff_profile', userId);
    const last = audit.items.at(-1)!;
    expect(last).toMatchObject({ action: `staff_profile.${event}` });
    expect(last.before).toMatchObject({ status: state, version: VERSION });
    expect(last.after).toMatchObject({ status: to, version: VERSION + 1 });
  });

  it('verify and reject require the expected version; a stale one is a conflict', async () => {
    for (const event of ['verify', 'reject'] as const) {
      expect(transitionRule(event).requiresExpectedVersion).toBe(true);
      const { userId } = await profileIn('pending');
      const stale =
        event === 'verify'
          ? world.asVerifier.staffProfiles.verify(userId, { expectedVersion: VERSION - 1 })
          : world.asVerifier.staffProfiles.reject(userId, { expectedVersion: VERSION - 1, reason: 'r' });
      await expect(stale).rejects.toMatchObject({
        code: 'VERSION_CONFLICT',
        entity: 'staff_profile',
        expectedVersion: VERSION - 1,
        currentStatus: 'pending',
        currentVersion: VERSION,
      });
    }
  });
});
