-- Forms kept after a session expired. A form posted without a valid session
-- (the user typed for longer than the session lives) is kept here rather
-- than lost: its fields as posted, the account that loaded it (from the
-- signed owner field the form carries), the page it belongs to, and the
-- hash of a random token that only the browser that posted it holds (in an
-- HttpOnly cookie). After that account signs in again on that browser, the
-- form's page shows the values once, unsaved, and the row is deleted. Rows
-- expire after a few hours; the application deletes expired ones as it
-- keeps new ones.
CREATE TABLE kept_forms (
    token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    path       text NOT NULL CHECK (path LIKE '/%' AND length(path) <= 2048),
    form       text NOT NULL CHECK (length(form) <= 2097152),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX kept_forms_user_idx ON kept_forms (user_id, created_at);
CREATE INDEX kept_forms_expires_idx ON kept_forms (expires_at);
COMMENT ON TABLE kept_forms IS 'Forms posted after the session expired, kept for the account that loaded them until it signs in again on the same browser.';
COMMENT ON COLUMN kept_forms.token_hash IS 'SHA-256 of the random token of the browser''s cookie; the token itself is never stored.';
COMMENT ON COLUMN kept_forms.form IS 'The posted fields, URL-encoded, as posted (the body of an ordinary form is at most 1 MB).';
