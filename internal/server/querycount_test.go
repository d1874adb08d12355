package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"traguardo/internal/db"
	"traguardo/internal/interchange"
	"traguardo/internal/pgtest"
	"traguardo/internal/richtext"
	"traguardo/internal/server"
	"traguardo/internal/store"
)

// qcLargeDocument is the demo cycle as year, with its centres repeated
// times (renamed): times × 18 objectives.
func qcLargeDocument(t testing.TB, year, times int) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(filesDemoJSON(t, year), &doc); err != nil {
		t.Fatal(err)
	}
	centres := doc["centres"].([]any)
	var all []any
	for i := range times {
		for _, c := range centres {
			b, _ := json.Marshal(c)
			var copy map[string]any
			json.Unmarshal(b, &copy)
			if i > 0 {
				copy["name"] = fmt.Sprintf("%s %d", copy["name"], i+1)
				for _, o := range copy["objectives"].([]any) {
					if g, ok := o.(map[string]any)["group"].(string); ok {
						o.(map[string]any)["group"] = fmt.Sprintf("%s %d", g, i+1)
					}
				}
			}
			all = append(all, copy)
		}
	}
	doc["centres"] = all
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// qcExcluded are the GET routes the statement count does not request, each
// with why. Every other GET route of the router is counted.
var qcExcluded = map[string]string{
	"GET /static/*": "the files built into the binary: no database",
	"GET /cicli/{year}/relazione.pdf": "printed by Chromium, which the test machine may lack; " +
		"the same figures as relazione.docx, .odt, .xlsx and .csv, which are counted",
	"GET /cicli/{year}/validazione/versioni/{n}/relazione.pdf":             "a version frozen when the Relazione is sent, with its PDF (Chromium)",
	"GET /cicli/{year}/validazione/versioni/{n}/relazione.json":            "a version frozen when the Relazione is sent, with its PDF (Chromium)",
	"GET /cicli/{year}/monitoraggio-intermedio/invii/{n}/monitoraggio.pdf": "a sending frozen when the director sends the mid-year report, with its PDF (Chromium)",
	"GET /trasparenza/relazione/{year}":                                    "only once a version is validated, which needs one sent (Chromium)",
	"GET /trasparenza/relazione/{year}/versioni/{n}/{file}":                "only once a version is validated, which needs one sent (Chromium)",
	"GET /cicli/{year}/piano.pdf":                                          "printed by Chromium; the same model as the Piano's page, which is counted",
	"GET /trasparenza/piano/{year}/versioni/{n}/piano.pdf":                 "only once a plan is approved through the server, which prints its Piano (Chromium)",
	"GET /accedi/oidc/ritorno":                                             "the answer of an OpenID Connect provider, which this test has not (oidc_test.go)",
}

// qcOnApproved are the GET routes that answer only on an approved plan
// (409 on the demo's, as routeMatrix says), with the role that requests
// them: they are counted last, once the cycles counted are approved.
var qcOnApproved = map[string]string{
	"GET /cicli/{year}/validazione/invia": "direttore",
}

// qcVariants are the query strings a page is counted with besides none:
// the figures as of a chosen period, the list filtered and searched.
var qcVariants = map[string][]string{
	"GET /cicli/{year}":                {"?al={year}-06-30"},
	"GET /cicli/{year}/obiettivi/{id}": {"?al={year}-06-30"},
	"GET /cicli/{year}/obiettivi":      {"?pagina=2", "?esito=non+raggiunto&ritardo=si&mancanti=si&q=a&stato=critico"},
	"GET /cicli/{year}/cruscotto":      {"?al={year}-06-30"},
}

// qcPreviousYear are the pages that show the year before (an objective's
// result when carried over): they are counted again on the cycles that
// follow the demo's and the large one, at their last period.
var qcPreviousYear = []string{"GET /cicli/{year}/obiettivi/{id}", "GET /cicli/{year}/centri/{centre}"}

// qcRoles is the order in which a role is picked to request a route: the
// first that routeMatrix lets see it (status 200).
var qcRoles = []string{"direttore", "admin", "nucleo", "osservatore", "responsabile", secAnonymous}

