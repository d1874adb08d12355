package server_test

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"traguardo/internal/plan"
	"traguardo/internal/server"
	"traguardo/internal/store"
)

// kpOwner is the signed owner token of a page's forms, which holds the
// second it was issued: two requests' pages may differ there alone.
var kpOwner = regexp.MustCompile(`name="form_owner" value="[^"]*"`)

func kpSame(a, b string) bool {
	return kpOwner.ReplaceAllString(a, "") == kpOwner.ReplaceAllString(b, "")
}

// kpGunzip is one gzip member, exactly: anything after it fails.
func kpGunzip(t *testing.T, what string, z []byte) string {
	t.Helper()
	in := bytes.NewReader(z)
	zr, err := gzip.NewReader(in)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	zr.Multistream(false)
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: decompressing: %v", what, err)
	}
	if in.Len() != 0 {
		t.Fatalf("%s: %d bytes after the gzip member", what, in.Len())
	}
	return string(out)
}

// TestKeptPages_Encodings: the dashboard and the Relazione, whose figures
// and body are gzipped once and kept, and the pages of the cycle, a centre
// and an objective (kept gzipped only, inflated for a client without gzip), go to a client that takes gzip as
// one gzip member (compressed once: it decompresses to the HTML page, not
// to gzip again) with Content-Length, Vary: Accept-Encoding and still
// no-store; to a client that does not take it, as the same page plain; to
// one that takes deflate alone, as chi's Compress makes it. The director's
// Relazione has the director's toolbar and the observer's not, around the
// same body; the stand-in of the kept part never shows.
func TestKeptPages_Encodings(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	clients := map[string]*secClient{"direttore": e.signedIn(t, "direttore"), "osservatore": e.signedIn(t, "osservatore")}
	bodies := map[string]string{}
	for _, path := range []string{"/cicli/2023/cruscotto", "/cicli/2023/cruscotto?al=2023-06-30", "/cicli/2023/relazione", "/cicli/2024/relazione",
		"/cicli/2023", fmt.Sprintf("/cicli/2023/centri/%d?al=2023-06-30", e.centreID), fmt.Sprintf("/cicli/2023/obiettivi/%d", e.objectiveID)} {
		for _, role := range []string{"direttore", "osservatore"} {
			c := clients[role]
			what := role + " GET " + path
			// Twice: the first draws the kept part, the second finds it.
			var zipped string
			for range 2 {
				r := c.do(http.MethodGet, path, nil, http.Header{"Accept-Encoding": {"gzip, deflate, br"}})
				if r.Status != http.StatusOK || r.Header.Get("Content-Encoding") != "gzip" || r.Header.Get("Cache-Control") != "no-store" ||
					!slices.Contains(r.Header.Values("Vary"), "Accept-Encoding") {
					t.Fatalf("%s: %d, Content-Encoding %q, Cache-Control %q, Vary %q", what, r.Status, r.Header.Get("Content-Encoding"),
						r.Header.Get("Cache-Control"), r.Header.Values("Vary"))
				}
				if n, err := strconv.Atoi(r.Header.Get("Content-Length")); err != nil || n != len(r.Body) {
					t.Errorf("%s: Content-Length %q for %d bytes", what, r.Header.Get("Content-Length"), len(r.Body))
				}
				page := kpGunzip(t, what, []byte(r.Body))
				if zipped != "" && !kpSame(page, zipped) {
					t.Errorf("%s: the second page is not the first", what)
				}
				zipped = page
			}
			if !strings.HasPrefix(zipped, "<!doctype html>") || !strings.HasSuffix(zipped, "</html>") || strings.Contains(zipped, "<!--kept part") {
				t.Errorf("%s: not one HTML page: %.60q … %.60q", what, zipped, zipped[max(0, len(zipped)-60):])
			}
			plain := c.do(http.MethodGet, path, nil, http.Header{"Accept-Encoding": {"identity"}})
			if plain.Status != http.StatusOK || plain.Header.Get("Content-Encoding") != "" || !slices.Contains(plain.Header.Values("Vary"), "Accept-Encoding") {
				t.Errorf("%s plain: %d, Content-Encoding %q, Vary %q", what, plain.Status, plain.Header.Get("Content-Encoding"), plain.Header.Values("Vary"))
			}
			if n, err := strconv.Atoi(plain.Header.Get("Content-Length")); err != nil || n != len(plain.Body) {
				t.Errorf("%s plain: Content-Length %q for %d bytes", what, plain.Header.Get("Content-Length"), len(plain.Body))
			}
			if !kpSame(plain.Body, zipped) {
				t.Errorf("%s: the plain page (%d bytes) is not the gzipped one (%d bytes)", what, len(plain.Body), len(zipped))
			}
			deflated := c.do(http.MethodGet, path, nil, http.Header{"Accept-Encoding": {"deflate"}})
			if deflated.Header.Get("Content-Encoding") != "deflate" {
				t.Errorf("%s deflate: Content-Encoding %q", what, deflated.Header.Get("Content-Encoding"))
			} else if b, err := io.ReadAll(flate.NewReader(strings.NewReader(deflated.Body))); err != nil || !kpSame(string(b), zipped) {
				t.Errorf("%s deflate: %d bytes, not the page (%v)", what, len(b), err)
			}
			if strings.Contains(path, "relazione") {
				main := zipped[strings.Index(zipped, "<main>"):]
				if old, ok := bodies[path]; ok && old != main {
					t.Errorf("%s: the body differs from the other reader's", what)
				}
				bodies[path] = main
				if got, want := strings.Contains(zipped, "Verifica la relazione"), role == "direttore"; got != want {
					t.Errorf("%s: the director's actions shown: %v", what, got)
				}
			}
		}
	}
}

