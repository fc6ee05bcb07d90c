// Row-level security and the monthly partitions of audit_logs, which createAuditPartitions
// creates at run time (as the owner). Policies of the parent apply to queries through the
// parent; a query naming a partition is checked against the partition's own privileges and
// policies.
import { sql, type Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAuditPartitions, listAuditPartitions } from '../../../src/core/audit/audit-partitions.js';
import { createRepositories } from '../../../src/repositories.js';
import type { DB } from '../../../src/schema/db.js';
import { seedDefaults } from '../../../src/contexts/identity/seeders/seed-defaults.js';
import { withTenant } from '../../../src/with-tenant.js';
import { useTestDatabase } from '../../helpers/database.js';
import { anOrganization, aUser } from '../../helpers/fixtures.js';
import { sqlStateOf, useAppLogin } from './app-role.js';
import { isolationProblems } from './isolation-problems.js';

describe('audit_logs partitions under row-level security', () => {
  const testDb = useTestDatabase();
  const login = useAppLogin(testDb);
  let app: Kysely<DB>;
  let a: string;
  let b: string;
  let month: string;

  beforeAll(async () => {
    await seedDefaults(testDb.current.db);
    const system = createRepositories(testDb.current.db);
    a = (await anOrganization(system)).id;
    b = (await anOrganization(system)).id;
    await aUser(system, a);
    await aUser(system, b);
    // As the superuser (BYPASSRLS): moves this month's rows out of DEFAULT into a new partition.
    const result = await createAuditPartitions(testDb.current.db, { monthsAhead: 1 });
    expect(result.movedRows).toBeGreaterThan(0);
    month = (await listAuditPartitions(testDb.current.db))[0]!.name;
    app = login.current.connect();
  });

  it('through the parent, a tenant still sees exactly its own audit rows, wherever they are stored', async () => {
    const countOf = async (db: Kysely<any>, org: string) =>
      Number(
        (await sql<{ n: string }>`SELECT count(*) AS n FROM audit_logs WHERE organization_id = ${org}`.execute(db)).rows[0]?.n,
      );
    const ownA = await countOf(testDb.current.db, a);
    expect(ownA).toBeGreaterThan(0);
    await withTenant(app, a, async (_repos, trx) => {
      expect(await countOf(trx, a)).toBe(ownA);
      expect(await countOf(trx, b)).toBe(0);
      const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM audit_logs`.execute(trx);
      expect(Number(rows[0]?.n)).toBe(ownA);
    });
    expect(await countOf(app, a)).toBe(0);
  });

  it('the DEFAULT partition created by the migrations cannot be queried directly', async () => {
    expect(await sqlStateOf(app, sql`SELECT count(*) FROM audit_logs_default`)).toBe('42501');
  });

  // createAuditPartitions (src/core/audit/audit-partitions.ts) creates monthly partitions as the
  // owner: it must enable and force row-level security with the tenant policy on each, and
  // revoke the privileges the owner's default privileges would give org_data_app.
  it('monthly partitions created at run time are isolated too', async () => {
    expect(await isolationProblems(testDb.current.db)).toEqual([]);
    expect(await sqlStateOf(app, sql`SELECT count(*) FROM ${sql.table(month)}`)).toBe('42501');
  });
});
