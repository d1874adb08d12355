package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"traguardo/internal/interchange"
	"traguardo/internal/pgtest"
	"traguardo/internal/richtext"
	"traguardo/internal/server"
	"traguardo/internal/store"
)

// qcCounter counts the SQL statements a pool sends.
type qcCounter struct{ n atomic.Int64 }

func (c *qcCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.n.Add(1)
	return ctx
}

func (c *qcCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

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

// TestQueryCount_PagesDoNotGrowWithThePlan serves every page of a cycle on
// the demo's plan (6 centres, 18 objectives) and on one eight times its size,
// counting the SQL statements of each request: a page that grows with the
// plan (a query per row) fails.
func TestQueryCount_PagesDoNotGrowWithThePlan(t *testing.T) {
	t.Parallel()
	counter := &qcCounter{}
	cfg, err := pgxpool.ParseConfig(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.Tracer = counter
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	e := newSecEnvOn(t, server.Config{}, pool)

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
		ids[year] = map[string]int64{}
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

	pages := []string{
		"/", "/cicli/{year}", "/cicli/{year}/export.json", "/cicli/{year}/piano.xlsx", "/cicli/{year}/obiettivi/{id}",
		"/cicli/{year}/variazioni", "/cicli/{year}/impostazioni", "/cicli/{year}/approva", "/cicli/{year}/elimina",
		"/cicli/{year}/obiettivi/{id}/modifica", "/cicli/{year}/obiettivi/{id}/elimina",
		"/cicli/{year}/centri/{centre}/obiettivi/nuovo", "/cicli/{year}/centri/{centre}/modifica", "/cicli/{year}/centri/{centre}/elimina",
		"/cicli/{year}/attivita/{aid}/modifica", "/cicli/{year}/attivita/{aid}/elimina", "/cicli/{year}/obiettivi/{id}/attivita/nuova",
		"/cicli/{year}/indicatori/{iid}/modifica", "/cicli/{year}/indicatori/{iid}/elimina", "/cicli/{year}/obiettivi/{id}/indicatori/nuovo",
		"/cicli/{year}/periodi/{pid}/elimina", "/cicli/{year}/centri/nuovo", "/cicli/{year}/importa-foglio", "/registro",
		// The figures as of a chosen period.
		"/cicli/{year}?al={year}-06-30", "/cicli/{year}/obiettivi/{id}?al={year}-06-30",
		// Navigation: a centre's page, the list of objectives filtered and searched.
		"/cicli/{year}/centri/{centre}", "/cicli/{year}/obiettivi", "/cicli/{year}/obiettivi?pagina=2",
		"/cicli/{year}/obiettivi?esito=non+raggiunto&ritardo=si&mancanti=si&q=a&stato=critico",
		// The dashboard, at the default period and at a chosen one.
		"/cicli/{year}/cruscotto", "/cicli/{year}/cruscotto?al={year}-06-30",
		// The Relazione, its open data, its texts and its check.
		"/cicli/{year}/relazione", "/cicli/{year}/relazione.csv", "/cicli/{year}/relazione/testi", "/cicli/{year}/relazione/verifica",
		// The Relazione's lifecycle: state, versions, comments, deadlines.
		"/cicli/{year}/validazione",
	}
	dir := e.signedIn(t, "direttore")
	adm := e.signedIn(t, "admin")
	count := func(c *secClient, path string) int64 {
		before := counter.n.Load()
		r := c.get(path)
		after := counter.n.Load()
		if r.Status != http.StatusOK {
			t.Errorf("GET %s: status %d", path, r.Status)
		}
		return after - before
	}
	type pair struct{ small, large int }
	plans := map[string]pair{}
	for _, page := range pages {
		plans[page] = pair{2023, large}
	}
	// The pages that show the previous year: a cycle carried over.
	for _, page := range []string{"/cicli/{year}/obiettivi/{id}", "/cicli/{year}/centri/{centre}"} {
		pages = append(pages, page+"?al={year}-12-31")
		plans[page+"?al={year}-12-31"] = pair{2024, large + 1}
	}
	for _, page := range pages {
		// got is the first request of the page, warm its repetition: a
		// cycle read once is kept while the data version holds (the first
		// page of a cycle loads it whole, in a fixed number of statements).
		var got, warm [2]int64
		for i, year := range []int{plans[page].small, plans[page].large} {
			path := strings.ReplaceAll(page, "{year}", fmt.Sprint(year))
			for k, v := range ids[year] {
				path = strings.ReplaceAll(path, k, fmt.Sprint(v))
			}
			c := dir
			if page == "/registro" {
				c = adm
			}
			got[i] = count(c, path)
			warm[i] = count(c, path)
		}
		t.Logf("%-50s %3d statements (then %d) on %d objectives, %3d (then %d) on %d", page, got[0], warm[0], n.small, got[1], warm[1], n.large)
		if got[1] > got[0] || warm[1] > warm[0] {
			t.Errorf("GET %s: %d statements on %d objectives, %d on %d: the page queries per row", page, got[0], n.small, got[1], n.large)
		}
		if got[0] > 20 {
			t.Errorf("GET %s: %d statements", page, got[0])
		}
		if warm[0] > 10 || warm[1] > 10 {
			t.Errorf("GET %s again: %d and %d statements, more than 10", page, warm[0], warm[1])
		}
	}
}
