// The tenant path: users.findById inside a tenant transaction, unitOfWork(db, { tenant }, …) on
// an instance createDatabase built. What the repository sends (three round trips):
//   begin; select set_config('app.organization_id', '<uuid>', true)   one simple-protocol query
//   the findById SELECT                                               extended protocol, $1
//   commit
// Three sides, timed in one interleaved loop on the same user each iteration:
//   repo      unitOfWork + uow.users.findById
//   raw       the repository's three statements by hand on one pg client (the same-SQL check
//             compares `repo` with this side): what the package adds in JavaScript
//   raw4      the baseline, four round trips on one client: BEGIN;
//             select set_config('app.organization_id', $1, true); the SELECT; COMMIT (what the
//             package sent before 0.5.0, and what a hand-written tenant transaction sends)
// The target (issue 8: median ratio <= 1.05) is `repo` against `raw4`; `repo` against `raw`
// is reported beside it. The user is one of the sampled users and the tenant its own
// organization.
//
// The benchmark connects as the embedded server's superuser, like every other case, so row-level
// security is bypassed: the figure is the cost of the package's tenant transaction, not of the
// policies (both sides would pay those alike).
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import { unitOfWork } from '../../../../src/repositories.js';
import type { DB } from '../../../../src/schema/db.js';
import { defineCase, type Side } from '../../case.js';
import { cyclic } from '../../measure.js';
import { rawTransaction } from '../../support.js';
import { FIND_USER_BY_ID_SQL, READ_ITERATIONS, READ_WARMUP_ITERATIONS } from '../identity/find-by-id.js';
import { sampleUsers, type SampleUser } from '../identity/world.js';

/** The statement that scopes a transaction to a tenant in the four-round-trip baseline. */
const SET_TENANT_SQL = `select set_config('app.organization_id', $1, true)`;

/**
 * The repository's first message: BEGIN and the tenant in one simple-protocol query (the uuid,
 * a sampled user's organization id, inlined as a literal; the repository validates it first).
 */
const beginWithTenant = (organizationId: string) =>
  `begin; select set_config('app.organization_id', '${organizationId}', true)`;

/** The repository side's call: a tenant unit of work that touches one repository. */
const findInTenant = (db: Kysely<DB>, organizationId: string, id: string) =>
  unitOfWork(db, { tenant: organizationId }, (uow) => uow.users.findById(id));

interface State {
  readonly users: readonly SampleUser[];
}

/** The baseline: BEGIN; set_config($1); SELECT; COMMIT, four round trips. */
const raw4: Side<State> = (s, on) => (i) => {
  const user = cyclic(s.users, i);
  return rawTransaction(on.pool, async (client) => {
    await client.query(SET_TENANT_SQL, [user.organizationId]);
    return (await client.query(FIND_USER_BY_ID_SQL, [user.id])).rows[0];
  });
};

/** users.findById in a tenant transaction. */
export const tenantFindById = defineCase<State>({
  name: 'users.findById in a tenant transaction (BEGIN + set_config in one message, SELECT, COMMIT)',
  seed: async (ctx) => ({ users: await sampleUsers(ctx) }),
  repo: (s, on) => (i) => {
    const user = cyclic(s.users, i);
    return findInTenant(on.db, user.organizationId, user.id);
  },
  raw: (s, on) => (i) => {
    const user = cyclic(s.users, i);
    return rawTransaction(
      on.pool,
      async (client) => (await client.query(FIND_USER_BY_ID_SQL, [user.id])).rows[0],
      beginWithTenant(user.organizationId),
    );
  },
  also: { raw4 },
  sameSql: async (s, check) => {
    for (let i = 0; i < s.users.length; i += 1) {
      const { repo } = await check.same(i);
      assert.ok(repo, `tenant findById(${s.users[i]!.id}) found the user`);
    }
    // The baseline reads the same row with the tenant set the other way.
    const baseline = await check.run(raw4, 0);
    const first = await check.run(tenantFindById.repo!, 0);
    assert.deepEqual(
      baseline.result,
      first.result,
      'the four-round-trip baseline returned (+) another row than the repository (-)',
    );
    check.expect(
      baseline.sent,
      [
        ['begin', []],
        [SET_TENANT_SQL, [s.users[0]!.organizationId]],
        [FIND_USER_BY_ID_SQL, [s.users[0]!.id]],
        ['commit', []],
      ],
      'the four-round-trip baseline',
    );
  },
  iterations: READ_ITERATIONS,
  warmup: READ_WARMUP_ITERATIONS,
});
