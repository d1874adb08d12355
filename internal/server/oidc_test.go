package server_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"traguardo/internal/audit"
	"traguardo/internal/browsertest"
	"traguardo/internal/demo"
	"traguardo/internal/pgtest"
	"traguardo/internal/server"
)

// The sign-in with an OpenID Connect provider, against a real provider
// (oidc_provider_test.go) driven by a real HTTP client with a cookie jar:
// the app's button, the provider's login page, its answer to the app.

// The refusals as people read them.
const (
	oidcNotEnabledMsg = "Il suo account non è abilitato: chieda all&#39;amministratore"
	oidcStateMsg      = "La richiesta di accesso è scaduta o è già stata usata"
	oidcTokenMsg      = "La risposta di Provider di prova non è valida"
	oidcInactiveMsg   = "Il suo account è disattivato"
	oidcSubjectMsg    = "è collegato a un&#39;altra identità di Provider di prova"
	oidcUnverifiedMsg = "Provider di prova non ha comunicato un&#39;email verificata"
)

// oidcEnv is the application with the demo accounts, configured with a test
// provider, and the provider. The provider's users: "direttore" and
// "responsabile" carry the demo accounts' verified e-mails; "sconosciuto"
// an e-mail no account has; "nonverificato" the director's e-mail, not
// verified; "bersaglio" the target account's; "altroaud" the director's,
// with ID tokens for another client; "impostore" the director's e-mail
// under another subject.
type oidcEnv struct {
	*secEnv
	op *testOP
}

func newOIDCEnv(t *testing.T, passwordsOff bool) *oidcEnv {
	t.Helper()
	pool := pgtest.NewDB(t)
	// The demo accounts' e-mails are known only once they exist: the
	// provider's users are filled in by configure, before the app starts.
	users := map[string]*opUser{}
	o := newTestOP(t, users)
	e := newSecEnvAt(t, func(base string) server.Config {
		o.allowApp(base)
		return server.Config{PasswordsOff: passwordsOff, OIDC: &server.OIDCConfig{
			Issuer: o.issuer, ClientID: opClientID, ClientSecret: opClientSecret,
			RedirectURL: base + "/accedi/oidc/ritorno", ProviderName: "Provider di prova",
		}}
	}, pool)
	o.mu.Lock()
	for name, u := range map[string]*opUser{
		"direttore":     {Subject: "sub-direttore", Email: e.emails["direttore"], Verified: true},
		"responsabile":  {Subject: "sub-responsabile", Email: e.emails["responsabile"], Verified: true},
		"sconosciuto":   {Subject: "sub-sconosciuto", Email: "nessuno@ente.example", Verified: true},
		"nonverificato": {Subject: "sub-nonverificato", Email: e.emails["direttore"], Verified: false},
		"bersaglio":     {Subject: "sub-bersaglio", Email: secTargetEmail, Verified: true},
		"altroaud":      {Subject: "sub-altroaud", Email: e.emails["direttore"], Verified: true, Audience: []string{opOtherClient}},
		"impostore":     {Subject: "sub-impostore", Email: strings.ToUpper(e.emails["direttore"]), Verified: true},
	} {
		users[name] = u
	}
	o.mu.Unlock()
	return &oidcEnv{secEnv: e, op: o}
}

// oidcHop sends a request to an absolute URL with the client's jar, not
// following redirects, and returns the status, the Location resolved
// against the URL, and the body.
func oidcHop(t *testing.T, c *secClient, method, target string, form url.Values) (int, string, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	loc := resp.Header.Get("Location")
	if loc != "" {
		u, err := resp.Request.URL.Parse(loc)
		if err != nil {
			t.Fatalf("%s %s: Location %q: %v", method, target, loc, err)
		}
		loc = u.String()
	}
	return resp.StatusCode, loc, string(b)
}

