// The identity reads' inputs: the sampled users, every other one granted `admin`, so that
// hasPermission answers both true and false; then fresh planner statistics.
import { createRepositories } from '../../../../src/repositories.js';
import { ADMIN_ROLE } from '../../../../src/contexts/identity/rbac/default-role.js';
import type { SeedContext } from '../../case.js';
import { sampleUsers } from './world.js';

/** The sampled user ids, after granting `admin` to every other one (once per run). */
export function identitySample(ctx: SeedContext): Promise<readonly string[]> {
  return ctx.shared('identity-sample', async () => {
    const userIds = (await sampleUsers(ctx)).map((u) => u.id);
    const repos = createRepositories(ctx.setup.db);
    const admin = await repos.roles.findByName(ADMIN_ROLE);
    if (!admin) throw new Error(`role ${ADMIN_ROLE} is missing`);
    for (let i = 0; i < userIds.length; i += 2) await repos.access.assignRole(userIds[i]!, admin.id);
    // Fresh planner statistics now, so autovacuum's ANALYZE does not change plans mid-run.
    await ctx.setup.pool.query('analyze');
    return userIds;
  });
}
