package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"traguardo/internal/auth"
	"traguardo/internal/demo"
	"traguardo/internal/domain"
	"traguardo/internal/pgtest"
	"traguardo/internal/richtext"
	"traguardo/internal/server"
	"traguardo/internal/store"
)

// ---------------------------------------------------------------------------
// Server and HTTP

// httpClient does not follow redirects, so a test sees exactly what the
// server answered. Its bound is against a hung server, not a measure of
// speed (see secClient's).
var httpClient = &http.Client{
	Timeout: 3 * time.Minute,
	CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	},
}

// logRecorder is a slog.Handler that writes every record to the test's
// output and remembers the records of level Error and above: a request that
// the server logs as an internal error fails the test that made it.
type logRecorder struct {
	slog.Handler
	mu     *sync.Mutex
	errors *[]string
}

func (h logRecorder) Handle(ctx context.Context, r slog.Record) error {
	if r.Level >= slog.LevelError {
		h.mu.Lock()
		*h.errors = append(*h.errors, r.Message)
		h.mu.Unlock()
	}
	return h.Handler.Handle(ctx, r)
}

func (h logRecorder) WithAttrs(as []slog.Attr) slog.Handler {
	return logRecorder{h.Handler.WithAttrs(as), h.mu, h.errors}
}

func (h logRecorder) WithGroup(name string) slog.Handler {
	return logRecorder{h.Handler.WithGroup(name), h.mu, h.errors}
}

// newTestLogger returns a logger that writes to t's output; when t ends (after
// the cleanups registered later, such as closing the server) it fails t if
// anything was logged at level Error.
func newTestLogger(t *testing.T) *slog.Logger {
	t.Helper()
	var (
		mu     sync.Mutex
		errors []string
	)
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		if len(errors) > 0 {
			t.Errorf("the server logged %d error(s): %q", len(errors), errors)
		}
	})
	h := slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug})
	return slog.New(logRecorder{h, &mu, &errors})
}

// Test account: an observer, the role that may only read cycles.
const (
	testEmail    = "osservatore@traguardo.test"
	testPassword = "una-password-di-prova"
)

// sessionCookies holds the session cookie of each test server, by host:port,
// for get. Cookies do not tell ports apart, so one shared cookie jar would mix
// the sessions of the servers of parallel tests.
var sessionCookies sync.Map // string -> *http.Cookie

// testConfig is the server configuration of the tests: no background sweep of
// expired sessions.
var testConfig = server.Config{SessionCleanup: -1}

// newTestServer loads the demo cycle into a fresh database, creates an
// observer account and serves the application on a loopback port
// (httptest.NewServer listens on 127.0.0.1), closed when t ends. It signs
// the account in, and get sends that session with every request to the
// server.
func newTestServer(t *testing.T) (*httptest.Server, *store.Store) {
	t.Helper()
	st := store.New(pgtest.NewDB(t))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if ok, err := demo.Load(ctx, st, richtext.NewPolicy()); err != nil || !ok {
		t.Fatalf("demo.Load = %v, %v", ok, err)
	}
	return serveStore(t, st), st
}

// serveStore creates the observer account in st, serves the application on
// st and signs the account in.
func serveStore(t *testing.T, st *store.Store) *httptest.Server {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateUser(ctx, store.Actor{Name: "test"}, store.NewUser{
		Email: testEmail, Name: "Osservatore di prova", Role: auth.Observer, PasswordHash: hash,
	}); err != nil {
		t.Fatalf("creating the test account: %v", err)
	}
	log := newTestLogger(t)
	srv := httptest.NewServer(server.New(st, log, testConfig))
	t.Cleanup(srv.Close)
	host := srv.Listener.Addr().String()
	sessionCookies.Store(host, signIn(t, srv.URL, testEmail, testPassword))
	t.Cleanup(func() { sessionCookies.Delete(host) })
	return srv
}

// signIn posts the sign-in form and returns the session cookie.
func signIn(t testing.TB, base, email, password string) *http.Cookie {
	t.Helper()
	form := url.Values{"email": {email}, "password": {password}, "next": {"/"}}
	resp, err := httpClient.PostForm(base+"/accedi", form)
	if err != nil {
		t.Fatalf("signing in: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("signing in: status %d, Location %q, want 303 to /; body:\n%.1000s",
			resp.StatusCode, resp.Header.Get("Location"), body)
	}
	for _, c := range resp.Cookies() {
		if c.Name == "traguardo_sessione" && c.Value != "" {
			return c
		}
	}
	t.Fatalf("signing in: no session cookie in %q", resp.Header.Values("Set-Cookie"))
	return nil
}