// oidcSignIn goes through the provider as the provider's user name,
// starting from the app's button with next, and returns the app's answer
// to the provider's redirect (not followed), with the redirect's URL. The
// authorization request must carry PKCE (S256), a state and a nonce.
func (e *oidcEnv) oidcSignIn(t *testing.T, c *secClient, name, next string) (*secResponse, string) {
	t.Helper()
	r := c.post("/accedi/oidc", url.Values{"next": {next}})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), e.op.issuer+"/") {
		t.Fatalf("POST /accedi/oidc: status %d, Location %q, want 303 to the provider; body:\n%.600s", r.Status, r.Location(), r.Body)
	}
	authz, err := url.Parse(r.Location())
	if err != nil {
		t.Fatal(err)
	}
	q := authz.Query()
	for k, want := range map[string]string{"client_id": opClientID, "response_type": "code", "code_challenge_method": "S256",
		"redirect_uri": e.srv.URL + "/accedi/oidc/ritorno", "scope": "openid email profile"} {
		if q.Get(k) != want {
			t.Errorf("the authorization request's %s is %q, want %q", k, q.Get(k), want)
		}
	}
	for _, k := range []string{"state", "nonce", "code_challenge"} {
		if len(q.Get(k)) < 20 {
			t.Errorf("the authorization request's %s is %q: want a random value", k, q.Get(k))
		}
	}
	status, loc, body := oidcHop(t, c, http.MethodGet, r.Location(), nil)
	if status != http.StatusFound || !strings.Contains(loc, "/login?id=") {
		t.Fatalf("the provider's authorize: status %d, Location %q; body:\n%.600s", status, loc, body)
	}
	login, _ := url.Parse(loc)
	if status, _, body := oidcHop(t, c, http.MethodGet, loc, nil); status != http.StatusOK || !strings.Contains(body, `name="username"`) {
		t.Fatalf("the provider's login page: status %d; body:\n%.600s", status, body)
	}
	status, loc, body = oidcHop(t, c, http.MethodPost, e.op.issuer+"/login", url.Values{"id": {login.Query().Get("id")}, "username": {name}})
	if status != http.StatusFound {
		t.Fatalf("the provider's login as %s: status %d; body:\n%.600s", name, status, body)
	}
	status, loc, body = oidcHop(t, c, http.MethodGet, loc, nil)
	if status != http.StatusFound || !strings.HasPrefix(loc, e.srv.URL+"/accedi/oidc/ritorno?") {
		t.Fatalf("the provider's callback: status %d, Location %q; body:\n%.600s", status, loc, body)
	}
	back := strings.TrimPrefix(loc, e.srv.URL)
	return c.get(back), back
}

// oidcAudit counts the audit entries of action with new_value containing
// the JSON snapshot part (e.g. {"reason": "state"}).
func (e *oidcEnv) oidcAudit(t *testing.T, action audit.Action, part string) int {
	t.Helper()
	return secCount(t, e.pool, `SELECT count(*) FROM audit_log WHERE entity = $1 AND action = $2 AND new_value @> $3::jsonb`,
		string(audit.Access), string(action), part)
}

// requireRefused checks a refused sign-in: the status, the sign-in page
// with the message, no session.
func requireRefused(t *testing.T, c *secClient, what string, r *secResponse, status int, msg string) {
	t.Helper()
	if r.Status != status || !strings.Contains(r.Body, msg) || !strings.Contains(r.Body, `data-testid="sign-in-error"`) {
		t.Errorf("%s: status %d, want %d with %q on the sign-in page; body:\n%.1500s", what, r.Status, status, msg, r.Body)
	}
	if !strings.Contains(r.Body, "Accedi con Provider di prova") {
		t.Errorf("%s: the page offers no new sign-in with the provider", what)
	}
	c.requireSignedOut(what)
}

