package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"traguardo/internal/server"
	"traguardo/web/paths"
)

// TestMidYear_SendAndObserve: the director sends the mid-year report at
// 30/06 (frozen as a PDF with its SHA-256, audited), every account of the
// Nucleo is notified; the Nucleo's observation (rich text, sanitised) is
// on the report's page with its author and day; a manager can neither send
// nor observe (403, nothing written); a bad period is an Italian 404.
func TestMidYear_SendAndObserve(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	ctx := context.Background()
	june := time.Date(2023, time.June, 30, 0, 0, 0, 0, time.UTC)
	page := paths.MidYear(2023, june)
	director, nucleo, manager := e.signedIn(t, "direttore"), e.signedIn(t, "nucleo"), e.signedIn(t, "responsabile")

	for _, bad := range []string{"30-06-2023", "2023-06-29"} {
		r := director.get(paths.Cycle(2023) + "/monitoraggio-intermedio?periodo=" + bad)
		if r.Status != http.StatusNotFound || !strings.Contains(r.Body, "periodo") {
			t.Errorf("period %s: status %d; body:\n%.600s", bad, r.Status, r.Body)
		}
	}
	if r := nucleo.post(paths.MidYearObserve(2023, time.Time{}), url.Values{"periodo": {"2023-06-30"}, "body_html": {"<p>Presto.</p>"}}); r.Status != http.StatusConflict {
		t.Errorf("an observation before the sending: status %d, want 409", r.Status)
	}

	before := secSnapshot(t, e.pool)
	for _, r := range []*secResponse{
		manager.post(paths.MidYearSend(2023), url.Values{"periodo": {"2023-06-30"}}),
		manager.post(paths.MidYearObserve(2023, time.Time{}), url.Values{"periodo": {"2023-06-30"}, "body_html": {"<p>No.</p>"}}),
	} {
		if r.Status != http.StatusForbidden {
			t.Errorf("a manager's post: status %d, want 403", r.Status)
		}
	}
	secRequireUnchanged(t, "a manager's posts", before, secSnapshot(t, e.pool), "sessions")

	var notifiedBefore int
	count := `SELECT count(*) FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.role = 'nucleo' AND n.link = $1`
	if err := e.pool.QueryRow(ctx, count, page).Scan(&notifiedBefore); err != nil {
		t.Fatal(err)
	}
	r := director.post(paths.MidYearSend(2023), url.Values{"periodo": {"2023-06-30"}})
	if r.Status != http.StatusSeeOther || r.Location() != page {
		t.Fatalf("sending: status %d, Location %q; body:\n%.600s", r.Status, r.Location(), r.Body)
	}
	var notified, nucleos, audited int
	var hashOK bool
	if err := e.pool.QueryRow(ctx, count, page).Scan(&notified); err != nil {
		t.Fatal(err)
	}
	if err := e.pool.QueryRow(ctx, `
		SELECT (SELECT count(*) FROM users WHERE role = 'nucleo' AND active),
		       (SELECT count(*) FROM audit_log WHERE action = 'send-monitoring'),
		       (SELECT bool_and(pdf_sha256 = encode(sha256(pdf), 'hex') AND substring(pdf FROM 1 FOR 4) = '%PDF'::bytea) FROM monitoring_reports)`).Scan(
		&nucleos, &audited, &hashOK); err != nil {
		t.Fatal(err)
	}
	if nucleos == 0 || notified-notifiedBefore != nucleos || audited != 1 || !hashOK {
		t.Errorf("after the sending: %d notifications of %d Nucleo accounts, %d audit rows, frozen PDF and hash %v", notified-notifiedBefore, nucleos, audited, hashOK)
	}

	if r := nucleo.get(page); r.Status != http.StatusOK || !strings.Contains(r.Body, "Inviato al Nucleo di Valutazione il") ||
		!strings.Contains(r.Body, `data-testid="monitoring-observe"`) || strings.Contains(r.Body, `data-testid="monitoring-send"`) {
		t.Errorf("the report for the Nucleo after the sending: status %d; body:\n%.1200s", r.Status, r.Body)
	}
	if r := nucleo.post(paths.MidYearObserve(2023, time.Time{}), url.Values{"periodo": {"2023-06-30"}, "body_html": {"<p></p>"}}); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "Scrivere l&#39;osservazione") {
		t.Errorf("an empty observation: status %d; body:\n%.600s", r.Status, r.Body)
	}
	r = nucleo.post(paths.MidYearObserve(2023, time.Time{}), url.Values{"periodo": {"2023-06-30"},
		"body_html": {`<p>Obiettivi in ritardo da <strong>rivedere</strong>.</p><script>alert(1)</script>`}})
	if r.Status != http.StatusSeeOther || r.Location() != page+"#osservazioni" {
		t.Fatalf("observing: status %d, Location %q; body:\n%.600s", r.Status, r.Location(), r.Body)
	}
	r = manager.get(page)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "Obiettivi in ritardo da <strong>rivedere</strong>.") ||
		strings.Contains(r.Body, "alert(1)") || !strings.Contains(r.Body, "Osservazioni del Nucleo di Valutazione del ") {
		t.Errorf("the observation on the report's page: status %d; body:\n%.3000s", r.Status, r.Body)
	}
	if strings.Contains(r.Body, `data-testid="monitoring-send"`) || strings.Contains(r.Body, `data-testid="monitoring-observe"`) {
		t.Error("a manager's page offers the sending or the observations")
	}
	var directors int
	if err := e.pool.QueryRow(ctx, `SELECT count(*) FROM notifications n JOIN users u ON u.id = n.user_id
		WHERE u.role = 'direttore' AND n.text LIKE '%monitoraggio intermedio 2023 al 30/06/2023%'`).Scan(&directors); err != nil || directors == 0 {
		t.Errorf("the directors were not notified of the observation (%d, %v)", directors, err)
	}
	// The report's PDF at the period, as a manager downloads it, carries
	// the Nucleo's observation and every centre (pdftotext).
	pdf := manager.get(paths.MidYearPDF(2023, june))
	if pdf.Status != http.StatusOK || !strings.HasPrefix(pdf.Body, "%PDF-") {
		t.Fatalf("the report's PDF: status %d, %.40q", pdf.Status, pdf.Body)
	}
	text := pubPDFText(t, []byte(pdf.Body))
	c, err := e.st.LoadCycle(ctx, 2023)
	if err != nil || len(c.Centres) < 2 {
		t.Fatalf("the cycle: %v", err)
	}
	want := []string{"Monitoraggio intermedio al 30/06/2023", "Obiettivi in ritardo da rivedere.", "Osservazioni del Nucleo di Valutazione del "}
	for _, ce := range c.Centres {
		want = append(want, pubCollapsed(ce.Name))
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("the report's PDF lacks %q", w)
		}
	}
}

