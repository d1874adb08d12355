-- The account a session is signed in to, beside its data (which only the
-- application decodes): reading a session reads its account in the same
-- statement (store.SessionStore). Written at every write of a session; a
-- session written before has none and is read as before. The sessions of
-- an account deleted go with it.
ALTER TABLE sessions ADD COLUMN user_id bigint REFERENCES users (id) ON DELETE CASCADE;
CREATE INDEX sessions_user_id_idx ON sessions (user_id);
COMMENT ON COLUMN sessions.user_id IS 'The account the session is signed in to (NULL when none, or written before this column).';