// TestOIDC_SignIn: the director and a manager sign in with the provider,
// land where they started (the director on the page asked for, the
// manager on his areas), the session works, the first sign-in links the
// account (once), and every sign-in is in the audit log.
func TestOIDC_SignIn(t *testing.T) {
	t.Parallel()
	e := newOIDCEnv(t, false)

	c := e.client(t)
	r, _ := e.oidcSignIn(t, c, "direttore", "/cicli/2023")
	if r.Status != http.StatusSeeOther || r.Location() != "/cicli/2023" {
		t.Fatalf("the director's return: status %d, Location %q, want 303 to /cicli/2023; body:\n%.800s", r.Status, r.Location(), r.Body)
	}
	if r := c.get("/cicli/2023"); r.Status != http.StatusOK || !strings.Contains(r.Body, "Esci") {
		t.Errorf("the director's page: status %d; body:\n%.600s", r.Status, r.Body)
	}
	c.requireSignedIn("the director after signing in with the provider")
	// The director's own page: approving the plan is the director's.
	if r := c.get("/cicli/2023/approva"); r.Status != http.StatusOK {
		t.Errorf("GET /cicli/2023/approva as the director signed in by the provider: status %d", r.Status)
	}

	m := e.client(t)
	r, _ = e.oidcSignIn(t, m, "responsabile", "/")
	if r.Status != http.StatusSeeOther || r.Location() != "/" {
		t.Fatalf("the manager's return: status %d, Location %q", r.Status, r.Location())
	}
	if r := m.get("/"); r.Status != http.StatusSeeOther || r.Location() != "/mie-aree" {
		t.Errorf("the manager's home: status %d, Location %q, want 303 to /mie-aree", r.Status, r.Location())
	}
	if r := m.get("/mie-aree"); r.Status != http.StatusOK {
		t.Errorf("the manager's areas: status %d", r.Status)
	}
	// Roles stay Traguardo's: the manager does not approve the plan.
	if r := m.get("/cicli/2023/approva"); r.Status != http.StatusForbidden {
		t.Errorf("GET /cicli/2023/approva as the manager: status %d, want 403", r.Status)
	}

	// Linked at the first sign-in; a second sign-in does not link again.
	var subject string
	if err := e.pool.QueryRow(context.Background(), `SELECT coalesce(oidc_subject, '') FROM users WHERE email = $1`, e.emails["direttore"]).Scan(&subject); err != nil {
		t.Fatal(err)
	}
	if subject != "sub-direttore" {
		t.Errorf("the director's account is linked to %q, want sub-direttore", subject)
	}
	again := e.client(t)
	if r, _ := e.oidcSignIn(t, again, "direttore", "/"); r.Status != http.StatusSeeOther {
		t.Fatalf("the director's second sign-in: status %d", r.Status)
	}
	if n := secCount(t, e.pool, `SELECT count(*) FROM audit_log WHERE action = $1 AND entity = $2 AND new_value->>'subject' = 'sub-direttore'`,
		string(audit.LinkOIDC), string(audit.User)); n != 1 {
		t.Errorf("%d links of the director recorded, want 1", n)
	}
	if n := e.oidcAudit(t, audit.SignInOIDC, `{"subject": "sub-direttore"}`); n != 2 {
		t.Errorf("%d sign-ins of the director recorded, want 2", n)
	}
	if n := e.oidcAudit(t, audit.SignInOIDC, `{"subject": "sub-responsabile"}`); n != 1 {
		t.Errorf("%d sign-ins of the manager recorded, want 1", n)
	}
	// The audit log says it in Italian.
	admin := e.signedIn(t, "admin")
	if r := admin.get("/registro"); !strings.Contains(r.Body, "Accesso riuscito con il fornitore di identità") ||
		!strings.Contains(r.Body, "Collegamento dell&#39;account all&#39;identità del fornitore") {
		t.Errorf("the audit log does not show the sign-in and the link in words:\n%.3000s", r.Body)
	}
}

