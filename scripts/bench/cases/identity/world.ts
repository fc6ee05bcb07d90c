// The data most groups share: organizations and users from seedDevData (the identity, verify
// and tenant cases read them; the queue and history seeds need a user and organizations), and
// the users the reads cycle over.
import { seedDevData } from '../../../../src/contexts/identity/seeders/seed-dev-data.js';
import { seededRandom } from '../../../../src/core/kernel/random.js';
import type { SeedContext } from '../../case.js';
import { count, step } from '../../support.js';

/** The seed of seedDevData and of the samples. */
const SEED = 42;

/** A seeded user and its organization. */
export interface SampleUser {
  readonly id: string;
  readonly organizationId: string;
}

/** Seeds the organizations and users once per run; returns the organizations' ids, in creation order. */
export function seedWorld(ctx: SeedContext): Promise<readonly string[]> {
  const { organizations, usersPerOrganization } = ctx.sizes;
  return ctx.shared('world', () =>
    step(`seeding ${organizations} organizations × ${count(usersPerOrganization)} users (seedDevData)`, async () => {
      const result = await seedDevData(ctx.setup.db, {
        seed: SEED,
        organizations,
        usersPerOrganization,
        onProgress: (done, total) => process.stderr.write(`\rseeding users ${done}/${total}`),
      });
      process.stderr.write('\n');
      return result.organizationIds;
    }),
  );
}

/**
 * `sizes.sampleUsers` distinct live users picked with a fixed seed, once per run, after fresh
 * planner statistics: a section that runs without identity first (`--only tenant`) otherwise
 * timed the seeded tables with none, whose plans took milliseconds per findById until
 * autovacuum's ANALYZE came, part way through the loop.
 */
export function sampleUsers(ctx: SeedContext): Promise<readonly SampleUser[]> {
  return ctx.shared('sample-users', async () => {
    await seedWorld(ctx);
    await ctx.setup.pool.query('analyze');
    const rows = await ctx.setup.db
      .selectFrom('users')
      .select(['id', 'organization_id as organizationId'])
      .where('deleted_at', 'is', null)
      .orderBy('id')
      .execute();
    const next = seededRandom(SEED + 1);
    const picked = new Map<string, SampleUser>();
    while (picked.size < Math.min(ctx.sizes.sampleUsers, rows.length)) {
      const row = rows[Math.floor(next() * rows.length)]!;
      picked.set(row.id, row);
    }
    return [...picked.values()];
  });
}
