// Command reliability loads the application with concurrent managers'
// saves while it injects faults, then checks that nothing acknowledged was
// lost (make reliability).
//
// It starts a private PostgreSQL (durable settings, as in production) and
// the traguardo binary as a separate process on 127.0.0.1, prepares a plan
// with one objective per manager (the demo's 2023 plan with its centres
// repeated, carried over to 2024, the first quarter open for entry) and the
// managers' accounts through the store, then runs the clients: each signs in
// and saves its objective's progress again and again through the real entry
// form (GET, then POST with the version the form carries), a new value of
// one indicator each time. A third of the way through PostgreSQL is
// restarted (fast shutdown, then start); at two thirds the application is
// killed with SIGKILL and started again. Afterwards every objective's stored
// value is compared with the last value its client saw acknowledged (303 to
// the form); a 409 or a 422 is no acknowledgement, a 5xx or a broken
// connection leaves the outcome unknown.
//
// It prints the figures and exits 1 when an acknowledged value is lost, a
// 5xx came outside the fault windows, or the application took 5 seconds or
// more to answer again after a fault.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/net/html"

	"traguardo/internal/auth"
	"traguardo/internal/db"
	"traguardo/internal/demo"
	"traguardo/internal/domain"
	"traguardo/internal/interchange"
	"traguardo/internal/pgcluster"
	"traguardo/internal/richtext"
	"traguardo/internal/store"
	"traguardo/web/paths"
)

const (
	password = "affidabilita-2024"
	// maxRecovery is how soon the application must answer again after a fault.
	maxRecovery = 5 * time.Second
	signInPath  = paths.SignIn
)

func main() {
	var o options
	flag.DurationVar(&o.duration, "duration", 2*time.Minute, "how long the clients save")
	flag.IntVar(&o.clients, "clients", 50, "concurrent managers, one objective each")
	flag.StringVar(&o.bin, "bin", "bin/traguardo", "the traguardo binary to run")
	flag.BoolVar(&o.keep, "keep", false, "keep the working directory (database, application log)")
	flag.Parse()
	ok, err := run(context.Background(), o, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "reliability:", err)
		os.Exit(2)
	}
	if !ok {
		os.Exit(1)
	}
}

type options struct {
	duration time.Duration
	clients  int
	bin      string
	keep     bool
}

// target is what one client saves: an indicator of its objective at the
// open period.
type target struct {
	email     string
	objective int64
	indicator int64
	period    int64
	path      string
}

