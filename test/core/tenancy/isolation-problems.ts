// The rules of tenant isolation, checked against pg_catalog (see catalog.test.ts).
import { sql, type Kysely } from 'kysely';
import { TRACKING_TABLE } from '../../../src/core/migrations/tracking-table.js';
import { APPLICATION_ROLE } from '../../../src/core/tenancy/tenant-setting.js';
import { GLOBAL_TABLES as DECLARED_GLOBAL_TABLES } from '../../../src/aggregates.js';
import { isLookupPolicy } from '../../../src/core/tenancy/lookup-policies.js';
import { OWNER_QUEUE_POLICY, OWNER_STATUS_QUEUE_TABLES, WORKER_QUEUE_POLICIES, WORKER_QUEUE_TABLES, WORKER_ROLE } from '../../../src/core/events/event-tables.js';

/**
 * Tables shared by every organization (readable, not writable, by the application role): the
 * tables of the aggregates declared with `tenantColumn: null`.
 */
const GLOBAL_TABLES: readonly string[] = DECLARED_GLOBAL_TABLES;

/** The policy expression, as PostgreSQL deparses it, for a table whose tenant is `column`. */
const tenantExpression = (column: string) =>
  `(${column} = (NULLIF(current_setting('app.organization_id'::text, true), ''::text))::uuid)`;

interface Relation {
  name: string;
  kind: string;
  isPartition: boolean;
  rowSecurity: boolean;
  forceRowSecurity: boolean;
  tenantColumn: string | null;
  privileges: string[];
  owner: string;
}

interface Policy {
  table: string;
  name: string;
  permissive: string;
  roles: string[];
  cmd: string;
  qual: string | null;
  withCheck: string | null;
}

const PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'];

/** Every break of the tenant-isolation rules, one line each; empty when there is none. */
export async function isolationProblems(db: Kysely<any>): Promise<string[]> {
  const { rows: relations } = await sql<Relation>`
    SELECT c.relname AS name, c.relkind::text AS kind, c.relispartition AS "isPartition",
           c.relrowsecurity AS "rowSecurity", c.relforcerowsecurity AS "forceRowSecurity",
           CASE
             WHEN c.relname = 'organizations' THEN 'id'
             WHEN EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'organization_id'
                          AND a.attnum > 0 AND NOT a.attisdropped) THEN 'organization_id'
           END AS "tenantColumn",
           ARRAY(SELECT p FROM unnest(${sql.val(PRIVILEGES)}::text[]) p
                 WHERE has_table_privilege(${APPLICATION_ROLE}, c.oid, p)) AS privileges,
           pg_get_userbyid(c.relowner) AS owner
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
    ORDER BY c.relname`.execute(db);
  const { rows: policies } = await sql<Policy>`
    SELECT tablename AS table, policyname AS name, permissive, roles::text[] AS roles, cmd, qual,
           with_check AS "withCheck"
    FROM pg_policies WHERE schemaname = 'public'`.execute(db);

  const problems: string[] = [];
  for (const rel of relations) {
    const own = policies.filter((p) => p.table === rel.name);
    const dml = rel.privileges.filter((p) => ['SELECT', 'INSERT', 'UPDATE', 'DELETE'].includes(p));
    const other = rel.privileges.filter((p) => !dml.includes(p));
    if (other.length > 0) problems.push(`${rel.name}: ${APPLICATION_ROLE} holds ${other.join(', ')}`);
    if (rel.name === TRACKING_TABLE) {
      // SELECT only (20261202090000): the readiness probe reads it as the application role.
      if (rel.privileges.join() !== 'SELECT') problems.push(`${rel.name}: ${APPLICATION_ROLE} holds ${rel.privileges.join(', ') || 'nothing'}, not SELECT only`);
      continue;
    }
    if (rel.tenantColumn === null) {
      if (!GLOBAL_TABLES.includes(rel.name)) {
        problems.push(`${rel.name}: neither tenant-owned (no organization_id) nor a declared global table`);
      } else if (dml.join() !== 'SELECT') {
        problems.push(`${rel.name}: global, but ${APPLICATION_ROLE} holds ${dml.join(', ') || 'nothing'}, not SELECT only`);
      }
      continue;
    }
    if (!['r', 'p'].includes(rel.kind)) {
      // A view or foreign table over tenant rows would bypass the tables' policies.
      problems.push(`${rel.name}: relkind ${rel.kind} with ${rel.tenantColumn}`);
      continue;
    }
    if (!rel.rowSecurity) problems.push(`${rel.name}: row-level security not enabled`);
    if (!rel.forceRowSecurity) problems.push(`${rel.name}: row-level security not forced`);
    const expected = tenantExpression(rel.tenantColumn);
    const good = own.filter(
      (p) =>
        p.permissive === 'PERMISSIVE' &&
        p.cmd === 'ALL' &&
        p.roles.join() === 'public' &&
        p.qual === expected &&
        p.withCheck === expected,
    );
    if (good.length === 0) problems.push(`${rel.name}: no tenant policy (USING and WITH CHECK ${expected})`);
    // A declared queue table has the worker role's policies too, for that role only.
    const queue = WORKER_QUEUE_TABLES.includes(rel.name);
    const worker = queue
      ? own.filter((p) => {
          const expectedWorker = WORKER_QUEUE_POLICIES[rel.name]?.[p.name];
          return (
            expectedWorker !== undefined &&
            p.permissive === 'PERMISSIVE' &&
            p.roles.join() === WORKER_ROLE &&
            p.cmd === expectedWorker[0] &&
            p.qual === expectedWorker[1] &&
            p.withCheck === expectedWorker[2]
          );
        })
      : [];
    // …and its owner's, for the queue status function.
    const ownerStatus = OWNER_STATUS_QUEUE_TABLES.includes(rel.name)
      ? own.filter(
          (p) =>
            p.name === OWNER_QUEUE_POLICY &&
            p.permissive === 'PERMISSIVE' &&
            p.cmd === 'SELECT' &&
            p.roles.join() === rel.owner &&
            p.qual === 'true' &&
            p.withCheck === null,
        )
      : [];
    if (OWNER_STATUS_QUEUE_TABLES.includes(rel.name) && ownerStatus.length !== 1) problems.push(`${rel.name}: queue table without the ${OWNER_QUEUE_POLICY} policy for its owner`);
    const expectedPolicies = Object.keys(WORKER_QUEUE_POLICIES[rel.name] ?? {});
    if (queue && worker.length !== expectedPolicies.length) {
      problems.push(`${rel.name}: queue table without exactly the worker's policies ${expectedPolicies.join(', ')}`);
    }
    // Permissive policies are OR-ed: any other one could widen what a tenant sees.
    // …and the declared lookup policies (src/core/tenancy/lookup-policies.ts). Restrictive ones
    // are AND-ed with them: they only narrow (audit_logs' platform_rows_not_for_app).
    for (const p of own.filter((x) => x.permissive !== 'RESTRICTIVE' && !good.includes(x) && !worker.includes(x) && !ownerStatus.includes(x) && !isLookupPolicy(rel.name, x))) {
      problems.push(`${rel.name}: unexpected policy ${p.name}`);
    }
    // Partitions are reached through their parent, whose privileges and policy then apply.
    if (rel.isPartition && rel.privileges.length > 0) {
      problems.push(`${rel.name}: partition, but ${APPLICATION_ROLE} holds ${rel.privileges.join(', ')} on it`);
    }
  }
  return problems;
}
