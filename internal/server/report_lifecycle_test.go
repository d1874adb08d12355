package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"traguardo/internal/format"

	"traguardo/internal/demo"
	"traguardo/internal/domain"
	"traguardo/internal/interchange"
	"traguardo/internal/richtext"
	"traguardo/internal/server"
	"traguardo/internal/store"
	"traguardo/web/paths"
)

// The Relazione's lifecycle: sending with and without open points, the
// Nucleo's comments and the director's answers, each outcome of the
// validation, the freeze (the hash of the stored PDF is the SHA-256 of the
// bytes the public page serves; later changes of the data change neither
// the PDF nor the JSON), a new version validated again with the old one
// still readable, and the public page missing before a validation.

// rpEnv is the demo with its 2023 plan approved, as demo.Install leaves it:
// a Relazione is sent on an approved plan.
func rpEnv(t *testing.T) *secEnv {
	t.Helper()
	e := newSecEnv(t, server.Config{})
	ctx := context.Background()
	c, err := e.st.LoadCycle(ctx, 2023)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.st.ApprovePlan(ctx, store.Actor{Name: "test"}, 2023, c.Version, demo.ApprovalAct2023,
		time.Date(2023, time.January, 31, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	return e
}

// rpSend sends the 2023 Relazione as the director, confirming its open points.
func rpSend(t *testing.T, e *secEnv) {
	t.Helper()
	r := e.signedIn(t, "direttore").post(paths.ValidationSend(2023), url.Values{"confirm": {"si"}})
	if r.Status != http.StatusSeeOther || r.Location() != paths.Validation(2023) {
		t.Fatalf("sending: status %d, Location %q; body:\n%.800s", r.Status, r.Location(), r.Body)
	}
}

// rpValidate records the Nucleo's decision on version number with outcome
// (a plan.ReportState's code), dated today.
func rpValidate(t *testing.T, c *secClient, number int, outcome, text string) *secResponse {
	t.Helper()
	return c.post(paths.ValidationDecide(2023), url.Values{"number": {strconv.Itoa(number)}, "outcome": {outcome},
		"validated_on": {format.Date(domain.Today(time.Now()))}, "text_html": {text}})
}

// rpStored is a version as the database holds it.
type rpStored struct {
	state, pdfHash, jsonHash string
	pdf, json                []byte
	points                   int
}

func rpVersion(t *testing.T, e *secEnv, number int) rpStored {
	t.Helper()
	var v rpStored
	if err := e.pool.QueryRow(context.Background(), `
		SELECT r.state, coalesce(r.pdf_sha256, ''), coalesce(r.json_sha256, ''), coalesce(r.pdf, ''), coalesce(r.json, ''),
		       cardinality(r.open_points)
		FROM report_versions r JOIN cycles c ON c.id = r.cycle_id WHERE c.year = 2023 AND r.number = $1`, number).Scan(
		&v.state, &v.pdfHash, &v.jsonHash, &v.pdf, &v.json, &v.points); err != nil {
		t.Fatalf("version %d: %v", number, err)
	}
	return v
}

var rpMainRe = regexp.MustCompile(`(?s)<main.*</main>`)
var rpTags = regexp.MustCompile(`<[^>]*>`)

// rpMain is the text of a page's main element, for failure messages.
func rpMain(body string) string {
	return strings.Join(strings.Fields(rpTags.ReplaceAllString(rpMainRe.FindString(body), " ")), " ")
}

func rpHash(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

var rpOpenPoint = regexp.MustCompile(`<ul data-testid="open-points">(.*?)</ul>`)

// TestReport_Send: with open points the director must confirm (422 without,
// nothing stored); confirmed, version 1 is stored with them; a second
// sending while it waits is refused (409); no other role can send, however
// the form is forged; a cycle with nothing open is sent without a
// confirmation.
func TestReport_Send(t *testing.T) {
	t.Parallel()
	e := rpEnv(t)
	dir := e.signedIn(t, "direttore")
	page := dir.get(paths.ValidationSend(2023))
	if page.Status != http.StatusOK {
		t.Fatalf("GET send page: %d", page.Status)
	}
	m := rpOpenPoint.FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatalf("the 2023 send page lists no open points:\n%.2000s", page.Body)
	}
	points := strings.Count(m[1], "<li>")
	// The demo's 2023 has no director's texts yet, and gaps without
	// reasons, e.g. AREA DIREZIONE objective 1's first activity, done in
	// September for May.
	if points == 0 || !strings.Contains(m[1], "<li>1. Introduzione: La sezione è vuota.</li>") ||
		!strings.Contains(m[1], "AREA DIREZIONE, Obiettivi di performance, obiettivo 1: L&#39;attività «In seno alla conferenza") {
		t.Errorf("open points: %d, %.500s", points, m[1])
	}

	for _, role := range []string{"admin", "responsabile", "nucleo", "osservatore"} {
		if r := e.signedIn(t, role).post(paths.ValidationSend(2023), url.Values{"confirm": {"si"}}); r.Status != http.StatusForbidden {
			t.Errorf("%s sends: status %d, want 403", role, r.Status)
		}
	}
	r := dir.post(paths.ValidationSend(2023), url.Values{})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `data-testid="error-confirm"`) ||
		!strings.Contains(r.Body, "Ci sono "+strconv.Itoa(points)+" punti aperti") {
		t.Fatalf("sending without confirming: status %d; body:\n%s", r.Status, rpMain(r.Body))
	}
	if n := secCount(t, e.pool, `SELECT count(*) FROM report_versions`); n != 0 {
		t.Fatalf("%d versions stored after a refused sending", n)
	}
	rpSend(t, e)
	if v := rpVersion(t, e, 1); v.state != "inviata" || v.points != points || len(v.pdf) > 0 {
		t.Errorf("version 1: state %q, %d points (want %d), pdf %d bytes", v.state, v.points, points, len(v.pdf))
	}
	if n := secCount(t, e.pool, `SELECT count(*) FROM audit_log WHERE action = 'send-report' AND entity = 'report'`); n != 1 {
		t.Errorf("%d audit records of the sending", n)
	}
	if r := dir.post(paths.ValidationSend(2023), url.Values{"confirm": {"si"}}); r.Status != http.StatusConflict {
		t.Errorf("sending again while waiting: status %d, want 409", r.Status)
	}
	if n := secCount(t, e.pool, `SELECT count(*) FROM report_versions`); n != 1 {
		t.Errorf("%d versions, want 1", n)
	}
	life := dir.get(paths.Validation(2023))
	if !strings.Contains(life.Body, "Inviata al Nucleo, in attesa di validazione") || strings.Contains(life.Body, `data-testid="send-link"`) {
		t.Errorf("the lifecycle page after sending:\n%.2000s", life.Body)
	}

	t.Run("without open points", func(t *testing.T) {
		ctx := context.Background()
		// AREA DIREZIONE's objective 1 alone as 2025: every indicator met,
		// its final report written; its activities (one late without a
		// reason) left out.
		var doc map[string]any
		if err := json.Unmarshal(filesDemoJSON(t, 2025), &doc); err != nil {
			t.Fatal(err)
		}
		centre := doc["centres"].([]any)[0].(map[string]any)
		obj := centre["objectives"].([]any)[0].(map[string]any)
		obj["activities"] = []any{}
		centre["objectives"] = []any{obj}
		doc["centres"] = []any{centre}
		b, _ := json.Marshal(doc)
		cy, err := interchange.Read(strings.NewReader(string(b)), richtext.NewPolicy())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.st.ImportCycle(ctx, store.Actor{Name: "test"}, cy); err != nil {
			t.Fatal(err)
		}
		c, err := e.st.LoadCycle(ctx, 2025)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.st.ApprovePlan(ctx, store.Actor{Name: "test"}, 2025, c.Version, "Delibera n. 1", time.Date(2025, time.January, 20, 0, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		// The coherence check (report.Check) wants the last period's window
		// closed and the director's four texts.
		last := c.Periods[len(c.Periods)-1]
		if _, err := e.st.SetWindow(ctx, store.Actor{Name: "test"}, last.ID, time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC),
			time.Date(2026, time.January, 31, 0, 0, 0, 0, time.UTC), nil); err != nil {
			t.Fatal(err)
		}
		texts := store.ReportTexts{Introduction: "<p>Introduzione.</p>", Context: "<p>Contesto.</p>",
			Gender: "<p>Bilancio di genere.</p>", Process: "<p>Processo.</p>"}
		if err := e.st.SaveReportTexts(ctx, store.Change{Actor: store.Actor{Name: "test"}}, 2025, texts); err != nil {
			t.Fatal(err)
		}
		if p := dir.get(paths.ValidationSend(2025)); !strings.Contains(p.Body, `data-testid="no-open-points"`) || strings.Contains(p.Body, `name="confirm"`) {
			t.Errorf("the send page of a cycle with nothing open:\n%.1500s", rpMain(p.Body))
		}
		if r := dir.post(paths.ValidationSend(2025), url.Values{}); r.Status != http.StatusSeeOther {
			t.Fatalf("sending with nothing open: status %d; body:\n%.800s", r.Status, r.Body)
		}
		if n := secCount(t, e.pool, `SELECT count(*) FROM report_versions r JOIN cycles c ON c.id = r.cycle_id
			WHERE c.year = 2025 AND r.state = 'inviata' AND cardinality(r.open_points) = 0`); n != 1 {
			t.Errorf("%d versions of 2025 sent with no open points, want 1", n)
		}
	})
}

// TestReport_CommentAndAnswer: the Nucleo comments an objective of the
// version sent (a blank form or an objective of another cycle is refused
// next to its field), the director answers (blank refused; an answer to a
// version since changed is refused, 409); neither can do the other's part.
func TestReport_CommentAndAnswer(t *testing.T) {
	t.Parallel()
	e := rpEnv(t)
	nuc, dir := e.signedIn(t, "nucleo"), e.signedIn(t, "direttore")
	if r := nuc.post(paths.ValidationComments(2023), url.Values{"objective": {strconv.FormatInt(e.objectiveID, 10)}, "body": {"x"}}); r.Status != http.StatusConflict {
		t.Errorf("a comment before the sending: status %d, want 409", r.Status)
	}
	rpSend(t, e)
	if p := nuc.get(paths.Validation(2023)); !strings.Contains(p.Body, `data-testid="comment-form"`) || !strings.Contains(p.Body, `data-testid="validate-link"`) {
		t.Errorf("the Nucleo's page lacks the comment form or the validation link")
	}
	// From the objective's page, the comment form starts on the objective.
	if p := nuc.get(paths.Objective(2023, e.objectiveID)); !strings.Contains(p.Body, `data-testid="comment-objective"`) {
		t.Errorf("the objective page offers the Nucleo no comment")
	}
	if p := dir.get(paths.Objective(2023, e.objectiveID)); strings.Contains(p.Body, `data-testid="comment-objective"`) {
		t.Errorf("the objective page offers the director a comment")
	}
	if p := nuc.get(paths.Validation(2023) + "?obiettivo=" + strconv.FormatInt(e.objectiveID, 10)); !strings.Contains(p.Body,
		`<option value="`+strconv.FormatInt(e.objectiveID, 10)+`" selected>`) {
		t.Errorf("the comment form does not start on the objective")
	}
	r := nuc.post(paths.ValidationComments(2023), url.Values{"objective": {""}, "body": {"  "}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `data-testid="error-objective"`) || !strings.Contains(r.Body, `data-testid="error-body"`) {
		t.Errorf("a blank comment: status %d", r.Status)
	}
	var other int64
	if err := e.pool.QueryRow(context.Background(), `SELECT min(o.id) FROM objectives o JOIN cycles c ON c.id = o.cycle_id WHERE c.year = 2024`).Scan(&other); err != nil {
		t.Fatal(err)
	}
	r = nuc.post(paths.ValidationComments(2023), url.Values{"objective": {strconv.FormatInt(other, 10)}, "body": {"Commento tenuto"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `data-testid="error-objective"`) || !strings.Contains(r.Body, "Commento tenuto") {
		t.Errorf("a comment on another cycle's objective: status %d, or the text typed is lost", r.Status)
	}
	if r := dir.post(paths.ValidationComments(2023), url.Values{"objective": {strconv.FormatInt(e.objectiveID, 10)}, "body": {"x"}}); r.Status != http.StatusForbidden {
		t.Errorf("the director comments: status %d, want 403", r.Status)
	}
	const body = "Il valore consuntivo dell'indicatore 2 non è documentato."
	r = nuc.post(paths.ValidationComments(2023), url.Values{"objective": {strconv.FormatInt(e.objectiveID, 10)}, "body": {body}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("the comment: status %d; body:\n%.800s", r.Status, r.Body)
	}
	var id int64
	var label string
	if err := e.pool.QueryRow(context.Background(), `SELECT id, objective_label FROM report_comments WHERE body = $1 AND objective_id = $2`, body, e.objectiveID).Scan(&id, &label); err != nil {
		t.Fatalf("the comment is not stored on its objective: %v", err)
	}
	if !strings.HasPrefix(label, "AREA DIREZIONE · Obiettivo 1: ") {
		t.Errorf("objective label %q", label)
	}
	answer := paths.CommentAnswer(2023, id)
	if r := nuc.post(answer, url.Values{"answer": {"x"}, "version": {"1"}}); r.Status != http.StatusForbidden {
		t.Errorf("the Nucleo answers: status %d, want 403", r.Status)
	}
	if r := dir.post(answer, url.Values{"answer": {""}, "version": {"1"}}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `data-testid="error-answer"`) {
		t.Errorf("a blank answer: status %d", r.Status)
	}
	const reply = "Il dato è nel verbale del 12/12/2023, allegato."
	if r := dir.post(answer, url.Values{"answer": {reply}, "version": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("the answer: status %d; body:\n%.800s", r.Status, r.Body)
	}
	if p := nuc.get(paths.Validation(2023)); !strings.Contains(p.Body, html.EscapeString(body)) || !strings.Contains(p.Body, reply) {
		t.Errorf("the Nucleo does not read the comment and its answer")
	}
	if r := dir.post(answer, url.Values{"answer": {"Altra risposta"}, "version": {"1"}}); r.Status != http.StatusConflict {
		t.Errorf("an answer at a stale version: status %d, want 409", r.Status)
	}
	if n := secCount(t, e.pool, `SELECT count(*) FROM report_comments WHERE answer = $1`, reply); n != 1 {
		t.Errorf("the answer was overwritten")
	}
	if n := secCount(t, e.pool, `SELECT count(*) FROM audit_log WHERE action IN ('comment-report', 'answer-comment')`); n != 2 {
		t.Errorf("%d audit records of the comment and answer, want 2", n)
	}
	if p := nuc.get("/registro"); p.Status != http.StatusOK || !strings.Contains(p.Body, "Invio della relazione al Nucleo di Valutazione") ||
		!strings.Contains(p.Body, "Risposta del direttore a un commento del Nucleo") || !strings.Contains(p.Body, "Commento del Nucleo sulla relazione") {
		t.Errorf("the audit log does not name the sending, the comment and the answer in Italian: %d\n%s", p.Status, rpMain(p.Body))
	}
}

var (
	rpPublicHash = regexp.MustCompile(`data-testid="public-sha256">([0-9a-f]{64})<`)
	rpPublicPDF  = regexp.MustCompile(`href="(/trasparenza/relazione/2023/versioni/\d+/relazione\.pdf)" data-testid="public-pdf"`)
)

// TestReport_ValidateFreezePublish: the public page is missing before a
// validation; the Nucleo's form refuses a blank outcome, a future date and
// an empty text; validated, the stored PDF's hash is the SHA-256 of what
// the public page serves, shown on the page and in the headers; a change of
// the data afterwards changes neither the stored PDF nor the JSON; a new
// version is validated again (with observations) and the old one stays
// readable; the decided version cannot be changed in the database.
func TestReport_ValidateFreezePublish(t *testing.T) {
	t.Parallel()
	e := rpEnv(t)
	anon, nuc, dir := e.client(t), e.signedIn(t, "nucleo"), e.signedIn(t, "direttore")
	if r := anon.get(paths.Transparency(2023)); r.Status != http.StatusNotFound {
		t.Errorf("public page before any sending: %d, want 404", r.Status)
	}
	rpSend(t, e)
	if r := anon.get(paths.Transparency(2023)); r.Status != http.StatusNotFound {
		t.Errorf("public page of a report sent, not validated: %d, want 404", r.Status)
	}
	if r := dir.post(paths.ValidationDecide(2023), url.Values{"number": {"1"}, "outcome": {"validata"}}); r.Status != http.StatusForbidden {
		t.Errorf("the director validates: %d, want 403", r.Status)
	}
	tomorrow := format.Date(domain.Today(time.Now()).AddDate(0, 0, 1))
	r := nuc.post(paths.ValidationDecide(2023), url.Values{"number": {"1"}, "outcome": {""}, "validated_on": {tomorrow}, "text_html": {"<p> </p>"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a blank validation: %d", r.Status)
	}
	for _, f := range []string{"outcome", "validated_on", "text_html"} {
		if !strings.Contains(r.Body, `data-testid="error-`+f+`"`) {
			t.Errorf("no error next to %s", f)
		}
	}
	if !strings.Contains(r.Body, tomorrow) {
		t.Errorf("the date typed is lost")
	}
	if v := rpVersion(t, e, 1); v.state != "inviata" {
		t.Fatalf("a refused validation changed the state to %q", v.state)
	}

	r = rpValidate(t, nuc, 1, "validata", `<p>Il Nucleo <strong>valida</strong> la Relazione.</p><script>alert(1)</script>`)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("validating: %d; body:\n%s", r.Status, rpMain(r.Body))
	}
	v1 := rpVersion(t, e, 1)
	if v1.state != "validata" || !bytes.HasPrefix(v1.pdf, []byte("%PDF-")) || rpHash(v1.pdf) != v1.pdfHash || rpHash(v1.json) != v1.jsonHash {
		t.Fatalf("version 1 after validation: state %q, pdf %d bytes (%.8q), hashes %s/%s", v1.state, len(v1.pdf), v1.pdf, v1.pdfHash, v1.jsonHash)
	}
	export := dir.get("/cicli/2023/export.json")
	if !bytes.Equal(v1.json, []byte(export.Body)) {
		t.Errorf("the frozen JSON is not the cycle's JSON v1 export")
	}

	page := anon.get(paths.Transparency(2023))
	if page.Status != http.StatusOK {
		t.Fatalf("public page after validation: %d", page.Status)
	}
	shown := rpPublicHash.FindStringSubmatch(page.Body)
	link := rpPublicPDF.FindStringSubmatch(page.Body)
	if shown == nil || link == nil {
		t.Fatalf("the public page shows no hash or no PDF link:\n%.3000s", page.Body)
	}
	if strings.Contains(page.Body, "<script>alert") || !strings.Contains(page.Body, "<strong>valida</strong>") || !strings.Contains(page.Body, "Validata") {
		t.Errorf("the validation text on the public page is not the sanitised text, or the outcome is missing")
	}
	pdf := anon.get(link[1])
	if pdf.Status != http.StatusOK || pdf.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("public PDF: %d %q", pdf.Status, pdf.Header.Get("Content-Type"))
	}
	if got := rpHash([]byte(pdf.Body)); got != shown[1] || got != v1.pdfHash || pdf.Header.Get("X-Content-SHA256") != got {
		t.Errorf("SHA-256 of the bytes served %s, shown %s, stored %s, header %s", got, shown[1], v1.pdfHash, pdf.Header.Get("X-Content-SHA256"))
	}
	if cc := pdf.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") || !strings.Contains(cc, "public") {
		t.Errorf("Cache-Control %q", cc)
	}
	if !strings.HasPrefix(pdf.Header.Get("Repr-Digest"), "sha-256=:") || pdf.Header.Get("Set-Cookie") != "" {
		t.Errorf("Repr-Digest %q, Set-Cookie %q", pdf.Header.Get("Repr-Digest"), pdf.Header.Get("Set-Cookie"))
	}
	if r := anon.do(http.MethodGet, link[1], nil, http.Header{"If-None-Match": {pdf.Header.Get("ETag")}}); r.Status != http.StatusNotModified {
		t.Errorf("revalidation with the ETag: %d, want 304", r.Status)
	}
	// The public JSON is the open data made from the frozen JSON (kept
	// whole for the record): its own bytes, with their own hash.
	data := anon.get(paths.TransparencyFile(2023, 1, paths.PublicJSON))
	if got := rpHash([]byte(data.Body)); data.Status != http.StatusOK || data.Header.Get("X-Content-SHA256") != got || !strings.Contains(page.Body, got) {
		t.Errorf("public JSON: %d, hash %s, header %s, on the page %v", data.Status, got, data.Header.Get("X-Content-SHA256"), strings.Contains(page.Body, got))
	}
	rows := readCSV(t, "public CSV", anon.get(paths.TransparencyFile(2023, 1, paths.PublicCSV)).Body)
	if n := secCount(t, e.pool, `SELECT count(*) FROM indicators i JOIN objectives o ON o.id = i.objective_id JOIN cycles c ON c.id = o.cycle_id WHERE c.year = 2023`); len(rows) != n+1 || rows[0][1] != "Centro di responsabilità" {
		t.Errorf("the CSV has %d rows, want a header and %d indicators", len(rows), n)
	}

	// The data change: an indicator neutralised by the Nucleo.
	r = nuc.post(paths.Measure(2023, e.indicatorID), url.Values{"neutralised_reason": {"Dato non disponibile per cause esterne"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("neutralising after the validation: %d", r.Status)
	}
	if after := dir.get("/cicli/2023/export.json"); after.Body == export.Body {
		t.Fatalf("the change did not change the export: the test proves nothing")
	}
	if v := rpVersion(t, e, 1); !bytes.Equal(v.pdf, v1.pdf) || !bytes.Equal(v.json, v1.json) || v.pdfHash != v1.pdfHash {
		t.Errorf("the frozen files changed with the data")
	}
	if again := anon.get(link[1]); rpHash([]byte(again.Body)) != v1.pdfHash {
		t.Errorf("the public PDF changed with the data")
	}
	if _, err := e.pool.Exec(context.Background(), `UPDATE report_versions SET pdf_sha256 = pdf_sha256 WHERE number = 1`); err == nil {
		t.Errorf("the database let a decided version be updated")
	}
	if _, err := e.pool.Exec(context.Background(), `DELETE FROM report_versions WHERE number = 1`); err == nil {
		t.Errorf("the database let a decided version be deleted")
	}

	// A new version, validated with observations; the first stays.
	rpSend(t, e)
	if p := anon.get(paths.Transparency(2023)); !strings.Contains(p.Body, v1.pdfHash) {
		t.Errorf("while version 2 waits, the public page no longer shows version 1")
	}
	if r := rpValidate(t, nuc, 2, "validata con osservazioni", "<p>Con osservazioni sugli indicatori sterilizzati.</p>"); r.Status != http.StatusSeeOther {
		t.Fatalf("validating version 2: %d; body:\n%s", r.Status, rpMain(r.Body))
	}
	v2 := rpVersion(t, e, 2)
	if v2.state != "validata con osservazioni" || v2.pdfHash == v1.pdfHash || bytes.Equal(v2.json, v1.json) {
		t.Errorf("version 2: state %q; its files should be the data's now, not version 1's", v2.state)
	}
	page = anon.get(paths.Transparency(2023))
	if m := rpPublicHash.FindStringSubmatch(page.Body); m == nil || m[1] != v2.pdfHash || !strings.Contains(page.Body, "Versioni validate precedenti") ||
		!strings.Contains(page.Body, paths.TransparencyFile(2023, 1, paths.FrozenPDF)) {
		t.Errorf("the public page does not show version 2 first and version 1 among the earlier ones")
	}
	if old := anon.get(paths.TransparencyFile(2023, 1, paths.FrozenPDF)); rpHash([]byte(old.Body)) != v1.pdfHash {
		t.Errorf("version 1's PDF is no longer served as frozen")
	}
	obs := e.signedIn(t, "osservatore")
	if f := obs.get(paths.ReportVersionFile(2023, 1, paths.FrozenJSON)); f.Status != http.StatusOK || rpHash([]byte(f.Body)) != v1.jsonHash {
		t.Errorf("version 1's JSON for the signed-in: %d", f.Status)
	}
}

// TestReport_NotValidated: a "non validata" freezes the files too, is not
// published (404), stays readable inside, and the director sends a new
// version.
func TestReport_NotValidated(t *testing.T) {
	t.Parallel()
	e := rpEnv(t)
	nuc := e.signedIn(t, "nucleo")
	rpSend(t, e)
	if r := rpValidate(t, nuc, 1, "non validata", "<p>Mancano i motivi degli scostamenti.</p>"); r.Status != http.StatusSeeOther {
		t.Fatalf("not validating: %d; body:\n%s", r.Status, rpMain(r.Body))
	}
	v := rpVersion(t, e, 1)
	if v.state != "non validata" || rpHash(v.pdf) != v.pdfHash {
		t.Errorf("version 1: state %q", v.state)
	}
	anon := e.client(t)
	for _, p := range []string{paths.Transparency(2023), paths.TransparencyFile(2023, 1, paths.FrozenPDF)} {
		if r := anon.get(p); r.Status != http.StatusNotFound {
			t.Errorf("GET %s of a report not validated: %d, want 404", p, r.Status)
		}
	}
	if f := e.signedIn(t, "responsabile").get(paths.ReportVersionFile(2023, 1, paths.FrozenPDF)); f.Status != http.StatusOK || rpHash([]byte(f.Body)) != v.pdfHash {
		t.Errorf("the frozen PDF inside: %d", f.Status)
	}
	dir := e.signedIn(t, "direttore")
	if p := dir.get(paths.Validation(2023)); !strings.Contains(p.Body, "Invia una nuova versione al Nucleo") {
		t.Errorf("after a non validata the director is not offered a new version")
	}
	rpSend(t, e)
	if v := rpVersion(t, e, 2); v.state != "inviata" {
		t.Errorf("version 2: %q", v.state)
	}
	if r := rpValidate(t, nuc, 1, "validata", "<p>x</p>"); r.Status != http.StatusConflict {
		t.Errorf("a decision on version 1 once 2 waits: %d, want 409", r.Status)
	}
}

// TestReport_Deadlines: the cycle page and the dashboard show the legal
// calendar; the 2023 Relazione, not validated by 30/06/2024, is late.
func TestReport_Deadlines(t *testing.T) {
	t.Parallel()
	e := rpEnv(t)
	c := e.signedIn(t, "osservatore")
	for _, p := range []string{"/cicli/2023", "/cicli/2023/cruscotto"} {
		b := c.get(p).Body
		if !strings.Contains(b, "entro il 31/01/2023") || !strings.Contains(b, "entro il 30/06/2024") {
			t.Errorf("%s: no legal calendar", p)
		}
		if domain.Today(time.Now()).After(time.Date(2024, time.June, 30, 0, 0, 0, 0, time.UTC)) && strings.Count(b, `data-testid="deadline-late"`) != 1 {
			t.Errorf("%s: want exactly the Relazione late (the plan was approved on 31/01/2023)", p)
		}
	}
}

// TestReport_ValidateWithoutChromium: the validation freezes the PDF; where
// Chromium is not installed, recording it answers 503 with the form as the
// Nucleo filled it and a message naming the package to install, and
// nothing is recorded. Once Chromium is there, the same validation is
// recorded. Not parallel: it changes the environment of the test binary.
func TestReport_ValidateWithoutChromium(t *testing.T) {
	e := rpEnv(t)
	rpSend(t, e)
	nuc := e.signedIn(t, "nucleo")
	t.Setenv("CHROMIUM_PATH", "/nonexistent/chromium")
	text := "<p>Il Nucleo valida la Relazione: verbale numero 7-bis.</p>"
	r := rpValidate(t, nuc, 1, "validata", text)
	if r.Status != http.StatusServiceUnavailable {
		t.Fatalf("validating without Chromium: status %d; body:\n%s", r.Status, rpMain(r.Body))
	}
	main := rpMain(r.Body)
	for _, want := range []string{"La validazione non è stata registrata", "apt-get install chromium-headless-shell", "Registra la validazione"} {
		if !strings.Contains(main, want) {
			t.Errorf("the page does not say %q:\n%s", want, main)
		}
	}
	if !strings.Contains(r.Body, "verbale numero 7-bis") || !strings.Contains(r.Body, `value="validata" checked`) {
		t.Error("the form lost what the Nucleo wrote")
	}
	if v := rpVersion(t, e, 1); v.state != "inviata" || len(v.pdf) > 0 {
		t.Fatalf("without Chromium the version became %q with a PDF of %d bytes", v.state, len(v.pdf))
	}
	os.Unsetenv("CHROMIUM_PATH")
	if r := rpValidate(t, nuc, 1, "validata", text); r.Status != http.StatusSeeOther {
		t.Fatalf("validating with Chromium: status %d; body:\n%s", r.Status, rpMain(r.Body))
	}
	if v := rpVersion(t, e, 1); v.state != "validata" || !bytes.HasPrefix(v.pdf, []byte("%PDF-")) {
		t.Errorf("with Chromium: state %q, PDF %.8q", v.state, v.pdf)
	}
}
