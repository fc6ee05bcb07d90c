// The identity context's input schemas: zod only (no pg, no kysely), for `@org/data/schemas`.

export {
  OrganizationSlugSchema,
  OrganizationSettingsSchema,
  CreateOrganizationInputSchema,
  type OrganizationSettings,
  type CreateOrganizationInput,
} from './organizations/organization.inputs.js';
export {
  AuthSubjectSchema,
  RegisterUserInputSchema,
  UpdateProfileInputSchema,
  type RegisterUserInput,
  type UpdateProfileInput,
} from './users/user.inputs.js';
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
export { UnitCodeSchema, CreateUnitInputSchema, type CreateUnitInput } from './units/unit.inputs.js';
export {
  RoleNameSchema,
  PermissionNameSchema,
  CreateRoleInputSchema,
  CreatePermissionInputSchema,
  type CreateRoleInput,
  type CreatePermissionInput,
} from './rbac/rbac.inputs.js';

// The payload contracts of the domain events (the event types are in the context's index).
export {
  UserRegisteredPayloadV1,
  StaffProfileSubmittedPayloadV1,
  StaffProfileVerifiedPayloadV1,
  StaffProfileRejectedPayloadV1,
} from './identity-events.js';