// planNeutralisation is the neutralisation TestKeptPages_FreshAcrossServers
// makes.
var planNeutralisation = plan.Neutralisation{Reason: "Indicatore sterilizzato su A", By: "direttore"}

// TestKeptPages_FreshAcrossServers: the Relazione kept by a server (its
// body drawn once) shows, at the very next request, the texts the director
// saved and a neutralisation made through another server (the texts are
// not part of the cycle's data version: the kept body is keyed on them
// too), and the dashboard's figures kept by it follow a write too.
func TestKeptPages_FreshAcrossServers(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	baseB := e.secondServer(t)
	a := e.signedIn(t, "direttore")
	b := &secClient{t: t, base: baseB, hc: a.hc} // the same browser, on B

	page := func(path string) string {
		t.Helper()
		r := b.get(path)
		if r.Status != http.StatusOK {
			t.Fatalf("GET %s on B: %d", path, r.Status)
		}
		return r.Body
	}
	before := page("/cicli/2023/relazione")
	dashboard := page("/cicli/2023/cruscotto")
	if strings.Contains(before, "Testo salvato su A") {
		t.Fatal("the text is there before it is saved")
	}
	form := url.Values{"introduction_html": {"<p>Testo salvato su A</p>"}, "context_html": {""}, "gender_html": {""}, "process_html": {""}}
	if r := a.post("/cicli/2023/relazione/testi", form); r.Status != http.StatusSeeOther {
		t.Fatalf("texts saved on A: %d", r.Status)
	}
	if after := page("/cicli/2023/relazione"); !strings.Contains(after, "<p>Testo salvato su A</p>") {
		t.Error("B's Relazione lacks the text saved on A")
	}

	// A write to the cycle's data: an indicator neutralised on A.
	in, err := e.st.LoadCycle(context.Background(), 2023)
	if err != nil {
		t.Fatal(err)
	}
	_, o, _ := in.ObjectiveByID(e.objectiveID)
	ind := o.Indicators[0]
	if err := e.st.SetMeasure(context.Background(), store.Change{Actor: store.Actor{Name: "direttore@test"}, Version: ind.Version}, ind.ID,
		store.Measure{Neutralised: &planNeutralisation}); err != nil {
		t.Fatal(err)
	}
	if after := page("/cicli/2023/relazione"); !strings.Contains(after, planNeutralisation.Reason) || !strings.Contains(after, "<p>Testo salvato su A</p>") {
		t.Error("B's Relazione lacks the neutralisation made on A, or the text saved before")
	}
	if after := page("/cicli/2023/cruscotto"); kpSame(after, dashboard) {
		t.Error("B's dashboard did not change with the neutralisation made on A")
	}
}
