// Package bench measures Traguardo at the size of a large body: it starts a
// private PostgreSQL, loads a scaled plan through the JSON import, serves the
// application on 127.0.0.1 and drives it over HTTP with concurrent
// signed-in clients, page by page, beside a ceiling (the same process
// serving the same page bytes from memory, gzipped once). `make bench` runs
// it (cmd/bench);
// TestSmoke runs it briefly on a tiny plan.
package bench

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"traguardo/web/paths"

	"github.com/jackc/pgx/v5/pgxpool"

	"traguardo/internal/auth"
	"traguardo/internal/db"
	"traguardo/internal/demo"
	"traguardo/internal/pgcluster"
	"traguardo/internal/plan"
	"traguardo/internal/report"
	"traguardo/internal/richtext"
	"traguardo/internal/server"
	"traguardo/internal/store"
)

// Options tune a run; the zero value of a field takes the default.
type Options struct {
	// Dir is where the private cluster lives (emptied first).
	Dir string
	// Scale is the plan: default 400 objectives over 40 centres, 200 users.
	Scale demo.Scale
	// Duration is how long each page is driven (default 5 s).
	Duration time.Duration
	// Readers is the number of concurrent signed-in clients reading pages
	// (default 32), Savers the number of managers saving at once (50).
	Readers, Savers int
	// ReportSizes are the plan sizes (objectives) the report is built at
	// (default 25, 100, 400, 1600).
	ReportSizes []int
	// Only are the parts measured (Parts' names), all when empty: a part
	// alone, for profiling or before and after a change to it.
	Only []string
	// Log receives the progress (default: discarded).
	Log io.Writer
}

// Parts are the parts of a run, in order.
var Parts = []string{"pages", "saves", "import", "report"}

// runs says whether the part is measured.
func (o *Options) runs(part string) bool {
	return len(o.Only) == 0 || slices.Contains(o.Only, part)
}

