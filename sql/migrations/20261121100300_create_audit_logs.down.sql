DROP TABLE audit_logs;
DROP FUNCTION audit_logs_reject_change();
