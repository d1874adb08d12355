package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"

	"traguardo/internal/auth"
	"traguardo/internal/demo"
	"traguardo/internal/server"
	"traguardo/internal/store"
)

// TestSession_TokenRenewedAtSignIn: a token held before sign-in (planted by
// someone else, or the session of a previous account) is not the one after,
// and the old one no longer opens anything.
func TestSession_TokenRenewedAtSignIn(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})

	t.Run("planted token", func(t *testing.T) {
		c := e.client(t)
		c.setSession("token-scelto-da-un-attaccante")
		r := c.signIn(e.emails["osservatore"], demo.DefaultPassword)
		if got := r.cookie().Value; got == "token-scelto-da-un-attaccante" {
			t.Fatalf("sign-in kept the planted token")
		}
		c.requireSignedIn("after sign-in")
	})

	t.Run("token of an earlier session", func(t *testing.T) {
		c := e.client(t)
		c.signIn(e.emails["osservatore"], demo.DefaultPassword)
		before := c.session()
		if before == "" {
			t.Fatal("no session cookie after the first sign-in")
		}
		// Someone who knows this token (it was planted, or seen) must not
		// ride the next account's sign-in.
		c.signIn(e.emails["direttore"], demo.DefaultPassword)
		after := c.session()
		if after == before {
			t.Fatalf("the token did not change at sign-in: %q", after)
		}
		if n := secCount(t, e.pool, `SELECT count(*) FROM sessions WHERE token = $1`, before); n != 0 {
			t.Errorf("the old token is still in the session store")
		}
		old := e.client(t)
		old.setSession(before)
		old.requireSignedOut("the token from before sign-in")
		c.requireSignedIn("the new token")
		if r := c.get("/"); !strings.Contains(r.Body, e.emails["direttore"]) {
			t.Errorf("the new session is not the direttore's")
		}
	})
}

// TestSession_SignOut: POST /esci ends the session in the store, not only in
// the browser: the old cookie no longer works.
func TestSession_SignOut(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	c := e.signedIn(t, "nucleo")
	token := c.session()
	c.requireSignedIn("before sign-out")
	r := c.post("/esci", nil)
	if r.Status != http.StatusSeeOther || r.Location() != "/accedi" {
		t.Fatalf("POST /esci: status %d, Location %q, want 303 to /accedi", r.Status, r.Location())
	}
	if k := r.cookie(); k == nil || k.MaxAge >= 0 || k.Value != "" {
		t.Errorf("POST /esci does not delete the cookie: %v", k)
	}
	if n := secCount(t, e.pool, `SELECT count(*) FROM sessions WHERE token = $1`, token); n != 0 {
		t.Errorf("the session is still in the store after sign-out")
	}
	// The cookie as it was before sign-out, replayed.
	old := e.client(t)
	old.setSession(token)
	old.requireSignedOut("the cookie of a signed-out session")
}