// TestOIDC_Refusals: every answer that must not sign in, each audited with
// its reason; nothing is linked.
func TestOIDC_Refusals(t *testing.T) {
	t.Parallel()
	e := newOIDCEnv(t, false)
	if _, err := e.pool.Exec(context.Background(), `UPDATE users SET active = false WHERE email = $1`, secTargetEmail); err != nil {
		t.Fatal(err)
	}

	t.Run("unknown e-mail", func(t *testing.T) {
		c := e.client(t)
		r, _ := e.oidcSignIn(t, c, "sconosciuto", "/")
		requireRefused(t, c, "unknown e-mail", r, http.StatusForbidden, oidcNotEnabledMsg)
		if !strings.Contains(r.Body, "nessuno@ente.example") {
			t.Errorf("the refusal does not name the e-mail the provider gave")
		}
		if n := e.oidcAudit(t, audit.SignInRefused, `{"reason": "unknown-email", "email": "nessuno@ente.example"}`); n != 1 {
			t.Errorf("%d refusals for the unknown e-mail recorded, want 1", n)
		}
		if n := secCount(t, e.pool, `SELECT count(*) FROM users WHERE email = 'nessuno@ente.example'`); n != 0 {
			t.Errorf("an account was created for the unknown e-mail")
		}
	})
	t.Run("unverified e-mail", func(t *testing.T) {
		c := e.client(t)
		r, _ := e.oidcSignIn(t, c, "nonverificato", "/")
		requireRefused(t, c, "unverified e-mail", r, http.StatusForbidden, oidcUnverifiedMsg)
		if n := e.oidcAudit(t, audit.SignInRefused, `{"reason": "unverified-email"}`); n != 1 {
			t.Errorf("%d refusals for the unverified e-mail recorded, want 1", n)
		}
	})
	t.Run("deactivated account", func(t *testing.T) {
		c := e.client(t)
		r, _ := e.oidcSignIn(t, c, "bersaglio", "/")
		requireRefused(t, c, "deactivated account", r, http.StatusForbidden, oidcInactiveMsg)
		if n := e.oidcAudit(t, audit.SignInRefused, `{"reason": "inactive", "email": "`+secTargetEmail+`"}`); n != 1 {
			t.Errorf("%d refusals of the deactivated account recorded, want 1", n)
		}
	})
	t.Run("wrong audience", func(t *testing.T) {
		c := e.client(t)
		r, _ := e.oidcSignIn(t, c, "altroaud", "/")
		requireRefused(t, c, "ID token for another client", r, http.StatusBadRequest, oidcTokenMsg)
		if n := e.oidcAudit(t, audit.SignInRefused, `{"reason": "token"}`); n != 1 {
			t.Errorf("%d token refusals recorded, want 1", n)
		}
	})
	t.Run("expired token", func(t *testing.T) {
		// Its own address for the audit: the same refusal from the same
		// address is written once per window.
		e.op.setIDTokenLifetime(-time.Hour)
		defer e.op.setIDTokenLifetime(5 * time.Minute)
		c := e.client(t)
		r, _ := e.oidcSignIn(t, c, "direttore", "/")
		requireRefused(t, c, "expired ID token", r, http.StatusBadRequest, oidcTokenMsg)
		// The second token refusal from this address within the window:
		// refused all the same, written once.
		if n := e.oidcAudit(t, audit.SignInRefused, `{"reason": "token"}`); n != 1 {
			t.Errorf("%d token refusals recorded, want 1 (once per window and address)", n)
		}
	})
	// Nothing above linked the director's account.
	if n := secCount(t, e.pool, `SELECT count(*) FROM users WHERE oidc_subject IS NOT NULL`); n != 0 {
		t.Errorf("%d accounts linked by refused sign-ins", n)
	}
	t.Run("another identity with the linked e-mail", func(t *testing.T) {
		c := e.client(t)
		if r, _ := e.oidcSignIn(t, c, "direttore", "/"); r.Status != http.StatusSeeOther {
			t.Fatalf("the director's sign-in: status %d; body:\n%.800s", r.Status, r.Body)
		}
		other := e.client(t)
		r, _ := e.oidcSignIn(t, other, "impostore", "/")
		requireRefused(t, other, "another subject", r, http.StatusForbidden, oidcSubjectMsg)
		if n := e.oidcAudit(t, audit.SignInRefused, `{"reason": "subject", "subject": "sub-impostore"}`); n != 1 {
			t.Errorf("%d refusals of the other identity recorded, want 1", n)
		}
	})
}

// TestOIDC_ReplayedState: the provider's answer is usable once. Sent again
// by the same browser after signing in and out, or by another browser (a
// stolen or planted callback URL), it is refused.
func TestOIDC_ReplayedState(t *testing.T) {
	t.Parallel()
	e := newOIDCEnv(t, false)
	c := e.client(t)
	r, back := e.oidcSignIn(t, c, "direttore", "/")
	if r.Status != http.StatusSeeOther {
		t.Fatalf("the first answer: status %d; body:\n%.800s", r.Status, r.Body)
	}
	other := e.client(t)
	requireRefused(t, other, "the answer in another browser", other.get(back), http.StatusBadRequest, oidcStateMsg)

	c.post("/esci", url.Values{})
	c.requireSignedOut("after signing out")
	requireRefused(t, c, "the same answer again", c.get(back), http.StatusBadRequest, oidcStateMsg)
	if n := e.oidcAudit(t, audit.SignInRefused, `{"reason": "state"}`); n != 1 {
		t.Errorf("%d state refusals recorded, want 1 (the same address within the window)", n)
	}
	if n := e.oidcAudit(t, audit.SignInOIDC, `{}`); n != 1 {
		t.Errorf("%d sign-ins recorded, want 1", n)
	}
	// An answer with no sign-in started at all.
	fresh := e.client(t)
	requireRefused(t, fresh, "an answer nobody awaits", fresh.get("/accedi/oidc/ritorno?code=x&state=y"), http.StatusBadRequest, oidcStateMsg)
}

