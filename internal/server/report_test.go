package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"traguardo/internal/server"
)

// TestReport_Page: every reader of the cycle reads the Relazione, with
// every objective of the plan in order under its heading and the formats
// to download; only the director is offered the texts and the check.
func TestReport_Page(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	c, err := e.st.LoadCycle(context.Background(), 2023)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, ce := range c.Centres {
		for _, o := range ce.Objectives {
			want = append(want, "Obiettivo "+itoaS(o.Number)+" – "+o.Title)
		}
	}
	for _, role := range []string{"osservatore", "responsabile", "nucleo", "direttore"} {
		r := e.signedIn(t, role).get("/cicli/2023/relazione")
		if r.Status != http.StatusOK {
			t.Fatalf("%s: status %d", role, r.Status)
		}
		got := idTexts(t, r.Body, "objective-heading")
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: objective headings\n%q\nwant\n%q", role, got, want)
		}
		links := idTexts(t, r.Body, "format-link")
		if len(links) < 4 {
			t.Errorf("%s: format links %q", role, links)
		}
		texts := strings.Contains(r.Body, `href="/cicli/2023/relazione/testi"`)
		if texts != (role == "direttore") {
			t.Errorf("%s: link to the texts shown = %v", role, texts)
		}
	}
	// The provisional notice: 2024's figures are at its first quarter.
	r := e.signedIn(t, "osservatore").get("/cicli/2024/relazione")
	if got := idTexts(t, r.Body, "provisional"); len(got) != 1 || !strings.Contains(got[0], "dati al 31/03/2024") {
		t.Errorf("2024 provisional notice %q", got)
	}
	if got := idTexts(t, e.signedIn(t, "osservatore").get("/cicli/2023/relazione").Body, "provisional"); len(got) != 0 {
		t.Errorf("2023 is the year's result, yet %q", got)
	}
}

// TestReport_Texts: the director's texts are sanitised, limited, kept as
// typed on a refusal (422), versioned (409 on a stale save), audited, and
// shown in the report; no one else may write them.
func TestReport_Texts(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	dir := e.signedIn(t, "direttore")
	const path = "/cicli/2023/relazione/testi"

	// Too long: 422, the message next to the field, the text kept, nothing saved.
	long := strings.Repeat("a", 100_001)
	r := dir.post(path, url.Values{"introduction_html": {long}, "context_html": {"<p>Contesto tenuto</p>"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("oversized: status %d", r.Status)
	}
	if msg := idTexts(t, r.Body, "error-introduction_html"); len(msg) != 1 || msg[0] == "" {
		t.Errorf("oversized: no message next to the field: %q", msg)
	}
	if !strings.Contains(r.Body, "Contesto tenuto") {
		t.Errorf("oversized: the other field's text is not kept")
	}
	if n := secCount(t, e.pool, `SELECT count(*) FROM report_texts`); n != 0 {
		t.Errorf("oversized: %d rows saved", n)
	}

	// Saved, sanitised, audited, shown.
	r = dir.post(path, url.Values{
		"introduction_html": {`<p>Introduzione del direttore</p><script>alert(1)</script><img src=x onerror="alert(2)">`},
		"context_html":      {"<p>Contesto e risorse del 2023</p>"},
		"gender_html":       {"<p>Bilancio di genere</p>"},
		"process_html":      {"<p>Processo</p>"},
	})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("save: status %d\n%s", r.Status, r.Body)
	}
	var intro string
	if err := e.pool.QueryRow(context.Background(), `SELECT introduction_html FROM report_texts`).Scan(&intro); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(intro, "script") || strings.Contains(intro, "onerror") || !strings.Contains(intro, "Introduzione del direttore") {
		t.Errorf("stored %q", intro)
	}
	if n := secCount(t, e.pool, `SELECT count(*) FROM audit_log WHERE entity = 'report_texts' AND action = 'update'`); n != 1 {
		t.Errorf("%d audit entries", n)
	}
	audit := e.signedIn(t, "admin").get("/registro").Body
	for _, want := range []string{"Testi della Relazione sulla Performance", "Introduzione del direttore", "Contesto e risorse"} {
		if !strings.Contains(audit, want) {
			t.Errorf("the audit log does not show %q", want)
		}
	}
	page := e.signedIn(t, "osservatore").get("/cicli/2023/relazione").Body
	for _, want := range []string{"Introduzione del direttore", "Contesto e risorse del 2023", "Bilancio di genere"} {
		if !strings.Contains(page, want) {
			t.Errorf("the report does not show %q", want)
		}
	}
	if strings.Contains(page, "alert(") {
		t.Errorf("the report shows a script")
	}

	// A save read at the old version: 409, nothing overwritten.
	r = dir.post(path, url.Values{"version": {"0"}, "introduction_html": {"<p>Vecchia</p>"}})
	if r.Status != http.StatusConflict {
		t.Errorf("stale save: status %d", r.Status)
	}
	if !strings.Contains(r.Body, "Vecchia") {
		t.Errorf("stale save: what was typed is not kept")
	}
	if n := secCount(t, e.pool, `SELECT count(*) FROM report_texts WHERE introduction_html LIKE '%Vecchia%'`); n != 0 {
		t.Errorf("stale save overwrote the texts")
	}

	// Nobody else writes them, whatever they post.
	for _, role := range []string{"admin", "nucleo", "osservatore", "responsabile"} {
		r := e.signedIn(t, role).post(path, url.Values{"version": {"1"}, "introduction_html": {"<p>Intruso</p>"}})
		if r.Status != http.StatusForbidden {
			t.Errorf("%s: status %d", role, r.Status)
		}
	}
	if n := secCount(t, e.pool, `SELECT count(*) FROM report_texts WHERE introduction_html LIKE '%Intruso%'`); n != 0 {
		t.Errorf("someone else wrote the texts")
	}
}

// TestReport_Check: the coherence check lists the empty sections with a
// link to the texts, and each objective without a final report or with a
// late activity without a reason links to its entry; the texts saved,
// their points go.
func TestReport_Check(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	dir := e.signedIn(t, "direttore")
	r := dir.get("/cicli/2023/relazione/verifica")
	if r.Status != http.StatusOK {
		t.Fatalf("status %d", r.Status)
	}
	points := idTexts(t, r.Body, "check-point")
	sections := 0
	for _, p := range points {
		if strings.Contains(p, "La sezione è vuota.") {
			sections++
		}
	}
	if sections != 4 {
		t.Errorf("%d empty sections, want 4: %q", sections, points)
	}
	if !strings.Contains(r.Body, `href="/cicli/2023/relazione/testi"`) {
		t.Errorf("no link to the texts")
	}
	// AREA DIREZIONE objective 2: "Formazione" is "no" for "sì", with no reason in the demo.
	if !strings.Contains(r.Body, "«Formazione» è sotto il valore atteso (no su sì) senza motivazione") {
		t.Errorf("the gap of AREA DIREZIONE objective 2 is not listed")
	}
	dir.post("/cicli/2023/relazione/testi", url.Values{"introduction_html": {"<p>a</p>"}, "context_html": {"<p>b</p>"},
		"gender_html": {"<p>c</p>"}, "process_html": {"<p>d</p>"}})
	after := idTexts(t, dir.get("/cicli/2023/relazione/verifica").Body, "check-point")
	if len(after) != len(points)-4 {
		t.Errorf("after the texts: %d points, want %d", len(after), len(points)-4)
	}
	if s := e.signedIn(t, "osservatore").get("/cicli/2023/relazione/verifica").Status; s != http.StatusForbidden {
		t.Errorf("osservatore: status %d", s)
	}
}

// TestReport_Files: the formats through the server, each with its type; the
// CSV has a row per indicator of the cycle.
func TestReport_Files(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	c := e.signedIn(t, "osservatore")
	for ext, ctype := range map[string]string{
		"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		"odt":  "application/vnd.oasis.opendocument.text", "pdf": "application/pdf",
	} {
		r := c.get("/cicli/2023/relazione." + ext)
		if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), ctype) {
			t.Errorf("%s: status %d, type %q", ext, r.Status, r.Header.Get("Content-Type"))
		}
		if ext == "csv" {
			rows := readCSV(t, "relazione.csv", r.Body)
			n := secCount(t, e.pool, `SELECT count(*) FROM indicators i JOIN objectives o ON o.id = i.objective_id
				JOIN cycles c ON c.id = o.cycle_id WHERE c.year = 2023`)
			if len(rows) != n+1 {
				t.Errorf("CSV: %d rows, want %d indicators and a header", len(rows), n)
			}
		}
	}
}

