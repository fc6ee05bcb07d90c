// @org/data/identity: organizations, users, roles and permissions, units, staff profiles.

export {
  createOrganizationRepository,
  type OrganizationRepository,
} from './organizations/organization-repository.js';
export type { Organization } from './organizations/organization.js';
export {
  OrganizationSlugSchema,
  OrganizationSettingsSchema,
  CreateOrganizationInputSchema,
  type OrganizationSettings,
  type CreateOrganizationInput,
} from './organizations/organization.inputs.js';
export { createUserRepository, type UserRepository, type RegisteredUser } from './users/user-repository.js';
export type { User, UserProfile } from './users/user.js';
export {
  AuthSubjectSchema,
  RegisterUserInputSchema,
  UpdateProfileInputSchema,
  type RegisterUserInput,
  type UpdateProfileInput,
} from './users/user.inputs.js';
export { createRoleRepository, type RoleRepository } from './rbac/role-repository.js';
export { createAccessRepository, type AccessRepository, type AssignRoleOptions } from './rbac/access-repository.js';
export type { Role, Permission } from './rbac/role.js';
export { ADMIN_ROLE, DEFAULT_USER_ROLE } from './rbac/default-role.js';
export {
  RoleNameSchema,
  PermissionNameSchema,
  CreateRoleInputSchema,
  CreatePermissionInputSchema,
  type CreateRoleInput,
  type CreatePermissionInput,
} from './rbac/rbac.inputs.js';
export { createUnitRepository, type UnitRepository } from './units/unit-repository.js';
export type { Unit } from './units/unit.js';
export { UnitCodeSchema, CreateUnitInputSchema, type CreateUnitInput } from './units/unit.inputs.js';
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
export type { StaffProfile } from './staff-profiles/staff-profile.js';
export {
  EmployeeIdSchema,
  AcademicTitleCodeSchema,
  EditStaffProfileInputSchema,
  VerifyStaffProfileInputSchema,
  RejectStaffProfileInputSchema,
  type EditStaffProfileInput,
  type VerifyStaffProfileInput,
  type RejectStaffProfileInput,
} from './staff-profiles/staff-profile.inputs.js';
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
