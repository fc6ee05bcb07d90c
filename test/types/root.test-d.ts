// Type tests of `@org/data`, the compatibility façade (entry: src/index.ts, package.json
// exports ".").
import type { Kysely, Transaction } from 'kysely';
import { describe, expectTypeOf, it } from 'vitest';
import {
  createRepositories,
  DataError,
  NotFoundError,
  ValidationError,
  VersionConflictError,
  type AccessRepository,
  type AuditRepository,
  type ClientRepository,
  type DB,
  type DocumentRepository,
  type OrganizationRepository,
  type Repositories,
  type UnitOfWork,
  type RoleRepository,
  type StaffProfileQueries,
  type StaffProfileRepository,
  type UnitRepository,
  type UserRepository,
} from '../../src/index.js';
import type * as identity from '../../src/contexts/identity/index.js';
import type * as documents from '../../src/contexts/documents/index.js';
import type * as schemas from '../../src/schemas.js';

declare const db: Kysely<DB>;

describe('@org/data', () => {
  it('createRepositories(db) holds every repository under its name', () => {
    const repos = createRepositories(db);
    expectTypeOf(repos).toEqualTypeOf<Repositories>();
    expectTypeOf(repos.organizations).toEqualTypeOf<OrganizationRepository>();
    expectTypeOf(repos.users).toEqualTypeOf<UserRepository>();
    expectTypeOf(repos.roles).toEqualTypeOf<RoleRepository>();
    expectTypeOf(repos.access).toEqualTypeOf<AccessRepository>();
    expectTypeOf(repos.units).toEqualTypeOf<UnitRepository>();
    expectTypeOf(repos.staffProfiles).toEqualTypeOf<StaffProfileRepository>();
    expectTypeOf(repos.staffProfileQueries).toEqualTypeOf<StaffProfileQueries>();
    expectTypeOf(repos.audit).toEqualTypeOf<AuditRepository>();
    expectTypeOf(repos.clients).toEqualTypeOf<ClientRepository>();
    expectTypeOf(repos.documents).toEqualTypeOf<DocumentRepository>();
  });

  it('a transaction hands the callback repositories and the Kysely transaction, and returns its result', () => {
    const result = createRepositories(db).transaction(async (tx, trx) => {
      expectTypeOf(tx).toExtend<Repositories>();
      expectTypeOf(tx).toEqualTypeOf<UnitOfWork>();
      expectTypeOf(trx).toEqualTypeOf<Transaction<DB>>();
      return 42 as const;
    });
    expectTypeOf(result).toEqualTypeOf<Promise<42>>();
  });

  it('the typed errors are DataError subclasses', () => {
    expectTypeOf<NotFoundError>().toExtend<DataError>();
    expectTypeOf<ValidationError>().toExtend<DataError>();
    expectTypeOf<VersionConflictError>().toExtend<DataError>();
    expectTypeOf<DataError>().toExtend<Error>();
  });

  it('re-exports the subpath entries: the same declarations, not copies', () => {
    expectTypeOf<identity.UserRepository>().toEqualTypeOf<UserRepository>();
    expectTypeOf<documents.ClientRepository>().toEqualTypeOf<ClientRepository>();
    expectTypeOf<typeof schemas.CreateOrganizationInputSchema>().toEqualTypeOf<
      typeof identity.CreateOrganizationInputSchema
    >();
  });
});
