// @org/data/identity: organizations, users, roles and permissions, units, staff profiles.

export {
  createOrganizationRepository,
  type OrganizationRepository,
} from './organizations/organization-repository.js';
export { organizationAggregate, type Organization } from './organizations/organization.js';
export { createUserRepository, type UserRepository, type RegisteredUser } from './users/user-repository.js';
export { userAggregate, userProfileAggregate, type User, type UserProfile } from './users/user.js';
export { resolveAuthSubject, type ResolvedAuthSubject } from './users/resolve-auth-subject.js';
export { createRoleRepository, type RoleRepository } from './rbac/role-repository.js';
export { createAccessRepository, type AccessRepository, type AssignRoleOptions } from './rbac/access-repository.js';
export {
  roleAggregate,
  permissionAggregate,
  rolePermissionAggregate,
  userRoleAggregate,
  type Role,
  type Permission,
  type UserRoleGrant,
  type RolePermissionGrant,
} from './rbac/role.js';
export { ADMIN_ROLE, DEFAULT_USER_ROLE } from './rbac/default-role.js';
export { createUnitRepository, type UnitRepository } from './units/unit-repository.js';
export { unitAggregate, type Unit } from './units/unit.js';
export {
  createStaffProfileRepository,
  type StaffProfileRepository,
} from './staff-profiles/staff-profile-repository.js';
export {
  createStaffProfileQueries,
  type StaffProfileQueries,
  type PendingQueueOptions,
  type ExpiringOptions,
} from './staff-profiles/staff-profile-queries.js';
export {
  staffProfileAggregate,
  academicTitleTable,
  type StaffProfile,
  type AcademicTitle,
} from './staff-profiles/staff-profile.js';
export {
  VERIFICATION_STATES,
  VERIFICATION_EVENTS,
  VERIFICATION_TRANSITIONS,
  nextState,
  transitionRule,
  type VerificationStatus,
  type VerificationEvent,
  type TransitionRule,
} from './staff-profiles/verification-machine.js';
export {
  seedDefaults,
  BASELINE_PERMISSIONS,
  USER_ROLE_PERMISSIONS,
  type SeedDefaultsResult,
} from './seeders/seed-defaults.js';
export { identityRepositories } from './repositories.js';
export { IDENTITY_AGGREGATES } from './aggregates.js';
export * from './schemas.js';

/** The context's domain event types (their payload schemas are exported with the input schemas). */
export { userRegistered, staffProfileSubmitted, staffProfileVerified, staffProfileRejected, IDENTITY_EVENT_TYPES } from './identity-events.js';
