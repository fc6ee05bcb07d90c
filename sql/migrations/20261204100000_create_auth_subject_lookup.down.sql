-- resolveAuthSubject finds no one without it.
DROP POLICY user_auth_subject_lookup ON users;