func (o *Options) defaults() {
	if o.Scale.Objectives == 0 {
		o.Scale = demo.Scale{Objectives: 400, Centres: 40, Users: 200}
	}
	if o.Duration == 0 {
		o.Duration = 5 * time.Second
	}
	if o.Readers == 0 {
		o.Readers = 32
	}
	if o.Savers == 0 {
		o.Savers = 50
	}
	if o.ReportSizes == nil {
		o.ReportSizes = []int{25, 100, 400, 1600}
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
}

// Page is one page the benchmark reads. {year}, {centre} and {objective}
// are replaced by the scaled cycle's. A guarded page that answers 404 (not
// merged yet) is skipped with a note.
type Page struct {
	Name    string
	Path    string
	Guarded bool
}

// Pages are the pages measured, one a line: add a page here.
var Pages = []Page{
	{Name: "Cruscotto", Path: "/cicli/{year}/cruscotto"},
	{Name: "Pagina di un centro", Path: "/cicli/{year}/centri/{centre}"},
	{Name: "Pagina di un obiettivo", Path: "/cicli/{year}/obiettivi/{objective}"},
	{Name: "Pagina del ciclo", Path: "/cicli/{year}"},
	{Name: "Elenco degli obiettivi", Path: "/cicli/{year}/obiettivi"},
	{Name: "Relazione (HTML)", Path: "/cicli/{year}/relazione", Guarded: true},
	// The PDF is timed on its own (reports): a server prints one at a
	// time and serves the last again while the report is unchanged.
}

// Stats are the figures of one page (or the save, or the import).
type Stats struct {
	Name       string
	Path       string
	Skipped    string // why it was not measured
	Clients    int
	Requests   int
	Errors     int
	FirstError string
	PerSecond  float64
	P50, P99   time.Duration
	Statements float64 // SQL statements per request
	Wire       int     // bytes of the response body on the wire
	Raw        int     // bytes of the response body uncompressed
	Encoding   string  // the response's Content-Encoding
	// Ceiling is the same page served from memory by the same process:
	// its bytes gzipped once (CeilingLevel), with the page's headers; no
	// session, no database, no drawing, no compression per request.
	Ceiling *Stats
}

// Ratio is the page's throughput over the ceiling's: the share of what
// serving these bytes, compressed once, allows that the page reaches.
func (s *Stats) Ratio() float64 {
	if s.Ceiling == nil || s.Ceiling.PerSecond == 0 {
		return 0
	}
	return s.PerSecond / s.Ceiling.PerSecond
}

// ReportTiming is the time to build the report at one size.
type ReportTiming struct {
	Objectives int
	HTML, PDF  time.Duration // build time: the model and its HTML; the PDF from that model
	HTMLBytes  int
	PDFBytes   int
	// DOCX and ODT are the editable documents written from that model
	// (nil where pandoc is missing).
	DOCX, ODT *OfficeTiming
}

// OfficeTiming is the writing of one editable document: the whole (the
// chart drawn by Chromium, pandoc's package, the body written here), the
// chart alone, and the peak memory of the conversion, pandoc's peak
// resident memory plus the peak of this process's heap above what it held
// before.
type OfficeTiming struct {
	Total, Chart time.Duration
	Bytes        int
	PandocRSS    int64
	OurHeap      int64
}

// Memory is the conversion's peak memory: pandoc's and ours.
func (o *OfficeTiming) Memory() int64 { return o.PandocRSS + o.OurHeap }

// Machine is what the run ran on.
type Machine struct {
	CPU        string
	Cores      int
	Go         string
	PostgreSQL string
	OS         string
}

// Result is a whole run.
type Result struct {
	Started    time.Time
	Machine    Machine
	Options    Options
	Sizes      demo.Sizes
	Pages      []*Stats
	Save       *Stats
	Import     *Stats
	FirstVisit FirstVisit
	Reports    []ReportTiming
	ReportNote string
}

// Password is the password of every account of the run.
const Password = "benchmark-password"

// Run does the whole benchmark and returns its figures.
func Run(ctx context.Context, opt Options) (*Result, error) {
	opt.defaults()
	res := &Result{Started: time.Now(), Options: opt}
	logf := func(format string, args ...any) { fmt.Fprintf(opt.Log, format+"\n", args...) }

	if err := os.RemoveAll(opt.Dir); err != nil {
		return nil, err
	}
	logf("starting a private PostgreSQL in %s", opt.Dir)
	cluster, err := pgcluster.Start(ctx, opt.Dir, pgcluster.Options{Ephemeral: true})
	if err != nil {
		return nil, err
	}
	defer cluster.Stop()
	env := &env{cluster: cluster, counter: &db.Counter{}}
	st, closeDB, err := env.open(ctx, "traguardo_bench")
	if err != nil {
		return nil, err
	}
	defer closeDB()
	res.Machine = machine(ctx, st)

	logf("loading a plan of %d objectives over %d centres through the JSON import", opt.Scale.Objectives, opt.Scale.Centres)
	sizes, accounts, err := demo.ScaleInstall(ctx, st, richtext.NewPolicy(), opt.Scale, Password)
	if err != nil {
		return nil, err
	}
	res.Sizes = sizes
	logf("loaded: %s", sizes)

	// As traguardo serve does: the server keeps what reading a session
	// reads while PostgreSQL's notices tell it of every change.
	watch, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	listening := make(chan struct{})
	var once sync.Once
	go st.WatchChanges(watch, store.Watch{Retry: time.Second, Probe: 10 * time.Second, Ready: func() { once.Do(func() { close(listening) }) }})
	select {
	case <-listening:
	case <-time.After(10 * time.Second):
		return nil, fmt.Errorf("the change notices are not listened to after 10 s")
	}

	app := server.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), server.Config{SessionCleanup: -1,
		// Every client signs in at once: let the sign-ins queue, not fail.
		Passwords: auth.NewPasswords(auth.DefaultPasswordSlots(), time.Minute)})
	appURL, stopApp, err := listen(app)
	if err != nil {
		return nil, err
	}
	defer stopApp()
	ceiling := &ceilingHandler{pages: map[string]ceilingPage{}}
	ceilingURL, stopCeiling, err := listen(ceiling)
	if err != nil {
		return nil, err
	}
	defer stopCeiling()

	c, err := st.LoadCycle(ctx, demo.ScaledYear)
	if err != nil {
		return nil, err
	}
	res.FirstVisit, err = firstVisit(ctx, appURL)
	if err != nil {
		return nil, fmt.Errorf("first visit: %w", err)
	}
	logf("first visit: %s", res.FirstVisit)

	// Readers: every account but the managers, round robin, then managers.
	var readers []string
	for _, a := range accounts {
		if a.Role != auth.Manager {
			readers = append(readers, a.Email)
		}
	}
	logf("signing in %d readers", opt.Readers)
	readerClients, err := signInAll(ctx, appURL, cycle(readers, opt.Readers))
	if err != nil {
		return nil, err
	}
	vars := strings.NewReplacer("{year}", fmt.Sprint(c.Year), "{centre}", fmt.Sprint(c.Centres[len(c.Centres)/2].ID),
		"{objective}", fmt.Sprint(c.Centres[len(c.Centres)/2].Objectives[0].ID))
	for _, p := range Pages {
		if !opt.runs("pages") {
			break
		}
		s, err := env.page(ctx, appURL, ceilingURL, ceiling, readerClients, p, vars.Replace(p.Path), opt.Duration)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.Name, err)
		}
		logf("%s", s.line())
		res.Pages = append(res.Pages, s)
	}

	if opt.runs("saves") {
		logf("signing in %d managers", opt.Savers)
		res.Save, err = env.saves(ctx, appURL, c, accounts, opt.Savers, opt.Duration)
		if err != nil {
			return nil, fmt.Errorf("monitoring save: %w", err)
		}
		logf("%s", res.Save.line())
	}
	if opt.runs("import") {
		res.Import, err = env.imports(ctx, appURL, opt)
		if err != nil {
			return nil, fmt.Errorf("import: %w", err)
		}
		logf("%s", res.Import.line())
	}
	if opt.runs("report") {
		res.Reports, res.ReportNote, err = env.reports(ctx, opt)
		if err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
	}
	return res, nil
}

