// The unit of work and the repositories are generic over the database type: a service's own
// tables (its `DB & { … }`) join the same transaction, typed. And the unions derived from the
// aggregates' declarations are exact.
import type { Kysely, Transaction } from 'kysely';
import type { z } from 'zod';
import { describe, expectTypeOf, it } from 'vitest';
import {
  createRepositories,
  createUnitOfWork,
  createUserRepository,
  repositoryFactories,
  unitOfWork,
  type AuditAction,
  type AuditEntityType,
  type DB,
  type OrganizationSettingsSchema,
  type RepositoryScope,
  type User,
} from '../../src/index.js';
import type { OrganizationSettings as OrganizationSettingsDocument } from '../../src/schema/json-columns.js';

/** A service's own table beside the package's. */
interface Invoices {
  id: string;
  organization_id: string;
  amount_cents: number;
}
type ServiceDB = DB & { invoices: Invoices };

declare const serviceDb: Kysely<ServiceDB>;

describe('generic over the database type', () => {
  it('unitOfWork on Kysely<ServiceDB>: the transaction knows the service tables, the repositories work on it', () => {
    const result = unitOfWork(serviceDb, { tenant: 'a' }, async (uow) => {
      expectTypeOf(uow.trx).toEqualTypeOf<Transaction<ServiceDB>>();
      const invoice = await uow.trx.selectFrom('invoices').select(['id', 'amount_cents']).executeTakeFirstOrThrow();
      expectTypeOf(invoice).toEqualTypeOf<{ id: string; amount_cents: number }>();
      const user = await uow.users.findById(invoice.id);
      expectTypeOf(user).toEqualTypeOf<User | undefined>();
      return invoice.amount_cents;
    });
    expectTypeOf(result).toEqualTypeOf<Promise<number>>();
  });

  it('repository factories and createRepositories take Kysely<ServiceDB>; a plain unrelated Kysely is refused', () => {
    createUserRepository(serviceDb);
    createRepositories(serviceDb).transaction(async (_tx, trx) => {
      expectTypeOf(trx).toEqualTypeOf<Transaction<ServiceDB>>();
    });
    // @ts-expect-error a database without the package's tables
    createUserRepository({} as Kysely<{ other: { id: string } }>);
  });

  it('a service binds its own repositories beside the package ones, in the same unit of work', () => {
    const invoices = ({ db }: RepositoryScope) => ({ count: () => db.selectFrom('users').select('id').execute() });
    const { unitOfWork: serviceUnitOfWork } = createUnitOfWork({ ...repositoryFactories, invoices });
    void serviceUnitOfWork(serviceDb, async (uow) => {
      expectTypeOf(uow.invoices.count).returns.resolves.toEqualTypeOf<{ id: string }[]>();
      expectTypeOf(uow.clients.findById).returns.resolves.toExtend<object | undefined>();
      expectTypeOf(uow.trx).toEqualTypeOf<Transaction<ServiceDB>>();
    });
  });
});

describe('derived from the declarations', () => {
  it('entity types and actions are exact unions', () => {
    expectTypeOf<'staff_profile'>().toExtend<AuditEntityType>();
    expectTypeOf<'document_version'>().toExtend<AuditEntityType>();
    expectTypeOf<'audit_log'>().not.toExtend<AuditEntityType>();
    expectTypeOf<'document.add_version'>().toExtend<AuditAction>();
    expectTypeOf<'staff_profile.verify'>().toExtend<AuditAction>();
    expectTypeOf<'document_version.add_version'>().not.toExtend<AuditAction>();
    expectTypeOf<'user.frobnicate'>().not.toExtend<AuditAction>();
  });

  it('the jsonb document types of the generated DB are what the zod schemas produce', () => {
    expectTypeOf<z.output<typeof OrganizationSettingsSchema>>().toEqualTypeOf<OrganizationSettingsDocument>();
  });
});
