-- org-data:no-transaction
-- squawk-ignore-file ban-concurrent-index-creation-in-transaction, constraint-missing-not-valid
-- (squawk: this file runs outside a transaction, which .squawk.toml cannot tell per file: each statement commits on its own, so NOT VALID and VALIDATE are separate transactions.)
-- audit_logs gets a tenant on every row and the shard key in its primary key (issue 15, Citus).
--
-- Rows of platform actions (roles, permissions: global catalogues) had organization_id NULL.
-- They now carry the platform marker, the nil uuid 00000000-0000-0000-0000-000000000000, which
-- no organization can have (organizations_id_not_platform). The package reads it back as
-- `organizationId: null` (AuditEntry). Under row-level security the rows stay invisible to every
-- organization, as before; the application role (and every role granted it) can neither read
-- nor write them even with the tenant set to the marker (policy platform_rows_not_for_app); the
-- owner reads them with the tenant set to the marker, a BYPASSRLS role as before.
--
-- Not breaking for services still on 0.11 (expand/contract): a BEFORE INSERT trigger turns the
-- NULL that 0.11 writes for a platform row into the marker. 0.12 writes the marker itself (Citus
-- routes a row by organization_id before any trigger runs); the trigger goes in the first
-- release after every service runs 0.12 or later.
--
-- Every step keeps writes going (no long lock on the audit trail):
-- 1. the marker's CHECK on organizations (NOT VALID, then validated: no lock against writes);
-- 2. the compatibility trigger;
-- 3. the backfill of existing NULL rows, skipped once the column is NOT NULL: a policy for the
--    migrating role alone lets it see and write those rows under FORCE row-level security (two
--    short statements around the UPDATE); in one transaction, the append-only trigger function
--    lets exactly NULL → marker through (every other column equal), the UPDATE runs, and the
--    function is restored before the commit, so no other session ever sees it relaxed;
-- 4. NOT NULL: a NOT VALID CHECK validated without blocking writes, then SET NOT NULL, which
--    that CHECK proves without a scan, then the CHECK is dropped;
-- 5. the primary key (event_id, created_at) → (event_id, created_at, organization_id): each
--    partition's new unique index is built CONCURRENTLY (statements generated per partition,
--    only for partitions without a valid one), then one short transaction locks the table,
--    drops the old key, makes each partition's index its key (USING INDEX) and adds the
--    parent's key, which attaches them without building any (only a partition created since
--    the indexes were gets its index built there).
-- Re-runnable: each step checks whether it is done; leftovers of an interrupted run are dropped.
--
-- Run it with no partition maintenance (createAuditPartitions) at the same time, and with no
-- instance of 0.11 starting meanwhile: 0.11's runner waits for the migration lock in a blocking
-- statement that holds a snapshot, which CREATE INDEX CONCURRENTLY waits for; PostgreSQL then
-- aborts one of the two as a deadlock (run it again). 0.12's runner tries the lock instead.

-- 1. No organization can be the platform.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'organizations'::regclass AND conname = 'organizations_id_not_platform') THEN
    ALTER TABLE organizations ADD CONSTRAINT organizations_id_not_platform
      CHECK (id <> '00000000-0000-0000-0000-000000000000'::uuid) NOT VALID;
  END IF;
END
$$;
ALTER TABLE organizations VALIDATE CONSTRAINT organizations_id_not_platform;

-- 2. A platform row written as NULL (by 0.11) gets the marker; the application role never
-- reaches platform rows, whatever tenant it sets.
CREATE OR REPLACE FUNCTION org_data_audit_platform_row() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.organization_id := coalesce(NEW.organization_id, '00000000-0000-0000-0000-000000000000'::uuid);
  RETURN NEW;
END
$$;
CREATE OR REPLACE TRIGGER audit_logs_platform_row BEFORE INSERT ON audit_logs
  FOR EACH ROW EXECUTE FUNCTION org_data_audit_platform_row();
DROP POLICY IF EXISTS platform_rows_not_for_app ON audit_logs;
CREATE POLICY platform_rows_not_for_app ON audit_logs AS RESTRICTIVE FOR ALL TO org_data_app
  USING (organization_id <> '00000000-0000-0000-0000-000000000000'::uuid)
  WITH CHECK (organization_id <> '00000000-0000-0000-0000-000000000000'::uuid);

-- 3. Existing platform rows get the marker.
DROP POLICY IF EXISTS org_data_platform_backfill ON audit_logs;
CREATE POLICY org_data_platform_backfill ON audit_logs FOR ALL TO CURRENT_USER
  USING (organization_id IS NULL OR organization_id = '00000000-0000-0000-0000-000000000000'::uuid)
  WITH CHECK (organization_id = '00000000-0000-0000-0000-000000000000'::uuid);