func run(ctx context.Context, o options, out io.Writer) (bool, error) {
	if o.clients < 1 || o.duration < 3*time.Second {
		return false, errors.New("need at least 1 client and 3s")
	}
	bin, err := filepath.Abs(o.bin)
	if err != nil {
		return false, err
	}
	if _, err := os.Stat(bin); err != nil {
		return false, fmt.Errorf("%w (run make build first)", err)
	}
	work, err := os.MkdirTemp("", "tgrel")
	if err != nil {
		return false, err
	}
	if o.keep {
		fmt.Fprintln(out, "working directory:", work)
	} else {
		defer os.RemoveAll(work)
	}
	// The cluster directory: pgcluster makes it the server user's when we
	// are root; the application's log stays beside it.
	pgDir := filepath.Join(work, "pg")
	if err := os.Chmod(work, 0o755); err != nil {
		return false, err
	}
	cluster, err := pgcluster.Start(ctx, pgDir, pgcluster.Options{})
	if err != nil {
		return false, err
	}
	defer cluster.Stop()
	if err := cluster.CreateDatabase(ctx, "traguardo", ""); err != nil {
		return false, err
	}
	if err := db.Migrate(cluster.OwnerURL("traguardo")); err != nil {
		return false, err
	}
	fmt.Fprintf(out, "PostgreSQL on 127.0.0.1:%d (durable settings); preparing %d managers...\n", cluster.Port, o.clients)
	targets, err := prepare(ctx, cluster.URL("traguardo"), o.clients)
	if err != nil {
		return false, fmt.Errorf("prepare: %w", err)
	}

	port, err := freePort()
	if err != nil {
		return false, err
	}
	app := &appProcess{bin: bin, log: filepath.Join(work, "app.log"), env: append(os.Environ(),
		"DATABASE_URL="+cluster.URL("traguardo"),
		"MIGRATION_DATABASE_URL="+cluster.OwnerURL("traguardo"),
		"ADDR=127.0.0.1:"+strconv.Itoa(port),
	)}
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	if err := app.start(); err != nil {
		return false, err
	}
	defer app.kill()
	if _, err := waitHealthy(ctx, base, 30*time.Second); err != nil {
		return false, fmt.Errorf("application did not start: %w (log: %s)", err, app.log)
	}

	rec := &recorder{}
	load, stopLoad := context.WithCancel(ctx)
	defer stopLoad()
	var wg sync.WaitGroup
	clients := make([]*client, len(targets))
	for i, t := range targets {
		clients[i] = newClient(base, t, rec)
		wg.Go(func() { clients[i].loop(load) })
	}
	fmt.Fprintf(out, "%d clients saving for %s against %s\n", len(clients), o.duration, base)

	start := time.Now()
	sleepUntil := func(d time.Duration) { time.Sleep(time.Until(start.Add(d))) }
	var faults []*fault

	// PostgreSQL: fast shutdown, then start again.
	sleepUntil(o.duration / 3)
	f := &fault{name: "PostgreSQL restart (pg_ctl -m fast stop, start)", began: time.Now()}
	rec.addFault(f)
	if err := cluster.Stop(); err != nil {
		return false, err
	}
	if cluster, err = pgcluster.Start(ctx, pgDir, pgcluster.Options{Port: cluster.Port}); err != nil {
		return false, err
	}
	f.clear()
	if err := f.measure(ctx, base, rec); err != nil {
		return false, err
	}
	faults = append(faults, f)

	// The application: SIGKILL, then start again.
	sleepUntil(2 * o.duration / 3)
	f = &fault{name: "application SIGKILL and restart", began: time.Now()}
	rec.addFault(f)
	app.kill()
	if err := app.start(); err != nil {
		return false, err
	}
	f.clear()
	if err := f.measure(ctx, base, rec); err != nil {
		return false, err
	}
	faults = append(faults, f)

	sleepUntil(o.duration)
	rec.stopping.Store(true) // each client ends after its request in flight
	wg.Wait()
	stopLoad()
	elapsed := time.Since(start)
	for _, c := range clients {
		c.hc.CloseIdleConnections()
	}

	// Stop the application cleanly before reading what it stored.
	exit := app.terminate(20 * time.Second)

	lost, late, err := verify(ctx, cluster.URL("traguardo"), clients)
	if err != nil {
		return false, err
	}
	return report(out, rec, clients, faults, elapsed, lost, late, exit), nil
}