// TestSession_EndsWithAccount: deactivating an account or resetting its
// password ends its open sessions at the next request.
func TestSession_EndsWithAccount(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	ctx := context.Background()
	admin := store.Actor{Name: "test"}
	uid := func(email string) int64 {
		u, _, err := e.st.UserForSignIn(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		return u.ID
	}

	c := e.signedIn(t, "osservatore")
	c.requireSignedIn("before deactivation")
	if err := e.st.SetActive(ctx, admin, uid(e.emails["osservatore"]), 1, false); err != nil {
		t.Fatal(err)
	}
	c.requireSignedOut("after deactivation")

	c = e.signedIn(t, "direttore")
	c.requireSignedIn("before the reset")
	hash, err := auth.HashPassword("una-nuova-password-provvisoria")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.st.SetPassword(ctx, admin, uid(e.emails["direttore"]), hash, true, true); err != nil {
		t.Fatal(err)
	}
	c.requireSignedOut("after a password reset")
}

// TestSession_IdleTimeout: a session unused for longer than IdleTimeout is
// gone; one used within it lives on, past IdleTimeout after sign-in. The
// idle timeout is the server's rule, read on the server's clock: the test
// moves that clock on instead of waiting, so how slow the machine is does
// not matter.
func TestSession_IdleTimeout(t *testing.T) {
	t.Parallel()
	const idle = time.Hour
	clock := &aheadClock{}
	e := newSecEnv(t, server.Config{IdleTimeout: idle, Clock: clock.now})
	c := e.signedIn(t, "osservatore")
	// Used every 50 minutes: alive 100 minutes after sign-in.
	for i := range 2 {
		clock.advance(50 * time.Minute)
		c.requireSignedIn(fmt.Sprintf("%d minutes after sign-in, used every 50", 50*(i+1)))
	}
	// 61 minutes unused: gone (a session ends at most IdleTimeout after
	// its last use).
	clock.advance(61 * time.Minute)
	c.requireSignedOut("61 minutes unused")
	// Signed in again, unused for 59 minutes: alive (it ends no sooner than
	// IdleTimeout less touchEvery, a minute, after its last use).
	c = e.signedIn(t, "osservatore")
	clock.advance(59*time.Minute - time.Second)
	c.requireSignedIn("59 minutes unused")
}

// aheadClock is the machine's clock moved on by what a test adds: a
// server's Clock whose time a test advances instead of sleeping.
type aheadClock struct{ ahead atomic.Int64 }

func (c *aheadClock) now() time.Time { return time.Now().Add(time.Duration(c.ahead.Load())) }

func (c *aheadClock) advance(d time.Duration) { c.ahead.Add(int64(d)) }

// untilSure plays round until it returns true (it could tell), at most five
// times: a machine too busy for five rounds in a row fails the test.
func untilSure(t *testing.T, round func() bool) {
	t.Helper()
	for range 5 {
		if round() {
			return
		}
	}
	t.Fatal("five rounds, none of which could tell: the machine is too slow for this test")
}

// TestSession_Lifetime: a session ends Lifetime after sign-in even while it
// is being used every 0.5 s. The sign-in handler fixes the deadline between
// start (the sign-in sent) and signedIn (its answer): a request answered
// before start+Lifetime must find the session, one sent after
// signedIn+Lifetime must not. A round with too few requests sure of either
// is played again.
func TestSession_Lifetime(t *testing.T) {
	t.Parallel()
	const lifetime = 5 * time.Second
	e := newSecEnv(t, server.Config{Lifetime: lifetime})
	untilSure(t, func() bool {
		c := e.client(t)
		start := time.Now()
		c.signIn(e.emails["osservatore"], demo.DefaultPassword)
		signedIn := time.Now()
		var alive, gone int
		wasGone := false
		for time.Since(signedIn) < lifetime+2*time.Second {
			time.Sleep(500 * time.Millisecond)
			sent := time.Now()
			r := c.get("/")
			answered := time.Now()
			ok := r.Status == http.StatusOK
			if !ok && (r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/accedi")) {
				t.Fatalf("GET /: status %d, Location %q", r.Status, r.Location())
			}
			switch {
			case ok && wasGone:
				t.Fatalf("the session came back %v after sign-in", sent.Sub(signedIn))
			case !ok && answered.Before(start.Add(lifetime)):
				t.Fatalf("the session, used every 0.5 s, was gone %v after sign-in, before its lifetime %v", answered.Sub(start), lifetime)
			case ok && sent.After(signedIn.Add(lifetime)):
				t.Fatalf("the session still works %v after sign-in, past its lifetime %v", sent.Sub(signedIn), lifetime)
			case ok && answered.Before(start.Add(lifetime)):
				alive++
			case !ok && sent.After(signedIn.Add(lifetime)):
				gone++
			}
			wasGone = wasGone || !ok
		}
		if alive < 2 || gone < 1 {
			t.Logf("%d requests surely within the lifetime and %d surely after it: too few to tell; again", alive, gone)
			return false
		}
		return true
	})
}

// TestSessionCookie_Attributes: the session cookie is HttpOnly, SameSite=Lax,
// valid for the whole site, and Secure only when configured.
func TestSessionCookie_Attributes(t *testing.T) {
	t.Parallel()
	for _, secure := range []bool{false, true} {
		t.Run("SecureCookies="+strconv.FormatBool(secure), func(t *testing.T) {
			t.Parallel()
			e := newSecEnv(t, server.Config{SecureCookies: secure})
			r := e.client(t).post("/accedi", url.Values{"email": {e.emails["admin"]}, "password": {demo.DefaultPassword}})
			if r.Status != http.StatusSeeOther {
				t.Fatalf("sign-in: status %d", r.Status)
			}
			k := r.cookie()
			if k == nil {
				t.Fatalf("no session cookie in %q", r.Header.Values("Set-Cookie"))
			}
			if !k.HttpOnly {
				t.Errorf("cookie not HttpOnly: %s", k)
			}
			if k.SameSite != http.SameSiteLaxMode {
				t.Errorf("cookie SameSite = %v, want Lax: %s", k.SameSite, k)
			}
			if k.Secure != secure {
				t.Errorf("cookie Secure = %v, want %v: %s", k.Secure, secure, k)
			}
			if k.Path != "/" {
				t.Errorf("cookie Path = %q, want /", k.Path)
			}
			if k.Domain != "" {
				t.Errorf("cookie Domain = %q, want none (this host only)", k.Domain)
			}
			if !k.Expires.IsZero() || k.MaxAge != 0 {
				t.Errorf("cookie persists (Expires %v, Max-Age %d): it must end with the browser", k.Expires, k.MaxAge)
			}
			if len(k.Value) < 32 {
				t.Errorf("session token %q is short", k.Value)
			}
		})
	}
}

// postSignIn posts the sign-in form from the client's address (hdr may set
// X-Forwarded-For).
func postSignIn(c *secClient, email, password string, hdr http.Header) *secResponse {
	c.t.Helper()
	return c.do(http.MethodPost, "/accedi", url.Values{"email": {email}, "password": {password}, "next": {"/"}}, hdr)
}

// requireFailed checks the answer to a wrong password.
func requireFailed(t testing.TB, what string, r *secResponse) {
	t.Helper()
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, secFailedMsg) {
		t.Fatalf("%s: status %d, want 422 with %q; body:\n%.800s", what, r.Status, secFailedMsg, r.Body)
	}
	if r.cookie() != nil {
		t.Errorf("%s: a failed sign-in set a session cookie", what)
	}
}