// get fetches url, with the session of the test server it names, and returns
// the status, the whole body and the header.
func get(t testing.TB, rawURL string) (status int, body string, header http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := sessionCookies.Load(req.URL.Host); ok {
		req.AddCookie(c.(*http.Cookie))
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", rawURL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading body: %v", rawURL, err)
	}
	return resp.StatusCode, string(b), resp.Header
}

// getPage fetches an HTML page, checks its status and content type and
// returns it parsed.
func getPage(t testing.TB, url string, wantStatus int) *html.Node {
	t.Helper()
	status, body, h := get(t, url)
	if status != wantStatus {
		t.Fatalf("GET %s: status %d, want %d; body:\n%.2000s", url, status, wantStatus, body)
	}
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("GET %s: Content-Type %q, want text/html", url, ct)
	}
	return parseHTML(t, body)
}

// ---------------------------------------------------------------------------
// HTML

func parseHTML(t testing.TB, body string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parsing HTML: %v", err)
	}
	return doc
}

// findAll returns the descendants of n (not n itself) that match, in
// document order.
func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for d := range n.Descendants() {
		if match(d) {
			out = append(out, d)
		}
	}
	return out
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func hasClass(n *html.Node, class string) bool {
	v, _ := attr(n, "class")
	return slices.Contains(strings.Fields(v), class)
}

// byTestID returns the elements under n whose data-testid is id.
func byTestID(n *html.Node, id string) []*html.Node {
	return findAll(n, func(d *html.Node) bool {
		v, ok := attr(d, "data-testid")
		return d.Type == html.ElementNode && ok && v == id
	})
}

// oneByTestID returns the only element under n with data-testid id.
func oneByTestID(t testing.TB, n *html.Node, id string) *html.Node {
	t.Helper()
	found := byTestID(n, id)
	if len(found) != 1 {
		t.Fatalf("%d elements with data-testid=%q, want 1", len(found), id)
	}
	return found[0]
}

// elements returns the elements under n with the tag a.
func elements(n *html.Node, a atom.Atom) []*html.Node {
	return findAll(n, func(d *html.Node) bool { return d.Type == html.ElementNode && d.DataAtom == a })
}

// children returns the element children of n with the tag a.
func children(n *html.Node, a atom.Atom) []*html.Node {
	var out []*html.Node
	for c := range n.ChildNodes() {
		if c.Type == html.ElementNode && c.DataAtom == a {
			out = append(out, c)
		}
	}
	return out
}

// textOf is the text of n with its whitespace collapsed: text nodes are
// joined with a space (so "<td>a<br/><small>b</small></td>" reads "a b"),
// then runs of white space become one space.
func textOf(n *html.Node) string {
	if n.Type == html.TextNode {
		return strings.Join(strings.Fields(n.Data), " ")
	}
	var parts []string
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			parts = append(parts, d.Data)
		}
	}
	return strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
}

// htmlText is the collapsed text of an HTML fragment, as textOf reads it.
func htmlText(t testing.TB, fragment string) string {
	t.Helper()
	nodes, err := html.ParseFragment(strings.NewReader(fragment), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		t.Fatalf("parsing fragment: %v", err)
	}
	var parts []string
	for _, n := range nodes {
		parts = append(parts, textOf(n))
	}
	return strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
}

// cellTexts returns the text of each td/th child of a table row.
func cellTexts(tr *html.Node) []string {
	var out []string
	for c := range tr.ChildNodes() {
		if c.Type == html.ElementNode && (c.DataAtom == atom.Td || c.DataAtom == atom.Th) {
			out = append(out, textOf(c))
		}
	}
	return out
}

// bodyRows returns the rows of the tbody of a table.
func bodyRows(t testing.TB, table *html.Node) []*html.Node {
	t.Helper()
	tbodies := children(table, atom.Tbody)
	if len(tbodies) != 1 {
		t.Fatalf("table has %d tbody, want 1", len(tbodies))
	}
	return children(tbodies[0], atom.Tr)
}

// firstWords returns the first n words of s (all of them if fewer).
func firstWords(s string, n int) string {
	w := strings.Fields(s)
	return strings.Join(w[:min(n, len(w))], " ")
}

// lastWords returns the last n words of s (all of them if fewer).
func lastWords(s string, n int) string {
	w := strings.Fields(s)
	return strings.Join(w[max(0, len(w)-n):], " ")
}

// ---------------------------------------------------------------------------
// The seed, decoded independently of internal/interchange

const seedPath = "../demo/consorzio-inrete-2023.json"

type seedDoc struct {
	Format       string                `json:"format"`
	Organisation struct{ Name string } `json:"organisation"`
	Year         int                   `json:"year"`
	Centres      []seedCentre          `json:"centres"`
}

