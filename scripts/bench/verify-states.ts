// States of the verify case (cases/verify/verify-profile.ts) for sides that the case's own seed
// does not budget for. The case prepares exactly one pending profile per call of its `repo` and
// `raw` sides in the first organization, and its report asserts that none is left pending, so
// the raw prepared side (timed in the same loop) and the throughput runs verify profiles of
// other organizations of the same seeded world (seedDevData: every organization alike), each
// with a verifier of its own, built with the case's own helpers (pending-profiles.ts). Every
// state is the case's state type, so a change of that type shows here at compile time.
import assert from 'node:assert/strict';
import type { SeedContext } from './case.js';
import { seedWorld } from './cases/identity/world.js';
import { createVerifier, preparePending, type Pending } from './cases/verify/pending-profiles.js';
import { verifyProfile } from './cases/verify/verify-profile.js';

/** The verify case's state. */
export type VerifyState = Awaited<ReturnType<typeof verifyProfile.seed>>;

/** The organizations the case itself uses (the first; register adds users there too). */
const CASE_ORGANIZATIONS = 1;

/**
 * A verifier in organization `index` of the world (0-based; never the case's own) and one list
 * of pending profiles per entry of `counts` (`Infinity`: an equal share of what is left). Each
 * organization may be used once per run.
 */
export async function pendingLists(
  ctx: SeedContext,
  index: number,
  counts: readonly number[],
): Promise<{ organizationId: string; verifierId: string; lists: Pending[][] }> {
  assert.ok(index >= CASE_ORGANIZATIONS, "the first organization is the verify case's own");
  const organizations = await seedWorld(ctx);
  const organizationId = organizations[index];
  if (!organizationId) throw new Error(`verify states: organization ${index + 1} needed, ${organizations.length} seeded`);
  const verifierId = await createVerifier(ctx.setup.pool, organizationId);
  const { rows } = await ctx.setup.pool.query(
    `select count(*)::int as n from users where organization_id = $1 and deleted_at is null and id <> $2`,
    [organizationId, verifierId],
  );
  const available = rows[0].n as number;
  const fixed = counts.filter(Number.isFinite).reduce((a, b) => a + b, 0);
  const shares = counts.filter((c) => !Number.isFinite(c)).length;
  const share = shares ? Math.floor((available - fixed) / shares) : 0;
  const sizes = counts.map((c) => (Number.isFinite(c) ? c : share));
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total > available) throw new Error(`verify states: ${total} pending profiles needed in organization ${index + 1}, ${available} users`);
  const pending = await preparePending(ctx.setup.pool, organizationId, verifierId, total);
  const lists: Pending[][] = [];
  let from = 0;
  for (const size of sizes) {
    lists.push(pending.slice(from, from + size));
    from += size;
  }
  return { organizationId, verifierId, lists };
}

/** A state whose `raw` queue is `pending` (the raw prepared side of the timing loop). */
export async function rawPreparedVerifyState(ctx: SeedContext): Promise<VerifyState> {
  const { organizationId, verifierId, lists } = await pendingLists(ctx, 1, [ctx.calls]);
  return { organizationId, verifierId, forRepo: [], forRaw: lists[0]! };
}

/** Fails unless every profile `states` prepared and took was verified, and the others are still pending. */
export async function assertConsumed(ctx: SeedContext, states: readonly VerifyState[]): Promise<void> {
  const left = new Map<string, number>();
  for (const s of states) left.set(s.organizationId, (left.get(s.organizationId) ?? 0) + s.forRepo.length + s.forRaw.length);
  for (const [organizationId, expected] of left) {
    const { rows } = await ctx.setup.pool.query(
      `select count(*)::int as n from user_staff_profiles where organization_id = $1 and profile_verification_status = 'pending'`,
      [organizationId],
    );
    assert.equal(rows[0].n, expected, `verify: the profiles taken were verified exactly once, the others are still pending`);
  }
}
