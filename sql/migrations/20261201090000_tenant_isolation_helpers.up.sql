-- Tenant isolation as one procedure, so a migration isolates a tenant table in one call
-- instead of spelling out the policy again (20261121120000_enable_row_level_security wrote it
-- about twenty times; createAuditPartitions a further time at run time).
--
--   CALL org_data_enable_tenant_isolation('notes');                        -- organization_id
--   CALL org_data_enable_tenant_isolation('organizations', 'id');          -- its own key
--   CALL org_data_enable_tenant_isolation('events', app_privileges => 'SELECT, INSERT');
--   CALL org_data_enable_tenant_isolation('events_default', app_privileges => 'NONE');
--
-- For `target` it:
-- - checks the arguments: a table or partitioned table, a tenant column that exists and is
--   uuid, privileges among SELECT, INSERT, UPDATE, DELETE (or NONE); anything else is refused
--   with a message naming the argument, before any change;
-- - ENABLEs and FORCEs row-level security (FORCE: the owner is confined too);
-- - (re)creates the policy `tenant_isolation`, FOR ALL, with USING and WITH CHECK both
--   `<tenant_column> = nullif(current_setting('app.organization_id', true), '')::uuid`, the
--   exact expression of the existing policies, so every tenant table deparses to the same
--   text in pg_policies (the catalog test compares it). The setting's name is written once,
--   below; TypeScript has it as TENANT_SETTING (src/core/tenancy/tenant-setting.ts);
-- - sets the privileges of org_data_app on `target` to exactly `app_privileges` (REVOKE ALL,
--   then GRANT), when the role exists. 'NONE' leaves it none: for partitions, which the
--   application role must reach only through their parent (a query through the parent is
--   checked against the parent's privileges and policy; one naming a partition directly
--   against the partition's, so a partition gets the policy too, as a second wall).
--
-- Idempotent: a second call replaces the policy (DROP + CREATE in the caller's transaction,
-- under the ACCESS EXCLUSIVE lock that ENABLE takes, so no query runs between the two) and
-- resets the privileges. Other policies on the table are left alone; permissive policies are
-- OR-ed with this one, so any other one widens what a tenant sees (the catalog test in
-- test/core/tenancy flags them).
--
-- It runs with the caller's rights (SECURITY INVOKER): only the table's owner (or a
-- superuser) can ALTER it, so calling it gives nobody a power they did not have. EXECUTE
-- therefore stays PUBLIC's (the default): a service's own migrations, run by its own owner
-- role, can isolate the service's own tenant tables with it too. search_path is pinned to
-- pg_catalog: the expression resolves to the built-in functions whatever the caller's
-- search_path holds (`target` is resolved by the caller, before the call).
--
-- The existing tenant tables are NOT re-isolated with it here. Their policies, FORCE and
-- grants are already exactly what the procedure would produce (the catalog test checks every
-- tenant table against this expression), so re-applying them would change nothing in the
-- catalog, but ALTER TABLE … ENABLE/FORCE ROW LEVEL SECURITY and CREATE/DROP POLICY each take
-- an ACCESS EXCLUSIVE lock: on a database in service this migration would queue behind every
-- long-running read of every tenant table and block all their traffic meanwhile (or fail on
-- lock_timeout), for no change. New tenant tables (domain events next) call it in their own
-- migration; the monthly partitions created at run time call it from src/core/partitions.
CREATE PROCEDURE org_data_enable_tenant_isolation(
  target regclass,
  tenant_column name DEFAULT 'organization_id',
  app_privileges text DEFAULT 'SELECT, INSERT, UPDATE, DELETE'
)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  -- The one place SQL names the tenant setting.
  tenant_setting CONSTANT text := 'app.organization_id';
  app_role CONSTANT name := 'org_data_app';
  allowed CONSTANT text[] := ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE'];
  kind "char";
  table_name name;
  column_type regtype;
  requested text[];
  unknown_privileges text[];
  grant_list text;
  expression text;
BEGIN
  IF target IS NULL THEN
    RAISE EXCEPTION 'org_data_enable_tenant_isolation: target must not be NULL'
      USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF tenant_column IS NULL THEN
    RAISE EXCEPTION 'org_data_enable_tenant_isolation: tenant_column must not be NULL'
      USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF app_privileges IS NULL THEN
    RAISE EXCEPTION 'org_data_enable_tenant_isolation: app_privileges must not be NULL (pass ''NONE'' to revoke every privilege)'
      USING ERRCODE = 'null_value_not_allowed';
  END IF;

  SELECT c.relkind, c.relname INTO kind, table_name FROM pg_class c WHERE c.oid = target;
  IF kind IS NULL OR kind NOT IN ('r', 'p') THEN
    RAISE EXCEPTION 'org_data_enable_tenant_isolation: % is not a table (relkind %)', target, kind
      USING ERRCODE = 'wrong_object_type';
  END IF;

  SELECT a.atttypid::regtype INTO column_type
  FROM pg_attribute a
  WHERE a.attrelid = target AND a.attname = tenant_column AND a.attnum > 0 AND NOT a.attisdropped;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'org_data_enable_tenant_isolation: table % has no column %', target, quote_ident(tenant_column)
      USING ERRCODE = 'undefined_column', TABLE = table_name, COLUMN = tenant_column;
  END IF;
  IF column_type <> 'uuid'::regtype THEN
    RAISE EXCEPTION 'org_data_enable_tenant_isolation: tenant column %.% is %, not uuid', target, quote_ident(tenant_column), column_type
      USING ERRCODE = 'datatype_mismatch', TABLE = table_name, COLUMN = tenant_column;
  END IF;

  requested := ARRAY(
    SELECT DISTINCT upper(btrim(p)) FROM unnest(string_to_array(app_privileges, ',')) AS p
  );
  IF requested = ARRAY['NONE'] THEN
    grant_list := NULL;
  ELSE
    unknown_privileges := ARRAY(SELECT p FROM unnest(requested) AS p WHERE p <> ALL (allowed));
    IF cardinality(requested) = 0 OR cardinality(unknown_privileges) > 0 THEN
      RAISE EXCEPTION 'org_data_enable_tenant_isolation: app_privileges % is not a list of SELECT, INSERT, UPDATE, DELETE, nor NONE', quote_literal(app_privileges)
        USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- Only the four keywords above reach the GRANT, in a fixed order.
    grant_list := array_to_string(ARRAY(SELECT p FROM unnest(allowed) AS p WHERE p = ANY (requested)), ', ');
  END IF;

  expression := format('%I = nullif(current_setting(%L, true), '''')::uuid', tenant_column, tenant_setting);

  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', target);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', target);
  IF EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = target AND polname = 'tenant_isolation') THEN
    EXECUTE format('DROP POLICY tenant_isolation ON %s', target);
  END IF;
  EXECUTE format('CREATE POLICY tenant_isolation ON %s USING (%s) WITH CHECK (%s)', target, expression, expression);

  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = app_role) THEN
    EXECUTE format('REVOKE ALL ON %s FROM %I', target, app_role);
    IF grant_list IS NOT NULL THEN
      EXECUTE format('GRANT %s ON %s TO %I', grant_list, target, app_role);
    END IF;
  END IF;
END
$$;

COMMENT ON PROCEDURE org_data_enable_tenant_isolation(regclass, name, text) IS
  'Tenant isolation of one table: ENABLE + FORCE row-level security, the tenant_isolation policy on '
  'tenant_column (default organization_id) against app.organization_id, and exactly app_privileges '
  '(default SELECT, INSERT, UPDATE, DELETE; NONE for partitions) for org_data_app. Idempotent.';

