// The row-level security migration: its rollback revokes in this database only and keeps the
// cluster-wide role; re-applying it covers partitions that exist by then.
import { sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createAuditPartitions } from '../../../src/core/audit/audit-partitions.js';
import { migrate } from '../../../src/core/migrations/migrate.js';
import { rollback } from '../../../src/core/migrations/rollback.js';
import { APPLICATION_ROLE } from '../../../src/core/tenancy/tenant-setting.js';
import { useTestDatabase } from '../../helpers/database.js';
import { isolationProblems } from './isolation-problems.js';

const MIGRATION = '20261121120000_enable_row_level_security';
/** The migration before it: rolling back to it undoes this one (and any later one). */
const BEFORE = '20261121110000_create_clients_and_documents';

async function traces(db: Kysely<any>) {
  const { rows } = await sql<{ kind: string; name: string }>`
    SELECT 'rls' AS kind, c.relname AS name FROM pg_class c
    WHERE c.relnamespace = 'public'::regnamespace AND (c.relrowsecurity OR c.relforcerowsecurity)
    UNION ALL SELECT 'policy', tablename || '.' || policyname FROM pg_policies WHERE schemaname = 'public'
    UNION ALL SELECT 'acl', c.relname FROM pg_class c
    WHERE c.relnamespace = 'public'::regnamespace AND c.relacl::text LIKE ${`%${APPLICATION_ROLE}=%`}
    UNION ALL SELECT 'function acl', p.proname FROM pg_proc p
    WHERE p.pronamespace = 'public'::regnamespace AND p.proacl::text LIKE ${`%${APPLICATION_ROLE}=%`}
    UNION ALL SELECT 'schema acl', n.nspname FROM pg_namespace n
    WHERE n.nspname = 'public' AND n.nspacl::text LIKE ${`%${APPLICATION_ROLE}=%`}
    UNION ALL SELECT 'default acl', d.defaclobjtype::text FROM pg_default_acl d
    WHERE d.defaclacl::text LIKE ${`%${APPLICATION_ROLE}=%`}
    ORDER BY 1, 2`.execute(db);
  return rows.map((r) => `${r.kind} ${r.name}`);
}

describe(`migration ${MIGRATION}`, () => {
  const testDb = useTestDatabase({ max: 1 });

  it('rolls back in this database only, keeps the role, and re-applies over partitions made meanwhile', async () => {
    const { db } = testDb.current;
    expect(await traces(db)).not.toEqual([]);
    // Monthly partitions made at run time receive the application role's default privileges.
    await createAuditPartitions(db, { monthsAhead: 1 });

    const { rolledBack } = await rollback(db, { to: BEFORE });
    expect(rolledBack.at(-1)).toBe(MIGRATION);
    expect(await traces(db)).toEqual([]);
    // Other databases of the server (the template, other tests) still hold grants to it.
    const role = await sql`SELECT 1 FROM pg_roles WHERE rolname = ${APPLICATION_ROLE}`.execute(db);
    expect(role.rows).toHaveLength(1);

    expect((await migrate(db)).applied).toContain(MIGRATION);
    // Every partition that exists now is covered, and none is granted to the application role.
    expect(await isolationProblems(db)).toEqual([]);
    const { rows } = await sql<{ name: string }>`
      SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'audit_logs'::regclass AND c.relforcerowsecurity ORDER BY 1`.execute(db);
    expect(rows.length).toBe(3); // DEFAULT and two months
  });
});
