-- Drops the procedure (its comment and privileges go with it). The policies, FORCE and grants
-- it set on tables stay: they belong to the tables, and are the same as those the
-- 20261121120000 migration wrote by hand. Monthly partitions created meanwhile keep theirs.
DROP PROCEDURE org_data_enable_tenant_isolation(regclass, name, text);
