package server_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"traguardo/internal/pgtest"
)

// TestSave_SessionWriteFailsAfterCommit replays a save acknowledged with 503:
// the session store's write at the end of the request (scs writes the
// session as the answer starts, if only to push its idle expiry) fails after
// the save has committed. The fault is real: the owner of the schema takes
// INSERT and UPDATE on the sessions table from the application's role
// between the form's read and its post, so the session can be read but not
// written (pgxstore writes it with an upsert), as when PostgreSQL goes away
// right after the save's commit. The save answers its success redirect,
// with its confirmation for the next page.
func TestSave_SessionWriteFailsAfterCommit(t *testing.T) {
	t.Parallel()
	f := newProgressFixture(t)
	c := f.manager(t, "finanziaria")
	// The form as a browser posts it, read before the fault.
	form := c.withVersion(f.path, f.draft())
	ctx := context.Background()
	owner := pgtest.Owner(t, f.e.pool)
	if _, err := owner.Exec(ctx, `REVOKE INSERT, UPDATE ON sessions FROM traguardo_app`); err != nil {
		t.Fatal(err)
	}
	_, err := f.e.pool.Exec(ctx, `UPDATE sessions SET expiry = expiry`)
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "42501" {
		t.Fatalf("the application's role still writes the sessions: %v", err)
	}

	r := c.do(http.MethodPost, f.path, form, nil)
	if r.Status != http.StatusSeeOther || r.Location() != f.path {
		t.Fatalf("save with the session unwritable: status %d to %q, want 303 to the form; body:\n%.800s", r.Status, r.Location(), r.Body)
	}
	var flash bool
	for _, k := range r.Cookies {
		flash = flash || (k.Name == "traguardo_avviso" && k.Value != "")
	}
	if !flash {
		t.Errorf("the redirect carries no confirmation; cookies %v", r.Cookies)
	}
	if n := secCount(t, f.e.pool, `SELECT count(*) FROM indicator_values WHERE period_id = $1 AND indicator_id = $2 AND value = 2`, f.pid, f.indicators[0]); n != 1 {
		t.Errorf("the value saved: %d rows, want 1", n)
	}
	if n := secCount(t, f.e.pool, `SELECT count(*) FROM progress_reports WHERE objective_id = $1 AND period_id = $2 AND status = 'a rischio'`, f.objective, f.pid); n != 1 {
		t.Errorf("the report saved: %d rows, want 1", n)
	}

	// The database back: the page after the redirect confirms the save.
	if _, err := owner.Exec(ctx, `GRANT INSERT, UPDATE ON sessions TO traguardo_app`); err != nil {
		t.Fatal(err)
	}
	page := c.get(r.Location())
	if page.Status != http.StatusOK {
		t.Fatalf("GET %s after the fault: status %d", r.Location(), page.Status)
	}
	if got := textOf(oneByTestID(t, parseHTML(t, page.Body), "flash")); !strings.Contains(got, "Avanzamento salvato come bozza.") {
		t.Errorf("flash %q, want the save's confirmation", got)
	}
	// Shown once.
	if again := byTestID(parseHTML(t, c.get(r.Location()).Body), "flash"); len(again) != 0 {
		t.Errorf("the confirmation shown twice")
	}
}