type seedCentre struct {
	Name       string          `json:"name"`
	Objectives []seedObjective `json:"objectives"`
}

type seedObjective struct {
	Section              string          `json:"section"`
	Number               int             `json:"number"`
	Title                string          `json:"title"`
	StrategicArea        string          `json:"strategic_area"`
	OperationalObjective string          `json:"operational_objective"`
	PEGProject           string          `json:"peg_project"`
	Services             string          `json:"services"`
	EndUsers             string          `json:"end_users"`
	Networks             string          `json:"networks"`
	DescriptionHTML      string          `json:"description_html"`
	Activities           []seedActivity  `json:"activities"`
	Indicators           []seedIndicator `json:"indicators"`
	Reports              []seedReport    `json:"reports"`
}

type seedSpan struct {
	From   *string `json:"from"`
	To     *string `json:"to"`
	Annual bool    `json:"annual"`
}

type seedActivity struct {
	Description string   `json:"description"`
	Planned     seedSpan `json:"planned"`
	Progress    []struct {
		Period string   `json:"period"`
		Actual seedSpan `json:"actual"`
		Reason *string  `json:"reason"`
	} `json:"progress"`
}

type seedIndicator struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Unit        string `json:"unit"`
	Polarity    string `json:"polarity"`
	Expected    any    `json:"expected"` // float64 or bool
	Values      []struct {
		Period string  `json:"period"`
		Value  any     `json:"value"`
		Reason *string `json:"reason"`
	} `json:"values"`
	Neutralised *struct {
		Reason string `json:"reason"`
	} `json:"neutralised"`
}

type seedReport struct {
	Period   string  `json:"period"`
	Status   *string `json:"status"`
	TextHTML string  `json:"text_html"`
}

// loadSeed decodes the demo document from its file.
func loadSeed(t testing.TB) *seedDoc {
	t.Helper()
	b, err := os.ReadFile(seedPath)
	if err != nil {
		t.Fatal(err)
	}
	var d seedDoc
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("decoding %s: %v", seedPath, err)
	}
	if len(d.Centres) == 0 {
		t.Fatalf("%s has no centres", seedPath)
	}
	return &d
}

// domainSpan turns a seed span into a domain.Span, to label it.
func domainSpan(t testing.TB, s seedSpan) domain.Span {
	t.Helper()
	month := func(p *string) *domain.Month {
		if p == nil {
			return nil
		}
		m, err := domain.ParseMonth(*p)
		if err != nil {
			t.Fatalf("seed month %q: %v", *p, err)
		}
		return &m
	}
	return domain.Span{From: month(s.From), To: month(s.To), Annual: s.Annual}
}

// actualLabel is what the "Consuntivo" cell shows: the label of the latest
// progress, followed by its reason.
func (a seedActivity) actualLabel(t testing.TB, year int) string {
	t.Helper()
	if len(a.Progress) == 0 {
		return "non rilevato"
	}
	latest := a.Progress[0]
	for _, p := range a.Progress[1:] {
		if p.Period > latest.Period { // ISO dates sort as strings
			latest = p
		}
	}
	label := domainSpan(t, latest.Actual).Label(year)
	if latest.Reason != nil && *latest.Reason != "" {
		label += " " + strings.Join(strings.Fields(*latest.Reason), " ")
	}
	return label
}

// actual is the indicator's value at the latest period that has one, or nil.
func (in seedIndicator) actual() any {
	var (
		v      any
		period string
	)
	for _, x := range in.Values {
		if x.Value != nil && x.Period >= period {
			v, period = x.Value, x.Period
		}
	}
	return v
}

func (in seedIndicator) yesNo() bool { return in.Unit == "si/no" }

// number reads a seed value as a number: si is 1 and no is 0.
func number(t testing.TB, v any) float64 {
	t.Helper()
	switch v := v.(type) {
	case float64:
		return v
	case bool:
		if v {
			return 1
		}
		return 0
	}
	t.Fatalf("seed value %v (%T) is neither a number nor a boolean", v, v)
	return 0
}

// formatValue is an indicator value as the page must show it.
func (in seedIndicator) formatValue(t testing.TB, v any) string {
	t.Helper()
	if in.yesNo() {
		if number(t, v) == 1 {
			return "sì"
		}
		return "no"
	}
	return italianNumber(number(t, v))
}

