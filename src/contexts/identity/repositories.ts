import { scopeArgument } from '../../core/kernel/repository-scope.js';
import type { RepositoryScope } from '../../core/unit-of-work/create-unit-of-work.js';
import { createOrganizationRepository } from './organizations/organization-repository.js';
import { createAccessRepository } from './rbac/access-repository.js';
import { createRoleRepository } from './rbac/role-repository.js';
import { createStaffProfileQueries } from './staff-profiles/staff-profile-queries.js';
import { createStaffProfileRepository } from './staff-profiles/staff-profile-repository.js';
import { createUnitRepository } from './units/unit-repository.js';
import { createUserRepository } from './users/user-repository.js';

/** The identity context's repositories, as a unit of work offers them (built on first use). */
export const identityRepositories = Object.freeze({
  /** Organizations (tenants). */
  organizations: (scope: RepositoryScope) => {
    const { db, context } = scopeArgument(scope);
    return createOrganizationRepository(db, context);
  },
  /** Users and profiles. */
  users: (scope: RepositoryScope) => {
    const { db, context } = scopeArgument(scope);
    return createUserRepository(db, context);
  },
  /** Roles, permissions and grants. */
  roles: (scope: RepositoryScope) => {
    const { db, context } = scopeArgument(scope);
    return createRoleRepository(db, context);
  },
  /** Role assignments and permission checks. */
  access: (scope: RepositoryScope) => {
    const { db, context } = scopeArgument(scope);
    return createAccessRepository(db, context);
  },
  /** Units (where people work). */
  units: (scope: RepositoryScope) => {
    const { db, context } = scopeArgument(scope);
    return createUnitRepository(db, context);
  },
  /** Staff profiles and their verification. */
  staffProfiles: (scope: RepositoryScope) => {
    const { db, context } = scopeArgument(scope);
    return createStaffProfileRepository(db, context);
  },
  /** Admin queries over staff profiles (pending queue, verified by, expiring). */
  staffProfileQueries: (scope: RepositoryScope) => createStaffProfileQueries(scopeArgument(scope).db),
});
