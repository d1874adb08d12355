-- Sign-in with OpenID Connect: an account is linked to the identity of the
-- body's provider the first time it signs in there (matched by its
-- verified e-mail), and from then on only that identity (issuer and
-- subject) signs it in. Accounts are never created by a sign-in.
ALTER TABLE users ADD COLUMN oidc_issuer text;
ALTER TABLE users ADD COLUMN oidc_subject text;
ALTER TABLE users ADD CONSTRAINT users_oidc_link
    CHECK ((oidc_issuer IS NULL) = (oidc_subject IS NULL) AND (oidc_subject IS NULL OR oidc_subject <> ''));
ALTER TABLE users ADD CONSTRAINT users_oidc_unique UNIQUE (oidc_issuer, oidc_subject);
COMMENT ON COLUMN users.oidc_issuer IS 'The OpenID Connect issuer of the identity linked to the account, with oidc_subject; NULL until its first sign-in there.';
COMMENT ON COLUMN users.oidc_subject IS 'The subject (sub) of the identity linked to the account at oidc_issuer, recorded at its first sign-in by the provider: later sign-ins must carry it.';
