package server_test

import (
	"context"
	"io"
	"maps"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"traguardo/internal/auth"
	"traguardo/internal/db"
	"traguardo/internal/demo"
	"traguardo/internal/pgtest"
	"traguardo/internal/richtext"
	"traguardo/internal/server"
	"traguardo/internal/store"
)

// The helpers of the security tests (matrix, forged requests, sessions,
// sign-in in the browser). Their names start with sec so that they do not
// meet the helpers of the other test files of the package.

// secAnonymous names "no session" where a role is expected.
const secAnonymous = "anonimo"

// secRoles are the columns of the route matrix: no session, then each role.
var secRoles = []string{secAnonymous, string(auth.Admin), string(auth.Director), string(auth.Manager), string(auth.Evaluator), string(auth.Observer)}

// secCookieName is the session cookie's name.
const secCookieName = "traguardo_sessione"

// Throttling message and the message of a failed sign-in, as people read them.
const (
	secThrottledMsg = "Troppi tentativi di accesso non riusciti. Riprovare tra 15 minuti."
	secFailedMsg    = "Email o password non corretti, oppure account disattivato."
)

// secTargetEmail is an account that no test signs in with: the admin routes
// that act on a user act on it, so they cannot end the sessions the tests use.
const (
	secTargetEmail    = "bersaglio@traguardo.test"
	secTargetPassword = "password-del-bersaglio"
)

// secEnv is the application on a fresh database holding the demo cycle and
// the demo accounts (password demo.DefaultPassword).
type secEnv struct {
	srv     *httptest.Server
	handler http.Handler
	st      *store.Store
	pool    *pgxpool.Pool
	// emails are the demo accounts by role; the responsabile is the one of
	// the first centre.
	emails map[string]string
	// objectiveID is the first objective of the 2023 cycle and centreID its
	// centre (its cycle_centres row); spareID is the last objective, for
	// tests that remove one. activityID, indicatorID and periodID are the
	// first of the cycle. targetID is the user secTargetEmail.
	objectiveID, centreID, spareID, activityID, indicatorID, periodID, targetID int64
}

// secDestructive are the routes that, with an empty form, remove the record
// they name (a plan not yet approved asks for no reason). A test that sends
// every route sends these last, in this order (the smallest record first), so
// that each removal leaves in place what the others name.
var secDestructive = []string{
	"POST /cicli/{year}/attivita/{aid}/elimina",
	"POST /cicli/{year}/indicatori/{iid}/elimina",
	"POST /cicli/{year}/obiettivi/{id}/elimina",
}

// secOrder sorts routes for sending: the others by name, then the routes of
// secDestructive in its order.
func secOrder(routes []string) []string {
	out := slices.Clone(routes)
	rank := func(r string) int { return slices.Index(secDestructive, r) }
	slices.SortStableFunc(out, func(a, b string) int {
		ra, rb := rank(a), rank(b)
		switch {
		case ra < 0 && rb < 0:
			return strings.Compare(a, b)
		case ra < 0:
			return -1
		case rb < 0:
			return 1
		}
		return ra - rb
	})
	return out
}

// newSecEnv serves the application with cfg (its SessionCleanup forced off)
// on a loopback port, closed when t ends. Anything the server logs at level
// Error fails t.
func newSecEnv(t *testing.T, cfg server.Config) *secEnv {
	t.Helper()
	return newSecEnvOn(t, cfg, pgtest.NewDB(t))
}

// newSecEnvOn is newSecEnv on a pool of a fresh database of pgtest.
func newSecEnvOn(t *testing.T, cfg server.Config, pool *pgxpool.Pool) *secEnv {
	t.Helper()
	return newSecEnvAt(t, func(string) server.Config { return cfg }, pool)
}

