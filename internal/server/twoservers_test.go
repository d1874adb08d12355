package server_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"golang.org/x/net/html"
)

// TestTwoServers_ShareSessionsAndData: two application servers, each with
// its own pool, on one database, as behind a load balancer. A manager signs
// in on the first and goes on working on the second; what one saves the
// other shows at the very next request; a save on one read at a version the
// other has moved past is refused (409); signing out on one ends the
// session on both.
func TestTwoServers_ShareSessionsAndData(t *testing.T) {
	t.Parallel()
	f := newProgressFixture(t)
	baseB := f.e.secondServer(t)
	if baseB.String() == f.e.srv.URL {
		t.Fatal("the two servers share an address")
	}

	a := f.manager(t, "finanziaria")
	// The same browser (cookie jar: cookies go by host, not port) on B.
	b := &secClient{t: t, base: baseB, hc: a.hc}

	valueOn := func(c *secClient) (value, version string) {
		t.Helper()
		r := c.get(f.path)
		if r.Status != http.StatusOK {
			t.Fatalf("form on %s: status %d, Location %q", c.base, r.Status, r.Location())
		}
		doc := parseHTML(t, r.Body)
		for _, n := range findAll(doc, func(n *html.Node) bool { return n.Type == html.ElementNode && n.Data == "input" }) {
			name, _ := attr(n, "name")
			v, _ := attr(n, "value")
			switch name {
			case ind(f.indicators[0], "value"):
				value = v
			case "version":
				version = v
			}
		}
		return value, version
	}
	save := func(c *secClient, value, version string) *secResponse {
		form := url.Values{ind(f.indicators[0], "value"): {value}, "status": {"in linea"}}
		if version != "" {
			form.Set("version", version)
		}
		return c.post(f.path, form)
	}

	if v, _ := valueOn(b); v != "" {
		t.Fatalf("before any save B shows %q", v)
	}
	if r := save(a, "1", ""); r.Status != http.StatusSeeOther || r.Location() != f.path {
		t.Fatalf("save on A: %d to %q", r.Status, r.Location())
	}
	v, ver := valueOn(b)
	if v != "1" || ver != "1" {
		t.Fatalf("after the save on A, B shows value %q version %q; want 1, 1", v, ver)
	}
	if r := save(b, "2", ver); r.Status != http.StatusSeeOther || r.Location() != f.path {
		t.Fatalf("save on B: %d to %q", r.Status, r.Location())
	}
	if v, ver := valueOn(a); v != "2" || ver != "2" {
		t.Fatalf("after the save on B, A shows value %q version %q; want 2, 2", v, ver)
	}
	// A form read at version 1 (before B's save) is stale on A too.
	if r := save(a, "3", "1"); r.Status != http.StatusConflict {
		t.Fatalf("stale save on A: status %d, want 409", r.Status)
	}
	var stored float64
	if err := f.e.pool.QueryRow(context.Background(), `SELECT value FROM indicator_values WHERE indicator_id = $1 AND period_id = $2`,
		f.indicators[0], f.pid).Scan(&stored); err != nil || stored != 2 {
		t.Fatalf("stored value %v (%v), want 2", stored, err)
	}

	// Signing out on B ends the session A knows.
	old := a.session()
	if r := b.post("/esci", url.Values{}); r.Status != http.StatusSeeOther {
		t.Fatalf("sign-out on B: %d", r.Status)
	}
	a2 := f.e.client(t)
	a2.setSession(old)
	if r := a2.get(f.path); r.Status != http.StatusSeeOther || r.Location() == f.path {
		t.Fatalf("the session signed out on B still works on A: %d to %q", r.Status, r.Location())
	}
}
