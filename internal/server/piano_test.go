package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"traguardo/internal/pgtest"
	"traguardo/internal/report"
	"traguardo/internal/server"
)

// TestPiano_ApprovalAndVariationFreezeVersions: the director reads the
// 2024 Piano as a draft (watermark, every objective, no version); a
// manager's forged approval and freeze are refused (403) and change
// nothing; the director's approval freezes version 1, whose hash the
// Piano's page and the public index show and whose public PDF is served
// byte for byte with that hash, cacheable, without the watermark; a
// variation makes version 2, listing the change, its reason and its day,
// the PDF of version 1 unchanged.
func TestPiano_ApprovalAndVariationFreezeVersions(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	dir := e.signedIn(t, "direttore")

	r := dir.get("/cicli/2024/piano")
	if r.Status != http.StatusOK {
		t.Fatalf("GET the Piano: %d", r.Status)
	}
	doc := parseHTML(t, r.Body)
	if len(byTestID(doc, "draft")) != 1 || len(byTestID(doc, "piano-version")) != 0 {
		t.Errorf("the draft Piano: want its watermark and no version")
	}
	c, err := e.st.LoadCycle(context.Background(), 2024)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, n := range byTestID(doc, "piano-objective-title") {
		titles = append(titles, textOf(n))
	}
	var want []string
	for _, ce := range c.Centres {
		for _, o := range ce.Objectives {
			want = append(want, pubCollapsed(fmt.Sprintf("%s, obiettivo %d – %s", o.Section, o.Number, o.Title)))
		}
	}
	if strings.Join(titles, "\n") != strings.Join(want, "\n") {
		t.Errorf("the page's objectives = %q, want the plan's %q", titles, want)
	}
	if href, _ := attr(oneByTestID(t, parseHTML(t, dir.get("/cicli/2024").Body), "piano-link"), "href"); href != "/cicli/2024/piano" {
		t.Errorf("the cycle page links the Piano at %q", href)
	}
	// The draft in PDF (the Documents' queue) and as an editable document.
	pdf := dir.get("/cicli/2024/piano.pdf")
	if pdf.Status != http.StatusOK || pdf.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("GET the Piano's PDF: %d %s", pdf.Status, pdf.Header.Get("Content-Type"))
	}
	if text := pubPDFText(t, []byte(pdf.Body)); !strings.Contains(text, "BOZZA — piano non approvato") || !strings.Contains(text, "Piano della Performance 2024") {
		t.Errorf("the draft's PDF lacks its title or its watermark")
	}
	if r := dir.get("/cicli/2024/piano.docx"); r.Status != http.StatusOK || !strings.HasPrefix(r.Body, "PK") {
		t.Errorf("GET the Piano's DOCX: %d", r.Status)
	}

	approval := url.Values{"act": {"Delibera CdA n. 3 del 20/01/2024"}, "approved_on": {"2024-01-20"}}
	manager := e.signedIn(t, "responsabile")
	before := secSnapshot(t, e.pool)
	if r := manager.post("/cicli/2024/approva", approval); r.Status != http.StatusForbidden {
		t.Errorf("a manager's approval: %d, want 403", r.Status)
	}
	if r := manager.post("/cicli/2024/piano/congela", url.Values{}); r.Status != http.StatusForbidden {
		t.Errorf("a manager's freeze: %d, want 403", r.Status)
	}
	secRequireUnchanged(t, "a manager's forged approval", before, secSnapshot(t, e.pool), "sessions")

	if r := dir.post("/cicli/2024/approva", approval); r.Status != http.StatusSeeOther {
		t.Fatalf("the director's approval: %d\n%.1500s", r.Status, r.Body)
	}
	v1 := pianoVersions(t, dir)
	if len(v1) != 1 || v1[0].number != "1" || !strings.Contains(v1[0].changes, "Piano adottato con Delibera CdA n. 3 del 20/01/2024 (in data 20/01/2024).") {
		t.Fatalf("versions after the approval = %+v, want version 1 of the approval", v1)
	}
	if len(byTestID(parseHTML(t, dir.get("/cicli/2024/piano").Body), "draft")) != 0 {
		t.Errorf("the approved Piano still shows the draft watermark")
	}
	pdf1 := pianoPublicPDF(t, e, v1[0])
	text := pubPDFText(t, pdf1)
	if strings.Contains(text, "BOZZA") || !strings.Contains(text, "Versione 1") || !strings.Contains(text, "Delibera CdA n. 3 del 20/01/2024") {
		t.Errorf("the frozen PDF of version 1: want the act, «Versione 1», no BOZZA")
	}
	idx := e.client(t).get("/trasparenza")
	if idx.Status != http.StatusOK {
		t.Fatalf("GET /trasparenza: %d", idx.Status)
	}
	if rows := byTestID(parseHTML(t, idx.Body), "piano-public-sha256"); len(rows) != 1 || textOf(rows[0]) != v1[0].sha {
		t.Errorf("the public index lists the Piano's versions %d, want version 1 with its hash %s", len(rows), v1[0].sha)
	}

	// A variation: the first centre's manager changes.
	ce := c.Centres[0]
	form := url.Values{"name": {ce.Name}, "manager": {"Dott.ssa Nuova"}, "variation_on": {"2024-06-15"}, "variation_reason": {"Nuova responsabile nominata"}}
	path := fmt.Sprintf("/cicli/2024/centri/%d/modifica", ce.ID)
	if r := dir.post(path, form); r.Status != http.StatusSeeOther {
		t.Fatalf("the variation: %d\n%.1500s", r.Status, r.Body)
	}
	v2 := pianoVersions(t, dir)
	if len(v2) != 2 || v2[0].number != "2" || v2[1].sha != v1[0].sha {
		t.Fatalf("versions after the variation = %+v, want 2 then 1 unchanged", v2)
	}
	for _, w := range []string{"15/06/2024", "«Dott.ssa Nuova»", "Nuova responsabile nominata"} {
		if !strings.Contains(v2[0].changes, w) {
			t.Errorf("version 2's changes %q lack %q", v2[0].changes, w)
		}
	}
	text = pubPDFText(t, pianoPublicPDF(t, e, v2[0]))
	for _, w := range []string{"Versione 2", "Modifiche della versione 2", "Nuova responsabile nominata", "Dott.ssa Nuova"} {
		if !strings.Contains(text, w) {
			t.Errorf("the frozen PDF of version 2 lacks %q", w)
		}
	}
	if again := pianoPublicPDF(t, e, v2[1]); string(again) != string(pdf1) {
		t.Errorf("the PDF of version 1 changed with version 2")
	}
	// Nothing new to freeze: the director's freeze says so.
	if r := dir.post("/cicli/2024/piano/congela", url.Values{}); r.Status != http.StatusSeeOther || len(pianoVersions(t, dir)) != 2 {
		t.Errorf("a freeze with nothing new: %d, or a version more", r.Status)
	}
}