// TestOIDC_SignOut: signing out of a session opened with the provider ends
// it here and goes on to the provider's end_session_endpoint with the ID
// token as hint and the sign-in page as the way back, which the provider
// accepts; a session opened by password just ends.
func TestOIDC_SignOut(t *testing.T) {
	t.Parallel()
	e := newOIDCEnv(t, false)
	c := e.client(t)
	if r, _ := e.oidcSignIn(t, c, "direttore", "/"); r.Status != http.StatusSeeOther {
		t.Fatalf("sign-in: status %d", r.Status)
	}
	r := c.post("/esci", url.Values{})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), e.op.issuer+"/end_session?") {
		t.Fatalf("POST /esci: status %d, Location %q, want 303 to the provider's end_session", r.Status, r.Location())
	}
	end, _ := url.Parse(r.Location())
	if q := end.Query(); q.Get("id_token_hint") == "" || q.Get("post_logout_redirect_uri") != e.srv.URL+"/accedi" || q.Get("client_id") != opClientID {
		t.Errorf("end_session query %v: want id_token_hint, post_logout_redirect_uri %s/accedi, client_id", q, e.srv.URL)
	}
	c.requireSignedOut("after signing out")
	status, loc, body := oidcHop(t, c, http.MethodGet, r.Location(), nil)
	if status != http.StatusFound || loc != e.srv.URL+"/accedi" {
		t.Errorf("the provider's end_session: status %d, Location %q, want 302 to %s/accedi; body:\n%.600s", status, loc, e.srv.URL, body)
	}
	if e.op.endedSessions() != 1 {
		t.Errorf("the provider ended %d sessions, want 1", e.op.endedSessions())
	}
	if n := e.oidcAudit(t, audit.SignOut, `{}`); n != 1 {
		t.Errorf("%d sign-outs recorded, want 1", n)
	}

	// By password: no provider involved.
	p := e.signedIn(t, "nucleo")
	if r := p.post("/esci", url.Values{}); r.Status != http.StatusSeeOther || r.Location() != "/accedi" {
		t.Errorf("signing out of a password session: status %d, Location %q, want 303 to /accedi", r.Status, r.Location())
	}
}

// TestOIDC_PasswordsOff: with local passwords switched off the sign-in page
// offers only the provider's button, a password posted is refused without
// being looked at, and the provider still signs in.
func TestOIDC_PasswordsOff(t *testing.T) {
	t.Parallel()
	e := newOIDCEnv(t, true)
	c := e.client(t)
	r := c.get("/accedi")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "Accedi con Provider di prova") {
		t.Fatalf("GET /accedi: status %d, want 200 with the provider's button; body:\n%.800s", r.Status, r.Body)
	}
	for _, absent := range []string{`name="password"`, `data-testid="sign-in-password-form"`, `action="/accedi"`} {
		if strings.Contains(r.Body, absent) {
			t.Errorf("GET /accedi with passwords off shows %s", absent)
		}
	}
	before := secCount(t, e.pool, `SELECT count(*) FROM login_failures`)
	r = c.post("/accedi", url.Values{"email": {e.emails["direttore"]}, "password": {demo.DefaultPassword}, "next": {"/"}})
	if r.Status != http.StatusForbidden || !strings.Contains(r.Body, "L&#39;accesso con email e password è disattivato") {
		t.Errorf("POST /accedi with the right password: status %d, want 403 with the reason; body:\n%.800s", r.Status, r.Body)
	}
	c.requireSignedOut("after a password posted with passwords off")
	if n := secCount(t, e.pool, `SELECT count(*) FROM login_failures`); n != before {
		t.Errorf("the password was checked: %d attempts recorded, %d before", n, before)
	}
	if r, _ := e.oidcSignIn(t, c, "direttore", "/"); r.Status != http.StatusSeeOther {
		t.Fatalf("the provider's sign-in with passwords off: status %d", r.Status)
	}
	c.requireSignedIn("signed in by the provider with passwords off")
}

