/**
 * The transaction-local setting that row-level security reads the tenant from. Policies read
 * it as `nullif(current_setting('app.organization_id', true), '')::uuid`: unset means no rows.
 * The SQL side names it once too, in `org_data_enable_tenant_isolation` (migrations).
 */
export const TENANT_SETTING = 'app.organization_id';

/**
 * The application role the migrations create (NOLOGIN, NOSUPERUSER, NOBYPASSRLS, DML only).
 * Services connect as a login role that is granted it: `GRANT org_data_app TO my_service`.
 */
export const APPLICATION_ROLE = 'org_data_app';
