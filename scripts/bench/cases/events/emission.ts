// What emitting a domain event adds to a write: staffProfiles.verify, which writes the
// `staff_profile.verified` event and its outbox message in the same statement as the change
// and its audit row, against the same statement without those two CTEs (the verify of 0.7.0),
// both with raw `pg` (unnamed, and as named prepared statements as the package sends them),
// interleaved. The repository side is timed too. Its own pending profiles,
// in the second organization (the verify section uses the first).
import assert from 'node:assert/strict';
import { createRepositories } from '../../../../src/repositories.js';
import { defineCase } from '../../case.js';
import { seedWorld } from '../identity/world.js';
import { createVerifier, preparePending, take, type Pending } from '../verify/pending-profiles.js';
import { rawVerify } from '../verify/verify-profile.js';

interface State {
  /** Every organization of the seeded world (the worker's drains spread their events over them). */
  readonly organizations: readonly string[];
  readonly organizationId: string;
  readonly verifierId: string;
  readonly forRepo: Pending[];
  /** The raw side's and the raw prepared side's (the runner gives both this state). */
  readonly forRaw: Pending[];
  readonly forWithoutEvent: Pending[];
  readonly forWithoutEventPrepared: Pending[];
  readonly forWithEventPrepared: Pending[];
}


/** verify with its event, against the same statement without it. */
export const verifyEmission = defineCase<State>({
  name: 'staffProfiles.verify: with its event (raw) against without (raw, the 0.7.0 statement)',
  seed: async (ctx) => {
    const organizations = await seedWorld(ctx);
    const organizationId = organizations[1] ?? organizations[0]!;
    const verifierId = await createVerifier(ctx.setup.pool, organizationId);
    const per = ctx.calls + 1;
    // repo: one per call and one for the check; raw: as many again for the raw prepared side;
    // without: one more for its own check; the two prepared sides: one per call each.
    const pending = await preparePending(ctx.setup.pool, organizationId, verifierId, 6 * per + 1);
    return {
      organizations,
      organizationId,
      verifierId,
      forRepo: pending.slice(0, per),
      forRaw: pending.slice(per, 3 * per),
      forWithoutEvent: pending.slice(3 * per, 4 * per + 1),
      forWithoutEventPrepared: pending.slice(4 * per + 1, 5 * per + 1),
      forWithEventPrepared: pending.slice(5 * per + 1),
    };
  },
  repo: (s, on) => {
    const repos = createRepositories(on.db, { actorUserId: s.verifierId });
    return () => {
      const p = take(s.forRepo);
      return repos.staffProfiles.verify(p.userId, { expectedVersion: p.version });
    };
  },
  raw: (s, on) => () => rawVerify(on.pool, s.verifierId, take(s.forRaw)),
  also: {
    withoutEvent: (s, on) => () => rawVerify(on.pool, s.verifierId, take(s.forWithoutEvent), false),
    // As the package runs statements: named, parsed and planned once per connection; both on the
    // same pool (another pool's backends would make it a comparison of backends too).
    withoutEventPrepared: (s, on) => () => rawVerify(on.pool, s.verifierId, take(s.forWithoutEventPrepared), false, 'bench_verify_without_event'),
    withEventPrepared: (s, on) => () => rawVerify(on.pool, s.verifierId, take(s.forWithEventPrepared), true, 'bench_verify_with_event'),
  },
  sameSql: async (s, check) => {
    await check.same(0, {
      mask: (result) => {
        const profile = result as Record<string, unknown>;
        return [profile.userId, profile.verifiedAt, profile.verificationExpiresAt];
      },
      results: (repo, raw) => assert.deepEqual(Object.keys(raw as object), Object.keys(repo as object)),
    });
    // The baseline writes the change and its audit row, and no event (counted before and after:
    // other sections may have verified the same users before).
    const counts = async (userId: string) =>
      (
        await check.on.pool.query(
          `select (select count(*)::int from audit_logs where entity_id = $1 and action = 'staff_profile.verify') as audits,
                  (select count(*)::int from domain_events where aggregate_id = $1 and event_type_code = 'staff_profile.verified') as events`,
          [userId],
        )
      ).rows[0] as { audits: number; events: number };
    const next = s.forWithoutEvent[0];
    assert.ok(next, 'events: a pending profile for the baseline check');
    const before = await counts(next.userId);
    await check.run((state, on) => () => rawVerify(on.pool, state.verifierId, take(state.forWithoutEvent), false), 0);
    const after = await counts(next.userId);
    assert.deepEqual(after, { audits: before.audits + 1, events: before.events }, 'the baseline writes the audit row and no event');
  },
  // Six queues of pending profiles within one organization's 5,000 users.
  iterations: 600,
  warmup: 100,
});
