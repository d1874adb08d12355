package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"traguardo/internal/db"
	"traguardo/internal/pgtest"
	"traguardo/internal/server"
	"traguardo/web/paths"
)

// TestQueryCount_ProgressSave: a manager's save of an objective's progress
// costs at most 10 SQL statements, session and account included, also
// right after another save to the same cycle, which leaves the server's
// kept cycle behind the database in data but not in plan: the save reads
// and writes its objective alone, and does not read the cycle again.
func TestQueryCount_ProgressSave(t *testing.T) {
	t.Parallel()
	counter := &db.Counter{}
	cfg, err := pgxpool.ParseConfig(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.Tracer = counter
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	f := newProgressFixtureOn(t, newSecEnvOn(t, server.Config{SessionCleanup: -1}, pool))
	c := f.manager(t, "finanziaria")
	if r := c.get(f.path); r.Status != http.StatusOK {
		t.Fatalf("GET %s: %d", f.path, r.Status)
	}
	other := paths.Progress(2024, f.other, f.pid)
	for version := range 3 {
		// Another objective of the cycle saved first: the cycle's data
		// moves on.
		form := url.Values{"status": {"in linea"}, "text_html": {"<p>Altro obiettivo</p>"}, "version": {strconv.Itoa(version)}}
		if r := c.post(other, form); r.Status != http.StatusSeeOther {
			t.Fatalf("save of the other objective at version %d: status %d\n%.1500s", version, r.Status, r.Body)
		}
		draft := f.draft()
		draft.Set("version", strconv.Itoa(version))
		before := counter.N()
		r := c.post(f.path, draft)
		n := counter.N() - before
		if r.Status != http.StatusSeeOther || r.Location() != f.path {
			t.Fatalf("save at version %d: status %d to %q\n%.1500s", version, r.Status, r.Location(), r.Body)
		}
		t.Logf("save at version %d, after another objective's save: %d statements", version, n)
		if n > 10 {
			t.Errorf("save at version %d: %d statements, more than 10", version, n)
		}
	}
	if n := secCount(t, pool, `SELECT count(*) FROM progress_reports WHERE objective_id = $1 AND period_id = $2 AND version = 3`, f.objective, f.pid); n != 1 {
		t.Errorf("the report is not at version 3 after three saves (%d rows)", n)
	}
	if n := secCount(t, pool, `SELECT count(*) FROM audit_log WHERE action = 'save-progress' AND entity = 'progress'`); n != 6 {
		t.Errorf("%d audit records of the six saves", n)
	}
}
