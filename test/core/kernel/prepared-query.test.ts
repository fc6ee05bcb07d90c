import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { preparedQuery } from '../../../src/core/kernel/prepared-query.js';
import { useTestDatabase } from '../../helpers/database.js';

describe('preparedQuery', () => {
  const testDb = useTestDatabase();

  it('builds and compiles once, then runs with new parameter values, keeping constant parameters', async () => {
    const { db } = testDb.current;
    let builds = 0;
    const named = preparedQuery(db, (p: { name: string }) => {
      builds += 1;
      return db
        .selectFrom('roles')
        .select('name')
        .where('name', '=', p.name)
        .where(sql<boolean>`${true}`, '=', true);
    });
    await sql`INSERT INTO roles (name) VALUES ('alpha'), ('beta')`.execute(db);
    expect(await named({ name: 'alpha' })).toEqual([{ name: 'alpha' }]);
    expect(await named({ name: 'beta' })).toEqual([{ name: 'beta' }]);
    expect(await named({ name: "x' OR '1'='1" })).toEqual([]);
    expect(builds).toBe(1);
  });

  it('refuses a parameter that does not become a bound parameter', async () => {
    const { db } = testDb.current;
    const inlined = preparedQuery(db, (p: { name: string }) =>
      db.selectFrom('roles').select('name').where('name', '=', sql.lit(p.name)),
    );
    await expect(inlined({ name: 'alpha' })).rejects.toThrow(/not a bound parameter/);
  });
});
