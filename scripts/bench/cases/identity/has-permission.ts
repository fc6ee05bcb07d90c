// access.hasPermission(userId, 'user:read'): one EXISTS over four joins.
import assert from 'node:assert/strict';
import { createRepositories } from '../../../../src/repositories.js';
import { defineCase } from '../../case.js';
import { cyclic } from '../../measure.js';
import { oneLine } from '../../support.js';
import { READ_ITERATIONS, READ_WARMUP_ITERATIONS } from './find-by-id.js';
import { identitySample } from './sample.js';

const PERMISSION = 'user:read';

const SQL = oneLine(`
  select exists (
    select 1 as "one"
    from "user_roles"
    inner join "users" on "users"."id" = "user_roles"."user_id"
    inner join "organizations" on "organizations"."id" = "user_roles"."organization_id"
    inner join "role_permissions" on "role_permissions"."role_id" = "user_roles"."role_id"
    inner join "permissions" on "permissions"."id" = "role_permissions"."permission_id"
    where "user_roles"."user_id" = $1 and "users"."is_active" = $2
      and "users"."deleted_at" is null and "organizations"."deleted_at" is null
      and "permissions"."name" = $3
  ) as "allowed"`);

interface State {
  readonly userIds: readonly string[];
}

/** access.hasPermission for each sampled user (half hold it). */
export const hasPermission = defineCase<State>({
  name: 'access.hasPermission',
  seed: async (ctx) => ({ userIds: await identitySample(ctx) }),
  repo: (s, on) => {
    const repos = createRepositories(on.db);
    return (i) => repos.access.hasPermission(cyclic(s.userIds, i), PERMISSION);
  },
  raw: (s, on) => async (i) => (await on.pool.query(SQL, [cyclic(s.userIds, i), true, PERMISSION])).rows[0]?.allowed === true,
  sameSql: async (s, check) => {
    let allowed = 0;
    for (let i = 0; i < s.userIds.length; i += 1) {
      if ((await check.same(i)).repo === true) allowed += 1;
    }
    assert.ok(allowed > 0 && allowed < s.userIds.length, 'hasPermission must answer both true and false');
  },
  iterations: READ_ITERATIONS,
  warmup: READ_WARMUP_ITERATIONS,
});