// requireThrottled checks the answer to a throttled sign-in.
func requireThrottled(t testing.TB, what string, r *secResponse) {
	t.Helper()
	if r.Status != http.StatusTooManyRequests || !strings.Contains(r.Body, secThrottledMsg) {
		t.Fatalf("%s: status %d, want 429 with %q; body:\n%.800s", what, r.Status, secThrottledMsg, r.Body)
	}
	if r.cookie() != nil {
		t.Errorf("%s: a throttled sign-in set a session cookie", what)
	}
}

// TestSignInThrottle_PerEmail: after 5 wrong passwords for one account, the
// 6th attempt is refused with 429 even with the right password; other
// accounts from the same address still sign in.
func TestSignInThrottle_PerEmail(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	c := e.client(t)
	email := e.emails["direttore"]
	for i := range 5 {
		requireFailed(t, "wrong password "+strconv.Itoa(i+1), postSignIn(c, email, "password-sbagliata", nil))
	}
	r := postSignIn(c, email, demo.DefaultPassword, nil)
	requireThrottled(t, "6th attempt with the right password", r)
	if !strings.Contains(r.Body, `value="`+email+`"`) {
		t.Errorf("the throttled form does not keep the email typed")
	}
	// The same email in other case and with spaces is the same account.
	requireThrottled(t, "the email in upper case", postSignIn(c, " "+strings.ToUpper(email)+" ", demo.DefaultPassword, nil))
	if n := secCount(t, e.pool, `SELECT count(*) FROM sessions`); n != 0 {
		t.Errorf("%d sessions in the store after refused sign-ins", n)
	}
	// The limit is per account: another one signs in from the same address.
	e.client(t).signIn(e.emails["nucleo"], demo.DefaultPassword)
}

