package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"traguardo/internal/server"
	"traguardo/internal/store"
)

// TestCycleCache_FreshAcrossServers: two application servers on one
// database, each with its own store (and cache of loaded cycles). A change
// saved through one is on the pages the other serves at once, every time:
// neither serves a cycle older than a write acknowledged.
func TestCycleCache_FreshAcrossServers(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	other := httptest.NewServer(server.New(store.New(e.pool), slog.New(slog.NewTextHandler(io.Discard, nil)), server.Config{SessionCleanup: -1}))
	t.Cleanup(other.Close)
	var centre int64
	if err := e.pool.QueryRow(context.Background(), `SELECT min(cc.id) FROM cycle_centres cc JOIN cycles c ON c.id = cc.cycle_id WHERE c.year = 2024`).Scan(&centre); err != nil {
		t.Fatal(err)
	}
	// One session (sessions live in PostgreSQL), two servers: a cookie jar
	// ignores ports, so the client signed in on the first is signed in on
	// the second.
	onA := e.signedIn(t, "direttore")
	onB := *onA
	u, err := url.Parse(other.URL)
	if err != nil {
		t.Fatal(err)
	}
	onB.base = u
	page := fmt.Sprintf("/cicli/2024/centri/%d", centre)
	for _, c := range []*secClient{onA, &onB} {
		// Both servers have read (and keep) the cycle.
		if r := c.get(page); r.Status != http.StatusOK || !strings.Contains(r.Body, "AREA DIREZIONE") {
			t.Fatalf("GET %s on %s: %d", page, c.base, r.Status)
		}
	}
	for k := range 3 {
		name := fmt.Sprintf("AREA RINOMINATA %d", k)
		writer, reader := onA, &onB
		if k%2 == 1 {
			writer, reader = &onB, onA
		}
		if r := writer.post(fmt.Sprintf("/cicli/2024/centri/%d/modifica", centre), url.Values{"name": {name}, "manager": {"Dott. Nuovo"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("rename through %s: %d %s", writer.base, r.Status, r.Body)
		}
		for _, p := range []string{page, "/cicli/2024", "/cicli/2024/cruscotto"} {
			if r := reader.get(p); r.Status != http.StatusOK || !strings.Contains(r.Body, name) {
				t.Errorf("after the rename through %s, GET %s on %s (status %d) does not show %q", writer.base, p, reader.base, r.Status, name)
			}
		}
	}
}