// prepare loads the plan and creates one manager per objective, through the
// store: the demo's 2023 plan with its six centres repeated until there is
// an objective with a numeric indicator for each client, imported, carried
// over to 2024, its first quarter open for entry until 30 days from today.
func prepare(ctx context.Context, url string, n int) ([]target, error) {
	pool, err := db.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	defer pool.Close()
	st := store.New(pool)
	var doc map[string]any
	if err := json.Unmarshal(demo.Cycle2023(), &doc); err != nil {
		return nil, err
	}
	centres := doc["centres"].([]any)
	var all []any
	objectives := 0
	for _, c := range centres {
		objectives += len(c.(map[string]any)["objectives"].([]any))
	}
	// Enough copies for one objective with a numeric indicator per client,
	// and no more: every page of the cycle loads the whole plan.
	for i := range (n+objectives-1)/objectives + 1 {
		for _, c := range centres {
			b, _ := json.Marshal(c)
			var cp map[string]any
			if err := json.Unmarshal(b, &cp); err != nil {
				return nil, err
			}
			if i > 0 {
				cp["name"] = fmt.Sprintf("%s %d", cp["name"], i+1)
				for _, o := range cp["objectives"].([]any) {
					if g, ok := o.(map[string]any)["group"].(string); ok {
						o.(map[string]any)["group"] = fmt.Sprintf("%s %d", g, i+1)
					}
				}
			}
			all = append(all, cp)
		}
	}
	doc["centres"] = all
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	c, err := interchange.Read(bytes.NewReader(b), richtext.NewPolicy())
	if err != nil {
		return nil, err
	}
	actor := store.Actor{Name: "reliability"}
	if _, err := st.ImportCycle(ctx, actor, c); err != nil {
		return nil, err
	}
	if _, err := st.CarryOver(ctx, actor, c.Year); err != nil {
		return nil, err
	}
	year := c.Year + 1
	m, err := st.Monitoring(ctx, year, domain.Today(time.Now()))
	if err != nil {
		return nil, err
	}
	period := m.Periods[0].ID
	if _, err := st.SetWindow(ctx, actor, period, time.Date(year, time.January, 1, 0, 0, 0, 0, time.UTC),
		domain.Today(time.Now()).AddDate(0, 0, 30), nil); err != nil {
		return nil, err
	}
	// One numeric indicator (a count, never a percentage nor si/no) of
	// each objective, objectives in order.
	rows, err := pool.Query(ctx, `
		SELECT DISTINCT ON (o.id) o.id, i.id, cc.centre_id
		FROM objectives o
		JOIN cycles cy ON cy.id = o.cycle_id
		JOIN cycle_centres cc ON cc.id = o.cycle_centre_id
		JOIN indicators i ON i.objective_id = o.id
		WHERE cy.year = $1 AND i.unit NOT IN ('%', 'si/no')
		ORDER BY o.id, i.position`, year)
	if err != nil {
		return nil, err
	}
	type pick struct {
		objective, indicator int64
		centre               domain.CentreID
	}
	var picks []pick
	for rows.Next() {
		var p pick
		if err := rows.Scan(&p.objective, &p.indicator, &p.centre); err != nil {
			return nil, err
		}
		picks = append(picks, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(picks) < n {
		return nil, fmt.Errorf("%d objectives with a numeric indicator, need %d", len(picks), n)
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return nil, err
	}
	targets := make([]target, n)
	for i := range n {
		p := picks[i]
		t := target{email: fmt.Sprintf("responsabile.%02d@affidabilita.test", i+1),
			objective: p.objective, indicator: p.indicator, period: period, path: paths.Progress(year, p.objective, period)}
		if _, err := st.CreateUser(ctx, actor, store.NewUser{Email: t.email, Name: fmt.Sprintf("Responsabile %d", i+1),
			Role: auth.Manager, PasswordHash: hash, Centres: []domain.CentreID{p.centre}}); err != nil {
			return nil, err
		}
		targets[i] = t
	}
	return targets, nil
}

// appProcess is the traguardo binary serving, started and stopped as a
// separate process.
type appProcess struct {
	bin, log string
	env      []string
	cmd      *exec.Cmd
	done     chan error
}

func (a *appProcess) start() error {
	lf, err := os.OpenFile(a.log, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	a.cmd = exec.Command(a.bin, "serve")
	a.cmd.Env, a.cmd.Stdout, a.cmd.Stderr = a.env, lf, lf
	if err := a.cmd.Start(); err != nil {
		lf.Close()
		return err
	}
	a.done = make(chan error, 1)
	cmd := a.cmd
	go func() { a.done <- cmd.Wait(); lf.Close() }()
	return nil
}

// kill ends the process with SIGKILL and waits for it.
func (a *appProcess) kill() {
	if a.cmd == nil || a.cmd.ProcessState != nil {
		return
	}
	a.cmd.Process.Signal(syscall.SIGKILL)
	<-a.done
	a.cmd = nil
}

// terminate sends SIGTERM and reports how the process ended.
func (a *appProcess) terminate(limit time.Duration) string {
	if a.cmd == nil {
		return "not running"
	}
	began := time.Now()
	a.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-a.done:
		a.cmd = nil
		if err != nil {
			return fmt.Sprintf("%v after SIGTERM", err)
		}
		return fmt.Sprintf("exit 0, %s after SIGTERM", time.Since(began).Round(time.Millisecond))
	case <-time.After(limit):
		a.kill()
		return fmt.Sprintf("still running %s after SIGTERM: killed", limit)
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// waitHealthy polls /healthz until it answers 200 and returns when it did.
func waitHealthy(ctx context.Context, base string, limit time.Duration) (time.Time, error) {
	hc := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		resp, err := hc.Get(base + "/healthz")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Now(), nil
			}
		}
		select {
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	return time.Time{}, fmt.Errorf("/healthz not 200 within %s", limit)
}

// fault is one injected failure: from began (the fault starts) to cleared
// (the database or the process is back), then until the application
// answers its health check and acknowledges a real save.
type fault struct {
	name               string
	began, cleared     time.Time
	healthy, saved     time.Time
	healthErr, saveErr error
	mu                 sync.Mutex
	firstAck           time.Time // first acknowledgement of a save sent after cleared
}

// clear notes that the database or the process is back.
func (f *fault) clear() {
	f.mu.Lock()
	f.cleared = time.Now()
	f.mu.Unlock()
}

// measure waits (at most 30 s) for the health check and for a save, sent
// after the fault cleared, to be acknowledged.
func (f *fault) measure(ctx context.Context, base string, rec *recorder) error {
	healthy, err := waitHealthy(ctx, base, 30*time.Second)
	f.mu.Lock()
	f.healthy, f.healthErr = healthy, err
	f.mu.Unlock()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		f.mu.Lock()
		t := f.firstAck
		f.mu.Unlock()
		if !t.IsZero() {
			f.mu.Lock()
			f.saved = t
			f.mu.Unlock()
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	f.saveErr = errors.New("no save acknowledged within 30s")
	return nil
}

// end is when the fault's window closes: once the application answers
// again, health check and save.
func (f *fault) end() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.saved.IsZero() || f.healthy.IsZero() {
		return time.Now().Add(time.Hour) // still open
	}
	if f.healthy.After(f.saved) {
		return f.healthy
	}
	return f.saved
}

// recorder gathers what the clients saw.
type recorder struct {
	mu       sync.Mutex
	faults   []*fault
	stopping atomic.Bool

	requests, acks, conflicts, invalid, signIns, resignIns atomic.Int64
	errors                                                 []failure
}

type failure struct {
	began, ended time.Time
	what         string // "HTTP 500", or the transport error
	server       bool   // a 5xx (not a broken connection)
}

func (r *recorder) addFault(f *fault) {
	r.mu.Lock()
	r.faults = append(r.faults, f)
	r.mu.Unlock()
}

// ack notes an acknowledged save sent at began: the first after a fault
// cleared measures the recovery.
func (r *recorder) ack(began time.Time) {
	r.acks.Add(1)
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, f := range r.faults {
		f.mu.Lock()
		if !f.cleared.IsZero() && began.After(f.cleared) && f.firstAck.IsZero() {
			f.firstAck = time.Now()
		}
		f.mu.Unlock()
	}
}

func (r *recorder) fail(began time.Time, what string, server bool) {
	r.mu.Lock()
	r.errors = append(r.errors, failure{began: began, ended: time.Now(), what: what, server: server})
	r.mu.Unlock()
}

// client is one manager saving one objective's progress.
type client struct {
	t    target
	base string
	hc   *http.Client
	rec  *recorder

	next int // the next value to save (1, 2, 3...: each save a new value)
	// lastAck is the last acknowledged value (0: none); unknown holds the
	// values sent after it whose outcome the client could not see.
	lastAck int
	unknown []int
	// acks counts the acknowledged saves, unknowns the saves whose outcome
	// the client could not see, audited the audit records of its saves.
	acks, unknowns, audited int
}

func newClient(base string, t target, rec *recorder) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: base, rec: rec, next: 1, hc: &http.Client{
		Jar: jar, Timeout: 15 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

func (c *client) loop(ctx context.Context) {
	signedIn := false
	for !c.rec.stopping.Load() && ctx.Err() == nil {
		if !signedIn {
			signedIn = c.signIn()
			if !signedIn {
				time.Sleep(100 * time.Millisecond)
			}
			continue
		}
		form, ok, again := c.form()
		if again {
			signedIn = false
			continue
		}
		if !ok {
			time.Sleep(50 * time.Millisecond)
			continue
		}
		v := c.next
		c.next++
		form.Set(fmt.Sprintf("ind_%d_value", c.t.indicator), strconv.Itoa(v))
		form.Del(fmt.Sprintf("ind_%d_nm", c.t.indicator))
		began := time.Now()
		status, loc, err := c.do(http.MethodPost, c.t.path, form)
		switch {
		case err != nil:
			c.unknown = append(c.unknown, v)
			c.unknowns++
			c.rec.fail(began, err.Error(), false)
		case status == http.StatusSeeOther && loc == c.t.path:
			c.lastAck, c.unknown = v, nil
			c.acks++
			c.rec.ack(began)
		case status == http.StatusSeeOther && strings.HasPrefix(loc, signInPath):
			signedIn = false // not saved: the session is gone
			c.rec.resignIns.Add(1)
		case status == http.StatusConflict:
			c.rec.conflicts.Add(1)
		case status == http.StatusUnprocessableEntity:
			c.rec.invalid.Add(1)
		case status >= 500:
			c.unknown = append(c.unknown, v)
			c.unknowns++
			c.rec.fail(began, "HTTP "+strconv.Itoa(status), true)
		default:
			c.unknown = append(c.unknown, v)
			c.unknowns++
			c.rec.fail(began, fmt.Sprintf("unexpected HTTP %d to %q", status, loc), false)
		}
	}
}

// do sends one request and reads its whole answer.
func (c *client) do(method, path string, form url.Values) (int, string, error) {
	status, loc, _, err := c.doBody(method, path, form)
	return status, loc, err
}

func (c *client) doBody(method, path string, form url.Values) (int, string, []byte, error) {
	c.rec.requests.Add(1)
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		return 0, "", nil, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, "", nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, "", nil, err
	}
	return resp.StatusCode, resp.Header.Get("Location"), b, nil
}

func (c *client) signIn() bool {
	began := time.Now()
	status, loc, err := c.do(http.MethodPost, signInPath, url.Values{"email": {c.t.email}, "password": {password}, "next": {"/"}})
	switch {
	case err != nil:
		c.rec.fail(began, err.Error(), false)
	case status >= 500:
		c.rec.fail(began, "HTTP "+strconv.Itoa(status), true)
	case status == http.StatusSeeOther && loc == "/":
		c.rec.signIns.Add(1)
		return true
	}
	return false // 429 (argon2id checks busy) or a refusal: try again
}

// form reads the entry form: every field as the page holds it, with its
// version. again says the session is gone.
func (c *client) form() (url.Values, bool, bool) {
	began := time.Now()
	status, loc, body, err := c.doBody(http.MethodGet, c.t.path, nil)
	switch {
	case err != nil:
		c.rec.fail(began, err.Error(), false)
		return nil, false, false
	case status >= 500:
		c.rec.fail(began, "HTTP "+strconv.Itoa(status), true)
		return nil, false, false
	case status == http.StatusSeeOther && strings.HasPrefix(loc, signInPath):
		c.rec.resignIns.Add(1)
		return nil, false, true
	case status != http.StatusOK:
		c.rec.fail(began, fmt.Sprintf("form: unexpected HTTP %d", status), false)
		return nil, false, false
	}
	form, err := formFields(body)
	// The version is missing until the first save (version 0).
	if _, ok := form[fmt.Sprintf("ind_%d_value", c.t.indicator)]; err != nil || !ok {
		c.rec.fail(began, fmt.Sprintf("form: no field of indicator %d (%v)", c.t.indicator, err), false)
		return nil, false, false
	}
	return form, true, false
}

// formFields reads the fields of the page's entry form as a browser
// would submit them.
func formFields(page []byte) (url.Values, error) {
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return nil, err
	}
	attr := func(n *html.Node, k string) (string, bool) {
		for _, a := range n.Attr {
			if a.Key == k {
				return a.Val, true
			}
		}
		return "", false
	}
	text := func(n *html.Node) string {
		var b strings.Builder
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.TextNode {
				b.WriteString(c.Data)
			}
		}
		return b.String()
	}
	v := url.Values{}
	var inForm func(n *html.Node, in bool)
	inForm = func(n *html.Node, in bool) {
		if n.Type == html.ElementNode {
			if id, _ := attr(n, "data-testid"); n.Data == "form" && id == "progress-form" {
				in = true
			}
			name, named := attr(n, "name")
			if in && named {
				switch n.Data {
				case "input":
					typ, _ := attr(n, "type")
					val, _ := attr(n, "value")
					_, checked := attr(n, "checked")
					if (typ != "checkbox" && typ != "radio") || checked {
						v.Add(name, val)
					}
				case "textarea":
					v.Add(name, strings.TrimPrefix(text(n), "\n"))
				case "select":
					val := ""
					for o := n.FirstChild; o != nil; o = o.NextSibling {
						if o.Type == html.ElementNode && o.Data == "option" {
							if _, sel := attr(o, "selected"); sel {
								val, _ = attr(o, "value")
							}
						}
					}
					v.Add(name, val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			inForm(c, in)
		}
	}
	inForm(doc, false)
	return v, nil
}

// verify compares each objective's stored value with its client's last
// acknowledged one. lost counts stored values that are neither that nor a
// later value whose outcome the client did not see; late counts those that
// are such a later value (saved, its answer lost in a fault).
func verify(ctx context.Context, url string, clients []*client) (lost []string, late int, err error) {
	pool, err := db.Open(ctx, url)
	if err != nil {
		return nil, 0, err
	}
	defer pool.Close()
	for _, c := range clients {
		var stored *float64
		err := pool.QueryRow(ctx, `SELECT value FROM indicator_values WHERE indicator_id = $1 AND period_id = $2`,
			c.t.indicator, c.t.period).Scan(&stored)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return nil, 0, err
		}
		got := 0
		if stored != nil {
			got = int(*stored)
		}
		// Each save is one transaction with its audit record: as many
		// records as acknowledged saves, plus at most the unknown ones.
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE actor = $1 AND action = 'save-progress'`,
			c.t.email).Scan(&c.audited); err != nil {
			return nil, 0, err
		}
		switch {
		case got == c.lastAck:
		case contains(c.unknown, got):
			late++
		default:
			lost = append(lost, fmt.Sprintf("%s: acknowledged %d, stored %d", c.t.email, c.lastAck, got))
		}
	}
	return lost, late, nil
}

func contains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func report(out io.Writer, rec *recorder, clients []*client, faults []*fault, elapsed time.Duration, lost []string, late int, exit string) bool {
	ok := true
	fmt.Fprintf(out, "\nRun: %d clients for %s, %d requests (%.0f/s)\n", len(clients), elapsed.Round(time.Second),
		rec.requests.Load(), float64(rec.requests.Load())/elapsed.Seconds())
	fmt.Fprintf(out, "Saves acknowledged (303 to the form):   %d (%.0f/s)\n", rec.acks.Load(), float64(rec.acks.Load())/elapsed.Seconds())
	fmt.Fprintf(out, "Conflicts (409), not acknowledged:      %d\n", rec.conflicts.Load())
	fmt.Fprintf(out, "Refused (422), not acknowledged:        %d\n", rec.invalid.Load())
	fmt.Fprintf(out, "Sign-ins: %d (again after a lost session: %d)\n", rec.signIns.Load(), rec.resignIns.Load())
	for _, f := range faults {
		fmt.Fprintf(out, "\nFault: %s\n", f.name)
		fmt.Fprintf(out, "  down (fault to database/process back): %s\n", f.cleared.Sub(f.began).Round(time.Millisecond))
		if f.healthErr != nil || f.saveErr != nil {
			fmt.Fprintf(out, "  NOT RECOVERED: %v %v\n", f.healthErr, f.saveErr)
			ok = false
			continue
		}
		h, s := f.healthy.Sub(f.cleared), f.saved.Sub(f.cleared)
		fmt.Fprintf(out, "  recovery after it was back: /healthz 200 in %s, first save acknowledged in %s\n",
			h.Round(time.Millisecond), s.Round(time.Millisecond))
		if h >= maxRecovery || s >= maxRecovery {
			fmt.Fprintf(out, "  FAIL: recovery not under %s\n", maxRecovery)
			ok = false
		}
	}
	var in5, out5, inNet, outNet int
	var outside []string
	rec.mu.Lock()
	for _, e := range rec.errors {
		during := false
		for _, f := range faults {
			if !e.ended.Before(f.began) && !e.began.After(f.end()) {
				during = true
			}
		}
		switch {
		case during && e.server:
			in5++
		case during:
			inNet++
		case e.server:
			out5++
			outside = append(outside, e.what)
		default:
			outNet++
			outside = append(outside, e.what)
		}
	}
	rec.mu.Unlock()
	fmt.Fprintf(out, "\n5xx during the fault windows:           %d (broken connections: %d)\n", in5, inNet)
	fmt.Fprintf(out, "5xx outside the fault windows:          %d (other failures: %d)\n", out5, outNet)
	if len(outside) > 0 {
		sort.Strings(outside)
		fmt.Fprintf(out, "  outside the windows: %s\n", strings.Join(outside[:min(len(outside), 10)], "; "))
	}
	if out5 > 0 || outNet > 0 {
		ok = false
	}
	fmt.Fprintf(out, "\nAcknowledged values checked in the database: %d objectives\n", len(clients))
	fmt.Fprintf(out, "  stored = last acknowledged:            %d\n", len(clients)-len(lost)-late)
	fmt.Fprintf(out, "  stored = a later save whose answer was lost in a fault: %d\n", late)
	fmt.Fprintf(out, "  LOST acknowledged writes:              %d\n", len(lost))
	var acks, unknowns, audited int
	var unaudited []string
	for _, c := range clients {
		acks, unknowns, audited = acks+c.acks, unknowns+c.unknowns, audited+c.audited
		if c.audited < c.acks || c.audited > c.acks+c.unknowns {
			unaudited = append(unaudited, fmt.Sprintf("%s: %d acknowledged, %d unknown, %d audit records", c.t.email, c.acks, c.unknowns, c.audited))
		}
	}
	fmt.Fprintf(out, "Audit records of the saves: %d for %d acknowledged and %d of unknown outcome\n", audited, acks, unknowns)
	if len(unaudited) > 0 {
		ok = false
		fmt.Fprintf(out, "  FAIL: audit records do not match the saves: %s\n", strings.Join(unaudited, "; "))
	}
	for _, l := range lost {
		fmt.Fprintln(out, "   ", l)
	}
	if len(lost) > 0 || rec.acks.Load() == 0 {
		ok = false
	}
	fmt.Fprintf(out, "Application at the end: %s\n", exit)
	if !strings.HasPrefix(exit, "exit 0") {
		ok = false
	}
	if ok {
		fmt.Fprintln(out, "\nPASS")
	} else {
		fmt.Fprintln(out, "\nFAIL")
	}
	return ok
}
