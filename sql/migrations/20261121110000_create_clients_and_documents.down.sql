DROP FUNCTION purge_deleted_documents(timestamptz, integer);
DROP TABLE document_versions;
DROP FUNCTION document_versions_reject_change();
DROP TABLE documents;
DROP TABLE clients;
DROP TYPE client_status;
-- Without CASCADE: if something else in the database uses them, this fails instead of
-- dropping it.
DROP EXTENSION btree_gin;
DROP EXTENSION pg_trgm;
