import type { Kysely, Transaction } from 'kysely';
import { AuditContextSchema, type AuditContext, type ResolvedAuditContext } from './core/audit/audit-context.js';
import { createAuditRepository, type AuditRepository } from './core/audit/audit-repository.js';
import type { DB } from './schema/db.js';
import { parseInput } from './core/kernel/parse-input.js';
import { createClientRepository, type ClientRepository } from './contexts/documents/clients/client-repository.js';
import { createDocumentRepository, type DocumentRepository } from './contexts/documents/documents/document-repository.js';
import { createOrganizationRepository, type OrganizationRepository } from './contexts/identity/organizations/organization-repository.js';
import { createAccessRepository, type AccessRepository } from './contexts/identity/rbac/access-repository.js';
import { createRoleRepository, type RoleRepository } from './contexts/identity/rbac/role-repository.js';
import { inTransaction } from './core/unit-of-work/in-transaction.js';
import { createStaffProfileQueries, type StaffProfileQueries } from './contexts/identity/staff-profiles/staff-profile-queries.js';
import { createStaffProfileRepository, type StaffProfileRepository } from './contexts/identity/staff-profiles/staff-profile-repository.js';
import { createUnitRepository, type UnitRepository } from './contexts/identity/units/unit-repository.js';
import { createUserRepository, type UserRepository } from './contexts/identity/users/user-repository.js';

/** Every repository over one Kysely instance or transaction, with one audit context. */
export interface Repositories {
  /** Organizations (tenants). */
  readonly organizations: OrganizationRepository;
  /** Users and profiles. */
  readonly users: UserRepository;
  /** Roles, permissions and grants. */
  readonly roles: RoleRepository;
  /** Role assignments and permission checks. */
  readonly access: AccessRepository;
  /** Units (where people work). */
  readonly units: UnitRepository;
  /** Staff profiles and their verification. */
  readonly staffProfiles: StaffProfileRepository;
  /** Admin queries over staff profiles (pending queue, verified by, expiring). */
  readonly staffProfileQueries: StaffProfileQueries;
  /** The audit trail: entity history and actor activity. */
  readonly audit: AuditRepository;
  /** Clients of organizations. */
  readonly clients: ClientRepository;
  /** Documents and their immutable versions. */
  readonly documents: DocumentRepository;
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

function create(db: Kysely<DB>, context: ResolvedAuditContext): Repositories {
  return Object.freeze({
    organizations: createOrganizationRepository(db, context),
    users: createUserRepository(db, context),
    roles: createRoleRepository(db, context),
    access: createAccessRepository(db, context),
    units: createUnitRepository(db, context),
    staffProfiles: createStaffProfileRepository(db, context),
    staffProfileQueries: createStaffProfileQueries(db),
    audit: createAuditRepository(db),
    clients: createClientRepository(db, context),
    documents: createDocumentRepository(db, context),
    transaction: <T>(fn: (tx: Repositories, trx: Transaction<DB>) => Promise<T>) =>
      inTransaction(db, (trx) => fn(create(trx, context), trx)),
  });
}

/**
 * Creates every repository over `db`. Pass a Kysely transaction to compose the repositories
 * into a transaction the caller owns. `context` (who acts, request id, IP, user agent) is
 * recorded on every audit row the mutations write; create request-scoped repositories with it.
 *
 * @throws ValidationError for a malformed context.
 */
export function createRepositories(db: Kysely<DB>, context: AuditContext = {}): Repositories {
  return create(db, parseInput(AuditContextSchema, context));
}
