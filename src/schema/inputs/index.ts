export { parseInput } from './parse-input.js';
export {
  UuidSchema,
  EmailSchema,
  LocaleSchema,
  TimeZoneSchema,
  BirthdateSchema,
} from './common.js';
export {
  OrganizationSlugSchema,
  OrganizationSettingsSchema,
  CreateOrganizationInputSchema,
  type OrganizationSettings,
  type CreateOrganizationInput,
} from './organization-inputs.js';
export {
  AuthSubjectSchema,
  RegisterUserInputSchema,
  UpdateProfileInputSchema,
  type RegisterUserInput,
  type UpdateProfileInput,
} from './user-inputs.js';
export {
  EmployeeIdSchema,
  AcademicTitleCodeSchema,
  EditStaffProfileInputSchema,
  VerifyStaffProfileInputSchema,
  RejectStaffProfileInputSchema,
  type EditStaffProfileInput,
  type VerifyStaffProfileInput,
  type RejectStaffProfileInput,
} from './staff-profile-inputs.js';
export { UnitCodeSchema, CreateUnitInputSchema, type CreateUnitInput } from './unit-inputs.js';
export {
  RoleNameSchema,
  PermissionNameSchema,
  CreateRoleInputSchema,
  CreatePermissionInputSchema,
  type CreateRoleInput,
  type CreatePermissionInput,
} from './rbac-inputs.js';
