import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../schema/db.js';
import { createOrganizationRepository, type OrganizationRepository } from './organizations/organization-repository.js';
import { createAccessRepository, type AccessRepository } from './rbac/access-repository.js';
import { createRoleRepository, type RoleRepository } from './rbac/role-repository.js';
import { inTransaction } from './shared/in-transaction.js';
import { createUserRepository, type UserRepository } from './users/user-repository.js';

/** Every repository over one Kysely instance or transaction. */
export interface Repositories {
  /** Organizations (tenants). */
  readonly organizations: OrganizationRepository;
  /** Users and profiles. */
  readonly users: UserRepository;
  /** Roles, permissions and grants. */
  readonly roles: RoleRepository;
  /** Role assignments and permission checks. */
  readonly access: AccessRepository;
  /**
   * Runs `fn` with repositories bound to one transaction (a unit of work): everything commits
   * when `fn` resolves and rolls back when it throws. Inside a transaction already, it joins it.
   *
   * @example
   * await repos.transaction(async (tx) => {
   *   const org = await tx.organizations.create({ slug: 'acme', name: 'Acme' });
   *   await tx.users.register({ organizationId: org.id, authSubject, email, fullName });
   * });
   */
  transaction<T>(fn: (tx: Repositories, trx: Transaction<DB>) => Promise<T>): Promise<T>;
}

/**
 * Creates every repository over `db`. Pass a Kysely transaction to compose the repositories
 * into a transaction the caller owns.
 */
export function createRepositories(db: Kysely<DB>): Repositories {
  return Object.freeze({
    organizations: createOrganizationRepository(db),
    users: createUserRepository(db),
    roles: createRoleRepository(db),
    access: createAccessRepository(db),
    transaction: <T>(fn: (tx: Repositories, trx: Transaction<DB>) => Promise<T>) =>
      inTransaction(db, (trx) => fn(createRepositories(trx), trx)),
  });
}