// newSecEnvAt is newSecEnvOn with the configuration that configure returns
// for the server's base URL (http://127.0.0.1:port), known before it
// starts.
func newSecEnvAt(t *testing.T, configure func(base string) server.Config, pool *pgxpool.Pool) *secEnv {
	t.Helper()
	st := store.New(pool)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if ok, err := demo.Load(ctx, st, richtext.NewPolicy()); err != nil || !ok {
		t.Fatalf("demo.Load = %v, %v", ok, err)
	}
	accounts, err := demo.CreateAccounts(ctx, st, demo.DefaultPassword)
	if err != nil {
		t.Fatalf("demo.CreateAccounts: %v", err)
	}
	e := &secEnv{st: st, pool: pool, emails: map[string]string{}}
	for _, a := range accounts {
		if _, ok := e.emails[string(a.Role)]; !ok {
			e.emails[string(a.Role)] = a.Email
		}
	}
	for _, r := range secRoles[1:] {
		if e.emails[r] == "" {
			t.Fatalf("no demo account for role %s in %v", r, accounts)
		}
	}
	hash, err := auth.HashPassword(secTargetPassword)
	if err != nil {
		t.Fatal(err)
	}
	e.targetID, err = st.CreateUser(ctx, store.Actor{Name: "test"}, store.NewUser{
		Email: secTargetEmail, Name: "Bersaglio", Role: auth.Observer, PasswordHash: hash,
	})
	if err != nil {
		t.Fatalf("creating %s: %v", secTargetEmail, err)
	}
	if err := pool.QueryRow(ctx, `
		SELECT min(o.id), (array_agg(o.cycle_centre_id ORDER BY o.id))[1], max(o.id),
			(SELECT min(a.id) FROM activities a JOIN objectives ao ON ao.id = a.objective_id WHERE ao.cycle_id = c.id),
			(SELECT min(i.id) FROM indicators i JOIN objectives io ON io.id = i.objective_id WHERE io.cycle_id = c.id),
			(SELECT min(p.id) FROM periods p WHERE p.cycle_id = c.id)
		FROM objectives o JOIN cycles c ON c.id = o.cycle_id WHERE c.year = 2023 GROUP BY c.id`).Scan(
		&e.objectiveID, &e.centreID, &e.spareID, &e.activityID, &e.indicatorID, &e.periodID); err != nil {
		t.Fatalf("records of the 2023 cycle: %v", err)
	}
	if e.objectiveID == e.spareID {
		t.Fatalf("the demo cycle has one objective only")
	}
	e.srv = httptest.NewUnstartedServer(nil)
	cfg := configure("http://" + e.srv.Listener.Addr().String())
	cfg.SessionCleanup = -1
	e.handler = server.New(st, newTestLogger(t), cfg)
	e.srv.Config.Handler = e.handler
	e.srv.Start()
	t.Cleanup(e.srv.Close)
	return e
}

