package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"traguardo/internal/server"
	"traguardo/internal/store"
)

// TestSession_KeptWhileWatching: with the change notices listened to
// (store.WatchChanges, as traguardo serve runs it), a page requested
// again costs no statement; the server's own writes show at its next
// request, every time; another server's (here: SQL behind its back) show
// once their notice arrives; a session signed out or an account
// deactivated ends at once or at the notice; while the notices' connection
// is lost every request reads the database, and keeping starts again once
// it is back.
func TestSession_KeptWhileWatching(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	counter, pool := countedPool(t, ctx)
	e := newSecEnvOn(t, server.Config{SessionCleanup: -1}, pool)
	var starts atomic.Int32
	listening := make(chan struct{}, 4)
	watch, stop := context.WithCancel(ctx)
	t.Cleanup(stop)
	// No probe after the first while the test counts statements: a probe
	// is one.
	go e.st.WatchChanges(watch, store.Watch{Retry: 50 * time.Millisecond, Probe: time.Hour, Ready: func() { starts.Add(1); listening <- struct{}{} }})
	select {
	case <-listening:
	case <-ctx.Done():
		t.Fatal("the notices are not listened to")
	}

	statements := func(c *secClient, path string) (int64, *secResponse) {
		t.Helper()
		before := counter.N()
		r := c.get(path)
		return counter.N() - before, r
	}
	// eventually requests path until ok says its answer shows what is
	// awaited, for at most 10 s: a notice takes milliseconds to arrive.
	eventually := func(c *secClient, path, what string, ok func(*secResponse) bool) time.Duration {
		t.Helper()
		start := time.Now()
		for time.Since(start) < 10*time.Second {
			if ok(c.get(path)) {
				return time.Since(start)
			}
			time.Sleep(5 * time.Millisecond)
		}
		t.Fatalf("%s: not shown 10 s later", what)
		return 0
	}

	const page = "/cicli/2024/cruscotto"
	dir := e.signedIn(t, "direttore")
	if _, r := statements(dir, page); r.Status != http.StatusOK {
		t.Fatalf("%s answered %d", page, r.Status)
	}
	for k := range 3 {
		if n, r := statements(dir, page); r.Status != http.StatusOK || n != 0 {
			t.Errorf("%s again (%d): %d statements (status %d), want 0", page, k, n, r.Status)
		}
	}

	// This server's writes: at its next request, every time.
	var centre int64
	if err := pool.QueryRow(ctx, `SELECT min(cc.id) FROM cycle_centres cc JOIN cycles c ON c.id = cc.cycle_id WHERE c.year = 2024`).Scan(&centre); err != nil {
		t.Fatal(err)
	}
	for k := range 3 {
		name := fmt.Sprintf("AREA RINOMINATA QUI %d", k)
		if r := dir.post(fmt.Sprintf("/cicli/2024/centri/%d/modifica", centre), url.Values{"name": {name}, "manager": {"Dott. Nuovo"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("rename: %d %s", r.Status, r.Body)
		}
		if r := dir.get(page); !strings.Contains(r.Body, name) {
			t.Errorf("right after this server renamed the centre, %s does not show %q", page, name)
		}
	}

	// Another server's write: once its notice arrives; then kept again.
	const renamed = "Centro rinominato da un altro server"
	if _, err := pool.Exec(ctx, `UPDATE cycle_centres SET name = $1 WHERE id = $2`, renamed, centre); err != nil {
		t.Fatal(err)
	}
	took := eventually(dir, page, "another server's rename", func(r *secResponse) bool { return strings.Contains(r.Body, renamed) })
	t.Logf("another server's write shown %v after its commit", took)
	if n, _ := statements(dir, page); n != 0 {
		t.Errorf("after the notice, %s again: %d statements, want 0", page, n)
	}

	// Signed out on this server: the old session is refused at once.
	gone := e.signedIn(t, "direttore")
	if _, r := statements(gone, page); r.Status != http.StatusOK {
		t.Fatalf("%s answered %d", page, r.Status)
	}
	token := gone.session()
	if r := gone.post("/esci", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("sign-out: %d", r.Status)
	}
	gone.setSession(token)
	gone.requireSignedOut("the session signed out on this server, presented again")

	// An account deactivated elsewhere: its session ends at the notice.
	obs := e.signedIn(t, "osservatore")
	if _, r := statements(obs, page); r.Status != http.StatusOK {
		t.Fatalf("%s answered %d", page, r.Status)
	}
	if _, err := pool.Exec(ctx, `UPDATE users SET active = false WHERE email = $1`, e.emails["osservatore"]); err != nil {
		t.Fatal(err)
	}
	eventually(obs, "/", "the deactivation", func(r *secResponse) bool {
		return r.Status == http.StatusSeeOther && strings.HasPrefix(r.Location(), "/accedi")
	})

	// The notices' connection lost: every request reads the database, and
	// a write behind the server's back shows at once; then it listens
	// again and keeps.
	statements(dir, page)
	if n, _ := statements(dir, page); n != 0 {
		t.Fatalf("before the notices' connection ends, %s: %d statements, want 0", page, n)
	}
	var ended int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND query LIKE 'LISTEN %') x`).Scan(&ended); err != nil || ended != 1 {
		t.Fatalf("ending the notices' connection: %d ended, %v", ended, err)
	}
	// Once the server sees the connection gone (at once: the listening
	// goroutine waits on it), nothing is kept: two requests in a row read.
	down := 0
	for range 2000 {
		if n, _ := statements(dir, page); n > 0 {
			down++
		} else {
			down = 0
		}
		if down == 2 {
			break
		}
	}
	if down < 2 {
		t.Fatal("with the notices' connection ended, pages still cost no statement")
	}
	const behind = "Centro rinominato mentre le notifiche tacciono"
	if _, err := pool.Exec(ctx, `UPDATE cycle_centres SET name = $1 WHERE id = $2`, behind, centre); err != nil {
		t.Fatal(err)
	}
	if r := dir.get(page); !strings.Contains(r.Body, behind) && starts.Load() < 2 {
		t.Errorf("with the notices' connection ended, a write behind the server's back is not shown at once")
	}
	select {
	case <-listening:
	case <-ctx.Done():
		t.Fatal("the notices are not listened to again")
	}
	if starts.Load() < 2 {
		t.Fatalf("listening started %d times, want 2", starts.Load())
	}
	statements(dir, page)
	if n, r := statements(dir, page); r.Status != http.StatusOK || n != 0 {
		t.Errorf("listening again, %s: %d statements (status %d), want 0", page, n, r.Status)
	}
}