// TestOIDC_ProviderDown: a provider that does not answer leaves the sign-in
// page up and answers its button with an Italian page, 503, never a 500.
func TestOIDC_ProviderDown(t *testing.T) {
	t.Parallel()
	// A loopback address where nothing listens any more.
	gone := newTestOP(t, map[string]*opUser{})
	gone.srv.Close()
	e := newSecEnvAt(t, func(base string) server.Config {
		return server.Config{OIDC: &server.OIDCConfig{Issuer: gone.issuer, ClientID: opClientID, ClientSecret: opClientSecret,
			RedirectURL: base + "/accedi/oidc/ritorno", ProviderName: "Provider di prova"}}
	}, pgtest.NewDB(t))
	c := e.client(t)
	if r := c.get("/accedi"); r.Status != http.StatusOK || !strings.Contains(r.Body, "Accedi con Provider di prova") {
		t.Fatalf("GET /accedi with the provider down: status %d", r.Status)
	}
	r := c.post("/accedi/oidc", url.Values{"next": {"/"}})
	if r.Status != http.StatusServiceUnavailable || !strings.Contains(r.Body, "Il servizio di accesso (Provider di prova) non risponde") {
		t.Errorf("POST /accedi/oidc with the provider down: status %d, want 503 with the Italian page; body:\n%.800s", r.Status, r.Body)
	}
	// Passwords still sign in.
	c.signIn(e.emails["direttore"], demo.DefaultPassword)
}

// TestOIDC_BrowserSignIn signs in through the provider's page in a real
// Chromium: the sign-in page's button, the provider's login form, back on
// the home page as the director; "Esci" ends the session, goes through the
// provider's sign-out and back to the sign-in page. A refused sign-in (an
// e-mail no account has) shows its reason on the sign-in page. The sign-in
// page with the button, and with the refusal, are checked with axe-core.
func TestOIDC_BrowserSignIn(t *testing.T) {
	t.Parallel()
	e := newOIDCEnv(t, false)
	base := e.srv.URL
	ctx := browsertest.New(t)
	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		if err := chromedp.Do(tctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	location := func() string {
		t.Helper()
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		return loc
	}
	provider := `[data-testid="sign-in-provider"]`
	signInThrough := func(name string) {
		t.Helper()
		run("the provider's button",
			chromedp.Navigate(base+"/accedi"),
			chromedp.WaitVisible(chromedp.CSS(provider)),
			chromedp.Click(chromedp.CSS(provider)),
			chromedp.WaitVisible(chromedp.CSS(`#username`)),
		)
		if loc := location(); !strings.HasPrefix(loc, e.op.issuer+"/login?") {
			t.Fatalf("after the button the browser is on %s, want the provider's login page", loc)
		}
		run("the provider's login as "+name,
			chromedp.SendKeys(chromedp.CSS(`#username`), name),
			chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
		)
	}

	run("the sign-in page", chromedp.Navigate(base+"/accedi"), chromedp.WaitVisible(chromedp.CSS(provider)))
	browsertest.AssertAccessible(t, ctx) // the button and the password form

	signInThrough("sconosciuto")
	run("the refusal", chromedp.WaitVisible(chromedp.CSS(`[data-testid="sign-in-error"]`)))
	msg, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-testid="sign-in-error"]`), chromedp.NodeVisible))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(msg, "Il suo account non è abilitato: chieda all'amministratore") {
		t.Errorf("the refusal reads %q", msg)
	}
	browsertest.AssertAccessible(t, ctx) // the refusal

	signInThrough("direttore")
	run("the home page", chromedp.WaitVisible(chromedp.CSS(`[data-testid="cycle-card"]`)))
	if loc := location(); loc != base+"/" {
		t.Errorf("after signing in the browser is on %s, want %s/", loc, base)
	}
	user, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-testid="current-user"]`), chromedp.NodeVisible))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(user, e.emails["direttore"]) {
		t.Errorf("the header shows %q, want %s", user, e.emails["direttore"])
	}

	run("signing out",
		chromedp.Click(chromedp.CSS(`[data-testid="sign-out"]`)),
		chromedp.WaitVisible(chromedp.CSS(provider)),
	)
	if loc := location(); loc != base+"/accedi" {
		t.Errorf("after signing out the browser is on %s, want %s/accedi (back from the provider)", loc, base)
	}
	if e.op.endedSessions() != 1 {
		t.Errorf("the provider ended %d sessions, want 1", e.op.endedSessions())
	}
	run("the home page after signing out", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(provider)))
}