// secRoutes lists the router's routes as "METHOD /pattern", sorted.
func secRoutes(t testing.TB, h http.Handler) []string {
	t.Helper()
	routes, ok := h.(chi.Routes)
	if !ok {
		t.Fatalf("server.New returned a %T, not a chi.Routes", h)
	}
	var out []string
	err := chi.Walk(routes, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		out = append(out, method+" "+route)
		return nil
	})
	if err != nil {
		t.Fatalf("chi.Walk: %v", err)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// path turns a route ("METHOD /pattern") into a path of this database: year
// 2023, the records of secEnv, the target user, a real static file.
func (e *secEnv) path(t testing.TB, route string) string {
	t.Helper()
	_, pattern, _ := strings.Cut(route, " ")
	id := strconv.FormatInt(e.objectiveID, 10)
	if strings.HasPrefix(pattern, "/admin/utenti/") {
		id = strconv.FormatInt(e.targetID, 10)
	}
	itoa := func(n int64) string { return strconv.FormatInt(n, 10) }
	p := strings.NewReplacer("{year}", "2023", "{id}", id, "{centre}", itoa(e.centreID),
		"{aid}", itoa(e.activityID), "{iid}", itoa(e.indicatorID), "{pid}", itoa(e.periodID), "{nid}", "1",
		"{cid}", "1", "{n}", "1", "{file}", "relazione.pdf", "{ruolo}", "responsabile",
		"/static/*", "/static/css/app.css").Replace(pattern)
	if strings.ContainsAny(p, "{}*") {
		t.Fatalf("route %s: no value for its parameters (got %s); teach secEnv.path about it", pattern, p)
	}
	return p
}

// secClient is a browser-like client with its own cookie jar that never
// follows redirects.
type secClient struct {
	t    testing.TB
	base *url.URL
	hc   *http.Client
}

// client returns a client of e with no session.
func (e *secEnv) client(t testing.TB) *secClient {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(e.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return &secClient{t: t, base: u, hc: &http.Client{
		Jar: jar,
		// A bound against a hung server, not a measure of speed: a document
		// (PDF, DOCX) on a machine busy with the whole test suite may wait
		// its turn in the documents' queue (90 s at most) and then be made.
		Timeout:       3 * time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// signedIn returns a client of e signed in as the demo account of role (no
// session for secAnonymous).
func (e *secEnv) signedIn(t testing.TB, role string) *secClient {
	t.Helper()
	c := e.client(t)
	if role != secAnonymous {
		c.signIn(e.emails[role], demo.DefaultPassword)
	}
	return c
}

// secResponse is what the server answered.
type secResponse struct {
	Status int
	Body   string
	Header http.Header
	// Cookies are the cookies the response sets.
	Cookies []*http.Cookie
}

// Location is the redirect target.
func (r *secResponse) Location() string { return r.Header.Get("Location") }

// cookie returns the session cookie the response sets, or nil.
func (r *secResponse) cookie() *http.Cookie {
	for _, c := range r.Cookies {
		if c.Name == secCookieName {
			return c
		}
	}
	return nil
}

// do sends a request: with a form (URL-encoded body) unless form is nil,
// with the extra headers hdr. Every error page is checked for internal
// details.
func (c *secClient) do(method, path string, form url.Values, hdr http.Header) *secResponse {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base.String()+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%s %s: reading the body: %v", method, path, err)
	}
	r := &secResponse{Status: resp.StatusCode, Body: string(b), Header: resp.Header, Cookies: resp.Cookies()}
	if r.Status >= 400 {
		secCheckNoLeak(c.t, method+" "+path, r.Body)
	}
	return r
}

func (c *secClient) get(path string) *secResponse {
	c.t.Helper()
	return c.do(http.MethodGet, path, nil, nil)
}

// post sends form to path. A form that changes a stored record carries the
// version it was read at: when form has none, post reads it as a browser
// would, from the page that shows the form (see formVersion).
func (c *secClient) post(path string, form url.Values) *secResponse {
	c.t.Helper()
	return c.do(http.MethodPost, path, c.withVersion(path, form), nil)
}

// withVersion is form (a copy, never nil) with the version of the form
// posting to path, as its page shows it, unless form has one already.
func (c *secClient) withVersion(path string, form url.Values) url.Values {
	c.t.Helper()
	out := url.Values{}
	for k, v := range form {
		out[k] = v
	}
	if !out.Has("version") {
		if v, ok := c.formVersion(path); ok {
			out.Set("version", v)
		}
	}
	return out
}

// formVersion reads the version that the form posting to path carries, from
// the page that shows it, at the path itself: the edit, deletion, settings,
// approval, progress, targets and measure pages, and the edit and confirmation pages
// of an account.
// ok is false when there is no such form (a form that creates, a
// page the client may not open).
func (c *secClient) formVersion(path string) (version string, ok bool) {
	c.t.Helper()
	page := path
	switch {
	case strings.HasPrefix(path, "/admin/utenti/"):
	case strings.HasSuffix(path, "/modifica"), strings.HasSuffix(path, "/elimina"),
		strings.HasSuffix(path, "/impostazioni"), strings.HasSuffix(path, "/approva"),
		strings.HasSuffix(path, "/avanzamento"), strings.HasSuffix(path, "/target"),
		strings.HasSuffix(path, "/misura"), strings.HasSuffix(path, "/relazione/testi"):
	default:
		return "", false
	}
	r := c.do(http.MethodGet, page, nil, nil)
	if r.Status != http.StatusOK {
		return "", false
	}
	doc, err := html.Parse(strings.NewReader(r.Body))
	if err != nil {
		c.t.Fatalf("GET %s: %v", page, err)
	}
	return secFormVersion(doc, path)
}

// secFormVersion is the version carried by the form of doc that posts to
// path; ok is false when there is none.
func secFormVersion(doc *html.Node, path string) (version string, ok bool) {
	for _, f := range findAll(doc, func(n *html.Node) bool { return n.DataAtom == atom.Form }) {
		if action, _ := attr(f, "action"); action != path {
			continue
		}
		for _, in := range elements(f, atom.Input) {
			if name, _ := attr(in, "name"); name == "version" {
				return attr(in, "value")
			}
		}
	}
	return "", false
}

// signIn posts the sign-in form and requires a 303 to /.
func (c *secClient) signIn(email, password string) *secResponse {
	c.t.Helper()
	r := c.post("/accedi", url.Values{"email": {email}, "password": {password}, "next": {"/"}})
	if r.Status != http.StatusSeeOther || r.Location() != "/" {
		c.t.Fatalf("signing in as %s: status %d, Location %q, want 303 to /; body:\n%.800s", email, r.Status, r.Location(), r.Body)
	}
	if r.cookie() == nil {
		c.t.Fatalf("signing in as %s: no session cookie set", email)
	}
	return r
}

// session is the session cookie in the jar ("" when none).
func (c *secClient) session() string {
	for _, k := range c.hc.Jar.Cookies(c.base) {
		if k.Name == secCookieName {
			return k.Value
		}
	}
	return ""
}

// setSession puts a session cookie with value v in the jar.
func (c *secClient) setSession(v string) {
	c.hc.Jar.SetCookies(c.base, []*http.Cookie{{Name: secCookieName, Value: v, Path: "/"}})
}

// requireSignedOut checks that the client's session no longer opens the home
// page.
func (c *secClient) requireSignedOut(what string) {
	c.t.Helper()
	r := c.get("/")
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/accedi") {
		c.t.Errorf("%s: GET / answered %d (Location %q), want 303 to /accedi", what, r.Status, r.Location())
	}
}

// requireSignedIn checks that the client's session opens the home page (a
// responsabile's home is /mie-aree, where / sends him).
func (c *secClient) requireSignedIn(what string) {
	c.t.Helper()
	if r := c.get("/"); r.Status != http.StatusOK && (r.Status != http.StatusSeeOther || r.Location() != "/mie-aree") {
		c.t.Errorf("%s: GET / answered %d (Location %q), want 200", what, r.Status, r.Location())
	}
}

// rawPost posts a form with no client logic at all (no redirect, no
// cookie, no parsing of Location), to see a malformed redirect as it is.
func (e *secEnv) rawPost(t testing.TB, path string, form url.Values) (status int, location string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 400 {
		secCheckNoLeak(t, "POST "+path, string(b))
	}
	return resp.StatusCode, resp.Header.Get("Location")
}

// secLeaks are what an error page must never show: driver, SQL, panics,
// stack traces and source paths.
var secLeaks = regexp.MustCompile(`pgx|SQL|panic|goroutine|\w\.go\b|/internal/|/go/pkg/`)

// secHidden are a page's hidden inputs: their values are the page's own
// (versions, the signed owner of a kept form: random letters that may spell
// "pgx"), never an error's detail.
var secHidden = regexp.MustCompile(`<input type="hidden"[^>]*>`)

// secLeakWords are substrings every match of secLeaks holds: a body with
// none of them cannot match, and is not scanned by the regular expressions
// (slow on large pages under the race detector).
var secLeakWords = []string{"pgx", "SQL", "panic", "goroutine", ".go", "/internal/", "/go/pkg/"}

// secCheckNoLeak fails t if body shows an internal detail.
func secCheckNoLeak(t testing.TB, what, body string) {
	t.Helper()
	if !slices.ContainsFunc(secLeakWords, func(w string) bool { return strings.Contains(body, w) }) {
		return
	}
	if m := secLeaks.FindString(secHidden.ReplaceAllString(body, "")); m != "" {
		t.Errorf("%s: the error response contains %q:\n%.1500s", what, m, body)
	}
}

// secSnapshot is a digest of every table of the database: row count and
// md5 of its rows. The key "sessions" covers the whole rows; the key
// "sessions.token" covers only the tokens, for requests that only touch the
// expiry of the session that sends them.
func secSnapshot(t testing.TB, pool *pgxpool.Pool) map[string]string {
	t.Helper()
	ctx := context.Background()
	rows, err := pool.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if len(tables) < 10 {
		t.Fatalf("only %d tables: %v", len(tables), tables)
	}
	out := map[string]string{}
	digest := func(key, sql string) {
		var d string
		if err := pool.QueryRow(ctx, sql).Scan(&d); err != nil {
			t.Fatalf("digest of %s: %v", key, err)
		}
		out[key] = d
	}
	for _, tb := range tables {
		id := pgx.Identifier{tb}.Sanitize()
		digest(tb, `SELECT count(*) || ':' || md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM `+id+` x`)
	}
	digest("sessions.token", `SELECT count(*) || ':' || md5(coalesce(string_agg(token, '|' ORDER BY token), '')) FROM sessions`)
	return out
}

// secRequireUnchanged fails t for every key of want (but those in skip)
// whose digest changed.
func secRequireUnchanged(t testing.TB, what string, want, got map[string]string, skip ...string) {
	t.Helper()
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if slices.Contains(skip, k) {
			continue
		}
		if want[k] != got[k] {
			t.Errorf("%s changed table %s: %s before, %s after", what, k, want[k], got[k])
		}
	}
}

// secCount runs a count query.
func secCount(t testing.TB, pool *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// secondServer starts another server on e's database, as a second machine
// behind the same proxy would be, and returns its address: a client of the
// same browser (its cookie jar) reaches it with &secClient{t, base, c.hc}.
func (e *secEnv) secondServer(t *testing.T) *url.URL {
	t.Helper()
	poolB, err := db.Open(context.Background(), e.pool.Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(poolB.Close)
	srvB := httptest.NewServer(server.New(store.New(poolB), newTestLogger(t), server.Config{SessionCleanup: -1}))
	t.Cleanup(srvB.Close)
	baseB, err := url.Parse(srvB.URL)
	if err != nil {
		t.Fatal(err)
	}
	return baseB
}