// env is the database side of a run.
type env struct {
	cluster *pgcluster.Cluster
	counter *db.Counter // the statements of the application's pool: queries, batched queries, COPYs
}

// open creates, migrates and opens a database of the cluster, counting its
// statements.
func (e *env) open(ctx context.Context, name string) (*store.Store, func(), error) {
	if err := e.cluster.CreateDatabase(ctx, name, ""); err != nil {
		return nil, nil, err
	}
	if err := db.Migrate(e.cluster.OwnerURL(name)); err != nil {
		return nil, nil, err
	}
	cfg, err := pgxpool.ParseConfig(e.cluster.URL(name))
	if err != nil {
		return nil, nil, err
	}
	cfg.ConnConfig.Tracer = e.counter
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	return store.New(pool), pool.Close, nil
}

// listen serves h on a free port of 127.0.0.1.
func listen(h http.Handler) (string, func(), error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(l)
	return "http://" + l.Addr().String(), func() { srv.Close() }, nil
}

func cycle(list []string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = list[i%len(list)]
	}
	return out
}

// client is a signed-in session.
type client struct {
	http   *http.Client
	base   string
	cookie *http.Cookie
}

var transport = &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 0, DisableCompression: true, IdleConnTimeout: time.Minute}

func newHTTPClient() *http.Client {
	return &http.Client{Transport: transport, Timeout: time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func signIn(ctx context.Context, base, email string) (*client, error) {
	c := &client{http: newHTTPClient(), base: base}
	form := url.Values{"email": {email}, "password": {Password}}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+paths.SignIn, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	for _, ck := range resp.Cookies() {
		if ck.Name == "traguardo_sessione" && resp.StatusCode == http.StatusSeeOther {
			c.cookie = ck
			return c, nil
		}
	}
	return nil, fmt.Errorf("sign-in of %s: status %d", email, resp.StatusCode)
}

func signInAll(ctx context.Context, base string, emails []string) ([]*client, error) {
	out := make([]*client, len(emails))
	errs := make([]error, len(emails))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for i, e := range emails {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			out[i], errs[i] = signIn(ctx, base, e)
		})
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// response is what one request gave.
type response struct {
	status   int
	wire     int
	body     []byte // uncompressed, when asked
	encoding string
	header   http.Header
}

// do sends req with the session, accepting gzip, and reads the body.
func (c *client) do(req *http.Request, keep bool) (response, error) {
	if c.cookie != nil {
		req.AddCookie(c.cookie)
	}
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := c.http.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	r := response{status: resp.StatusCode, encoding: resp.Header.Get("Content-Encoding"), header: resp.Header}
	if !keep {
		n, err := io.Copy(io.Discard, resp.Body)
		r.wire = int(n)
		return r, err
	}
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return r, err
	}
	r.wire, r.body = len(raw), raw
	if r.encoding == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return r, err
		}
		if r.body, err = io.ReadAll(zr); err != nil {
			return r, err
		}
	}
	return r, nil
}

