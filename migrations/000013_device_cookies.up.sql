-- Sign-in throttling with device cookies. A browser where an account signed
-- in before carries a signed cookie naming that account and a random device
-- id; its failures are counted against that device alone, so that failures
-- from elsewhere cannot lock the owner out of it.
ALTER TABLE login_failures ADD COLUMN device text;
CREATE INDEX login_failures_device_idx ON login_failures (device, at) WHERE device IS NOT NULL;
COMMENT ON COLUMN login_failures.device IS 'The device id of a valid device cookie the attempt carried; NULL for an untrusted client.';

-- The keys the servers sign their cookies with (device cookies, one-time
-- messages): in the database so that every app server of the installation
-- signs and verifies with the same key. The first server that needs a key
-- creates it; the application never rewrites one.
CREATE TABLE server_keys (
    name       text PRIMARY KEY,
    secret     bytea NOT NULL CHECK (length(secret) >= 32),
    created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE server_keys IS 'Secret keys shared by the app servers, by name: the HMAC key of the cookies they sign.';
REVOKE UPDATE, DELETE ON server_keys FROM traguardo_app;
