// users.findById(id): one SELECT by primary key; a third side runs the same read the
// CamelCasePlugin way (`selectAll()`, keys renamed per row in JS, the mechanism the package did
// not choose) in the same loop, so both mechanisms share one raw baseline.
import assert from 'node:assert/strict';
import { CamelCasePlugin } from 'kysely';
import { createRepositories } from '../../../../src/repositories.js';
import { defineCase, type Side } from '../../case.js';
import { cyclic } from '../../measure.js';
import { USER_COLUMNS } from '../../raw-columns.js';
import { oneLine } from '../../support.js';
import { identitySample } from './sample.js';

/** The SELECT of users.findById (the tenant group sends it too). */
export const FIND_USER_BY_ID_SQL = oneLine(`
  select ${USER_COLUMNS}
  from "users"
  where "users"."deleted_at" is null and "users"."id" = $1`);

/** Read iterations per side (identity and tenant). */
export const READ_ITERATIONS = 5000;
/** Warm-up iterations: until V8 has optimized Kysely's builder and compiler the repository side runs ~5% slower. */
export const READ_WARMUP_ITERATIONS = 1000;

interface State {
  readonly userIds: readonly string[];
}

const camel: Side<State> = (s, on) => {
  const db = on.db.withPlugin(new CamelCasePlugin());
  return (i) =>
    db.selectFrom('users').selectAll().where('id', '=', cyclic(s.userIds, i)).where('deleted_at', 'is', null).executeTakeFirst();
};

/** users.findById, with a CamelCasePlugin side. */
export const findById = defineCase<State>({
  name: 'users.findById',
  seed: async (ctx) => ({ userIds: await identitySample(ctx) }),
  repo: (s, on) => {
    const repos = createRepositories(on.db);
    return (i) => repos.users.findById(cyclic(s.userIds, i));
  },
  raw: (s, on) => async (i) => (await on.pool.query(FIND_USER_BY_ID_SQL, [cyclic(s.userIds, i)])).rows[0],
  also: { camel },
  sameSql: async (s, check) => {
    for (let i = 0; i < s.userIds.length; i += 1) {
      const { repo } = await check.same(i);
      assert.ok(repo, `findById(${s.userIds[i]}) found the user`);
      assert.deepEqual((await check.run(camel, i)).result, repo, `camel-case findById(${s.userIds[i]})`);
    }
  },
  iterations: READ_ITERATIONS,
  warmup: READ_WARMUP_ITERATIONS,
});
