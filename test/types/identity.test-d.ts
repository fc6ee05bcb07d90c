// Type tests of `@org/data/identity` (entry: src/contexts/identity/index.ts, package.json
// exports "./identity").
import type { Kysely } from 'kysely';
import { describe, expectTypeOf, it } from 'vitest';
import type { DB } from '../../src/index.js';
import {
  createOrganizationRepository,
  createUserRepository,
  nextState,
  seedDefaults,
  type Organization,
  type OrganizationRepository,
  type OrganizationSettings,
  type RegisteredUser,
  type SeedDefaultsResult,
  type User,
  type UserRepository,
  type VerificationEvent,
  type VerificationStatus,
} from '../../src/contexts/identity/index.js';

declare const db: Kysely<DB>;

describe('@org/data/identity', () => {
  it('repository factories take a Kysely<DB> and return the repository interfaces', () => {
    expectTypeOf(createOrganizationRepository(db)).toEqualTypeOf<OrganizationRepository>();
    expectTypeOf(createUserRepository(db)).toEqualTypeOf<UserRepository>();
    expectTypeOf(seedDefaults(db)).toEqualTypeOf<Promise<SeedDefaultsResult>>();
  });

  it('find… resolves to the entity or undefined, get… to the entity', () => {
    expectTypeOf<UserRepository['findById']>().returns.toEqualTypeOf<Promise<User | undefined>>();
    expectTypeOf<UserRepository['getById']>().returns.toEqualTypeOf<Promise<User>>();
    expectTypeOf<OrganizationRepository['findBySlug']>().returns.toEqualTypeOf<Promise<Organization | undefined>>();
  });

  it('mutations return the entities they wrote, with parsed documents', () => {
    expectTypeOf<OrganizationRepository['create']>().returns.toEqualTypeOf<Promise<Organization>>();
    expectTypeOf<Organization['settings']>().toEqualTypeOf<OrganizationSettings>();
    expectTypeOf<UserRepository['register']>().returns.toEqualTypeOf<Promise<RegisteredUser>>();
    expectTypeOf<RegisteredUser['user']>().toEqualTypeOf<User>();
  });

  it('the verification machine is typed by its state and event unions', () => {
    expectTypeOf<VerificationStatus>().toEqualTypeOf<'draft' | 'pending' | 'verified' | 'rejected'>();
    expectTypeOf<VerificationEvent>().toEqualTypeOf<'edit' | 'submit' | 'verify' | 'reject'>();
    expectTypeOf(nextState).toEqualTypeOf<
      (from: VerificationStatus, event: VerificationEvent) => VerificationStatus | undefined
    >();
  });
});