// TestSignInThrottle_UnknownEmail: an unknown email gets exactly the answer of
// a wrong password, and is throttled the same way: nothing tells whether an
// account exists.
func TestSignInThrottle_UnknownEmail(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	const unknown = "nessuno@traguardo.test"
	known := e.emails["osservatore"]
	c := e.client(t)
	for i := range 5 {
		ru := postSignIn(c, unknown, "password-sbagliata", nil)
		rk := postSignIn(c, known, "password-sbagliata", nil)
		requireFailed(t, "unknown email", ru)
		requireFailed(t, "known email, wrong password", rk)
		// The pages differ only by the email typed, which is kept.
		if bu, bk := strings.ReplaceAll(ru.Body, unknown, "EMAIL"), strings.ReplaceAll(rk.Body, known, "EMAIL"); bu != bk {
			t.Fatalf("attempt %d: the page for an unknown email differs from the one for a wrong password:\n%s\n---\n%s", i+1, bu, bk)
		}
	}
	ru := postSignIn(c, unknown, "password-sbagliata", nil)
	rk := postSignIn(c, known, demo.DefaultPassword, nil)
	requireThrottled(t, "unknown email, 6th attempt", ru)
	requireThrottled(t, "known email, 6th attempt", rk)
	if bu, bk := strings.ReplaceAll(ru.Body, unknown, "EMAIL"), strings.ReplaceAll(rk.Body, known, "EMAIL"); bu != bk {
		t.Errorf("the throttled page for an unknown email differs from the one for a known email")
	}
}

// TestSignInThrottle_PerAddress: 20 failures from one address, each for a
// different email, block every sign-in from that address.
func TestSignInThrottle_PerAddress(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	c := e.client(t)
	for i := range 20 {
		requireFailed(t, "failure "+strconv.Itoa(i+1), postSignIn(c, "utente"+strconv.Itoa(i)+"@traguardo.test", "password-sbagliata", nil))
	}
	requireThrottled(t, "21st attempt, right password of an untouched account", postSignIn(c, e.emails["admin"], demo.DefaultPassword, nil))
}

// TestSignInThrottle_TrustProxy: behind a proxy the address is the last
// X-Forwarded-For hop (the one the proxy added; earlier hops are the
// client's to forge); without TrustProxy the header is ignored.
func TestSignInThrottle_TrustProxy(t *testing.T) {
	t.Parallel()
	xff := func(v string) http.Header { return http.Header{"X-Forwarded-For": {v}} }

	t.Run("trusted", func(t *testing.T) {
		t.Parallel()
		e := newSecEnv(t, server.Config{TrustProxy: true})
		c := e.client(t)
		for i := range 20 {
			// The client forges a different first hop every time.
			h := xff("10.0.0." + strconv.Itoa(i) + ", 198.51.100.7")
			requireFailed(t, "failure "+strconv.Itoa(i+1), postSignIn(c, "utente"+strconv.Itoa(i)+"@traguardo.test", "x", h))
		}
		if n := secCount(t, e.pool, `SELECT count(*) FROM login_failures WHERE address = '198.51.100.7'`); n != 20 {
			t.Errorf("%d failures recorded for 198.51.100.7, want 20", n)
		}
		requireThrottled(t, "from the same last hop", postSignIn(c, e.emails["admin"], demo.DefaultPassword, xff("203.0.113.1, 198.51.100.7")))
		// Another client behind the proxy, and the proxy's own address, are
		// not blocked.
		if r := postSignIn(e.client(t), e.emails["admin"], demo.DefaultPassword, xff("198.51.100.7, 198.51.100.8")); r.Status != http.StatusSeeOther {
			t.Errorf("from another last hop: status %d, want 303", r.Status)
		}
	})

	t.Run("not trusted", func(t *testing.T) {
		t.Parallel()
		e := newSecEnv(t, server.Config{})
		c := e.client(t)
		for i := range 20 {
			// A client that varies the header to escape the limit.
			h := xff("10.0.1." + strconv.Itoa(i))
			requireFailed(t, "failure "+strconv.Itoa(i+1), postSignIn(c, "utente"+strconv.Itoa(i)+"@traguardo.test", "x", h))
		}
		if n := secCount(t, e.pool, `SELECT count(*) FROM login_failures WHERE address = '127.0.0.1'`); n != 20 {
			t.Errorf("%d failures recorded for 127.0.0.1, want 20", n)
		}
		requireThrottled(t, "with yet another header", postSignIn(c, e.emails["admin"], demo.DefaultPassword, xff("10.0.2.1")))
	})
}

