import { sql, type Kysely } from 'kysely';
import { TENANT_TABLES } from '../../aggregates.js';
import { TENANT_SETTING, APPLICATION_ROLE } from '../../core/tenancy/tenant-setting.js';
import { findingsOf, type Finding } from './finding.js';
import { isLookupPolicy } from '../../core/tenancy/lookup-policies.js';
import { OWNER_QUEUE_POLICY, WORKER_QUEUE_POLICIES, WORKER_QUEUE_TABLES, WORKER_ROLE } from '../../core/events/event-tables.js';

const { ok, warn, problem } = findingsOf('tenancy');

/** A relation holding tenant rows: a table with organization_id, or a declared tenant table. */
interface TenantRelation {
  readonly schema: string;
  readonly name: string;
  readonly kind: string;
  readonly parent: string | null;
  readonly rowSecurity: boolean;
  readonly forceRowSecurity: boolean;
  readonly tenantColumn: string;
  /** The application role's DML privileges on it (empty when the role does not exist). */
  readonly privileges: readonly string[];
}

interface Policy {
  readonly schema: string;
  readonly table: string;
  readonly name: string;
  readonly permissive: string;
  readonly qual: string | null;
  readonly withCheck: string | null;
  readonly roles: readonly string[];
  readonly cmd: string;
}

/** The tenant policy's expression as PostgreSQL deparses it (see org_data_enable_tenant_isolation). */
function tenantExpression(column: string): string {
  return `(${column} = (NULLIF(current_setting('${TENANT_SETTING}'::text, true), ''::text))::uuid)`;
}

const KIND_NAMES: Record<string, string> = { m: 'a materialized view', f: 'a foreign table' };

/**
 * Tenant isolation in the catalog. Every table of a user schema with an `organization_id`
 * column (and every table this package declares as a tenant table, e.g. `organizations` by its
 * `id`), partitions included, must have row-level security enabled and forced and at least one
 * policy. For the package's own tables (and their partitions) one policy must be exactly the
 * tenant policy and no other permissive policy may widen it; for other tables (a service's own)
 * a policy must read `app.organization_id` (a warning otherwise). A partition must grant the
 * application role nothing (it is reached through its parent). A materialized view or foreign
 * table with `organization_id` cannot be isolated at all.
 */
export async function checkTenancy(db: Kysely<any>): Promise<Finding[]> {
  const declared = TENANT_TABLES.map((t) => t.table);
  const { rows: relations } = await sql<TenantRelation>`
    SELECT n.nspname AS schema, c.relname AS name, c.relkind::text AS kind,
           (SELECT p.relname FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
             WHERE i.inhrelid = c.oid LIMIT 1) AS parent,
           c.relrowsecurity AS "rowSecurity", c.relforcerowsecurity AS "forceRowSecurity",
           COALESCE(t.column_name, 'organization_id') AS "tenantColumn",
           CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${APPLICATION_ROLE})
             THEN ARRAY(SELECT p FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']) AS p
                        WHERE has_table_privilege(${APPLICATION_ROLE}, c.oid, p))
             ELSE '{}'::text[] END AS privileges
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN unnest(${sql.val(TENANT_TABLES.map((t) => t.table))}::text[], ${sql.val(TENANT_TABLES.map((t) => t.tenantColumn))}::text[])
      AS t(table_name, column_name) ON n.nspname = 'public' AND t.table_name = c.relname
    WHERE c.relkind IN ('r', 'p', 'm', 'f')
      AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
      AND (t.table_name IS NOT NULL OR EXISTS (
            SELECT 1 FROM pg_attribute a
            WHERE a.attrelid = c.oid AND a.attname = 'organization_id' AND a.attnum > 0 AND NOT a.attisdropped))
    ORDER BY n.nspname, c.relname`.execute(db);
  const { rows: policies } = await sql<Policy>`
    SELECT schemaname AS schema, tablename AS table, policyname AS name, permissive, qual,
           with_check AS "withCheck", roles::text[] AS roles, cmd
    FROM pg_policies`.execute(db);

  const findings: Finding[] = [];
  let tables = 0;
  for (const rel of relations) {
    const label = rel.schema === 'public' ? rel.name : `${rel.schema}.${rel.name}`;
    const kindName = KIND_NAMES[rel.kind];
    if (kindName) {
      findings.push(problem(`${label}: ${kindName} with organization_id; row-level security cannot apply to it`));
      continue;
    }
    tables += 1;
    const own = policies.filter((p) => p.schema === rel.schema && p.table === rel.name);
    if (!rel.rowSecurity) findings.push(problem(`${label}: row-level security not enabled`));
    if (!rel.forceRowSecurity) findings.push(problem(`${label}: row-level security not forced (the owner bypasses it)`));
    if (own.length === 0) {
      findings.push(problem(`${label}: no row-level security policy`));
    } else {
      const ours = rel.schema === 'public' && (declared.includes(rel.name) || (rel.parent !== null && declared.includes(rel.parent)));
      const expected = tenantExpression(rel.tenantColumn);
      const exact = own.filter(
        (p) => p.permissive === 'PERMISSIVE' && p.qual === expected && p.withCheck === expected,
      );
      if (ours) {
        if (exact.length === 0) findings.push(problem(`${label}: no tenant policy (USING and WITH CHECK ${expected})`));
        // The worker's policy on a queue table: for its role only (claims across tenants).
        const worker = (x: Policy) =>
          WORKER_QUEUE_TABLES.includes(rel.name) &&
          ((x.name in (WORKER_QUEUE_POLICIES[rel.name] ?? {}) && x.roles.join() === WORKER_ROLE) ||
            (x.name === OWNER_QUEUE_POLICY && x.qual === 'true' && x.roles.length === 1 && !x.roles.includes('public')));
        // A declared lookup policy (src/core/tenancy/lookup-policies.ts): one key, SELECT only.
        for (const p of own.filter((x) => x.permissive === 'PERMISSIVE' && !exact.includes(x) && !worker(x) && !isLookupPolicy(rel.name, x))) {
          findings.push(problem(`${label}: policy ${p.name} is permissive and widens what a tenant sees`));
        }
      } else if (!own.some((p) => `${p.qual ?? ''} ${p.withCheck ?? ''}`.includes(TENANT_SETTING))) {
        findings.push(warn(`${label}: no policy reads ${TENANT_SETTING}`));
      }
    }
    if (rel.parent !== null && rel.privileges.length > 0) {
      findings.push(problem(`${label}: partition, but ${APPLICATION_ROLE} holds ${rel.privileges.join(', ')} on it`));
    }
  }
  if (!findings.some((f) => f.level === 'problem')) {
    findings.unshift(ok(`${tables} tenant tables and partitions: row-level security enabled and forced, with a policy`));
  }
  return findings;
}