func (c *client) get(ctx context.Context, path string, keep bool) (response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return response{}, err
	}
	return c.do(req, keep)
}

// load runs clients in parallel for d, each calling one until the time is
// up, and gathers the latencies. A request started in time runs to its end
// and counts (its context is not cut by the deadline).
func load(ctx context.Context, clients int, d time.Duration, one func(ctx context.Context, i int) (wire int, err error)) *Stats {
	deadline := time.Now().Add(d)
	var mu sync.Mutex
	var lat []time.Duration
	s := &Stats{Clients: clients}
	start := time.Now()
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() {
			var mine []time.Duration
			for ctx.Err() == nil && time.Now().Before(deadline) {
				t := time.Now()
				wire, err := one(ctx, i)
				el := time.Since(t)
				mu.Lock()
				if err != nil {
					s.Errors++
					if s.FirstError == "" {
						s.FirstError = err.Error()
					}
				} else {
					s.Wire = wire
				}
				mu.Unlock()
				mine = append(mine, el)
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	s.Requests = len(lat)
	s.PerSecond = float64(len(lat)) / elapsed.Seconds()
	slices.Sort(lat)
	if len(lat) > 0 {
		s.P50 = lat[len(lat)*50/100]
		s.P99 = lat[min(len(lat)-1, len(lat)*99/100)]
	}
	return s
}

// page measures one page and its ceiling.
func (e *env) page(ctx context.Context, appURL, ceilingURL string, ceiling *ceilingHandler, clients []*client, p Page, path string, d time.Duration) (*Stats, error) {
	first, err := clients[0].get(ctx, path, true)
	if err != nil {
		return nil, err
	}
	if first.status == http.StatusNotFound && p.Guarded {
		return &Stats{Name: p.Name, Path: path, Skipped: "la pagina non esiste ancora (404): misurata quando sarà presente"}, nil
	}
	if first.status != http.StatusOK {
		return nil, fmt.Errorf("GET %s: status %d", path, first.status)
	}
	if err := ceiling.set(p.Name, first.body, first.header); err != nil {
		return nil, err
	}
	get := func(c *client, path string) func(ctx context.Context, i int) (int, error) {
		return func(ctx context.Context, i int) (int, error) {
			r, err := c.get(ctx, path, false)
			if err == nil && r.status != http.StatusOK {
				err = fmt.Errorf("GET %s: status %d", path, r.status)
			}
			return r.wire, err
		}
	}
	before := e.counter.N()
	s := load(ctx, len(clients), d, func(ctx context.Context, i int) (int, error) { return get(clients[i], path)(ctx, i) })
	s.Statements = float64(e.counter.N()-before) / float64(max(1, s.Requests))
	s.Name, s.Path, s.Wire, s.Raw, s.Encoding = p.Name, path, first.wire, len(first.body), first.encoding
	anon := &client{http: newHTTPClient(), base: ceilingURL}
	s.Ceiling = load(ctx, len(clients), d, get(anon, "/?page="+url.QueryEscape(p.Name)))
	return s, nil
}

// CeilingLevel is the gzip level of the ceiling's pages, compressed once:
// the highest, as the application compresses what it keeps (its pages'
// parts shared by every reader, its static files).
const CeilingLevel = gzip.BestCompression

// ceilingHandler serves each page's bytes from memory, gzipped once, with
// the page's headers: what a server that had nothing to do per request
// but send the page could do.
type ceilingHandler struct {
	mu    sync.RWMutex
	pages map[string]ceilingPage
}

type ceilingPage struct {
	body, gzipped []byte
	header        http.Header
}

// set keeps the page name: its body (uncompressed) gzipped once, and the
// headers of the application's response but those of the session and the
// body's length and encoding, which the ceiling sets for its own bytes.
func (h *ceilingHandler) set(name string, body []byte, header http.Header) error {
	var z bytes.Buffer
	zw, err := gzip.NewWriterLevel(&z, CeilingLevel)
	if err != nil {
		return err
	}
	zw.Write(body)
	if err := zw.Close(); err != nil {
		return err
	}
	hdr := header.Clone()
	for _, k := range []string{"Set-Cookie", "Date", "Content-Length", "Content-Encoding", "Vary"} {
		hdr.Del(k)
	}
	hdr.Set("Vary", "Accept-Encoding")
	h.mu.Lock()
	h.pages[name] = ceilingPage{body: body, gzipped: z.Bytes(), header: hdr}
	h.mu.Unlock()
	return nil
}

func (h *ceilingHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.RLock()
	p, ok := h.pages[r.URL.Query().Get("page")]
	h.mu.RUnlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	out := w.Header()
	for k, v := range p.header {
		out[k] = v
	}
	body := p.body
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		out.Set("Content-Encoding", "gzip")
		body = p.gzipped
	}
	out.Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

// saves has each of n managers save the progress of an objective of his or
// her own centre at the cycle's last period, all at once, for d.
func (e *env) saves(ctx context.Context, base string, c *plan.Cycle, accounts []demo.ScaleAccount, n int, d time.Duration) (*Stats, error) {
	byCentre := map[string]*plan.Centre{}
	for _, ce := range c.Centres {
		byCentre[ce.Name] = ce
	}
	period := c.Periods[len(c.Periods)-1]
	type saver struct {
		email string
		path  string
		form  url.Values
		text  string // the name of the report's field
	}
	var savers []*saver
	seen := map[string]int{}
	for _, a := range accounts {
		if a.Role != auth.Manager || len(savers) == n {
			continue
		}
		ce := byCentre[a.Centre]
		k := seen[a.Centre]
		seen[a.Centre]++
		if k >= len(ce.Objectives) {
			continue
		}
		savers = append(savers, &saver{email: a.Email, path: paths.Progress(c.Year, ce.Objectives[k].ID, period.ID)})
	}
	if len(savers) < n {
		return nil, fmt.Errorf("only %d managers with an objective of their own", len(savers))
	}
	emails := make([]string, len(savers))
	for i, s := range savers {
		emails[i] = s.email
	}
	clients, err := signInAll(ctx, base, emails)
	if err != nil {
		return nil, err
	}
	read := func(ctx context.Context, i int) error {
		r, err := clients[i].get(ctx, savers[i].path, true)
		if err != nil {
			return err
		}
		if r.status != http.StatusOK {
			return fmt.Errorf("GET %s: status %d", savers[i].path, r.status)
		}
		savers[i].form, savers[i].text, err = progressForm(r.body)
		return err
	}
	for i := range savers {
		if err := read(ctx, i); err != nil {
			return nil, err
		}
	}
	var count atomic.Int64
	before := e.counter.N()
	s := load(ctx, len(savers), d, func(ctx context.Context, i int) (int, error) {
		sv := savers[i]
		sv.form.Set(sv.text, fmt.Sprintf("<p>Aggiornamento n. %d: attività in corso.</p>", count.Add(1)))
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+sv.path, strings.NewReader(sv.form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r, err := clients[i].do(req, false)
		if err != nil {
			return 0, err
		}
		if r.status != http.StatusSeeOther {
			return r.wire, fmt.Errorf("POST %s: status %d", sv.path, r.status)
		}
		// The form's version moved on: read it again for the next save (not
		// timed as a save).
		return r.wire, bumpVersion(sv.form)
	})
	s.Statements = float64(e.counter.N()-before) / float64(max(1, s.Requests))
	s.Name, s.Path = "Salvataggio del monitoraggio (POST)", strings.Replace(savers[0].path, fmt.Sprint(c.Year), "{year}", 1)
	return s, nil
}

// imports posts the whole plan's JSON document to the import page, one at a
// time for the duration (at least once), each as a cycle of another year
// (2030 on: 71 imports before the last year a cycle may have, 2100), as a
// director does.
func (e *env) imports(ctx context.Context, base string, opt Options) (*Stats, error) {
	doc, _, err := demo.ScaledDocument(opt.Scale)
	if err != nil {
		return nil, err
	}
	director, err := signIn(ctx, base, "direttore@traguardo.test")
	if err != nil {
		return nil, err
	}
	var next atomic.Int64
	before := e.counter.N()
	// Imports one after the other for the duration, at least one.
	s := load(ctx, 1, opt.Duration, func(ctx context.Context, _ int) (int, error) {
		year := 2029 + next.Add(1)
		if year > 2100 {
			return 0, fmt.Errorf("no year left for another import (cycles end at 2100)")
		}
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("year", fmt.Sprint(year))
		fw, _ := mw.CreateFormFile("file", "piano.json")
		fw.Write(doc)
		mw.Close()
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+paths.CycleImport, &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		r, err := director.do(req, false)
		if err == nil && r.status != http.StatusSeeOther {
			err = fmt.Errorf("POST %s: status %d", paths.CycleImport, r.status)
		}
		return r.wire, err
	})
	s.Statements = float64(e.counter.N()-before) / float64(max(1, s.Requests))
	s.Name, s.Path, s.Raw = "Importazione JSON del piano intero (POST)", paths.CycleImport, len(doc)
	return s, nil
}

// reports times the Relazione (internal/report) on plans of each of
// opt.ReportSizes objectives, each in a database of its own: the model read
// and assembled and its HTML written, then the PDF printed from that model
// by headless Chromium (not measured, with a note, where it is missing).
func (e *env) reports(ctx context.Context, opt Options) ([]ReportTiming, string, error) {
	var out []ReportTiming
	note := ""
	for i, n := range opt.ReportSizes {
		st, closeDB, err := e.open(ctx, fmt.Sprintf("traguardo_report_%d", i))
		if err != nil {
			return nil, "", err
		}
		sc := demo.Scale{Objectives: n, Centres: max(1, min(n, n/10)), Users: 4 + max(1, min(n, n/10))}
		if _, _, err := demo.ScaleInstall(ctx, st, richtext.NewPolicy(), sc, Password); err != nil {
			closeDB()
			return nil, "", err
		}
		t := time.Now()
		m, err := report.Build(ctx, st, demo.ScaledYear)
		closeDB()
		if err != nil {
			return nil, "", err
		}
		var html bytes.Buffer
		if err := report.HTML(ctx, &html, m, report.HTMLOptions{}); err != nil {
			return nil, "", err
		}
		rt := ReportTiming{Objectives: n, HTML: time.Since(t), HTMLBytes: html.Len()}
		var phases pdfPhases
		t = time.Now()
		pdf, err := report.PDF(report.WithPDFTrace(ctx, phases.add), m)
		switch {
		case errors.Is(err, report.ErrNoChromium):
			note = "PDF non misurato: " + report.InstallChromium + "."
		case err != nil:
			return nil, "", err
		default:
			rt.PDF, rt.PDFBytes = time.Since(t), len(pdf)
		}
		for _, f := range []string{report.DOCX, report.ODT} {
			ot, err := officeTiming(ctx, m, f)
			switch {
			case errors.Is(err, report.ErrNoPandoc):
				note = strings.TrimSpace(note + " DOCX e ODT non misurati: " + report.InstallPandoc + ".")
			case err != nil:
				return nil, "", err
			case f == report.DOCX:
				rt.DOCX = ot
			default:
				rt.ODT = ot
			}
		}
		out = append(out, rt)
		fmt.Fprintf(opt.Log, "report at %d objectives: HTML %s, PDF %s (%s; load average %s), DOCX %s, ODT %s\n", n, rt.HTML.Round(time.Millisecond), rt.PDF.Round(time.Millisecond),
			phases.String(), loadAverage(), rt.DOCX.line(), rt.ODT.line())
	}
	return out, note, nil
}

// officeTiming writes m as format, timed, with the conversion's peak
// memory: pandoc's (report.OfficeRun) and this process's heap above what
// it held before, read every few milliseconds.
func officeTiming(ctx context.Context, m *report.Model, format string) (*OfficeTiming, error) {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	heap := func() int64 {
		metrics.Read(sample)
		return int64(sample[0].Value.Uint64())
	}
	base := heap()
	done := make(chan struct{})
	peak := make(chan int64, 1)
	go func() {
		top := base
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			top = max(top, heap())
			select {
			case <-done:
				peak <- top
				return
			case <-tick.C:
			}
		}
	}()
	out, run, err := report.OfficeStats(ctx, m, format)
	close(done)
	top := <-peak
	if err != nil {
		return nil, err
	}
	return &OfficeTiming{Total: run.Total, Chart: run.Chart, Bytes: len(out), PandocRSS: run.PandocMaxRSS, OurHeap: top - base}, nil
}

// pdfPhases adds up the time of each phase of a PDF (report.WithPDFTrace),
// in the order they first came: phases of parts printed at once overlap,
// so they add up to more than the PDF's time.
type pdfPhases struct {
	mu    sync.Mutex
	names []string
	time  map[string]time.Duration
	count map[string]int
}

func (p *pdfPhases) add(phase string, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.time == nil {
		p.time, p.count = map[string]time.Duration{}, map[string]int{}
	}
	if _, ok := p.time[phase]; !ok {
		p.names = append(p.names, phase)
	}
	p.time[phase] += d
	p.count[phase]++
}

func (p *pdfPhases) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, n := range p.names {
		s := fmt.Sprintf("%s %s", n, p.time[n].Round(time.Millisecond))
		if p.count[n] > 1 {
			s += fmt.Sprintf(" (%d×)", p.count[n])
		}
		out = append(out, s)
	}
	return strings.Join(out, ", ")
}

// loadAverage is the machine's load average over the last minute, as
// /proc/loadavg gives it ("?" where there is none).
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "?"
}

func bumpVersion(form url.Values) error {
	v := form.Get("version")
	if v == "" {
		form.Set("version", "1")
		return nil
	}
	var n int
	if _, err := fmt.Sscan(v, &n); err != nil {
		return fmt.Errorf("version %q", v)
	}
	form.Set("version", fmt.Sprint(n+1))
	return nil
}

// machine says what the run runs on.
func machine(ctx context.Context, st *store.Store) Machine {
	m := Machine{Cores: runtime.NumCPU(), Go: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.Lines(string(b)) {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	st.Pool().QueryRow(ctx, "SELECT version()").Scan(&m.PostgreSQL)
	if i := strings.Index(m.PostgreSQL, " on "); i > 0 {
		m.PostgreSQL = m.PostgreSQL[:i]
	}
	return m
}
