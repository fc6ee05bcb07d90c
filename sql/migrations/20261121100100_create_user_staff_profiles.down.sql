-- Verification data is lost on rollback: the table goes as a whole.
DROP TABLE user_staff_profiles;
DROP TYPE profile_verification_status;
