-- Tenant isolation with row-level security, and the application role it confines.
--
-- Two roles:
-- - The owner: the role that runs the migrations and owns every object. It keeps DDL.
-- - org_data_app (created here when missing): what services run as. NOLOGIN: a service GRANTs
--   it to its own login role (`GRANT org_data_app TO my_service`, by a role with ADMIN on it
--   or CREATEROLE), which then gets its privileges by inheritance. NOSUPERUSER, NOBYPASSRLS,
--   and DML privileges only: no DDL, no TRUNCATE, no REFERENCES, no TRIGGER, no ownership.
--
-- The tenant of a transaction is `app.organization_id`, set transaction-locally
-- (`set_config('app.organization_id', $1, true)`, see withTenant in src/tenancy). Every policy
-- reads it as `nullif(current_setting('app.organization_id', true), '')::uuid`:
-- - `true` (missing_ok): never set in this session reads as NULL instead of raising 42704;
-- - nullif(…, ''): once a transaction-local value ends, the placeholder reads as '' for the
--   rest of the session (not NULL), and ''::uuid would raise 22P02;
-- - NULL compared with anything is NULL, so no tenant means no rows, never all rows.
--
-- Tenant-owned tables (every table with organization_id, plus organizations itself, whose
-- tenant key is id): users, user_profiles, user_roles, units, user_staff_profiles, audit_logs
-- (partitioned), clients, documents, document_versions, organizations.
--
-- Global tables, readable (SELECT only) by org_data_app and not under row-level security:
-- roles, permissions, role_permissions, academic_titles. They are shared catalogs; writing
-- them changes every organization, so that stays with the owner (seedDefaults, admin tools).
-- The tracking table org_data_migrations is not granted at all.
--
-- Each policy is FOR ALL with the same expression in USING and WITH CHECK:
-- - USING filters what SELECT, UPDATE and DELETE can see: another tenant's rows are simply
--   absent (0 rows, no error, no hint that they exist);
-- - WITH CHECK applies to the new row of INSERT and UPDATE: writing a row for another tenant,
--   or moving a row to another tenant, fails with 42501 (insufficient_privilege) before any
--   constraint or trigger after it runs, so no constraint error reveals another tenant's keys.
--
-- FORCE ROW LEVEL SECURITY makes the policies apply to the owner as well (a service that
-- connects as the owner by mistake is still confined). Only superusers and BYPASSRLS roles
-- skip them. So cross-tenant work run as the owner sees no tenant rows unless it sets the
-- tenant: maintenance that must see every tenant (moving rows out of the DEFAULT audit
-- partition in createAuditPartitions, a global purgeDeleted, data-fixing migrations) needs a
-- BYPASSRLS role, or must run once per organization with the tenant set. Foreign-key checks
-- and ON DELETE actions are not affected: PostgreSQL runs them without row-level security.

-- The application role is cluster-wide: many databases of one server (every test database)
-- run this migration, so it is created only when missing, and a concurrent creation by
-- another database's migration is not an error.
DO $$
DECLARE
  existing record;
BEGIN
  SELECT rolsuper, rolbypassrls INTO existing FROM pg_roles WHERE rolname = 'org_data_app';
  IF NOT FOUND THEN
    BEGIN
      CREATE ROLE org_data_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL; -- created meanwhile by the same migration in another database
    END;
  ELSIF existing.rolsuper OR existing.rolbypassrls THEN
    -- A pre-created role that skips row-level security would make every policy moot.
    RAISE EXCEPTION 'role org_data_app exists with SUPERUSER or BYPASSRLS; row-level security would not apply to it'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
END
$$;

-- Privileges. Named tables, not ALL TABLES: the tracking table stays out of reach.
GRANT USAGE ON SCHEMA public TO org_data_app;

GRANT SELECT ON roles, permissions, role_permissions, academic_titles TO org_data_app;

GRANT SELECT, INSERT, UPDATE, DELETE ON
  organizations, users, user_profiles, user_roles, units, user_staff_profiles,
  clients, documents, document_versions
TO org_data_app;

