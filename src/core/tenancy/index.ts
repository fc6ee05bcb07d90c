export { currentTenant } from './current-tenant.js';
export { TENANT_SETTING, APPLICATION_ROLE } from './tenant-setting.js';
export {
  enableTenantIsolation,
  TENANT_ISOLATION_PROCEDURE,
  type AppPrivilege,
  type EnableTenantIsolationOptions,
} from './tenant-isolation.js';