// achievement is the indicator's achievement by the default rules of
// docs/domain.md, written again here so that the test does not trust the code
// under test.
func (in seedIndicator) achievement(t testing.TB) float64 {
	t.Helper()
	act := in.actual()
	if act == nil {
		return 0
	}
	e, a := number(t, in.Expected), number(t, act)
	switch {
	case in.yesNo():
		if a == e {
			return 100
		}
		return 0
	case in.Polarity == "lower":
		if a <= e {
			return 100
		}
		return e / a * 100
	default:
		if e == 0 || a >= e {
			return 100
		}
		return math.Max(0, a/e*100)
	}
}

// achievement is the mean of the indicators that count (equal weights:
// the seed has none).
func (o seedObjective) achievement(t testing.TB) (float64, bool) {
	t.Helper()
	var sum float64
	var n int
	for _, in := range o.Indicators {
		if in.Neutralised != nil {
			continue
		}
		sum += in.achievement(t)
		n++
	}
	if n == 0 {
		return 0, false
	}
	return sum / float64(n), true
}

func (c seedCentre) achievement(t testing.TB) (float64, bool) {
	t.Helper()
	var sum float64
	var n int
	for _, o := range c.Objectives {
		if a, ok := o.achievement(t); ok {
			sum += a
			n++
		}
	}
	if n == 0 {
		return 0, false
	}
	return sum / float64(n), true
}

func (d seedDoc) achievement(t testing.TB) (float64, bool) {
	t.Helper()
	var sum float64
	var n int
	for _, c := range d.Centres {
		if a, ok := c.achievement(t); ok {
			sum += a
			n++
		}
	}
	if n == 0 {
		return 0, false
	}
	return sum / float64(n), true
}

// band is the default band of a percentage (docs/domain.md).
func band(pct float64) string {
	switch {
	case pct >= 95:
		return "raggiunto"
	case pct >= 50:
		return "parzialmente raggiunto"
	}
	return "non raggiunto"
}

// ---------------------------------------------------------------------------
// Italian formats, written independently of web/components

// italianNumber writes v with at most two decimals, "." between thousands
// and "," before the decimals: 1234.5 is "1.234,5".
func italianNumber(v float64) string {
	s := strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if neg && s != "0" {
		b.WriteByte('-')
	}
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString("," + frac)
	}
	return b.String()
}

// italianPercent writes an achievement rounded to one decimal: "33,3%".
func italianPercent(pct float64) string {
	r := math.Round(pct*10) / 10
	if r == 0 {
		r = 0 // no "-0"
	}
	return italianNumber(r) + "%"
}

// italianDate turns "2023-12-31" into "31/12/2023".
func italianDate(t testing.TB, iso string) string {
	t.Helper()
	d, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		t.Fatalf("seed date %q: %v", iso, err)
	}
	return d.Format("02/01/2006")
}

func TestItalianNumberHelper(t *testing.T) {
	t.Parallel()
	for v, want := range map[float64]string{
		0: "0", 6: "6", 33.3: "33,3", 1234.5: "1.234,5", 1000: "1.000",
		1234567.891: "1.234.567,89", 0.25: "0,25", -1234.5: "-1.234,5", 999: "999",
	} {
		if got := italianNumber(v); got != want {
			t.Errorf("italianNumber(%v) = %q, want %q", v, got, want)
		}
	}
	for v, want := range map[float64]string{33.333: "33,3%", 80: "80%", 100: "100%", 0: "0%", 66.66: "66,7%"} {
		if got := italianPercent(v); got != want {
			t.Errorf("italianPercent(%v) = %q, want %q", v, got, want)
		}
	}
}

// ---------------------------------------------------------------------------
// The cycle page

// cycleLinks reads the cycle page of year on the server at base and,
// following each centre's link of its index, each centre's page: for each
// centre (in index order) its name and the href of each objective row's link.
type pageCentre struct {
	Name   string
	Centre string // the centre page's path
	Links  []string
}

func cycleLinks(t testing.TB, base string, year int) []pageCentre {
	t.Helper()
	var out []pageCentre
	index := getPage(t, fmt.Sprintf("%s/cicli/%d", base, year), http.StatusOK)
	for _, a := range byTestID(index, "centre-link") {
		href, _ := attr(a, "href")
		page := getPage(t, base+href, http.StatusOK)
		pc := pageCentre{Name: textOf(oneByTestID(t, page, "centre-name")), Centre: href}
		if pc.Name != textOf(a) {
			t.Fatalf("the link %q leads to the page of %q", textOf(a), pc.Name)
		}
		for _, row := range byTestID(page, "objective-row") {
			as := elements(row, atom.A)
			if len(as) != 1 {
				t.Fatalf("%s: an objective row has %d links, want 1", pc.Name, len(as))
			}
			href, _ := attr(as[0], "href")
			pc.Links = append(pc.Links, href)
		}
		out = append(out, pc)
	}
	return out
}
