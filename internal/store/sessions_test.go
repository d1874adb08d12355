package store_test

import (
	"context"
	"testing"
	"time"

	"traguardo/internal/auth"
	"traguardo/internal/store"
)

// TestSessionStore_Prefetch: reading a session with WithPrefetch reads its
// account (PrefetchedUser) and the cycle's counters; those serve only a
// request that does not write, and only its first read of the cycle: a
// request that writes, or reads the cycle again, reads where it stands.
func TestSessionStore_Prefetch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := MustImportDemo(t)
	const email = "osservatore@traguardo.test"
	userID := MustCreateUser(t, st, store.CLI, store.NewUser{Email: email, Role: auth.Observer}, "password-utente-1")
	ss := st.NewSessionStore(0, func([]byte) int64 { return userID })
	if err := ss.CommitCtx(ctx, "token", []byte("data"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	rename := func(name string) {
		t.Helper()
		if _, err := st.Pool().Exec(ctx, `UPDATE cycle_centres SET name = $1 WHERE id = (
			SELECT min(cc.id) FROM cycle_centres cc JOIN cycles y ON y.id = cc.cycle_id WHERE y.year = 2024)`, name); err != nil {
			t.Fatal(err)
		}
	}
	firstCentre := func(ctx context.Context) string {
		t.Helper()
		c, err := st.LoadCycle(ctx, 2024)
		if err != nil {
			t.Fatal(err)
		}
		return c.Centres[0].Name
	}
	find := func(readOnly bool) context.Context {
		t.Helper()
		rctx := store.WithPrefetch(ctx, 2024, readOnly)
		data, found, err := ss.FindCtx(rctx, "token")
		if err != nil || !found || string(data) != "data" {
			t.Fatalf("FindCtx = %q, %v, %v", data, found, err)
		}
		return rctx
	}
	firstCentre(ctx) // kept

	// A request that writes: its reads see its write.
	w := find(false)
	if u, ok := store.PrefetchedUser(w, userID); !ok || u.Email != email {
		t.Fatalf("PrefetchedUser = %+v, %v; want the account %s", u, ok, email)
	}
	if _, ok := store.PrefetchedUser(w, userID+1); ok {
		t.Error("PrefetchedUser answered for another account than the session's")
	}
	rename("Scritto dalla richiesta")
	if got := firstCentre(w); got != "Scritto dalla richiesta" {
		t.Errorf("a request that writes read the counters of before its write: %q", got)
	}

	// A request that reads: its first read is at the counters read with
	// the session, the next where the cycle stands.
	r := find(true)
	rename("Scritto da un altro server")
	if got := firstCentre(r); got != "Scritto dalla richiesta" {
		t.Errorf("first read of a reading request: %q, want the cycle as at the session's read", got)
	}
	if got := firstCentre(r); got != "Scritto da un altro server" {
		t.Errorf("second read of a reading request: %q, want the cycle as it stands", got)
	}

	// Without WithPrefetch, a plain read.
	if _, found, err := ss.FindCtx(ctx, "token"); err != nil || !found {
		t.Fatalf("FindCtx without prefetch = %v, %v", found, err)
	}
	if err := ss.DeleteCtx(ctx, "token"); err != nil {
		t.Fatal(err)
	}
	if _, found, err := ss.FindCtx(store.WithPrefetch(ctx, 2024, true), "token"); err != nil || found {
		t.Fatalf("FindCtx after DeleteCtx = %v, %v", found, err)
	}
}
