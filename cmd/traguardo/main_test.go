package main

import (
	"io"
	"os/exec"
	"strings"
	"testing"
)

// TestBinaryLinksNoTesting: the private PostgreSQL lives in a package of its
// own, so the binary does not carry the testing package.
func TestBinaryLinksNoTesting(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		if p == "testing" || strings.HasSuffix(p, "/pgtest") {
			t.Errorf("the binary links %s", p)
		}
	}
}

// TestRun_DatabaseURLs: the two URLs are not interchangeable; a wrong
// combination is refused before any connection.
func TestRun_DatabaseURLs(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{map[string]string{"DATABASE_URL": "postgres://app@127.0.0.1:1/x"}, []string{"migrate"}, "migrate needs MIGRATION_DATABASE_URL"},
		{map[string]string{"MIGRATION_DATABASE_URL": "postgres://owner@127.0.0.1:1/x"}, []string{"serve"}, "DATABASE_URL is not"},
		{map[string]string{"MIGRATION_DATABASE_URL": "postgres://owner@127.0.0.1:1/x"}, []string{"export", "--year", "2023"}, "DATABASE_URL is not"},
	} {
		getenv := func(k string) string { return tc.env[k] }
		err := run(tc.args, io.Discard, io.Discard, getenv)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v with %v: err = %v, want %q", tc.args, tc.env, err, tc.want)
		}
	}
}

// TestReadConfig_OIDC: the provider's settings are read as a whole, the
// redirect URIs derived from BASE_URL, and a configuration that could not
// work is refused at start.
func TestReadConfig_OIDC(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	c, err := readConfig(env("OIDC_ISSUER", "https://login.microsoftonline.com/t/v2.0", "OIDC_CLIENT_ID", "app",
		"OIDC_CLIENT_SECRET", "s", "BASE_URL", "https://traguardo.ente.it/", "OIDC_PROVIDER_NAME", "Microsoft",
		"OIDC_EMAIL_VERIFIED_CLAIM", "xms_edov", "AUTH_PASSWORDS", "off"))
	if err != nil {
		t.Fatal(err)
	}
	o := c.server.OIDC
	if o == nil || o.RedirectURL != "https://traguardo.ente.it/accedi/oidc/ritorno" || o.PostLogoutRedirectURL != "https://traguardo.ente.it/accedi" ||
		strings.Join(o.Scopes, " ") != "openid email profile" || o.ProviderName != "Microsoft" || o.EmailVerifiedClaim != "xms_edov" || !c.server.PasswordsOff {
		t.Errorf("read %+v, passwords off %v", o, c.server.PasswordsOff)
	}
	if c, err := readConfig(env()); err != nil || c.server.OIDC != nil || c.server.PasswordsOff {
		t.Errorf("no provider configured: %+v, %v", c.server, err)
	}
	for _, tc := range []struct {
		env  func(string) string
		want string
	}{
		{env("AUTH_PASSWORDS", "off"), "AUTH_PASSWORDS=off needs OIDC_ISSUER"},
		{env("AUTH_PASSWORDS", "no"), "is not on or off"},
		{env("OIDC_CLIENT_ID", "app"), "OIDC_ISSUER is not"},
		{env("OIDC_ISSUER", "https://idp.example"), "OIDC_CLIENT_ID must be set"},
		{env("OIDC_ISSUER", "https://idp.example", "OIDC_CLIENT_ID", "app"), "set OIDC_REDIRECT_URL, or BASE_URL"},
		{env("OIDC_ISSUER", "idp.example", "OIDC_CLIENT_ID", "app", "BASE_URL", "https://t.example"), "not an http(s) URL"},
		{env("OIDC_ISSUER", "https://idp.example", "OIDC_CLIENT_ID", "app", "OIDC_REDIRECT_URL", "https://t.example/altro"), "must be the absolute URL of /accedi/oidc/ritorno"},
		{env("OIDC_ISSUER", "https://idp.example", "OIDC_CLIENT_ID", "app", "BASE_URL", "https://t.example", "OIDC_SCOPES", "email"), "must include openid"},
	} {
		if _, err := readConfig(tc.env); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("err = %v, want %q", err, tc.want)
		}
	}
}
