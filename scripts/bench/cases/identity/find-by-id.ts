// users.findById(id): one SELECT by primary key. The same read the CamelCasePlugin way
// (`selectAll()`, keys renamed per row in JS, the mechanism the package did not choose) is a
// case of its own (findByIdCamel), against the same raw SQL: in findById's loop it slowed the
// repository side by 10–40% (it runs Kysely's builder, plugins and executor through the same
// driver and connection code, with other object shapes, between the repository's calls), so
// findById would no longer measure what every other case measures.
import assert from 'node:assert/strict';
import { CamelCasePlugin } from 'kysely';
import { createRepositories } from '../../../../src/repositories.js';
import { defineCase, type Side } from '../../case.js';
import { cyclic, STEADY_WARMUP } from '../../measure.js';
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
/** Warm-up iterations: until V8 has optimized the package's own functions (see `STEADY_WARMUP`). */
export const READ_WARMUP_ITERATIONS = STEADY_WARMUP;

interface State {
  readonly userIds: readonly string[];
}

const camel: Side<State> = (s, on) => {
  const db = on.db.withPlugin(new CamelCasePlugin());
  return (i) =>
    db.selectFrom('users').selectAll().where('id', '=', cyclic(s.userIds, i)).where('deleted_at', 'is', null).executeTakeFirst();
};

/** The raw side: the SELECT with pg. */
const rawFindById: Side<State> = (s, on) => async (i) => (await on.pool.query(FIND_USER_BY_ID_SQL, [cyclic(s.userIds, i)])).rows[0];

/** users.findById. */
export const findById = defineCase<State>({
  name: 'users.findById',
  seed: async (ctx) => ({ userIds: await identitySample(ctx) }),
  repo: (s, on) => {
    const repos = createRepositories(on.db);
    return (i) => repos.users.findById(cyclic(s.userIds, i));
  },
  raw: rawFindById,
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

/** The same read through CamelCasePlugin (the alternative not chosen), against the same raw side. */
export const findByIdCamel = defineCase<State>({
  name: 'findById via CamelCasePlugin (alternative not chosen)',
  seed: async (ctx) => ({ userIds: await identitySample(ctx) }),
  raw: rawFindById,
  also: { camel },
  sameSql: async (s, check) => {
    // findById's check compares the camel side with the repository's result; here, with raw's rows.
    for (let i = 0; i < s.userIds.length; i += 1) {
      const row = (await check.run(rawFindById, i)).result as Record<string, unknown> | undefined;
      assert.ok(row, `raw findById(${s.userIds[i]}) found the user`);
      assert.deepEqual((await check.run(camel, i)).result, row, `camel-case findById(${s.userIds[i]})`);
    }
  },
  iterations: READ_ITERATIONS,
  warmup: READ_WARMUP_ITERATIONS,
});