DO $$
BEGIN
  IF (SELECT attnotnull FROM pg_attribute WHERE attrelid = 'audit_logs'::regclass AND attname = 'organization_id') THEN
    RETURN; -- done by an earlier run
  END IF;
  -- Relaxed, used and restored in this one transaction: other sessions only ever see the
  -- committed (strict) function.
  CREATE OR REPLACE FUNCTION audit_logs_reject_change() RETURNS trigger
  LANGUAGE plpgsql AS $fn$
  BEGIN
    IF TG_OP = 'UPDATE' AND OLD.organization_id IS NULL
       AND NEW.organization_id = '00000000-0000-0000-0000-000000000000'::uuid
       AND to_jsonb(NEW) - 'organization_id' = to_jsonb(OLD) - 'organization_id' THEN
      RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_logs is append-only: % is not allowed', TG_OP
      USING ERRCODE = 'insufficient_privilege';
  END
  $fn$;
  UPDATE audit_logs SET organization_id = '00000000-0000-0000-0000-000000000000'::uuid
    WHERE organization_id IS NULL;
  CREATE OR REPLACE FUNCTION audit_logs_reject_change() RETURNS trigger
  LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'audit_logs is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$fn$;
END
$$;
DROP POLICY org_data_platform_backfill ON audit_logs;

-- 4. NOT NULL without a long lock (each step skipped once the column is NOT NULL).
DO $$
BEGIN
  IF NOT (SELECT attnotnull FROM pg_attribute WHERE attrelid = 'audit_logs'::regclass AND attname = 'organization_id')
     AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'audit_logs'::regclass AND conname = 'audit_logs_organization_id_present') THEN
    ALTER TABLE audit_logs ADD CONSTRAINT audit_logs_organization_id_present
      CHECK (organization_id IS NOT NULL) NOT VALID;
  END IF;
END
$$;
DO $$
BEGIN
  IF NOT (SELECT attnotnull FROM pg_attribute WHERE attrelid = 'audit_logs'::regclass AND attname = 'organization_id') THEN
    ALTER TABLE audit_logs VALIDATE CONSTRAINT audit_logs_organization_id_present;
  END IF;
END
$$;
-- No scan: the validated CHECK above proves it, on every partition.
-- squawk-ignore adding-not-nullable-field
ALTER TABLE audit_logs ALTER COLUMN organization_id SET NOT NULL;
ALTER TABLE audit_logs DROP CONSTRAINT IF EXISTS audit_logs_organization_id_present;

-- 5. The primary key gains organization_id, partition by partition.
-- org-data:run-results
SELECT s.statement
FROM pg_inherits i
JOIN pg_class p ON p.oid = i.inhrelid
CROSS JOIN LATERAL (VALUES
  (1, format('DROP INDEX CONCURRENTLY IF EXISTS %I', left(p.relname, 50) || '_pkey_swap')),
  (2, format('CREATE UNIQUE INDEX CONCURRENTLY %I ON %I (event_id, created_at, organization_id)',
             left(p.relname, 50) || '_pkey_swap', p.relname))
) AS s(step, statement)
WHERE i.inhparent = 'audit_logs'::regclass
  AND NOT EXISTS (
    SELECT 1 FROM pg_constraint k
    WHERE k.conrelid = 'audit_logs'::regclass AND k.contype = 'p'
      AND k.conkey @> ARRAY[(SELECT attnum FROM pg_attribute WHERE attrelid = 'audit_logs'::regclass AND attname = 'organization_id')])
  -- A valid index of an interrupted run is kept.
  AND NOT EXISTS (
    SELECT 1 FROM pg_class x JOIN pg_index ix ON ix.indexrelid = x.oid
    WHERE x.relname = left(p.relname, 50) || '_pkey_swap' AND x.relnamespace = p.relnamespace
      AND ix.indrelid = p.oid AND ix.indisvalid)
ORDER BY p.relname, s.step;

DO $$
DECLARE
  names text[];
  keys text[];
BEGIN
  IF EXISTS (
    SELECT 1 FROM pg_constraint k
    WHERE k.conrelid = 'audit_logs'::regclass AND k.contype = 'p'
      AND k.conkey @> ARRAY[(SELECT attnum FROM pg_attribute WHERE attrelid = 'audit_logs'::regclass AND attname = 'organization_id')]
  ) THEN
    RETURN; -- done by an earlier run
  END IF;
  -- First the lock (within lock_timeout), so the partitions read below are the ones changed.
  LOCK TABLE audit_logs IN ACCESS EXCLUSIVE MODE;
  -- The partitions that have their new index, with their key names (read before the old key,
  -- and with it theirs, goes).
  SELECT array_agg(p.relname ORDER BY p.relname), array_agg(coalesce(k.conname, p.relname || '_pkey') ORDER BY p.relname)
    INTO names, keys
  FROM pg_inherits i
  JOIN pg_class p ON p.oid = i.inhrelid
  JOIN pg_class x ON x.relname = left(p.relname, 50) || '_pkey_swap' AND x.relnamespace = p.relnamespace
  JOIN pg_index ix ON ix.indexrelid = x.oid AND ix.indrelid = p.oid AND ix.indisvalid
  LEFT JOIN pg_constraint k ON k.conrelid = p.oid AND k.contype = 'p'
  WHERE i.inhparent = 'audit_logs'::regclass;
  ALTER TABLE audit_logs DROP CONSTRAINT audit_logs_pkey;
  FOR n IN 1 .. coalesce(array_length(names, 1), 0) LOOP
    EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I PRIMARY KEY USING INDEX %I',
      names[n], keys[n], left(names[n], 50) || '_pkey_swap');
  END LOOP;
  -- Attaches each partition's key; builds one only for a partition created since the indexes were.
  ALTER TABLE audit_logs ADD CONSTRAINT audit_logs_pkey PRIMARY KEY (event_id, created_at, organization_id);
END
$$;