-- Append-only: the privileges say so too (the trigger rejects UPDATE and DELETE anyway).
-- Granted on the parent only: a query through the parent needs no privilege on partitions.
GRANT SELECT, INSERT ON audit_logs TO org_data_app;
GRANT USAGE ON SEQUENCE audit_logs_event_id_seq TO org_data_app;

-- Functions the repositories call (EXECUTE is also PUBLIC's by default; explicit in case a
-- DBA revoked it). Trigger functions need no EXECUTE privilege to fire.
-- purge_deleted_documents runs with the caller's rights: as org_data_app it sees, and purges,
-- only the current tenant's documents.
GRANT EXECUTE ON FUNCTION purge_deleted_documents(timestamptz, integer) TO org_data_app;

-- Objects that later migrations create (as the same owner) get the same DML privileges. A new
-- tenant-owned table still needs its own ENABLE/FORCE ROW LEVEL SECURITY and policy (the
-- catalog test in test/tenancy fails until it has them); a new global table should REVOKE
-- INSERT, UPDATE, DELETE from org_data_app and be added to the test's list of global tables.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO org_data_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE ON SEQUENCES TO org_data_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO org_data_app;

-- Policies.
ALTER TABLE organizations ENABLE ROW LEVEL SECURITY;
ALTER TABLE organizations FORCE ROW LEVEL SECURITY;
-- The tenant row itself. Creating an organization is provisioning, done by the owner (or a
-- BYPASSRLS role): as org_data_app an INSERT passes only for the id the transaction is set to.
CREATE POLICY tenant_isolation ON organizations
  USING (id = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK (id = nullif(current_setting('app.organization_id', true), '')::uuid);

ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON users
  USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);

ALTER TABLE user_profiles ENABLE ROW LEVEL SECURITY;
ALTER TABLE user_profiles FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON user_profiles
  USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);

ALTER TABLE user_roles ENABLE ROW LEVEL SECURITY;
ALTER TABLE user_roles FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON user_roles
  USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);

ALTER TABLE units ENABLE ROW LEVEL SECURITY;
ALTER TABLE units FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON units
  USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);

ALTER TABLE user_staff_profiles ENABLE ROW LEVEL SECURITY;
ALTER TABLE user_staff_profiles FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON user_staff_profiles
  USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);

ALTER TABLE clients ENABLE ROW LEVEL SECURITY;
ALTER TABLE clients FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON clients
  USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);

ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE documents FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON documents
  USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);

ALTER TABLE document_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE document_versions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON document_versions
  USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);

-- audit_logs: organization_id is nullable. Rows of global entities (roles, permissions) have
-- none, so no tenant sees them and org_data_app cannot write them (the owner does).
--
-- Partitions do not inherit row-level security. A query through the parent is checked
-- against the parent's policy and privileges only (never the partition's). A query naming a
-- partition directly (`SELECT … FROM audit_logs_default`) is checked against that partition's
-- own privileges and policies instead. So:
-- - org_data_app is granted nothing on partitions: it must go through the parent;
-- - every partition that exists now (DEFAULT, and the monthly ones createAuditPartitions has
--   made on a database in service) gets the same ENABLE/FORCE and policy, as a second wall.
-- Monthly partitions created later by createAuditPartitions (as the owner) receive the owner's
-- DEFAULT PRIVILEGES above, hence direct DML for org_data_app, and no policy: that function
-- must enable, force and add this policy to each partition it creates (or REVOKE ALL ON it
-- FROM org_data_app). Until it does, a direct query on such a partition bypasses isolation.
ALTER TABLE audit_logs ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_logs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_logs
  USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);

DO $$
DECLARE
  part regclass;
BEGIN
  FOR part IN
    SELECT i.inhrelid::regclass FROM pg_inherits i WHERE i.inhparent = 'audit_logs'::regclass
  LOOP
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', part);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', part);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %s '
        'USING (organization_id = nullif(current_setting(''app.organization_id'', true), '''')::uuid) '
        'WITH CHECK (organization_id = nullif(current_setting(''app.organization_id'', true), '''')::uuid)',
      part);
  END LOOP;
END
$$;
