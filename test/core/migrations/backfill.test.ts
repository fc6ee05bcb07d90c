import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { embeddedMigrations } from '../../../src/core/migrations/embedded-migrations.js';
import { migrate } from '../../../src/core/migrations/migrate.js';
import { createTestDatabase, type TestDatabase } from '../../../src/testing/test-database.js';

const BACKFILL = '20261121100200_backfill_user_staff_profiles';

describe('staff-profile backfill migration', () => {
  let testDb: TestDatabase;
  afterAll(async () => {
    await testDb?.dispose();
  });

  it('gives every existing user a draft profile, in batches that each commit, and skips existing ones', async () => {
    testDb = await createTestDatabase({ migrated: false, max: 1 });
    const { db } = testDb;
    const index = embeddedMigrations.findIndex((m) => m.name === BACKFILL);
    await migrate(db, { to: embeddedMigrations[index - 1]!.name });
    await sql`INSERT INTO organizations (slug, name) VALUES ('backfill', 'Backfill')`.execute(db);
    await sql`
      INSERT INTO users (organization_id, auth_subject, email)
      SELECT o.id, 'sub-' || n, 'user' || n || '@example.com'
      FROM organizations o, generate_series(1, 12001) AS n`.execute(db);
    // One user already has a (non-draft) profile: the backfill must leave it alone.
    await sql`
      INSERT INTO user_staff_profiles (user_id, organization_id, job_title)
      SELECT id, organization_id, 'Kept' FROM users WHERE auth_subject = 'sub-1'`.execute(db);

    expect((await migrate(db, { to: BACKFILL })).applied).toEqual([BACKFILL]);

    const { rows } = await sql<{ profiles: string; drafts: string; kept: string; transactions: string }>`
      SELECT count(*) AS profiles,
             count(*) FILTER (WHERE profile_verification_status = 'draft' AND version = 1) AS drafts,
             count(*) FILTER (WHERE job_title = 'Kept') AS kept,
             count(DISTINCT xmin::text) AS transactions
      FROM user_staff_profiles`.execute(db);
    expect(rows[0]).toMatchObject({ profiles: '12001', drafts: '12001', kept: '1' });
    // 12 000 new rows in batches of 5 000 were written by 3 transactions, plus the one above.
    expect(Number(rows[0]?.transactions)).toBe(4);
  });
});
