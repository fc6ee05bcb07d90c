-- The backfilled rows go with the table in the previous migration's rollback.
SELECT 1;
