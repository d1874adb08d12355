package server_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

	"traguardo/internal/auth"
	"traguardo/internal/demo"
	"traguardo/internal/server"
)

// The refusals of the password forms, as people read them.
const (
	signInBusyMsg            = "Troppe richieste di accesso in corso: riprovare tra qualche secondo."
	passwordThrottledMessage = "Troppi tentativi con una password attuale errata. Riprovare tra 15 minuti."
)

// signInAttempt is one sign-in of a parallel batch.
type signInAttempt struct {
	email, password string
	hdr             http.Header // X-Forwarded-For, when the test trusts a proxy
}

// signInAnswer is what the server answered to one attempt.
type signInAnswer struct {
	status  int
	body    string
	session bool // a session cookie was set
	err     error
}

// postSignInsAtOnce sends every attempt from its own goroutine, all released
// together, and returns the answers in the order of attempts. Transport
// errors fail t.
func postSignInsAtOnce(t *testing.T, e *secEnv, attempts []signInAttempt) []signInAnswer {
	t.Helper()
	client := &http.Client{
		Timeout:       time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	answers := make([]signInAnswer, len(attempts))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, a := range attempts {
		wg.Go(func() {
			form := url.Values{"email": {a.email}, "password": {a.password}, "next": {"/"}}
			req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/accedi", strings.NewReader(form.Encode()))
			if err != nil {
				answers[i].err = err
				return
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, vs := range a.hdr {
				req.Header[k] = vs
			}
			<-start
			resp, err := client.Do(req)
			if err != nil {
				answers[i].err = err
				return
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			answers[i] = signInAnswer{status: resp.StatusCode, body: string(b), err: err}
			for _, c := range resp.Cookies() {
				if c.Name == secCookieName && c.Value != "" {
					answers[i].session = true
				}
			}
		})
	}
	close(start)
	wg.Wait()
	for i, a := range answers {
		if a.err != nil {
			t.Fatalf("attempt %d: %v", i, a.err)
		}
		if a.status >= 400 {
			secCheckNoLeak(t, "POST /accedi", a.body)
		}
	}
	return answers
}

// tally counts the answers: wrong password (422), refused (429, throttled or
// busy) and signed in (303 with a session). Anything else fails t.
func tally(t *testing.T, answers []signInAnswer) (failed, refused, signedIn int) {
	t.Helper()
	for i, a := range answers {
		switch {
		case a.status == http.StatusUnprocessableEntity && strings.Contains(a.body, secFailedMsg):
			failed++
		case a.status == http.StatusTooManyRequests && (strings.Contains(a.body, secThrottledMsg) || strings.Contains(a.body, signInBusyMsg)):
			refused++
		case a.status == http.StatusSeeOther && a.session:
			signedIn++
		default:
			t.Errorf("attempt %d: status %d, session %v; body:\n%.600s", i, a.status, a.session, a.body)
		}
		if a.status != http.StatusSeeOther && a.session {
			t.Errorf("attempt %d: status %d set a session cookie", i, a.status)
		}
	}
	return failed, refused, signedIn
}

// TestSignInThrottle_ParallelWrongPasswords replays the attack of 40 wrong
// passwords for one account sent at once: at most 5 are checked and
// recorded, the others get 429.
func TestSignInThrottle_ParallelWrongPasswords(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	email := e.emails["direttore"]
	attempts := make([]signInAttempt, 40)
	for i := range attempts {
		attempts[i] = signInAttempt{email: email, password: "sbagliata-" + strconv.Itoa(i)}
	}
	failed, refused, signedIn := tally(t, postSignInsAtOnce(t, e, attempts))
	t.Logf("%d checked and wrong, %d refused, %d signed in", failed, refused, signedIn)
	if failed < 1 || failed > 5 || refused != 40-failed || signedIn != 0 {
		t.Errorf("%d wrong, %d refused, %d signed in; want at most 5 checked, the rest 429", failed, refused, signedIn)
	}
	if n := secCount(t, e.pool, `SELECT count(*) FROM login_failures WHERE email = $1`, email); n != failed {
		t.Errorf("%d failures recorded, want %d (one per password checked)", n, failed)
	}
	if n := secCount(t, e.pool, `SELECT count(*) FROM sessions`); n != 0 {
		t.Errorf("%d sessions after wrong passwords", n)
	}
}

// TestSignInThrottle_RightPasswordAmongWrong replays the attack that beat
// the limit: after 4 failures, the right password hidden among 39 wrong ones
// sent at once. Only one attempt of the 40 may reach the password check
// (the 5th of the limit): the right password signs in only if it is that
// one, which no attacker can arrange, and then every wrong one was refused.
func TestSignInThrottle_RightPasswordAmongWrong(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	email := e.emails["responsabile"]
	c := e.client(t)
	for i := range 4 {
		requireFailed(t, "earlier failure "+strconv.Itoa(i+1), postSignIn(c, email, "sbagliata-prima", nil))
	}
	attempts := make([]signInAttempt, 40)
	for i := range attempts {
		attempts[i] = signInAttempt{email: email, password: "sbagliata-" + strconv.Itoa(i)}
	}
	right := 23
	attempts[right].password = demo.DefaultPassword
	answers := postSignInsAtOnce(t, e, attempts)
	failed, refused, signedIn := tally(t, answers)
	t.Logf("%d checked and wrong, %d refused, %d signed in", failed, refused, signedIn)
	if failed+signedIn > 1 || refused < 39 {
		t.Fatalf("%d wrong, %d refused, %d signed in; want at most one attempt checked, the rest 429", failed, refused, signedIn)
	}
	sessions := secCount(t, e.pool, `SELECT count(*) FROM sessions`)
	if signedIn == 1 {
		// The right password was the one attempt left: nothing else was tried.
		if answers[right].status != http.StatusSeeOther || sessions != 1 {
			t.Errorf("signed in by attempt %v with %d sessions", answers[right].status, sessions)
		}
		return
	}
	if answers[right].status != http.StatusTooManyRequests || sessions != 0 {
		t.Errorf("the right password: status %d, %d sessions; want 429 and none", answers[right].status, sessions)
	}
	if n := secCount(t, e.pool, `SELECT count(*) FROM login_failures WHERE email = $1`, email); n != 4+failed {
		t.Errorf("%d failures recorded, want %d", n, 4+failed)
	}
}

// TestSignInThrottle_StrangerElsewhere: a stranger who fails from another
// address is throttled without locking the owner out; only the higher
// ceiling per account (50 failures from anywhere) stops the owner too.
func TestSignInThrottle_StrangerElsewhere(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{TrustProxy: true})
	xff := func(v string) http.Header { return http.Header{"X-Forwarded-For": {v}} }
	email := e.emails["responsabile"]
	stranger := e.client(t)
	for i := range 5 {
		requireFailed(t, "stranger "+strconv.Itoa(i+1), postSignIn(stranger, email, "indovinata", xff("203.0.113.9")))
	}
	requireThrottled(t, "stranger, 6th attempt", postSignIn(stranger, email, "indovinata", xff("203.0.113.9")))

	owner := e.client(t)
	if r := postSignIn(owner, email, demo.DefaultPassword, xff("198.51.100.20")); r.Status != http.StatusSeeOther || r.cookie() == nil {
		t.Fatalf("the owner from another address: status %d, want 303 with a session; body:\n%.600s", r.Status, r.Body)
	}
	// The owner's sign-in takes back only the owner's own failures.
	if n := secCount(t, e.pool, `SELECT count(*) FROM login_failures WHERE email = $1 AND address = '203.0.113.9'`, email); n != 5 {
		t.Errorf("%d failures of the stranger after the owner's sign-in, want 5", n)
	}
	requireThrottled(t, "stranger after the owner's sign-in", postSignIn(stranger, email, demo.DefaultPassword, xff("203.0.113.9")))

	// Strangers at many addresses: 45 more failures, 5 from each of 9.
	if _, err := e.pool.Exec(context.Background(), `
		INSERT INTO login_failures (email, address)
		SELECT $1, '192.0.2.' || (n / 5) FROM generate_series(0, 44) n`, email); err != nil {
		t.Fatal(err)
	}
	requireThrottled(t, "the owner after 50 failures from anywhere", postSignIn(e.client(t), email, demo.DefaultPassword, xff("198.51.100.21")))
}

// TestSignInThrottle_ProxyHeaderLines: behind a trusted proxy that adds its
// own X-Forwarded-For line, the client's own line does not name the
// address counted.
func TestSignInThrottle_ProxyHeaderLines(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{TrustProxy: true})
	c := e.client(t)
	for i := range 20 {
		h := http.Header{"X-Forwarded-For": {"10.9.0." + strconv.Itoa(i), "198.51.100.7"}}
		requireFailed(t, "failure "+strconv.Itoa(i+1), postSignIn(c, "utente"+strconv.Itoa(i)+"@traguardo.test", "x", h))
	}
	requireThrottled(t, "21st from the same proxy hop", postSignIn(c, e.emails["admin"], demo.DefaultPassword,
		http.Header{"X-Forwarded-For": {"10.9.1.1", "198.51.100.7"}}))
	// IPv6 clients count by their /64.
	for i := range 5 {
		h := http.Header{"X-Forwarded-For": {"2001:db8:1:2::" + strconv.Itoa(i+1)}}
		requireFailed(t, "IPv6 failure "+strconv.Itoa(i+1), postSignIn(c, e.emails["nucleo"], "x", h))
	}
	requireThrottled(t, "another address of the same /64", postSignIn(c, e.emails["nucleo"], demo.DefaultPassword,
		http.Header{"X-Forwarded-For": {"2001:db8:1:2:ffff::9"}}))
}

// TestPasswordChecks_Bounded: however many sign-ins arrive at once, no more
// argon2id checks run together than the server allows (each holds 64 MiB);
// those that cannot start in time get 429 and are not counted as failures.
func TestPasswordChecks_Bounded(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		slots int
		wait  time.Duration
	}{{1, time.Minute}, {2, time.Minute}, {1, 20 * time.Millisecond}} {
		t.Run(strconv.Itoa(tc.slots)+"/"+tc.wait.String(), func(t *testing.T) {
			t.Parallel()
			ps := auth.NewPasswords(tc.slots, tc.wait)
			e := newSecEnv(t, server.Config{TrustProxy: true, Passwords: ps})
			// Different accounts from different addresses: no limit applies.
			attempts := make([]signInAttempt, 12)
			for i := range attempts {
				attempts[i] = signInAttempt{
					email: "utente" + strconv.Itoa(i) + "@traguardo.test", password: "sbagliata",
					hdr: http.Header{"X-Forwarded-For": {"192.0.2." + strconv.Itoa(i+1)}},
				}
			}
			attempts[0] = signInAttempt{email: e.emails["admin"], password: demo.DefaultPassword, hdr: attempts[0].hdr}
			answers := postSignInsAtOnce(t, e, attempts)
			failed, refused, signedIn := tally(t, answers)
			t.Logf("%d wrong, %d refused, %d signed in; peak %d checks at once", failed, refused, signedIn, ps.Peak())
			if p := ps.Peak(); p < 1 || p > tc.slots {
				t.Errorf("peak of %d checks at once, want at most %d", p, tc.slots)
			}
			for i, a := range answers {
				if a.status == http.StatusTooManyRequests && !strings.Contains(a.body, signInBusyMsg) {
					t.Errorf("attempt %d refused without the busy message", i)
				}
			}
			if tc.wait == time.Minute && (refused != 0 || signedIn != 1) {
				t.Errorf("%d refused, %d signed in; want every check to wait its turn", refused, signedIn)
			}
			// A refusal for want of a slot is not a failure.
			if n := secCount(t, e.pool, `SELECT count(*) FROM login_failures`); n != failed {
				t.Errorf("%d failures recorded, want %d", n, failed)
			}
		})
	}
}

