import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { compiledQuery } from '../../../src/core/kernel/compiled-query.js';
import { useTestDatabase } from '../../helpers/database.js';

describe('compiledQuery', () => {
  const testDb = useTestDatabase();

  it('builds and compiles once per process, then runs on any executor with new values, keeping constant parameters', async () => {
    const { db } = testDb.current;
    let builds = 0;
    const named = compiledQuery((qb, p: { name: string }) => {
      builds += 1;
      return qb
        .selectFrom('roles')
        .select('name')
        .where('name', '=', p.name)
        .where(sql<boolean>`${true}`, '=', true);
    });
    await sql`INSERT INTO roles (name) VALUES ('alpha'), ('beta')`.execute(db);
    expect(await named(db, { name: 'alpha' })).toEqual([{ name: 'alpha' }]);
    // The same compiled statement inside a transaction: it survives transactions.
    await db.transaction().execute(async (trx) => {
      await sql`INSERT INTO roles (name) VALUES ('gamma')`.execute(trx);
      expect(await named(trx, { name: 'gamma' })).toEqual([{ name: 'gamma' }]);
    });
    expect(await named(db, { name: 'beta' })).toEqual([{ name: 'beta' }]);
    expect(await named(db, { name: "x' OR '1'='1" })).toEqual([]);
    expect(builds).toBe(1);
    expect(named.sql).toBe('select "name" from "roles" where "name" = $1 and $2 = $3');
  });

  it('runs with values by position in the order of its slots; refuses a wrong count before sending', async () => {
    const { db } = testDb.current;
    const named = compiledQuery((qb, p: { low: string; high: string }) =>
      qb
        .selectFrom('roles')
        .select('name')
        .where('name', '>=', p.low)
        .where(sql<boolean>`${true}`, '=', true)
        .where('name', '<=', p.high)
        .orderBy('name'),
    );
    await sql`INSERT INTO roles (name) VALUES ('zz-a'), ('zz-b'), ('zz-c')`.execute(db);
    expect(named.slots).toEqual(['low', undefined, undefined, 'high']);
    expect(await named.positional(db, ['zz-a', true, true, 'zz-b'])).toEqual([{ name: 'zz-a' }, { name: 'zz-b' }]);
    await db.transaction().execute(async (trx) => {
      expect(await named.positional(trx, ['zz-b', true, true, 'zz-c'])).toEqual([{ name: 'zz-b' }, { name: 'zz-c' }]);
    });
    for (const wrong of [['zz-a'], ['zz-a', true, true, 'zz-c', 'extra'], 'zz-a' as never]) {
      await expect(named.positional(db, wrong)).rejects.toMatchObject({ code: 'VALIDATION' });
    }
  });

  it('refuses a parameter that does not become a bound parameter', async () => {
    const { db } = testDb.current;
    const inlined = compiledQuery((qb, p: { name: string }) =>
      qb.selectFrom('roles').select('name').where('name', '=', sql.lit(p.name)),
    );
    await expect(inlined(db, { name: 'alpha' })).rejects.toThrow(/not a bound parameter/);
  });
});
