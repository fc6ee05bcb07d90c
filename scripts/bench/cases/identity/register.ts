// users.register(input): BEGIN, the role lookup, four INSERTs (user, profile, role grant, draft
// staff profile), one audit INSERT of four rows, COMMIT. Every call registers a new user
// (bench|1, bench|2, …), so the two sides of the check differ in the user's id and inputs:
// those are masked, everything else (snapshots in the audit parameters included) must match.
import assert from 'node:assert/strict';
import type pg from 'pg';
import { DEFAULT_USER_ROLE } from '../../../../src/contexts/identity/rbac/default-role.js';
import { createRepositories } from '../../../../src/repositories.js';
import { defineCase } from '../../case.js';
import { auditInsertSql, auditParameters, snapshotJson } from '../../raw-audit.js';
import { STAFF_PROFILE_COLUMNS, USER_COLUMNS } from '../../raw-columns.js';
import { oneLine, rawTransaction } from '../../support.js';
import { seedWorld } from './world.js';

const SQL = {
  roleByName: `select "id" from "roles" where "name" = $1`,
  insertUser: oneLine(`
    insert into "users" ("organization_id", "auth_subject", "email")
    select "organizations"."id", $1 as "auth_subject", $2 as "email"
    from "organizations"
    where "organizations"."id" = $3 and "organizations"."deleted_at" is null
    returning ${USER_COLUMNS}`),
  insertProfile: oneLine(`
    insert into "user_profiles" ("user_id", "organization_id", "full_name", "birthdate")
    values ($1, $2, $3, $4)
    returning "user_profiles"."user_id" as "userId",
      "user_profiles"."organization_id" as "organizationId",
      "user_profiles"."full_name" as "fullName", user_profiles.birthdate::text as "birthdate",
      "user_profiles"."locale", "user_profiles"."time_zone" as "timeZone",
      "user_profiles"."created_at" as "createdAt", "user_profiles"."updated_at" as "updatedAt"`),
  insertRole: `insert into "user_roles" ("user_id", "role_id", "organization_id") values ($1, $2, $3)`,
  insertStaffProfile: oneLine(`
    insert into "user_staff_profiles" ("user_id", "organization_id") values ($1, $2)
    returning ${STAFF_PROFILE_COLUMNS}`),
  insertAudit: auditInsertSql(4),
} as const;

/** The input of one registration (the fields `users.register` needs). */
interface Registration {
  readonly organizationId: string;
  readonly authSubject: string;
  readonly email: string;
  readonly fullName: string;
}

type Registered = { user: Record<string, unknown>; profile: Record<string, unknown>; roles: readonly string[] };

async function rawRegister(pool: pg.Pool, input: Registration): Promise<Registered> {
  return rawTransaction(pool, async (client) => {
    const role = (await client.query(SQL.roleByName, [DEFAULT_USER_ROLE])).rows[0];
    if (!role) throw new Error('role not found');
    const user = (await client.query(SQL.insertUser, [input.authSubject, input.email, input.organizationId])).rows[0];
    if (!user) throw new Error('organization not found');
    const profile = (await client.query(SQL.insertProfile, [user.id, user.organizationId, input.fullName, null])).rows[0];
    await client.query(SQL.insertRole, [user.id, role.id, user.organizationId]);
    const staff = (await client.query(SQL.insertStaffProfile, [user.id, user.organizationId])).rows[0];
    const common = { organizationId: user.organizationId, actorUserId: null, entityId: user.id, before: null };
    await client.query(SQL.insertAudit, [
      ...auditParameters({ ...common, action: 'user.register', entityType: 'user', after: snapshotJson('user', user) }),
      ...auditParameters({
        ...common,
        action: 'user_profile.create',
        entityType: 'user_profile',
        after: snapshotJson('user_profile', profile),
      }),
      ...auditParameters({
        ...common,
        action: 'user_role.assign',
        entityType: 'user_role',
        after: snapshotJson('user_role', { userId: user.id, roleId: role.id }),
      }),
      ...auditParameters({
        ...common,
        action: 'staff_profile.create',
        entityType: 'staff_profile',
        after: snapshotJson('staff_profile', staff),
      }),
    ]);
    return { user, profile, roles: [DEFAULT_USER_ROLE] };
  });
}

interface State {
  /** The next unique registration in the first organization. */
  readonly next: () => Registration;
}

/** users.register of a new user per call. */
export const register = defineCase<State>({
  name: 'users.register (transaction: role lookup, 4 inserts, audit insert)',
  seed: async (ctx) => {
    const [organizationId] = await seedWorld(ctx);
    let n = 0;
    return {
      next: () => {
        n += 1;
        return { organizationId: organizationId!, authSubject: `bench|${n}`, email: `bench.${n}@bench.example.com`, fullName: `Bench User ${n}` };
      },
    };
  },
  repo: (s, on) => {
    const repos = createRepositories(on.db);
    return () => repos.users.register(s.next());
  },
  raw: (s, on) => () => rawRegister(on.pool, s.next()),
  sameSql: async (_s, check) => {
    const { repo, raw } = (await check.same(0, {
      mask: (result) => {
        const { user, profile } = result as Registered;
        return [user.id, user.authSubject, user.email, profile.fullName];
      },
      results: (repo, raw) => {
        const [a, b] = [repo as Registered, raw as Registered];
        assert.deepEqual(Object.keys(b.user), Object.keys(a.user), 'register: user fields');
        assert.deepEqual(Object.keys(b.profile), Object.keys(a.profile), 'register: profile fields');
        assert.deepEqual(b.roles, a.roles, 'register: roles');
      },
    })) as { repo: Registered; raw: Registered };
    // The audit rows both wrote: same actions, same snapshot fields.
    const audit = async (userId: unknown) =>
      (
        await check.on.pool.query(
          `select action, entity_type, array(select jsonb_object_keys(after)) as keys
           from audit_logs where entity_id = $1 order by action`,
          [userId],
        )
      ).rows;
    const rows = await audit(repo.user.id);
    assert.equal(rows.length, 4, 'register: four audit rows');
    assert.deepEqual(await audit(raw.user.id), rows, 'register: audit rows');
  },
  iterations: 1000,
  warmup: 200,
});
