package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"traguardo/internal/server"
)

// TestSession_OneStatementBeforeThePage: a page of a cycle whose figures
// are kept costs one statement (the session, its account and the cycle's
// counters read together, store.SessionStore); a session written before
// the account's column falls back to reading the account apart and still
// works; either way a deactivated account is signed out at its next
// request, and a write by SQL behind the server's back shows at once.
func TestSession_OneStatementBeforeThePage(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	counter, pool := countedPool(t, ctx)
	e := newSecEnvOn(t, server.Config{SessionCleanup: -1}, pool)

	statements := func(c *secClient, path string) (int64, *secResponse) {
		t.Helper()
		before := counter.N()
		r := c.get(path)
		return counter.N() - before, r
	}
	const page = "/cicli/2024/cruscotto"
	for _, role := range []string{"direttore", "osservatore"} {
		c := e.signedIn(t, role)
		if _, r := statements(c, page); r.Status != http.StatusOK {
			t.Fatalf("%s: %s answered %d", role, page, r.Status)
		}
		if n, r := statements(c, page); r.Status != http.StatusOK || n != 1 {
			t.Errorf("%s: %s again: %d statements (status %d), want 1", role, page, n, r.Status)
		}
	}

	// A write behind the server's back (another server's, in effect): the
	// counters read with the session see it, the page shows it.
	c := e.signedIn(t, "direttore")
	if r := c.get(page); r.Status != http.StatusOK {
		t.Fatalf("%s answered %d", page, r.Status)
	}
	const renamed = "Centro rinominato da un altro server"
	if _, err := pool.Exec(ctx, `UPDATE cycle_centres SET name = $1 WHERE id = (
		SELECT min(cc.id) FROM cycle_centres cc JOIN cycles y ON y.id = cc.cycle_id WHERE y.year = 2024)`, renamed); err != nil {
		t.Fatal(err)
	}
	if r := c.get(page); !strings.Contains(r.Body, renamed) {
		t.Errorf("after a write by another server, %s does not show it", page)
	}

	// A session written before the column: the account is read apart.
	old := e.signedIn(t, "direttore")
	if _, err := pool.Exec(ctx, `UPDATE sessions SET user_id = NULL WHERE token = $1`, old.session()); err != nil {
		t.Fatal(err)
	}
	if n, r := statements(old, page); r.Status != http.StatusOK || n < 2 {
		t.Errorf("a session without its account's column: %d statements (status %d), want the account read apart", n, r.Status)
	}

	// Deactivated: both sessions end at their next request.
	if _, err := pool.Exec(ctx, `UPDATE users SET active = false WHERE email = $1`, e.emails["direttore"]); err != nil {
		t.Fatal(err)
	}
	c.requireSignedOut("the account deactivated (session read with its account)")
	old.requireSignedOut("the account deactivated (session read without)")
}
