package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

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
}
