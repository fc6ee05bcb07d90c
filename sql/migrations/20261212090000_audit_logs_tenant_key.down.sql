-- org-data:no-transaction
-- squawk-ignore-file ban-concurrent-index-creation-in-transaction
-- Back to 0.11.0's audit_logs: the primary key (event_id, created_at) swapped in the same way,
-- organization_id nullable again, platform rows NULL again, no compatibility trigger, no
-- policy platform_rows_not_for_app, no marker CHECK on organizations.

-- The primary key without organization_id, partition by partition.
-- org-data:run-results
SELECT s.statement
FROM pg_inherits i
JOIN pg_class p ON p.oid = i.inhrelid
CROSS JOIN LATERAL (VALUES
  (1, format('DROP INDEX CONCURRENTLY IF EXISTS %I', left(p.relname, 50) || '_pkey_swap')),
  (2, format('CREATE UNIQUE INDEX CONCURRENTLY %I ON %I (event_id, created_at)',
             left(p.relname, 50) || '_pkey_swap', p.relname))
) AS s(step, statement)
WHERE i.inhparent = 'audit_logs'::regclass
  AND EXISTS (
    SELECT 1 FROM pg_constraint k
    WHERE k.conrelid = 'audit_logs'::regclass AND k.contype = 'p'
      AND k.conkey @> ARRAY[(SELECT attnum FROM pg_attribute WHERE attrelid = 'audit_logs'::regclass AND attname = 'organization_id')])
ORDER BY p.relname, s.step;

DO $$
DECLARE
  names text[];
  keys text[];
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM pg_constraint k
    WHERE k.conrelid = 'audit_logs'::regclass AND k.contype = 'p'
      AND k.conkey @> ARRAY[(SELECT attnum FROM pg_attribute WHERE attrelid = 'audit_logs'::regclass AND attname = 'organization_id')]
  ) THEN
    RETURN;
  END IF;
  LOCK TABLE audit_logs IN ACCESS EXCLUSIVE MODE;
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
  ALTER TABLE audit_logs ADD CONSTRAINT audit_logs_pkey PRIMARY KEY (event_id, created_at);
END
$$;

DROP POLICY IF EXISTS platform_rows_not_for_app ON audit_logs;
DROP TRIGGER IF EXISTS audit_logs_platform_row ON audit_logs;
DROP FUNCTION IF EXISTS org_data_audit_platform_row();
ALTER TABLE audit_logs ALTER COLUMN organization_id DROP NOT NULL;
-- PostgreSQL 18 records NOT NULL as constraints, and a partition's key made USING INDEX keeps its
-- own (local) one, which the parent's DROP NOT NULL leaves: drop those too (a no-op before 18).
DO $$
DECLARE
  part regclass;
BEGIN
  FOR part IN SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'audit_logs'::regclass LOOP
    EXECUTE format('ALTER TABLE %s ALTER COLUMN organization_id DROP NOT NULL', part);
  END LOOP;
END
$$;

-- Platform rows back to NULL (as the forward backfill: a policy for the migrating role, the
-- append-only function relaxed for this one change inside the UPDATE's own transaction).
DROP POLICY IF EXISTS org_data_platform_backfill ON audit_logs;
CREATE POLICY org_data_platform_backfill ON audit_logs FOR ALL TO CURRENT_USER
  USING (organization_id IS NULL OR organization_id = '00000000-0000-0000-0000-000000000000'::uuid)
  WITH CHECK (organization_id IS NULL);
DO $$
BEGIN
  CREATE OR REPLACE FUNCTION audit_logs_reject_change() RETURNS trigger
  LANGUAGE plpgsql AS $fn$
  BEGIN
    IF TG_OP = 'UPDATE' AND OLD.organization_id = '00000000-0000-0000-0000-000000000000'::uuid
       AND NEW.organization_id IS NULL
       AND to_jsonb(NEW) - 'organization_id' = to_jsonb(OLD) - 'organization_id' THEN
      RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_logs is append-only: % is not allowed', TG_OP
      USING ERRCODE = 'insufficient_privilege';
  END
  $fn$;
  UPDATE audit_logs SET organization_id = NULL
    WHERE organization_id = '00000000-0000-0000-0000-000000000000'::uuid;
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

ALTER TABLE organizations DROP CONSTRAINT IF EXISTS organizations_id_not_platform;