func itoaS(n int) string { return strconv.Itoa(n) }

// TestReport_MissingTools: where neither Chromium nor pandoc is installed,
// the report page says what to install in place of those links, their URLs
// answer 503 with the same advice, and the HTML and open data still serve.
// Not parallel: it changes the environment of the whole test binary.
func TestReport_MissingTools(t *testing.T) {
	e := newSecEnv(t, server.Config{})
	t.Setenv("CHROMIUM_PATH", "/nonexistent/chromium")
	t.Setenv("PATH", t.TempDir())
	c := e.signedIn(t, "osservatore")
	r := c.get("/cicli/2023/relazione")
	if r.Status != http.StatusOK {
		t.Fatalf("status %d", r.Status)
	}
	missing := strings.Join(idTexts(t, r.Body, "format-missing"), "\n")
	for _, want := range []string{"PDF: non disponibile su questo server: installare il pacchetto Debian chromium-headless-shell",
		"Word (DOCX): non disponibile su questo server: installare il pacchetto Debian pandoc",
		"LibreOffice (ODT): non disponibile su questo server: installare il pacchetto Debian pandoc"} {
		if !strings.Contains(missing, want) {
			t.Errorf("the page does not say %q:\n%s", want, missing)
		}
	}
	for ext, want := range map[string]string{"pdf": "chromium-headless-shell", "docx": "apt-get install pandoc", "odt": "apt-get install pandoc"} {
		r := c.get("/cicli/2023/relazione." + ext)
		if r.Status != http.StatusServiceUnavailable || !strings.Contains(r.Body, want) {
			t.Errorf("%s: status %d, advice %v", ext, r.Status, strings.Contains(r.Body, want))
		}
	}
	if s := c.get("/cicli/2023/relazione.csv").Status; s != http.StatusOK {
		t.Errorf("csv: status %d", s)
	}
}
