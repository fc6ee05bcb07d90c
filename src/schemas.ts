export { parseInput } from './core/kernel/parse-input.js';
export {
  UuidSchema,
  EmailSchema,
  LocaleSchema,
  TimeZoneSchema,
  BirthdateSchema,
} from './core/kernel/common-schemas.js';
export {
  OrganizationSlugSchema,
  OrganizationSettingsSchema,
  CreateOrganizationInputSchema,
  type OrganizationSettings,
  type CreateOrganizationInput,
} from './contexts/identity/organizations/organization.inputs.js';
export {
  AuthSubjectSchema,
  RegisterUserInputSchema,
  UpdateProfileInputSchema,
  type RegisterUserInput,
  type UpdateProfileInput,
} from './contexts/identity/users/user.inputs.js';
export {
  EmployeeIdSchema,
  AcademicTitleCodeSchema,
  EditStaffProfileInputSchema,
  VerifyStaffProfileInputSchema,
  RejectStaffProfileInputSchema,
  type EditStaffProfileInput,
  type VerifyStaffProfileInput,
  type RejectStaffProfileInput,
} from './contexts/identity/staff-profiles/staff-profile.inputs.js';
export { UnitCodeSchema, CreateUnitInputSchema, type CreateUnitInput } from './contexts/identity/units/unit.inputs.js';
export { MetadataSchema, MAX_METADATA_BYTES, type Metadata } from './core/kernel/metadata.js';
export {
  CLIENT_STATUSES,
  ClientStatusSchema,
  ClientCodeSchema,
  CreateClientInputSchema,
  UpdateClientInputSchema,
  type CreateClientInput,
  type UpdateClientInput,
} from './contexts/documents/clients/client.inputs.js';
export {
  StorageKeySchema,
  Sha256Schema,
  MimeTypeSchema,
  SizeBytesSchema,
  CreateDocumentInputSchema,
  AddVersionInputSchema,
  NameQuerySchema,
  type CreateDocumentInput,
  type AddVersionInput,
} from './contexts/documents/documents/document.inputs.js';
export {
  RoleNameSchema,
  PermissionNameSchema,
  CreateRoleInputSchema,
  CreatePermissionInputSchema,
  type CreateRoleInput,
  type CreatePermissionInput,
} from './contexts/identity/rbac/rbac.inputs.js';
