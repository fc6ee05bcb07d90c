import { sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { BASELINE_PERMISSIONS, seedDefaults } from '../../../../src/contexts/identity/seeders/seed-defaults.js';
import { seedDevData } from '../../../../src/contexts/identity/seeders/seed-dev-data.js';
import { useTestDatabase } from '../../../helpers/database.js';

async function snapshot(db: Kysely<any>) {
  const { rows } = await sql<{ t: unknown }>`
    SELECT json_build_object(
      'roles', (SELECT json_agg(r ORDER BY r.name) FROM roles r),
      'permissions', (SELECT json_agg(p ORDER BY p.name) FROM permissions p),
      'grants', (SELECT json_agg(rp ORDER BY rp.role_id, rp.permission_id) FROM role_permissions rp),
      'users', (SELECT json_agg(u ORDER BY u.auth_subject) FROM users u),
      'profiles', (SELECT json_agg(p ORDER BY p.user_id) FROM user_profiles p)
    ) AS t`.execute(db);
  return rows[0]?.t;
}

describe('seeders', () => {
  const testDb = useTestDatabase();

  it('seedDefaults creates admin and user; admin holds every permission; a second run changes nothing', async () => {
    const { db } = testDb.current;
    // Permissions the migrations made (the form-scoped ones): admin is granted those too.
    const migrated = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM permissions`.execute(db)).rows[0]?.n);
    expect(migrated).toBe(3);
    const first = await seedDefaults(db);
    const permissionCount = Object.keys(BASELINE_PERMISSIONS).length;
    expect(first).toEqual({ roles: 2, permissions: permissionCount, grants: permissionCount + migrated + 2 });
    const before = await snapshot(db);
    expect(await seedDefaults(db)).toEqual({ roles: 0, permissions: 0, grants: 0 });
    expect(await snapshot(db)).toEqual(before);
    const admin = await sql<{ n: string }>`
      SELECT count(*) AS n FROM role_permissions rp JOIN roles r ON r.id = rp.role_id WHERE r.name = 'admin'`.execute(db);
    expect(Number(admin.rows[0]?.n)).toBe(permissionCount + migrated);
  });

  it('seedDevData is deterministic for a seed, idempotent, and reports progress', async () => {
    const { db } = testDb.current;
    const progress: number[] = [];
    const result = await seedDevData(db, {
      seed: 7,
      organizations: 2,
      usersPerOrganization: 30,
      batchSize: 10,
      onProgress: (done) => progress.push(done),
    });
    expect(result.usersCreated).toBe(60);
    expect(progress).toEqual([10, 20, 30, 40, 50, 60]);
    const again = await seedDevData(db, { seed: 7, organizations: 2, usersPerOrganization: 30, batchSize: 10 });
    expect(again.usersCreated).toBe(0);
    expect(again.organizationIds).toEqual(result.organizationIds);
    const names = await sql<{ full_name: string; email: string }>`
      SELECT p.full_name, u.email FROM users u JOIN user_profiles p ON p.user_id = u.id
      WHERE u.auth_subject LIKE 'dev|7|%' ORDER BY u.auth_subject LIMIT 3`.execute(db);
    // Same seed, same people: the first three are fixed by the PRNG.
    expect(names.rows).toMatchInlineSnapshot(`
      [
        {
          "email": "lucia.muller.1@lotus-1.example.com",
          "full_name": "Lucia Muller",
        },
        {
          "email": "jonas.le.10@lotus-1.example.com",
          "full_name": "Jonas Le",
        },
        {
          "email": "vy.okafor.11@lotus-1.example.com",
          "full_name": "Vy Okafor",
        },
      ]
    `);
  });
});