// TestMidYear_FrozenPDF: each sending of the mid-year report is listed on
// the report's page (number, day, sender, SHA-256, link) and its frozen PDF
// is served byte for byte to every reader, the SHA-256 of the bytes served
// the one stored, in the headers and on the page; a sending the cycle does
// not have is an Italian 404, and no session is sent to sign in.
func TestMidYear_FrozenPDF(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	ctx := context.Background()
	june := time.Date(2023, time.June, 30, 0, 0, 0, 0, time.UTC)
	page := paths.MidYear(2023, june)
	director, observer := e.signedIn(t, "direttore"), e.signedIn(t, "osservatore")

	if r := director.get(page); strings.Contains(r.Body, `data-testid="monitoring-sendings"`) {
		t.Errorf("the page lists sendings before any:\n%.1200s", r.Body)
	}
	for n := 1; n <= 2; n++ {
		if r := director.post(paths.MidYearSend(2023), url.Values{"periodo": {"2023-06-30"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("sending %d: status %d; body:\n%.600s", n, r.Status, r.Body)
		}
	}
	type sending struct {
		id     int64
		number int
		sum    string
		by     string
	}
	rows, err := e.pool.Query(ctx, `SELECT id, number, pdf_sha256, sent_by_name FROM monitoring_reports ORDER BY number`)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (sending, error) {
		var s sending
		return s, r.Scan(&s.id, &s.number, &s.sum, &s.by)
	})
	if err != nil || len(stored) != 2 || stored[0].sum == stored[1].sum {
		t.Fatalf("the stored sendings: %+v, %v", stored, err)
	}

	shown := observer.get(page)
	if shown.Status != http.StatusOK || strings.Count(shown.Body, `data-testid="monitoring-sending"`) != 2 {
		t.Fatalf("the report's page: status %d, want both sendings listed; body:\n%.3000s", shown.Status, shown.Body)
	}
	for _, s := range stored {
		link := paths.MidYearSendingPDF(2023, s.id)
		for _, want := range []string{`href="` + link + `"`, `data-testid="monitoring-sending-sha256">` + s.sum + `<`,
			"n. " + strconv.Itoa(s.number), s.by} {
			if !strings.Contains(shown.Body, want) {
				t.Errorf("sending %d: the page lacks %q", s.number, want)
			}
		}
		r := observer.get(link)
		sum := sha256.Sum256([]byte(r.Body))
		if r.Status != http.StatusOK || hex.EncodeToString(sum[:]) != s.sum || r.Header.Get("X-Content-SHA256") != s.sum ||
			r.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(r.Body, "%PDF-") {
			t.Errorf("sending %d's PDF: status %d, %s, SHA-256 of the bytes %x, stored %s, header %q",
				s.number, r.Status, r.Header.Get("Content-Type"), sum, s.sum, r.Header.Get("X-Content-SHA256"))
		}
	}

	last := stored[len(stored)-1].id
	for _, missing := range []string{
		paths.MidYearSendingPDF(2023, last+1000),
		paths.MidYearSendingPDF(2024, last), // another cycle's number
		paths.Cycle(2023) + "/monitoraggio-intermedio/invii/0/monitoraggio.pdf",
		paths.Cycle(2023) + "/monitoraggio-intermedio/invii/uno/monitoraggio.pdf",
	} {
		if r := observer.get(missing); r.Status != http.StatusNotFound || !strings.Contains(r.Body, "L&#39;invio richiesto non esiste.") {
			t.Errorf("%s: status %d, want the Italian 404; body:\n%.600s", missing, r.Status, r.Body)
		}
	}
	link := paths.MidYearSendingPDF(2023, last)
	if r := e.client(t).get(link); r.Status != http.StatusSeeOther || r.Location() != "/accedi?next="+url.QueryEscape(link) {
		t.Errorf("no session: status %d, Location %q, want 303 to sign in", r.Status, r.Location())
	}
}
