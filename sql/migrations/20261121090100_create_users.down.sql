DROP TABLE user_profiles;
DROP TABLE users;
