import { sql, type Kysely } from 'kysely';
import { APPLICATION_ROLE } from '../../core/tenancy/tenant-setting.js';
import { findingsOf, type Finding } from './finding.js';

const { ok, problem } = findingsOf('app-login');

interface LoginRow {
  readonly super: boolean;
  readonly bypass: boolean;
  readonly member: boolean;
  readonly owned: number;
}

/**
 * The login role of the application connection (checked over that connection): a member of
 * `org_data_app` that inherits its privileges, not SUPERUSER or BYPASSRLS, and owning no
 * relation (an owner may disable row-level security). The role's name is not printed.
 *
 * @param variable The variable the connection came from, named in every finding.
 */
export async function checkApplicationLogin(db: Kysely<any>, variable: string): Promise<Finding[]> {
  const { rows } = await sql<LoginRow>`
    SELECT r.rolsuper AS super, r.rolbypassrls AS bypass,
           CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${APPLICATION_ROLE})
             THEN pg_has_role(r.oid, ${APPLICATION_ROLE}, 'USAGE') ELSE false END AS member,
           (SELECT count(*)::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relowner = r.oid AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_') AS owned
    FROM pg_roles r WHERE r.rolname = current_user`.execute(db);
  const login = rows[0] as LoginRow;
  const who = `the login role of ${variable}`;
  const findings: Finding[] = [];
  if (login.super) findings.push(problem(`${who} is SUPERUSER: row-level security does not apply to it`));
  if (login.bypass) findings.push(problem(`${who} has BYPASSRLS: row-level security does not apply to it`));
  if (!login.member) findings.push(problem(`${who} is not a member of ${APPLICATION_ROLE} (or does not inherit it): GRANT ${APPLICATION_ROLE} TO it`));
  if (login.owned > 0) findings.push(problem(`${who} owns ${login.owned} relations (an owner can disable row-level security)`));
  if (findings.length === 0) findings.push(ok(`${who} is a member of ${APPLICATION_ROLE}, without SUPERUSER or BYPASSRLS, owning nothing`));
  return findings;
}
