package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"traguardo/internal/auth"
)

// mustPanic runs f and returns what it panicked with, failing t if it did not.
func mustPanic(t *testing.T, what string, f func()) (v any) {
	t.Helper()
	defer func() {
		v = recover()
		if v == nil {
			t.Errorf("%s did not stop the server", what)
		}
	}()
	f()
	return nil
}

// TestRouteTable_FailsClosed: a route registered around the table, or with
// no permission, stops the server at start instead of being served.
func TestRouteTable_FailsClosed(t *testing.T) {
	s := &Server{}
	newTable := func() (*routeTable, chi.Router) {
		return &routeTable{s: s, perms: map[string]auth.Permission{}, public: map[string]bool{}}, chi.NewRouter()
	}
	ok := func(w http.ResponseWriter, r *http.Request) error { return nil }

	rt, r := newTable()
	rt.on(r).get("/a", auth.ReadCycle, ok)
	rt.on(r).public(http.MethodGet, "/b", http.NotFoundHandler())
	rt.mustCover(r) // every route named: no panic

	r.Get("/segreto", func(w http.ResponseWriter, r *http.Request) {})
	v := mustPanic(t, "a route registered without the table", func() { rt.mustCover(r) })
	if err, _ := v.(error); err == nil || !strings.Contains(err.Error(), "GET /segreto") {
		t.Errorf("panic %v does not name the route", v)
	}

	rt, r = newTable()
	mustPanic(t, "a route with an empty permission", func() { rt.on(r).post("/c", "", ok) })
	// The application's own routes go through New, which every other test
	// of this package calls: it would panic there.
}
