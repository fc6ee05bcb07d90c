export {
  withTenant,
  currentTenant,
  TENANT_SETTING,
  APPLICATION_ROLE,
  type WithTenantOptions,
  type TenantWork,
} from './with-tenant.js';