// TestSession_MustChangePassword: an account with a one-time password is sent
// to /profilo/password from every page until it chooses a new one.
func TestSession_MustChangePassword(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	const email, oneTime, chosen = "provvisorio@traguardo.test", "provvisoria-123456", "scelta-dall-utente"
	hash, err := auth.HashPassword(oneTime)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.CreateUser(context.Background(), store.Actor{Name: "test"}, store.NewUser{
		Email: email, Name: "Provvisorio", Role: auth.Admin, PasswordHash: hash, MustChangePassword: true,
	}); err != nil {
		t.Fatal(err)
	}
	c := e.client(t)
	c.signIn(email, oneTime)

	// Every route of the router but the password form itself, sign-out and
	// the public files.
	for _, route := range secRoutes(t, e.handler) {
		method, _, _ := strings.Cut(route, " ")
		switch route {
		case "GET /profilo/password", "POST /profilo/password", "POST /esci", "GET /healthz", "GET /static/*", "HEAD /static/*",
			"GET /trasparenza/relazione/{year}/versioni/{n}/{file}", // a published Relazione's files, served without a session
			"GET /trasparenza/piano/{year}/versioni/{n}/piano.pdf":  // an adopted Piano's, likewise
			continue
		}
		var form url.Values
		if method == http.MethodPost {
			form = url.Values{}
		}
		path := e.path(t, route)
		if r := c.do(method, path, form, nil); r.Status != http.StatusSeeOther || r.Location() != "/profilo/password" {
			t.Errorf("%s %s: status %d, Location %q, want 303 to /profilo/password", method, path, r.Status, r.Location())
		}
	}
	if r := c.get("/static/css/app.css"); r.Status != http.StatusOK {
		t.Errorf("GET /static/css/app.css: status %d, want 200 (the form needs its style)", r.Status)
	}
	r := c.get("/profilo/password")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "La password ricevuta è provvisoria") {
		t.Fatalf("GET /profilo/password: status %d, want 200 with the notice; body:\n%.800s", r.Status, r.Body)
	}
	r = c.post("/profilo/password", url.Values{"current": {oneTime}, "new": {chosen}, "confirm": {chosen}})
	if r.Status != http.StatusSeeOther || r.Location() != "/" {
		t.Fatalf("changing the password: status %d, Location %q, want 303 to /; body:\n%.800s", r.Status, r.Location(), r.Body)
	}
	c.requireSignedIn("after choosing a password")
	if r := c.get("/admin/utenti"); r.Status != http.StatusOK {
		t.Errorf("GET /admin/utenti after choosing a password: status %d, want 200", r.Status)
	}
}

// TestPasswordChange: each mistake is shown next to its field with 422 and
// changes nothing; a good change replaces the password, and only the new one
// signs in.
func TestPasswordChange(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	email := e.emails["responsabile"]
	const chosen = "una-password-nuova-e-lunga"
	c := e.signedIn(t, "responsabile")

	cases := []struct {
		name                 string
		current, new, repeat string
		field, message       string
	}{
		{"wrong current password", "non-e-questa-password", chosen, chosen, "current", "La password attuale non è corretta."},
		{"too short", demo.DefaultPassword, "corta", "corta", "new", "La nuova password deve avere almeno 12 caratteri."},
		{"eleven characters", demo.DefaultPassword, "undici-cara", "undici-cara", "new", "La nuova password deve avere almeno 12 caratteri."},
		{"mismatch", demo.DefaultPassword, chosen, chosen + "x", "confirm", "Le due password non coincidono."},
		{"same as the current", demo.DefaultPassword, demo.DefaultPassword, demo.DefaultPassword, "new", "La nuova password deve essere diversa da quella attuale."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := secSnapshot(t, e.pool)
			r := c.post("/profilo/password", url.Values{"current": {tc.current}, "new": {tc.new}, "confirm": {tc.repeat}})
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422; body:\n%.800s", r.Status, r.Body)
			}
			// A checked current password moves the attempts and the log.
			secRequireUnchanged(t, tc.name, before, secSnapshot(t, e.pool), "sessions", "login_failures", "audit_log")
			doc := parseHTML(t, r.Body)
			errs := byTestID(doc, "error-"+tc.field)
			if len(errs) != 1 || textOf(errs[0]) != tc.message {
				t.Fatalf("error next to %s: %d elements %v, want %q", tc.field, len(errs), texts(errs), tc.message)
			}
			id, _ := attr(errs[0], "id")
			inputs := findAll(doc, func(n *html.Node) bool { v, _ := attr(n, "id"); return n.Data == "input" && v == tc.field })
			if len(inputs) != 1 {
				t.Fatalf("%d inputs #%s", len(inputs), tc.field)
			}
			if d, _ := attr(inputs[0], "aria-describedby"); d != id || id == "" {
				t.Errorf("input #%s aria-describedby=%q, want the error's id %q", tc.field, d, id)
			}
			if v, _ := attr(inputs[0], "aria-invalid"); v != "true" {
				t.Errorf("input #%s aria-invalid=%q, want true", tc.field, v)
			}
			// No password is sent back in the page.
			for _, p := range []string{tc.current, tc.new, tc.repeat} {
				if strings.Contains(r.Body, `value="`+p+`"`) {
					t.Errorf("the page sends back the password %q", p)
				}
			}
		})
	}

	r := c.post("/profilo/password", url.Values{"current": {demo.DefaultPassword}, "new": {chosen}, "confirm": {chosen}})
	if r.Status != http.StatusSeeOther || r.Location() != "/" {
		t.Fatalf("a good change: status %d, Location %q, want 303 to /; body:\n%.800s", r.Status, r.Location(), r.Body)
	}
	r = c.get("/")
	if r.Status == http.StatusSeeOther && r.Location() == "/mie-aree" { // a responsabile's home
		r = c.get(r.Location())
	}
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "Password aggiornata.") {
		t.Errorf("after the change: status %d, want 200 with the flash \"Password aggiornata.\"", r.Status)
	}
	if n := secCount(t, e.pool, `SELECT count(*) FROM audit_log WHERE action = 'change-password' AND actor = $1`, email); n != 1 {
		t.Errorf("%d change-password entries in the audit log, want 1", n)
	}
	requireFailed(t, "the old password", postSignIn(e.client(t), email, demo.DefaultPassword, nil))
	e.client(t).signIn(email, chosen)
}

