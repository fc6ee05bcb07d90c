// unitOfWork: one entry that composes tenant, retry, isolation, access mode, audit context and
// nesting (savepoints), with repositories built only when touched.
import { sql, type Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { UniqueViolationError } from '../../../src/core/errors/constraint-errors.js';
import { TransactionAbortedError } from '../../../src/core/errors/operational-errors.js';
import { TransactionScopeError } from '../../../src/core/errors/transaction-scope-error.js';
import { ValidationError } from '../../../src/core/errors/validation-error.js';
import { currentTenant } from '../../../src/core/tenancy/current-tenant.js';
import { createUnitOfWork, type RepositoryScope } from '../../../src/core/unit-of-work/create-unit-of-work.js';
import { createRepositories, repositoryFactories, unitOfWork } from '../../../src/repositories.js';
import type { DB } from '../../../src/schema/db.js';
import { seedDefaults } from '../../../src/contexts/identity/seeders/seed-defaults.js';
import { useAppLogin } from '../tenancy/app-role.js';
import { useTestDatabase } from '../../helpers/database.js';
import { anOrganization, unique } from '../../helpers/fixtures.js';

describe('unitOfWork', () => {
  const testDb = useTestDatabase();
  const appLogin = useAppLogin(testDb);
  let organizationId: string;
  let otherOrganizationId: string;
  beforeAll(async () => {
    await seedDefaults(testDb.current.db);
    const owner = createRepositories(testDb.current.db);
    organizationId = (await anOrganization(owner)).id;
    otherOrganizationId = (await anOrganization(owner)).id;
  });
  const slugCount = async (slug: string) =>
    (await sql`SELECT 1 FROM organizations WHERE slug = ${slug}`.execute(testDb.current.db)).rows.length;
  const auditCount = async (action: string, entityId: string) =>
    Number(
      (
        await sql<{ n: string }>`SELECT count(*) AS n FROM audit_logs WHERE action = ${action} AND entity_id = ${entityId}`.execute(
          testDb.current.db,
        )
      ).rows[0]!.n,
    );

  it('a nested unit of work that catches a UniqueViolationError continues and commits the rest', async () => {
    const taken = `uow-taken-${unique()}`;
    const kept = `uow-kept-${unique()}`;
    const after = `uow-after-${unique()}`;
    await createRepositories(testDb.current.db).organizations.create({ slug: taken, name: 'Taken' });
    const caught = await unitOfWork(testDb.current.db, async (uow) => {
      const first = await uow.organizations.create({ slug: kept, name: 'Kept' });
      const error = await unitOfWork(uow.trx, (inner) => inner.organizations.create({ slug: taken, name: 'Duplicate' })).catch(
        (e: unknown) => e,
      );
      // The outer transaction is still usable: the savepoint took the failed insert away.
      await uow.organizations.create({ slug: after, name: 'After' });
      expect(await uow.organizations.findById(first.id)).toMatchObject({ slug: kept });
      return error;
    });
    expect(caught).toBeInstanceOf(UniqueViolationError);
    expect(caught).toMatchObject({ constraint: 'organizations_slug_key' });
    expect(await slugCount(kept)).toBe(1);
    expect(await slugCount(after)).toBe(1);
    expect(await slugCount(taken)).toBe(1);
    // Three creations committed and were audited (kept, after, and `taken` before the unit of
    // work); the duplicate rolled back to its savepoint left no audit row.
    const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM audit_logs
      WHERE action = 'organization.create' AND after->>'slug' IN (${kept}, ${after}, ${taken})`.execute(testDb.current.db);
    expect(Number(rows[0]!.n)).toBe(3); // kept, after, and the first creation of `taken` outside
  });

  it('without a nested unit of work, a caught error leaves the transaction aborted: TransactionAbortedError, nothing committed', async () => {
    const taken = `uow-abort-${unique()}`;
    const lost = `uow-lost-${unique()}`;
    await createRepositories(testDb.current.db).organizations.create({ slug: taken, name: 'Taken' });
    const error = await unitOfWork(testDb.current.db, async (uow) => {
      await uow.organizations.create({ slug: taken, name: 'Duplicate' }).catch(() => undefined);
      await uow.organizations.create({ slug: lost, name: 'Lost' });
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionAbortedError);
    expect(error).toMatchObject({ code: 'TRANSACTION_ABORTED', sqlState: '25P02' });
    expect(await slugCount(lost)).toBe(0);
  });

  it('nests into a transaction the caller opened with Kysely (a savepoint), and rolls only its own work back', async () => {
    const outerSlug = `uow-caller-${unique()}`;
    const innerSlug = `uow-inner-${unique()}`;
    await testDb.current.db.transaction().execute(async (trx) => {
      await createRepositories(trx).organizations.create({ slug: outerSlug, name: 'Caller' });
      await unitOfWork(trx, async (uow) => {
        await uow.organizations.create({ slug: innerSlug, name: 'Inner' });
        throw new Error('inner work fails');
      }).catch(() => undefined);
      const { rows } = await sql`SELECT 1 FROM organizations WHERE slug = ${outerSlug}`.execute(trx);
      expect(rows).toHaveLength(1);
    });
    expect(await slugCount(outerSlug)).toBe(1);
    expect(await slugCount(innerSlug)).toBe(0);
  });

  it('a serialization failure inside a tenant unit of work is retried, each attempt with the tenant set (as the application role)', async () => {
    const owner = createRepositories(testDb.current.db);
    const client = await owner.clients.create({ organizationId, code: `R-${unique()}`, name: 'Raced' });
    const app = (name: string) => appLogin.current.connect({ max: 1, applicationName: name });
    const a = app('uow-retry-a');
    const b = app('uow-retry-b');
    let release!: () => void;
    const bothRead = new Promise<void>((resolve) => (release = resolve));
    let readers = 0;
    const seen: { tenant: string | undefined; setting: string | undefined }[] = [];
    const retries: string[] = [];
    const rename = (db: Kysely<DB>, name: string) =>
      unitOfWork(
        db,
        {
          tenant: organizationId,
          isolationLevel: 'serializable',
          retry: { attempts: 5, onRetry: (_, error) => retries.push(error.code) },
          context: { requestId: name },
        },
        async (uow) => {
          seen.push({ tenant: uow.tenant, setting: await currentTenant(uow.trx) });
          // Under FORCE row-level security the client is visible only with the tenant set.
          const current = await uow.clients.getById(client.id);
          readers += 1;
          if (readers === 2) release();
          await Promise.race([bothRead, new Promise((resolve) => setTimeout(resolve, 500))]);
          return uow.clients.update(client.id, { name: `${current.name} + ${name}` });
        },
      );
    const results = await Promise.all([rename(a, 'a'), rename(b, 'b')]);
    expect(retries).toContain('SERIALIZATION_FAILURE');
    expect(seen.length).toBeGreaterThanOrEqual(3);
    for (const attempt of seen) expect(attempt).toEqual({ tenant: organizationId, setting: organizationId });
    // No lost update: the retried attempt read the winner's name.
    const final = await owner.clients.getById(client.id);
    expect([`Raced + a + b`, `Raced + b + a`]).toContain(final.name);
    expect(results.map((r) => r.name)).toContain(final.name);
    expect(await auditCount('client.update', client.id)).toBe(2);
  });

  it('refuses to join a transaction of another tenant, or of none, and changes nothing', async () => {
    const db = appLogin.current.connect({ max: 1 });
    await unitOfWork(db, { tenant: organizationId }, async (uow) => {
      await expect(unitOfWork(uow.trx, { tenant: otherOrganizationId }, async () => 1)).rejects.toBeInstanceOf(
        TransactionScopeError,
      );
      // Same tenant, other spelling: joins.
      await expect(unitOfWork(uow.trx, { tenant: organizationId.toUpperCase() }, async (inner) => inner.tenant)).resolves.toBe(
        organizationId,
      );
      expect(await currentTenant(uow.trx)).toBe(organizationId);
    });
    await db.transaction().execute(async (trx) => {
      await expect(unitOfWork(trx, { tenant: organizationId }, async () => 1)).rejects.toThrow(/no tenant/);
      expect(await currentTenant(trx)).toBeUndefined();
    });
  });

  it('refuses retry, another isolation level or access mode when nested; inherits tenant and context', async () => {
    await unitOfWork(
      testDb.current.db,
      { tenant: organizationId, context: { requestId: 'outer-request' }, isolationLevel: 'repeatable read' },
      async (uow) => {
        await expect(unitOfWork(uow.trx, { retry: 3 }, async () => 1)).rejects.toBeInstanceOf(TransactionScopeError);
        await expect(unitOfWork(uow.trx, { isolationLevel: 'serializable' }, async () => 1)).rejects.toThrow(/repeatable read/);
        await expect(unitOfWork(uow.trx, { accessMode: 'read only' }, async () => 1)).rejects.toBeInstanceOf(TransactionScopeError);
        await unitOfWork(uow.trx, { isolationLevel: 'repeatable read', accessMode: 'read write' }, async (inner) => {
          expect(inner.tenant).toBe(organizationId);
          expect(inner.context).toEqual({ requestId: 'outer-request' });
        });
      },
    );
  });

  it('validates its options before sending anything', async () => {
    const slug = `uow-invalid-${unique()}`;
    for (const options of [{ tenant: 'not-a-uuid' }, { retry: 0 }, { isolationLevel: 'chaos' }, { unknown: true }, { context: { ip: 'x' } }]) {
      let ran = false;
      const error = await unitOfWork(testDb.current.db, options as never, async (uow) => {
        ran = true;
        await uow.organizations.create({ slug, name: 'Never' });
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect(ran).toBe(false);
    }
    await expect(unitOfWork(testDb.current.db, {}, 'not a function' as never)).rejects.toBeInstanceOf(ValidationError);
    await expect(unitOfWork(null as never, async () => 1)).rejects.toBeInstanceOf(ValidationError);
    expect(await slugCount(slug)).toBe(0);
  });

  it('a read-only unit of work refuses writes', async () => {
    const error = await unitOfWork(testDb.current.db, { accessMode: 'read only' }, (uow) =>
      uow.organizations.create({ slug: `uow-ro-${unique()}`, name: 'Read only' }),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ sqlState: '25006' });
  });

  it('builds repositories lazily: a unit of work touching one repository builds only that one, once', async () => {
    const built: Record<string, number> = {};
    const counted = Object.fromEntries(
      Object.entries(repositoryFactories).map(([name, factory]) => [
        name,
        (scope: RepositoryScope) => {
          built[name] = (built[name] ?? 0) + 1;
          return (factory as (scope: RepositoryScope) => unknown)(scope);
        },
      ]),
    ) as typeof repositoryFactories;
    const { unitOfWork: counting } = createUnitOfWork(counted);
    await counting(testDb.current.db, { tenant: organizationId }, async (uow) => {
      await uow.organizations.findById(organizationId);
      await uow.organizations.findById(otherOrganizationId);
    });
    expect(built).toEqual({ organizations: 1 });
    expect(Object.keys(repositoryFactories).length).toBeGreaterThan(5);
  });

  it('refuses factories that are not functions or use a reserved name', () => {
    expect(() => createUnitOfWork({ trx: () => 1 })).toThrow(ValidationError);
    expect(() => createUnitOfWork({ things: 42 as never })).toThrow(ValidationError);
  });
});


describe('unitOfWork never reports success for work that was not committed', () => {
  const testDb = useTestDatabase();
  const slugCount = async (slug: string) =>
    (await sql`SELECT 1 FROM organizations WHERE slug = ${slug}`.execute(testDb.current.db)).rows.length;

  it('fn that catches a failed statement and returns: TransactionAbortedError, nothing committed (createDatabase and plain Kysely)', async () => {
    const { Kysely: KyselyClass, PostgresDialect } = await import('kysely');
    const { createPool } = await import('../../../src/core/database/create-database.js');
    const plain = new KyselyClass<DB>({ dialect: new PostgresDialect({ pool: createPool({ connectionString: testDb.current.connectionString, max: 1 }) }) });
    try {
      for (const db of [testDb.current.db, plain]) {
        const taken = `abort-taken-${unique()}`;
        const lost = `abort-lost-${unique()}`;
        await createRepositories(testDb.current.db).organizations.create({ slug: taken, name: 'Taken' });
        const error = await unitOfWork(db, async (uow) => {
          await uow.organizations.create({ slug: lost, name: 'Lost' });
          await uow.organizations.create({ slug: taken, name: 'Duplicate' }).catch(() => undefined);
          return 'caught and carried on';
        }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(TransactionAbortedError);
        expect(await slugCount(lost)).toBe(0);
      }
    } finally {
      await plain.destroy();
    }
  });

  it('a nested unit whose fn swallows a failed statement rejects, and the outer transaction stays usable', async () => {
    const taken = `nested-taken-${unique()}`;
    const outer1 = `nested-outer1-${unique()}`;
    const outer2 = `nested-outer2-${unique()}`;
    await createRepositories(testDb.current.db).organizations.create({ slug: taken, name: 'Taken' });
    await unitOfWork(testDb.current.db, async (uow) => {
      await uow.organizations.create({ slug: outer1, name: 'Outer 1' });
      const nested = await unitOfWork(uow.trx, async (inner) => {
        await inner.organizations.create({ slug: taken, name: 'Duplicate' }).catch(() => undefined);
        return 'swallowed';
      }).catch((e: unknown) => e);
      expect(nested).toBeInstanceOf(TransactionAbortedError);
      await uow.organizations.create({ slug: outer2, name: 'Outer 2' });
    });
    expect(await slugCount(outer1)).toBe(1);
    expect(await slugCount(outer2)).toBe(1);
  });

  it('nested units run concurrently on one transaction: the outermost refuses to commit', async () => {
    const a = `concurrent-a-${unique()}`;
    const b = `concurrent-b-${unique()}`;
    const error = await unitOfWork(testDb.current.db, async (uow) => {
      await Promise.allSettled([
        // A ends while B, opened after it, is still open: A's RELEASE would take B's savepoint with it.
        unitOfWork(uow.trx, async (inner) => {
          await inner.organizations.create({ slug: a, name: 'A' });
        }),
        unitOfWork(uow.trx, async (inner) => {
          await new Promise((resolve) => setTimeout(resolve, 50));
          await inner.organizations.create({ slug: b, name: 'B' });
        }),
      ]);
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionScopeError);
    expect(await slugCount(a)).toBe(0);
    expect(await slugCount(b)).toBe(0);
  });

  it('wrappers and createRepositories refuse bad arguments with ValidationError before any SQL', async () => {
    const { withTenant } = await import('../../../src/with-tenant.js');
    const { transactionWithRetry } = await import('../../../src/core/unit-of-work/transaction-with-retry.js');
    const org = (await anOrganization(createRepositories(testDb.current.db))).id;
    await expect(withTenant(testDb.current.db, org, 'nope' as never)).rejects.toBeInstanceOf(ValidationError);
    await expect(transactionWithRetry(undefined as never, async () => 1)).rejects.toBeInstanceOf(ValidationError);
    await expect(transactionWithRetry(testDb.current.db, undefined as never)).rejects.toBeInstanceOf(ValidationError);
    expect(() => createRepositories(undefined as never)).toThrow(ValidationError);
  });

  it('a service repository may be named like an Object.prototype member', async () => {
    const { unitOfWork: bound } = createUnitOfWork({ constructor: () => 'built' });
    await expect(bound(testDb.current.db, async (uow) => (uow as unknown as { constructor: string }).constructor)).resolves.toBe('built');
  });
});
