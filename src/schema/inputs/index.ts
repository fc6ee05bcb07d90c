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
export { MetadataSchema, MAX_METADATA_BYTES, type Metadata } from './metadata.js';
export {
  CLIENT_STATUSES,
  ClientStatusSchema,
  ClientCodeSchema,
  CreateClientInputSchema,
  UpdateClientInputSchema,
  type CreateClientInput,
  type UpdateClientInput,
} from './client-inputs.js';
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
} from './document-inputs.js';
export {
  RoleNameSchema,
  PermissionNameSchema,
  CreateRoleInputSchema,
  CreatePermissionInputSchema,
  type CreateRoleInput,
  type CreatePermissionInput,
} from './rbac-inputs.js';