// TestSignIn_ErrorsShowNoInternals sends malformed input to the forms and
// to the pages with parameters: text PostgreSQL cannot store (NUL, invalid
// UTF-8) is refused with 422 before any handler sees it, nothing answers
// 500, and no error page shows driver, SQL or Go details (secClient.do
// checks every response of status 400 or more). The server's log must have
// no error either (newTestLogger).
func TestSignIn_ErrorsShowNoInternals(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	const refused = "La richiesta contiene caratteri non ammessi."
	objective := "/cicli/2023/obiettivi/" + strconv.FormatInt(e.objectiveID, 10)
	cases := []struct {
		role, method, path string
		form               url.Values
		want               int
	}{
		{secAnonymous, "POST", "/accedi", url.Values{"email": {"nul\x00@traguardo.test"}, "password": {"x"}}, 422},
		{secAnonymous, "POST", "/accedi", url.Values{"email": {"\xff\xfe@traguardo.test"}, "password": {"x"}}, 422},
		{secAnonymous, "POST", "/accedi", url.Values{"email": {"a@traguardo.test"}, "password": {"x\x00"}}, 422},
		{secAnonymous, "POST", "/accedi", url.Values{"email": {strings.Repeat("a", 100_000) + "@traguardo.test"}, "password": {"x"}}, 422},
		{secAnonymous, "POST", "/accedi", url.Values{"email": {"' OR 1=1 --"}, "password": {"' OR 1=1 --"}}, 422},
		{secAnonymous, "GET", "/accedi?next=%00", nil, 422},
		{"admin", "POST", "/profilo/password", url.Values{"current": {"x\x00"}, "new": {"y\x00yyyyyyyyyyyyy"}, "confirm": {"y\x00yyyyyyyyyyyyy"}}, 422},
		{"admin", "POST", "/profilo/password", url.Values{"current": {"\xff"}, "new": {strings.Repeat("\xff", 12)}, "confirm": {strings.Repeat("\xff", 12)}}, 422},
		{"admin", "POST", "/admin/utenti", url.Values{"email": {"nuovo@traguardo.test"}, "name": {"Nome\x00"}, "role": {"osservatore"}}, 422},
		{"admin", "POST", "/admin/utenti", url.Values{"email": {"nuovo@traguardo.test"}, "name": {"Nome\xc3"}, "role": {"osservatore"}}, 422},
		{"admin", "POST", objective + "/modifica", url.Values{"section": {"S"}, "number": {"1"}, "title": {"Titolo\x00"}}, 422},
		{"nucleo", "GET", "/registro?actor=%00", nil, 422},
		{"nucleo", "GET", "/registro?entity=%FF", nil, 422},
		{"nucleo", "GET", "/registro?from=99/99/9999", nil, 422},
		{"admin", "GET", "/cicli/99999999999999999999", nil, 404},
		{"admin", "GET", "/cicli/%00", nil, 404},
		{"admin", "GET", "/cicli/2023/obiettivi/99999999999999999999", nil, 404},
		{"admin", "POST", "/admin/utenti/99999999999999999999/password", url.Values{}, 404},
		{"admin", "POST", "/admin/utenti/0/stato", url.Values{"active": {"false"}}, 404},
		{"admin", "POST", "/admin/utenti/-1/password", url.Values{}, 404},
	}
	clients := map[string]*secClient{}
	for _, tc := range cases {
		c := clients[tc.role]
		if c == nil {
			c = e.signedIn(t, tc.role)
			clients[tc.role] = c
		}
		before := secSnapshot(t, e.pool)
		r := c.do(tc.method, tc.path, tc.form, nil)
		if r.Status != tc.want {
			t.Errorf("%s %s %.60q as %s: status %d, want %d; body:\n%.600s", tc.method, tc.path, tc.form.Encode(), tc.role, r.Status, tc.want, r.Body)
			continue
		}
		if secUnstorable(tc.path, tc.form) && !strings.Contains(r.Body, refused) {
			t.Errorf("%s %s %.60q: %d without %q", tc.method, tc.path, tc.form.Encode(), r.Status, refused)
		}
		if tc.method == http.MethodPost {
			secRequireUnchanged(t, tc.method+" "+tc.path, before, secSnapshot(t, e.pool), "sessions", "login_failures", "audit_log")
		}
	}
	if r := clients[secAnonymous].do(http.MethodPost, "/accedi", nil, http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("sign-in with no body: status %d, want 422", r.Status)
	}
	if r := clients[secAnonymous].do(http.MethodPost, "/accedi", url.Values{"email": {"%zz"}}, http.Header{"Content-Type": {"multipart/form-data; boundary=x"}}); r.Status != http.StatusUnsupportedMediaType {
		t.Errorf("sign-in with a multipart body: status %d, want 415", r.Status)
	}
}

