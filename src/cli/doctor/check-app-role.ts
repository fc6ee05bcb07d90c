import { sql, type Kysely } from 'kysely';
import { TRACKING_TABLE } from '../../core/migrations/tracking-table.js';
import { APPLICATION_ROLE } from '../../core/tenancy/tenant-setting.js';
import type { ExpectedGrant } from './expected-grants.js';
import { findingsOf, type Finding } from './finding.js';

const { ok, warn, problem } = findingsOf('app-role');

/** Privileges the application role must not hold on any table. */
const NEVER_ON_TABLES = ['TRUNCATE', 'REFERENCES', 'TRIGGER'];

const DML = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'];

interface RoleRow {
  readonly super: boolean;
  readonly bypass: boolean;
  readonly login: boolean;
  readonly createrole: boolean;
  readonly owned: number;
  readonly createInPublic: boolean;
}

/**
 * The application role `org_data_app`: it exists; it is not SUPERUSER, BYPASSRLS or CREATEROLE
 * and owns nothing (any of which would let it skip row-level security); it is NOLOGIN (a
 * warning otherwise: services log in as their own role granted it). It holds every privilege
 * the applied migrations grant it (see `expectedGrants`), no DML beyond them on those tables,
 * no TRUNCATE, REFERENCES or TRIGGER on any table, nothing on the tracking table, and no CREATE
 * on schema public.
 */
export async function checkApplicationRole(db: Kysely<any>, expected: readonly ExpectedGrant[]): Promise<Finding[]> {
  const { rows: roles } = await sql<RoleRow>`
    SELECT r.rolsuper AS super, r.rolbypassrls AS bypass, r.rolcanlogin AS login, r.rolcreaterole AS createrole,
           (SELECT count(*)::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relowner = r.oid AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_') AS owned,
           COALESCE(has_schema_privilege(r.oid, to_regnamespace('public'), 'CREATE'), false) AS "createInPublic"
    FROM pg_roles r WHERE r.rolname = ${APPLICATION_ROLE}`.execute(db);
  const role = roles[0];
  if (!role) return [problem(`role ${APPLICATION_ROLE} does not exist (run org-data migrate)`)];

  const findings: Finding[] = [];
  if (role.super) findings.push(problem(`${APPLICATION_ROLE} is SUPERUSER: row-level security does not apply to it`));
  if (role.bypass) findings.push(problem(`${APPLICATION_ROLE} has BYPASSRLS: row-level security does not apply to it`));
  if (role.createrole) findings.push(problem(`${APPLICATION_ROLE} has CREATEROLE`));
  if (role.owned > 0) findings.push(problem(`${APPLICATION_ROLE} owns ${role.owned} relations (an owner can disable row-level security)`));
  if (role.createInPublic) findings.push(problem(`${APPLICATION_ROLE} may CREATE in schema public`));
  if (role.login) findings.push(warn(`${APPLICATION_ROLE} can log in; services should log in as their own role granted it`));

  const checks = expected.flatMap((grant) => [...grant.privileges].map((privilege) => ({ grant, privilege })));
  const { rows: held } = await sql<{ held: boolean | null }>`
    SELECT CASE e.kind
      WHEN 'table' THEN CASE WHEN to_regclass(e.object) IS NULL THEN NULL
                             ELSE has_table_privilege(${APPLICATION_ROLE}, to_regclass(e.object), e.privilege) END
      WHEN 'column' THEN CASE WHEN to_regclass(split_part(e.object, '|', 1)) IS NULL THEN NULL
                              ELSE has_column_privilege(${APPLICATION_ROLE}, to_regclass(split_part(e.object, '|', 1)), split_part(e.object, '|', 2), e.privilege) END
      WHEN 'sequence' THEN CASE WHEN to_regclass(e.object) IS NULL THEN NULL
                                ELSE has_sequence_privilege(${APPLICATION_ROLE}, to_regclass(e.object), e.privilege) END
      WHEN 'function' THEN CASE WHEN to_regprocedure(e.object) IS NULL THEN NULL
                                ELSE has_function_privilege(${APPLICATION_ROLE}, to_regprocedure(e.object), e.privilege) END
      WHEN 'schema' THEN CASE WHEN to_regnamespace(e.object) IS NULL THEN NULL
                              ELSE has_schema_privilege(${APPLICATION_ROLE}, to_regnamespace(e.object), e.privilege) END
    END AS held
    FROM unnest(${sql.val(checks.map((c) => c.grant.kind))}::text[], ${sql.val(checks.map((c) => c.grant.object))}::text[],
                ${sql.val(checks.map((c) => c.privilege))}::text[]) WITH ORDINALITY AS e(kind, object, privilege, position)
    ORDER BY e.position`.execute(db);
  let missing = 0;
  checks.forEach(({ grant, privilege }, i) => {
    if (held[i]?.held === false) {
      missing += 1;
      findings.push(problem(`${APPLICATION_ROLE} lacks ${privilege} on ${grant.kind} ${grant.object} (granted by ${grant.migration})`));
    }
  });

  const { rows: tables } = await sql<{ name: string; privileges: string[] }>`
    SELECT CASE WHEN n.nspname = 'public' THEN c.relname ELSE n.nspname || '.' || c.relname END AS name,
           ARRAY(SELECT p FROM unnest(${sql.val([...DML, ...NEVER_ON_TABLES])}::text[]) AS p
                 WHERE has_table_privilege(${APPLICATION_ROLE}, c.oid, p)) AS privileges
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
      AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
    ORDER BY 1`.execute(db);
  const grantedTables = new Map(expected.filter((g) => g.kind === 'table').map((g) => [g.object, g.privileges]));
  for (const table of tables) {
    const never = table.privileges.filter((p) => NEVER_ON_TABLES.includes(p));
    if (never.length > 0) findings.push(problem(`${APPLICATION_ROLE} holds ${never.join(', ')} on ${table.name}`));
    if (table.name === TRACKING_TABLE) {
      // SELECT only (migration 20261202090000: the readiness probe reads it); never a write.
      const writes = table.privileges.filter((p) => DML.includes(p) && p !== 'SELECT');
      if (writes.length > 0) findings.push(problem(`${APPLICATION_ROLE} holds ${writes.join(', ')} on ${table.name}`));
      continue;
    }
    const granted = grantedTables.get(table.name);
    if (granted === undefined) continue;
    const beyond = table.privileges.filter((p) => DML.includes(p) && !granted.has(p));
    if (beyond.length > 0) {
      const allowed = [...granted].join(', ') || 'nothing';
      findings.push(problem(`${APPLICATION_ROLE} holds ${beyond.join(', ')} on ${table.name}, beyond what the migrations grant (${allowed})`));
    }
  }

  if (!findings.some((f) => f.level === 'problem')) {
    findings.unshift(
      ok(`${APPLICATION_ROLE}: no SUPERUSER or BYPASSRLS, owns nothing, holds the ${checks.length - missing} privileges the migrations grant and nothing beyond`),
    );
  }
  return findings;
}
