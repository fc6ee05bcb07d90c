// The tenant path: users.findById inside a tenant transaction. Repository side: unitOfWork
// (BEGIN; select set_config('app.organization_id', $1, true); the findById SELECT; COMMIT,
// with repositories bound to the transaction); raw side: the same four statements on one pg
// client. The user is one of the sampled users and the tenant its own organization.
//
// The benchmark connects as the embedded server's superuser, like every other case, so row-level
// security is bypassed: the figure is the cost of the package's tenant transaction, not of the
// policies (both sides would pay those alike).
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import { unitOfWork } from '../../../../src/repositories.js';
import type { DB } from '../../../../src/schema/db.js';
import { defineCase } from '../../case.js';
import { cyclic } from '../../measure.js';
import { rawTransaction } from '../../support.js';
import { FIND_USER_BY_ID_SQL, READ_ITERATIONS, READ_WARMUP_ITERATIONS } from '../identity/find-by-id.js';
import { sampleUsers, type SampleUser } from '../identity/world.js';

/** The statement that scopes a transaction to a tenant, as the repository sends it. */
const SET_TENANT_SQL = `select set_config('app.organization_id', $1, true)`;

/** The repository side's call: a tenant unit of work that touches one repository. */
const findInTenant = (db: Kysely<DB>, organizationId: string, id: string) =>
  unitOfWork(db, { tenant: organizationId }, (uow) => uow.users.findById(id));

interface State {
  readonly users: readonly SampleUser[];
}

/** users.findById in a tenant transaction. */
export const tenantFindById = defineCase<State>({
  name: 'users.findById in a tenant transaction (BEGIN, set_config, SELECT, COMMIT)',
  seed: async (ctx) => ({ users: await sampleUsers(ctx) }),
  repo: (s, on) => (i) => {
    const user = cyclic(s.users, i);
    return findInTenant(on.db, user.organizationId, user.id);
  },
  raw: (s, on) => (i) => {
    const user = cyclic(s.users, i);
    return rawTransaction(on.pool, async (client) => {
      await client.query(SET_TENANT_SQL, [user.organizationId]);
      return (await client.query(FIND_USER_BY_ID_SQL, [user.id])).rows[0];
    });
  },
  sameSql: async (s, check) => {
    for (let i = 0; i < s.users.length; i += 1) {
      const { repo } = await check.same(i);
      assert.ok(repo, `tenant findById(${s.users[i]!.id}) found the user`);
    }
  },
  iterations: READ_ITERATIONS,
  warmup: READ_WARMUP_ITERATIONS,
});