// countedPool is a pool of a fresh test database whose statements counter
// counts: queries, batched queries and COPYs, each one statement; but the
// write of a session's last use, which comes at most once a minute
// whatever the page (touchEvery), and would fall on whichever request of a
// slow run is past that minute (TestSession_NotWrittenAtEveryRequest
// checks it).
func countedPool(t *testing.T, ctx context.Context) (*db.Counter, *pgxpool.Pool) {
	t.Helper()
	counter := &db.Counter{Skip: func(sql string) bool { return strings.HasPrefix(sql, "INSERT INTO sessions ") }}
	cfg, err := pgxpool.ParseConfig(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.Tracer = counter
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return counter, pool
}

// TestQueryCount_PagesDoNotGrowWithThePlan requests every GET route of the
// router (but qcExcluded), on the demo's plan (6 centres, 18 objectives)
// and on one eight times its size, as a role that routeMatrix lets see it,
// counting the SQL statements of each request: a page that grows with the
// plan (a query per row) fails. A GET route added to the router is counted
// without changing the test; one that no role may see, or whose parameters
// the test cannot fill in, fails it until it is taught or excluded.
func TestQueryCount_PagesDoNotGrowWithThePlan(t *testing.T) {
	t.Parallel()
	// Bounded, with room for the race detector on a busy machine: the
	// test requests every page twice on two plans.
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	counter, pool := countedPool(t, ctx)
	// No background sweep of sessions: it would run statements of its own.
	e := newSecEnvOn(t, server.Config{SessionCleanup: -1}, pool)

	const large = 2031
	c, err := interchange.Read(strings.NewReader(string(qcLargeDocument(t, large, 8))), richtext.NewPolicy())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.ImportCycle(ctx, store.Actor{Name: "test"}, c); err != nil {
		t.Fatal(err)
	}
	// The large plan again, as the cycle after it: its pages read the
	// previous year's figures of a large plan (the demo's 2024 those of
	// 2023).
	c2, err := interchange.Read(strings.NewReader(string(qcLargeDocument(t, large+1, 8))), richtext.NewPolicy())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.ImportCycle(ctx, store.Actor{Name: "test"}, c2); err != nil {
		t.Fatal(err)
	}
	// The first record of each kind in each cycle.
	ids := map[int]map[string]int64{}
	for _, year := range []int{2023, large, 2024, large + 1} {
		var centre, objective, activity, indicator, period int64
		if err := pool.QueryRow(ctx, `
			SELECT min(cc.id), min(o.id), min(a.id), min(i.id), min(p.id)
			FROM cycles c JOIN cycle_centres cc ON cc.cycle_id = c.id JOIN objectives o ON o.cycle_id = c.id
			JOIN activities a ON a.objective_id = o.id JOIN indicators i ON i.objective_id = o.id
			JOIN periods p ON p.cycle_id = c.id WHERE c.year = $1`, year).Scan(&centre, &objective, &activity, &indicator, &period); err != nil {
			t.Fatal(err)
		}
		ids[year] = map[string]int64{"{centre}": centre, "{id}": objective, "{aid}": activity, "{iid}": indicator, "{pid}": period}
	}
	var n struct{ small, large int }
	if err := pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE c.year = 2023), count(*) FILTER (WHERE c.year = $1)
		FROM objectives o JOIN cycles c ON c.id = o.cycle_id`, large).Scan(&n.small, &n.large); err != nil {
		t.Fatal(err)
	}
	if n.large < 8*n.small {
		t.Fatalf("the large plan has %d objectives, the small %d", n.large, n.small)
	}

	// The pages: every GET route, with the role that requests it, on the
	// demo's cycle and on the large one.
	type page struct {
		route, pattern, role string
		small, large         int
	}
	var pages []page
	routes := secRoutes(t, e.handler)
	for _, r := range routes {
		method, pattern, _ := strings.Cut(r, " ")
		if method != http.MethodGet {
			continue
		}
		if _, ok := qcExcluded[r]; ok {
			continue
		}
		if _, ok := qcOnApproved[r]; ok {
			continue
		}
		role := ""
		for _, ro := range qcRoles {
			if routeMatrix[r][ro] == http.StatusOK {
				role = ro
				break
			}
		}
		if role == "" {
			t.Errorf("%s: no role sees it in routeMatrix (status 200): count it as one that does, or add it to qcExcluded with why", r)
			continue
		}
		for _, q := range append([]string{""}, qcVariants[r]...) {
			pages = append(pages, page{r, pattern + q, role, 2023, large})
		}
		if slices.Contains(qcPreviousYear, r) {
			pages = append(pages, page{r, pattern + "?al={year}-12-31", role, 2024, large + 1})
		}
	}
	for r := range qcExcluded {
		if !slices.Contains(routes, r) {
			t.Errorf("qcExcluded has %s, which the router does not serve", r)
		}
	}
	for r := range qcOnApproved {
		if !slices.Contains(routes, r) {
			t.Errorf("qcOnApproved has %s, which the router does not serve", r)
		}
	}
	for r := range qcVariants {
		if !slices.Contains(routes, r) {
			t.Errorf("qcVariants has %s, which the router does not serve", r)
		}
	}
	for _, r := range qcPreviousYear {
		if !slices.Contains(routes, r) {
			t.Errorf("qcPreviousYear has %s, which the router does not serve", r)
		}
	}

	// load is what reading a cycle not kept costs (its data version
	// checked, then the cycle read): the first request of a page may read
	// its cycle and the year before, no more.
	before := counter.N()
	if _, err := store.New(pool).LoadCycle(ctx, 2023); err != nil {
		t.Fatal(err)
	}
	load := counter.N() - before
	t.Logf("reading a cycle not kept: %d statements", load)

	clients := map[string]*secClient{}
	for _, role := range qcRoles {
		clients[role] = e.signedIn(t, role)
	}
	fill := func(pattern string, year int) string {
		path := strings.ReplaceAll(pattern, "{year}", fmt.Sprint(year))
		path = strings.ReplaceAll(path, "{ruolo}", "direttore")
		if strings.HasPrefix(path, "/admin/utenti/") {
			path = strings.ReplaceAll(path, "{id}", fmt.Sprint(e.targetID))
		}
		for k, v := range ids[year] {
			path = strings.ReplaceAll(path, k, fmt.Sprint(v))
		}
		if strings.ContainsAny(path, "{}*") {
			t.Fatalf("%s: no value for its parameters (got %s): teach the test about them, or add the route to qcExcluded with why", pattern, path)
		}
		return path
	}
	count := func(c *secClient, path string) int64 {
		before := counter.N()
		r := c.get(path)
		after := counter.N()
		if r.Status != http.StatusOK {
			t.Errorf("GET %s: status %d", path, r.Status)
		}
		return after - before
	}
	// The routes on an approved plan come last, once the cycles are.
	approved := len(pages)
	for _, r := range slices.Sorted(maps.Keys(qcOnApproved)) {
		_, pattern, _ := strings.Cut(r, " ")
		pages = append(pages, page{r, pattern, qcOnApproved[r], 2023, large})
	}
	for i, p := range pages {
		if i == approved {
			if _, err := pool.Exec(ctx, `UPDATE cycles SET approval_act = 'delibera 1', approved_on = make_date(year, 1, 31) WHERE year = ANY($1)`,
				[]int{2023, large}); err != nil {
				t.Fatal(err)
			}
		}
		// got is the first request of the page, warm its repetition: a
		// cycle read once is kept while the data version holds (the first
		// page of a cycle loads it whole, in a fixed number of statements).
		var got, warm [2]int64
		for i, year := range []int{p.small, p.large} {
			path := fill(p.pattern, year)
			got[i] = count(clients[p.role], path)
			warm[i] = count(clients[p.role], path)
		}
		t.Logf("%-62s %-12s %3d statements (then %d) on %d objectives, %3d (then %d) on %d", p.pattern, p.role, got[0], warm[0], n.small, got[1], warm[1], n.large)
		if got[1] > got[0] || warm[1] > warm[0] {
			t.Errorf("GET %s: %d statements on %d objectives, %d on %d: the page queries per row", p.pattern, got[0], n.small, got[1], n.large)
		}
		if got[0] > warm[0]+2*load {
			t.Errorf("GET %s: %d statements, then %d: more than loading two cycles (%d statements each)", p.pattern, got[0], warm[0], load)
		}
		if warm[0] > 10 || warm[1] > 10 {
			t.Errorf("GET %s again: %d and %d statements, more than 10", p.pattern, warm[0], warm[1])
		}
	}
}
