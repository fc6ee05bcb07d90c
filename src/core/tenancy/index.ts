export { currentTenant } from './current-tenant.js';
export { TENANT_SETTING, APPLICATION_ROLE } from './tenant-setting.js';
