-- org-data:no-transaction
-- A draft staff profile for every existing user, in batches of 5000 users that each commit,
-- so a large users table never holds one huge transaction. Re-runnable: existing profiles are
-- skipped. (COMMIT inside DO works because this file runs outside a transaction.)
DO $$
DECLARE
  last_id uuid := '00000000-0000-0000-0000-000000000000';
  batch_last uuid;
BEGIN
  LOOP
    WITH batch AS (
      SELECT id, organization_id FROM users WHERE id > last_id ORDER BY id LIMIT 5000
    ), inserted AS (
      INSERT INTO user_staff_profiles (user_id, organization_id)
      SELECT id, organization_id FROM batch
      ON CONFLICT (user_id) DO NOTHING
    )
    SELECT id INTO batch_last FROM batch ORDER BY id DESC LIMIT 1;
    EXIT WHEN NOT FOUND;
    last_id := batch_last;
    COMMIT;
  END LOOP;
END
$$;
