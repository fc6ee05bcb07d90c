-- The tracking table is out of the application role's reach again (checkHealth then reports
-- the migrations as unknown when it runs as that role).
REVOKE SELECT ON org_data_migrations FROM org_data_app;