type pianoVersionRow struct{ number, changes, sha, href string }

// pianoVersions are the frozen versions the Piano's page lists, newest
// first.
func pianoVersions(t *testing.T, c *secClient) []pianoVersionRow {
	t.Helper()
	r := c.get("/cicli/2024/piano")
	if r.Status != http.StatusOK {
		t.Fatalf("GET the Piano: %d", r.Status)
	}
	var out []pianoVersionRow
	for _, row := range byTestID(parseHTML(t, r.Body), "piano-version") {
		var v pianoVersionRow
		v.number = strings.Fields(textOf(row))[0]
		for _, ch := range byTestID(row, "piano-version-change") {
			v.changes += textOf(ch) + "\n"
		}
		v.sha = textOf(oneByTestID(t, row, "piano-version-sha256"))
		v.href, _ = attr(oneByTestID(t, row, "piano-version-pdf"), "href")
		out = append(out, v)
	}
	return out
}

// pianoPublicPDF is the public PDF of v, asked without a session: served
// byte for byte with the hash the page shows, cacheable, a PDF.
func pianoPublicPDF(t *testing.T, e *secEnv, v pianoVersionRow) []byte {
	t.Helper()
	want := fmt.Sprintf("/trasparenza/piano/2024/versioni/%s/piano.pdf", v.number)
	if v.href != want {
		t.Errorf("version %s links %q, want %q", v.number, v.href, want)
	}
	r := e.client(t).get(v.href)
	if r.Status != http.StatusOK {
		t.Fatalf("GET %s without a session: %d", v.href, r.Status)
	}
	sum := sha256.Sum256([]byte(r.Body))
	if got := hex.EncodeToString(sum[:]); got != v.sha || r.Header.Get("X-Content-SHA256") != v.sha {
		t.Errorf("version %s: served bytes hash %s (header %s), the page shows %s", v.number, got, r.Header.Get("X-Content-SHA256"), v.sha)
	}
	if cc := r.Header.Get("Cache-Control"); !strings.HasPrefix(cc, "public") || !strings.HasPrefix(r.Body, "%PDF-") {
		t.Errorf("version %s: Cache-Control %q, body %.8q", v.number, cc, r.Body)
	}
	return []byte(r.Body)
}

// TestPiano_PrintFailureKeepsApproval: on a server whose printer cannot
// print (its time limit passed at once), the director's approval stands
// and the Piano's page says that its version is not frozen, with the
// director's button; the same button on a server that prints freezes
// version 1.
func TestPiano_PrintFailureKeepsApproval(t *testing.T) {
	t.Parallel()
	e := newSecEnvAt(t, func(string) server.Config {
		return server.Config{Documents: report.DocumentsConfig{Limits: report.Limits{Time: time.Millisecond}}}
	}, pgtest.NewDB(t))
	dir := e.signedIn(t, "direttore")
	if r := dir.post("/cicli/2024/approva", url.Values{"act": {"Delibera CdA n. 3 del 20/01/2024"}, "approved_on": {"2024-01-20"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("the approval: %d", r.Status)
	}
	c, err := e.st.LoadCycle(context.Background(), 2024)
	if err != nil || !c.Approved() {
		t.Fatalf("the plan is not approved after a failed print (%v)", err)
	}
	doc := parseHTML(t, dir.get("/cicli/2024/piano").Body)
	if len(byTestID(doc, "piano-version")) != 0 || len(byTestID(doc, "unfrozen")) != 1 || len(byTestID(doc, "freeze")) != 1 {
		t.Fatalf("the Piano's page after a failed print: want no version, the notice and the button")
	}
	if doc := parseHTML(t, e.signedIn(t, "osservatore").get("/cicli/2024/piano").Body); len(byTestID(doc, "freeze")) != 0 {
		t.Errorf("an observer sees the director's button")
	}
	b := &secClient{t: t, base: e.secondServer(t), hc: dir.hc}
	if r := b.post("/cicli/2024/piano/congela", url.Values{}); r.Status != http.StatusSeeOther {
		t.Fatalf("the freeze: %d", r.Status)
	}
	if v := pianoVersions(t, b); len(v) != 1 || v[0].number != "1" {
		t.Errorf("versions after the freeze = %+v, want version 1", v)
	}
}
