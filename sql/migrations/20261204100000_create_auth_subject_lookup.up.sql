-- The bootstrap lookup by identity-provider subject (issue 12): a service that has just
-- authenticated a request knows the subject, not yet the tenant, and the application role sees no
-- user without a tenant. One more permissive policy on users, for org_data_app and SELECT only,
-- shows the row whose auth_subject equals a transaction-local setting: the caller must already
-- know the subject, and sees that one row (auth_subject is unique). resolveAuthSubject sets it,
-- reads, and clears it. Additive and not breaking: services on 0.8.0 never set the setting, so
-- for them nothing changes. CREATE POLICY takes a brief ACCESS EXCLUSIVE lock on users (the
-- migration runner's lock_timeout bounds the wait).
CREATE POLICY user_auth_subject_lookup ON users FOR SELECT TO org_data_app
  USING (auth_subject = nullif(current_setting('app.auth_subject_lookup', true), ''));
