package server_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html/atom"

	"traguardo/internal/plan"
	"traguardo/internal/server"
	"traguardo/internal/store"
)

// TestStrategicAreas_Form: the director's form lists the strategic areas
// the objectives name, in the plan's order, with their objectives; a save
// is on every server at once (the cycle page of another server, the JSON
// export); a text over the limit is refused next to its area, keeping what
// was typed and changing nothing; a manager's forged POST is refused; a
// save over a newer version is a conflict; after approval a save needs a
// variation.
func TestStrategicAreas_Form(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	ctx := context.Background()
	const page = "/cicli/2023/aree-strategiche"
	dir := e.signedIn(t, "direttore")

	r := dir.get(page)
	if r.Status != http.StatusOK {
		t.Fatalf("GET %s: %d", page, r.Status)
	}
	doc := parseHTML(t, r.Body)
	legends := byTestID(doc, "area")
	if len(legends) != 8 {
		t.Fatalf("%d areas on the form, want the demo's 8", len(legends))
	}
	first := textOf(legends[0])
	if !strings.Contains(first, "Governance, amministrazione e servizi generali.") || !strings.Contains(first, "6 obiettivi") {
		t.Errorf("first area: %q", first)
	}
	if c := dir.get("/cicli/2023"); !strings.Contains(c.Body, `href="`+page+`"`) {
		t.Error("the cycle page does not link the form")
	}

	// Which index is "Minori e famiglie"?
	idx := -1
	for i, n := range legends {
		if strings.Contains(textOf(n), "Minori e famiglie") && !strings.Contains(textOf(n), "Adulti") {
			idx = i
		}
	}
	if idx < 0 {
		t.Fatal("no area Minori e famiglie")
	}
	form := func(value string) url.Values {
		f := url.Values{"version": {"0"}}
		for i, n := range legends {
			name := strings.TrimSpace(textOf(elements(n, atom.Legend)[0]))
			f.Set("area-"+strconv.Itoa(i), name)
		}
		f.Set("public_value-"+strconv.Itoa(idx), value)
		return f
	}

	// Over the limit: 422, the message next to the field, the text kept.
	long := strings.Repeat("x", plan.MaxPublicValue) + " e oltre"
	r = dir.post(page, form(long))
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("an overlong value: %d", r.Status)
	}
	doc = parseHTML(t, r.Body)
	field := "public_value-" + strconv.Itoa(idx)
	if msg := textOf(oneByTestID(t, doc, "error-"+field)); !strings.Contains(msg, "al più 4.000 caratteri") {
		t.Errorf("error = %q", msg)
	}
	if !strings.Contains(r.Body, `aria-describedby="`+field+`-errore"`) || !strings.Contains(r.Body, long) {
		t.Error("the field is not tied to its error, or lost what was typed")
	}
	if n := secCount(t, e.pool, `SELECT count(*) FROM public_values`); n != 0 {
		t.Fatalf("a refused save stored %d values", n)
	}

	// A manager's forged POST: refused.
	if r := e.signedIn(t, "responsabile").post(page, form("Forzato")); r.Status != http.StatusForbidden {
		t.Errorf("a manager's POST: %d, want 403", r.Status)
	}

	// Saved: on the other server's pages at once.
	const value = "Famiglie sostenute nella cura dei figli <e> nel lavoro."
	if r := dir.post(page, form(value)); r.Status != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.Status, r.Body)
	}
	b := &secClient{t: t, base: e.secondServer(t), hc: dir.hc}
	if r := b.get(page); !strings.Contains(r.Body, html.EscapeString(value)) {
		t.Errorf("the form on the other server does not show the value saved")
	}
	if r := b.get("/cicli/2023/export.json"); r.Status != http.StatusOK || !strings.Contains(r.Body, `"public_value": "`+value+`"`) {
		t.Errorf("the JSON export of the other server does not hold the value saved")
	}

	// The same form again, read at version 0: someone saved since.
	r = dir.post(page, form("Altro testo"))
	if r.Status != http.StatusConflict || len(byTestID(parseHTML(t, r.Body), "stale")) != 1 {
		t.Errorf("a save over a newer version: %d", r.Status)
	}

	// Approved: a save without a variation's date and reason is refused.
	if err := store.New(e.pool).ApprovePlan(ctx, store.CLI, 2023, 1, "Delibera CdA n. 1", time.Date(2023, 1, 30, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	f := form("Dopo l'approvazione")
	f.Set("version", "1")
	if r := dir.post(page, f); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="variation_on"`) {
		t.Errorf("a save of an approved plan without variation: %d", r.Status)
	}
	f.Set("variation_on", "2023-06-15")
	f.Set("variation_reason", "Nuovo DUP")
	if r := dir.post(page, f); r.Status != http.StatusSeeOther {
		t.Fatalf("a variation: %d %s", r.Status, r.Body)
	}
	if n := secCount(t, e.pool, `SELECT count(*) FROM variations WHERE entity = 'public_values' AND reason = 'Nuovo DUP'`); n != 1 {
		t.Errorf("%d variations recorded", n)
	}
}
