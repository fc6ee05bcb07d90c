-- Removes the policies and row-level security, and revokes in THIS database everything the
-- forward migration (and the default privileges since) granted to org_data_app.
--
-- The role itself is kept: roles are cluster-wide, so other databases on the server may
-- still hold grants to it (DROP ROLE would fail with 2BP01), a DBA may have created it before
-- the forward migration ran, and dropping it would silently remove the services' memberships.
-- Once no database references it, a DBA drops it with `DROP ROLE org_data_app`; re-running the
-- forward migration finds it and reuses it.

-- Every partition of audit_logs, including monthly ones created after the forward migration.
DO $$
DECLARE
  part regclass;
BEGIN
  FOR part IN
    SELECT i.inhrelid::regclass FROM pg_inherits i WHERE i.inhparent = 'audit_logs'::regclass
  LOOP
    EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %s', part);
    EXECUTE format('ALTER TABLE %s NO FORCE ROW LEVEL SECURITY', part);
    EXECUTE format('ALTER TABLE %s DISABLE ROW LEVEL SECURITY', part);
  END LOOP;
END
$$;

DROP POLICY tenant_isolation ON audit_logs;
ALTER TABLE audit_logs NO FORCE ROW LEVEL SECURITY;
ALTER TABLE audit_logs DISABLE ROW LEVEL SECURITY;

DROP POLICY tenant_isolation ON document_versions;
ALTER TABLE document_versions NO FORCE ROW LEVEL SECURITY;
ALTER TABLE document_versions DISABLE ROW LEVEL SECURITY;

DROP POLICY tenant_isolation ON documents;
ALTER TABLE documents NO FORCE ROW LEVEL SECURITY;
ALTER TABLE documents DISABLE ROW LEVEL SECURITY;

DROP POLICY tenant_isolation ON clients;
ALTER TABLE clients NO FORCE ROW LEVEL SECURITY;
ALTER TABLE clients DISABLE ROW LEVEL SECURITY;

DROP POLICY tenant_isolation ON user_staff_profiles;
ALTER TABLE user_staff_profiles NO FORCE ROW LEVEL SECURITY;
ALTER TABLE user_staff_profiles DISABLE ROW LEVEL SECURITY;

DROP POLICY tenant_isolation ON units;
ALTER TABLE units NO FORCE ROW LEVEL SECURITY;
ALTER TABLE units DISABLE ROW LEVEL SECURITY;

DROP POLICY tenant_isolation ON user_roles;
ALTER TABLE user_roles NO FORCE ROW LEVEL SECURITY;
ALTER TABLE user_roles DISABLE ROW LEVEL SECURITY;

DROP POLICY tenant_isolation ON user_profiles;
ALTER TABLE user_profiles NO FORCE ROW LEVEL SECURITY;
ALTER TABLE user_profiles DISABLE ROW LEVEL SECURITY;

DROP POLICY tenant_isolation ON users;
ALTER TABLE users NO FORCE ROW LEVEL SECURITY;
ALTER TABLE users DISABLE ROW LEVEL SECURITY;

DROP POLICY tenant_isolation ON organizations;
ALTER TABLE organizations NO FORCE ROW LEVEL SECURITY;
ALTER TABLE organizations DISABLE ROW LEVEL SECURITY;

-- The default privileges of the role running this (the owner, as for the forward migration).
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE EXECUTE ON FUNCTIONS FROM org_data_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE ON SEQUENCES FROM org_data_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM org_data_app;

REVOKE ALL ON FUNCTION purge_deleted_documents(timestamptz, integer) FROM org_data_app;
-- ALL TABLES: also whatever the default privileges granted on tables created at run time
-- (monthly audit partitions); every table here is the owner's. (Not ALL FUNCTIONS: those of
-- pg_trgm and btree_gin may belong to the bootstrap superuser, and functions of later
-- migrations are dropped by their own rollbacks before this one runs.)
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM org_data_app;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM org_data_app;
REVOKE ALL ON SCHEMA public FROM org_data_app;