// secUnstorable says whether a request's query string or form holds text PostgreSQL
// cannot store: a NUL byte or invalid UTF-8.
func secUnstorable(path string, form url.Values) bool {
	if _, query, ok := strings.Cut(path, "?"); ok && (strings.Contains(query, "%00") || strings.Contains(strings.ToUpper(query), "%FF")) {
		return true
	}
	for _, vs := range form {
		for _, v := range vs {
			if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
				return true
			}
		}
	}
	return false
}

// TestSession_NotWrittenAtEveryRequest: pages read within a short while of
// each other leave the session's row in the store as it was (its last use
// is written at most every touchEvery, a thirtieth of the idle timeout, at
// most a minute), so a page costs no write; requests further apart than
// that write it again (TestSession_IdleTimeout: the session lives on while
// used, and ends once idle). The server's clock is moved on, not waited for.
func TestSession_NotWrittenAtEveryRequest(t *testing.T) {
	t.Parallel()
	const idle = 30 * time.Minute // touchEvery: a minute
	for _, apart := range []time.Duration{0, 2 * time.Minute} {
		clock := &aheadClock{}
		e := newSecEnv(t, server.Config{IdleTimeout: idle, Clock: clock.now})
		c := e.signedIn(t, "osservatore")
		token := c.session()
		row := func() string {
			t.Helper()
			var data []byte
			var expiry time.Time
			if err := e.pool.QueryRow(context.Background(), `SELECT data, expiry FROM sessions WHERE token = $1`, token).Scan(&data, &expiry); err != nil {
				t.Fatal(err)
			}
			return string(data) + expiry.String()
		}
		before := row()
		for range 3 {
			clock.advance(apart)
			c.requireSignedIn(fmt.Sprintf("used every %s", apart))
		}
		if written := row() != before; written != (apart > time.Minute) {
			t.Errorf("requests %s apart: the session's row written again: %v", apart, written)
		}
	}
}