// TestPasswordChange_EndsOtherSessions: changing one's own password ends
// the account's other sessions at once, and keeps the one that changed it.
func TestPasswordChange_EndsOtherSessions(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	const chosen = "una-password-nuova-e-lunga"
	here := e.signedIn(t, "nucleo")
	elsewhere := e.signedIn(t, "nucleo")
	other := e.signedIn(t, "admin")
	before := here.session()
	r := here.post("/profilo/password", url.Values{"current": {demo.DefaultPassword}, "new": {chosen}, "confirm": {chosen}})
	if r.Status != http.StatusSeeOther || r.Location() != "/" {
		t.Fatalf("changing the password: status %d, Location %q; body:\n%.600s", r.Status, r.Location(), r.Body)
	}
	if here.session() == before {
		t.Errorf("the session token did not change with the password")
	}
	here.requireSignedIn("the session that changed the password")
	here.requireSignedIn("the session that changed the password, again")
	elsewhere.requireSignedOut("another session of the account")
	other.requireSignedIn("a session of another account")
	old := e.client(t)
	old.setSession(before)
	old.requireSignedOut("the token from before the change")
}

// TestPasswordChange_Throttled: the current password of the change form is
// throttled like a sign-in: after 5 wrong ones, even the right one is
// refused with 429 and the password stays.
func TestPasswordChange_Throttled(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	const chosen = "una-password-nuova-e-lunga"
	c := e.signedIn(t, "direttore")
	for i := range 5 {
		r := c.post("/profilo/password", url.Values{"current": {"tentativo-" + strconv.Itoa(i)}, "new": {chosen}, "confirm": {chosen}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "La password attuale non è corretta.") {
			t.Fatalf("wrong current password %d: status %d; body:\n%.600s", i+1, r.Status, r.Body)
		}
	}
	r := c.post("/profilo/password", url.Values{"current": {demo.DefaultPassword}, "new": {chosen}, "confirm": {chosen}})
	if r.Status != http.StatusTooManyRequests {
		t.Fatalf("6th attempt with the right password: status %d, want 429; body:\n%.600s", r.Status, r.Body)
	}
	if got := textOf(oneByTestID(t, parseHTML(t, r.Body), "password-error")); got != passwordThrottledMessage {
		t.Errorf("message %q, want %q", got, passwordThrottledMessage)
	}
	_, hash, err := e.st.UserForSignIn(context.Background(), e.emails["direttore"])
	if err != nil {
		t.Fatal(err)
	}
	if !auth.CheckPassword(hash, demo.DefaultPassword) {
		t.Errorf("the password changed despite the refusal")
	}
	c.requireSignedIn("after the refusal")
	if n := secCount(t, e.pool, `SELECT count(*) FROM audit_log WHERE entity = 'access' AND action = 'password-failed' AND actor = $1`, e.emails["direttore"]); n != 5 {
		t.Errorf("%d password-failed entries, want 5", n)
	}
}

// TestSignIn_Audit: sign-ins, sign-outs, failures (with the email tried,
// never the password) and throttling reach the audit log, and the admin
// reads them in Italian under Accessi.
func TestSignIn_Audit(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	const wrong = "password-sbagliata-segreta"
	osservatore := e.emails["osservatore"]
	c := e.signedIn(t, "osservatore")
	if r := c.post("/esci", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("sign-out: status %d", r.Status)
	}
	for range 5 {
		requireFailed(t, "wrong password", postSignIn(c, "Nessuno@Traguardo.test", wrong, nil))
	}
	for range 3 {
		requireThrottled(t, "6th attempt", postSignIn(c, "nessuno@traguardo.test", wrong, nil))
	}
	admin := e.signedIn(t, "admin")

	count := func(action, actor string) int {
		t.Helper()
		return secCount(t, e.pool, `SELECT count(*) FROM audit_log WHERE entity = 'access' AND action = $1 AND actor = $2`, action, actor)
	}
	for _, w := range []struct {
		action, actor string
		want          int
	}{
		{"sign-in", osservatore, 1},
		{"sign-out", osservatore, 1},
		{"sign-in-failed", "nessuno@traguardo.test", 5},
		{"throttled", "nessuno@traguardo.test", 1}, // once per window, however many refusals
		{"sign-in", e.emails["admin"], 1},
	} {
		if n := count(w.action, w.actor); n != w.want {
			t.Errorf("%d %s entries by %s, want %d", n, w.action, w.actor, w.want)
		}
	}
	if n := secCount(t, e.pool, `SELECT count(*) FROM audit_log WHERE concat(old_value, new_value, actor) LIKE '%' || $1 || '%'`, wrong); n != 0 {
		t.Errorf("the password tried is in %d audit entries", n)
	}

	r := admin.get("/registro?entity=access")
	if r.Status != http.StatusOK {
		t.Fatalf("GET /registro?entity=access: status %d", r.Status)
	}
	var rows []string
	for _, tr := range byTestID(parseHTML(t, r.Body), "audit-row") {
		cells := cellTexts(tr)
		rows = append(rows, strings.Join(cells[1:], " | "))
	}
	want := []string{
		e.emails["admin"] + " | Accesso | Accessi | Accesso riuscito dall'indirizzo 127.0.0.1.",
		"nessuno@traguardo.test | Tentativi bloccati (troppi errori) | Accessi | Tentativi bloccati al modulo di accesso: troppi errori per lo stesso account dallo stesso indirizzo. Email nessuno@traguardo.test, indirizzo 127.0.0.1.",
		"nessuno@traguardo.test | Accesso non riuscito | Accessi | Password errata all'accesso con l'email nessuno@traguardo.test dall'indirizzo 127.0.0.1. Nessun account ha questa email.",
	}
	if len(rows) != 9 {
		t.Fatalf("%d access rows, want 9:\n%s", len(rows), strings.Join(rows, "\n"))
	}
	for i, w := range want {
		if rows[i] != w {
			t.Errorf("row %d = %q, want %q", i, rows[i], w)
		}
	}
	if got, w := rows[7], osservatore+" | Uscita | Accessi | Uscita dall'indirizzo 127.0.0.1."; got != w {
		t.Errorf("row 7 = %q, want %q", got, w)
	}
}

// TestSignIn_LongEmail: an email longer than 254 characters is refused next
// to its field before the database sees it (a long one used to break the
// index of the failures).
func TestSignIn_LongEmail(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	c := e.client(t)
	// Fixed letters: random ones could spell what secCheckNoLeak looks for.
	letters := strings.Repeat("abcdefghij", 300)
	for _, email := range []string{letters + "@traguardo.test", strings.Repeat("è", 250) + "@a.it"} {
		r := postSignIn(c, email, "una-password", nil)
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("an email of %d characters: status %d, want 422; body:\n%.600s", len(email), r.Status, r.Body)
		}
		doc := parseHTML(t, r.Body)
		if got := textOf(oneByTestID(t, doc, "error-email")); got != "L'email non può superare 254 caratteri." {
			t.Errorf("error next to the email: %q", got)
		}
		inputs := findAll(doc, func(n *html.Node) bool { v, _ := attr(n, "id"); return n.Data == "input" && v == "email" })
		if len(inputs) != 1 {
			t.Fatalf("%d email inputs", len(inputs))
		}
	}
	if n := secCount(t, e.pool, `SELECT count(*) FROM login_failures`); n != 0 {
		t.Errorf("%d failures recorded for refused emails", n)
	}
	// 254 characters are still an email.
	requireFailed(t, "an email of 254 characters", postSignIn(c, strings.Repeat("a", 239)+"@traguardo.test", "x", nil))
}
