/**
 * The `organization_id` of audit rows that record platform actions: changes to the global
 * catalogues (roles, permissions), which belong to no organization. The nil uuid, which no
 * organization can have (CHECK `organizations_id_not_platform`). Every audit row has a tenant
 * (the shard key on Citus); the audit queries return this one as `organizationId: null`, and
 * `writeAudit` stores a record whose `organizationId` is `null` under it. Under row-level
 * security these rows are invisible to every organization; the application role
 * (`org_data_app`, and every role granted it) can neither read nor write them whatever tenant
 * it sets (restrictive policy `platform_rows_not_for_app`); a platform tool connected as the
 * owner reads them with the tenant set to this id.
 */
export const PLATFORM_ORGANIZATION_ID = '00000000-0000-0000-0000-000000000000';
