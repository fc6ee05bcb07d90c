import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createDatabase } from '../../../src/core/database/create-database.js';
import { transactionWithRetry } from '../../../src/core/unit-of-work/transaction-with-retry.js';
import { UniqueViolationError } from '../../../src/core/errors/constraint-errors.js';
import { SerializationFailureError } from '../../../src/core/errors/operational-errors.js';
import { useTestDatabase } from '../../helpers/database.js';

describe('transactionWithRetry', () => {
  const testDb = useTestDatabase();

  it('re-runs the whole callback after a serialization failure, and succeeds', async () => {
    const { db, connectionString } = testDb.current;
    await sql`CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL)`.execute(db);
    await sql`INSERT INTO counters VALUES (1, 0)`.execute(db);
    const a = createDatabase({ connectionString, max: 1 });
    const b = createDatabase({ connectionString, max: 1 });
    try {
      let release!: () => void;
      const bothRead = new Promise<void>((resolve) => (release = resolve));
      let readers = 0;
      const retries: string[] = [];
      const increment = (dbx: typeof a) =>
        transactionWithRetry(
          dbx,
          async (trx) => {
            await sql`SET TRANSACTION ISOLATION LEVEL SERIALIZABLE`.execute(trx);
            const { rows } = await sql<{ n: number }>`SELECT n FROM counters WHERE id = 1`.execute(trx);
            readers += 1;
            if (readers === 2) release();
            await Promise.race([bothRead, new Promise((r) => setTimeout(r, 500))]);
            await sql`UPDATE counters SET n = ${rows[0]!.n + 1} WHERE id = 1`.execute(trx);
          },
          { attempts: 5, onRetry: (_, error) => retries.push(error.code) },
        );
      await Promise.all([increment(a), increment(b)]);
      const { rows } = await sql<{ n: number }>`SELECT n FROM counters WHERE id = 1`.execute(db);
      expect(rows[0]!.n).toBe(2); // no lost update
      expect(retries).toContain('SERIALIZATION_FAILURE');
    } finally {
      await a.destroy();
      await b.destroy();
    }
  });

  it('gives up after the bounded attempts with the typed error', async () => {
    const { db } = testDb.current;
    let calls = 0;
    const error = await transactionWithRetry(
      db,
      async () => {
        calls += 1;
        throw Object.assign(new Error('could not serialize access'), { code: '40001' });
      },
      { attempts: 3, baseDelayMs: 1 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SerializationFailureError);
    expect(calls).toBe(3);
  });

  it('retries a deadlock victim', async () => {
    const { connectionString, db } = testDb.current;
    await sql`CREATE TABLE pair (id int PRIMARY KEY, v int)`.execute(db);
    await sql`INSERT INTO pair VALUES (1, 0), (2, 0)`.execute(db);
    const a = createDatabase({ connectionString, max: 1 });
    const b = createDatabase({ connectionString, max: 1 });
    try {
      const codes: string[] = [];
      let firstLocks = 0;
      let release!: () => void;
      const both = new Promise<void>((resolve) => (release = resolve));
      const cross = (dbx: typeof a, first: number, second: number) =>
        transactionWithRetry(
          dbx,
          async (trx) => {
            await sql`UPDATE pair SET v = v + 1 WHERE id = ${first}`.execute(trx);
            firstLocks += 1;
            if (firstLocks === 2) release();
            await Promise.race([both, new Promise((r) => setTimeout(r, 500))]);
            await sql`UPDATE pair SET v = v + 1 WHERE id = ${second}`.execute(trx);
          },
          { attempts: 5, onRetry: (_, error) => codes.push(error.code) },
        );
      await Promise.all([cross(a, 1, 2), cross(b, 2, 1)]);
      expect(codes).toContain('DEADLOCK');
      const { rows } = await sql<{ v: number }>`SELECT sum(v)::int AS v FROM pair`.execute(db);
      expect(rows[0]!.v).toBe(4);
    } finally {
      await a.destroy();
      await b.destroy();
    }
  });

  it('never retries anything else', async () => {
    const { db } = testDb.current;
    let calls = 0;
    const error = await transactionWithRetry(db, async (trx) => {
      calls += 1;
      await sql`INSERT INTO roles (name) VALUES ('dup-role'), ('dup-role')`.execute(trx);
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect(calls).toBe(1);
  });
});
