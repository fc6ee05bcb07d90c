// users.register(input): ONE statement, no BEGIN/COMMIT: a data-modifying CTE that reads the
// default role and the live organization, inserts the user (only when both exist), its
// profile, role grant and draft staff profile from the user's RETURNING, and the four audit
// rows from their RETURNINGs. Every call registers a new user (bench|1, bench|2, …), so the
// two sides of the check differ in the user's id and inputs: those are masked, everything else
// must match.
import assert from 'node:assert/strict';
import type pg from 'pg';
import { DEFAULT_USER_ROLE } from '../../../../src/contexts/identity/rbac/default-role.js';
import { createRepositories } from '../../../../src/repositories.js';
import { defineCase } from '../../case.js';
import { STEADY_WARMUP } from '../../measure.js';
import { auditInsertFromSql, eventInsertFromSql, snapshotSql } from '../../raw-audit.js';
import { oneLine } from '../../support.js';
import { seedWorld } from './world.js';

/** The user's and the profile's fields, as the statement returns them (`user.…`, `profile.…`). */
const USER_FIELDS: readonly [string, string][] = [
  ['id', 'id'],
  ['organizationId', 'organization_id'],
  ['authSubject', 'auth_subject'],
  ['email', 'email'],
  ['isActive', 'is_active'],
  ['createdAt', 'created_at'],
  ['updatedAt', 'updated_at'],
  ['deletedAt', 'deleted_at'],
];
const PROFILE_FIELDS: readonly [string, string][] = [
  ['userId', 'user_id'],
  ['organizationId', 'organization_id'],
  ['fullName', 'full_name'],
  ['birthdate', 'birthdate'],
  ['locale', 'locale'],
  ['timeZone', 'time_zone'],
  ['createdAt', 'created_at'],
  ['updatedAt', 'updated_at'],
];

/** One audit row per row of `from`: the entity is the new user. */
const created = (action: string, entityType: string, alias: string, id: string, after: string, from = alias) =>
  `SELECT ${alias}.organization_id AS organization_id, '${action}' AS action, '${entityType}' AS entity_type,
    ${alias}.${id} AS entity_id, NULL::jsonb AS before, ${after} AS after FROM ${from}`;

/** $1 organization, $2 subject, $3 email, $4 full name, $5 birthdate, $6 … $9 audit context, $10 … $13 the event's. */
const REGISTER_SQL = oneLine(`
  WITH r AS (SELECT id FROM roles WHERE name = '${DEFAULT_USER_ROLE}'
  ), o AS (SELECT id FROM organizations WHERE id = $1::uuid AND deleted_at IS NULL
  ), nu AS (
    INSERT INTO users (organization_id, auth_subject, email)
    SELECT o.id, $2::text, $3::text FROM o CROSS JOIN r
    RETURNING *
  ), np AS (
    INSERT INTO user_profiles (user_id, organization_id, full_name, birthdate)
    SELECT nu.id, nu.organization_id, $4::text, $5::date FROM nu
    RETURNING *
  ), ng AS (
    INSERT INTO user_roles (user_id, role_id, organization_id)
    SELECT nu.id, r.id, nu.organization_id FROM nu CROSS JOIN r
    RETURNING *
  ), ns AS (
    INSERT INTO user_staff_profiles (user_id, organization_id)
    SELECT nu.id, nu.organization_id FROM nu
    RETURNING *
  ), audit AS (
    ${auditInsertFromSql(
      [
        created('user.register', 'user', 'nu', 'id', snapshotSql('user', 'nu')),
        created('user_profile.create', 'user_profile', 'np', 'user_id', snapshotSql('user_profile', 'np')),
        created('user_role.assign', 'user_role', 'ng', 'user_id', `jsonb_build_object('userId', ng.user_id, 'roleId', ng.role_id)`),
        created('staff_profile.create', 'staff_profile', 'ns', 'user_id', snapshotSql('staff_profile', 'ns')),
      ],
      6,
    )}
  ), ${eventInsertFromSql(
    [
      `SELECT nu.organization_id AS organization_id, 'user.registered' AS event_type_code,
        1::int AS payload_version, 'user' AS aggregate_type,
        nu.id AS aggregate_id, NULL::int AS aggregate_version,
        jsonb_build_object('userId', nu.id, 'organizationId', nu.organization_id, 'email', nu.email,
          'roles', jsonb_build_array('${DEFAULT_USER_ROLE}'::text)) AS payload FROM nu`,
    ],
    10,
  )}
  SELECT EXISTS (SELECT 1 FROM r) AS "roleFound",
    ${USER_FIELDS.map(([field, column]) => `"nu"."${column}" AS "user.${field}"`).join(', ')},
    ${PROFILE_FIELDS.map(([field, column]) => `"np"."${column}"${column === 'birthdate' ? '::text' : ''} AS "profile.${field}"`).join(', ')}
  FROM (SELECT) AS one LEFT JOIN nu ON true LEFT JOIN np ON np.user_id = nu.id`);

/** The input of one registration (the fields `users.register` needs). */
interface Registration {
  readonly organizationId: string;
  readonly authSubject: string;
  readonly email: string;
  readonly fullName: string;
}

type Registered = { user: Record<string, unknown>; profile: Record<string, unknown>; roles: readonly string[] };

async function rawRegister(pool: pg.Pool, input: Registration): Promise<Registered> {
  const params = [input.organizationId, input.authSubject, input.email, input.fullName, null, null, null, null, null, null, null, null, null];
  const row = (await pool.query(REGISTER_SQL, params)).rows[0];
  if (!row?.roleFound) throw new Error('role not found');
  if (row['user.id'] === null) throw new Error('organization not found');
  const user = Object.fromEntries(USER_FIELDS.map(([field]) => [field, row[`user.${field}`]]));
  const profile = Object.fromEntries(PROFILE_FIELDS.map(([field]) => [field, row[`profile.${field}`]]));
  return { user, profile, roles: [DEFAULT_USER_ROLE] };
}

interface State {
  /** The next unique registration in the first organization. */
  readonly next: () => Registration;
}

/** users.register of a new user per call. */
export const register = defineCase<State>({
  name: 'users.register (one statement: role, organization, 4 inserts, 4 audit rows)',
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
  warmup: STEADY_WARMUP,
});
