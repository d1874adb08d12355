package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"traguardo/internal/audit"
	"traguardo/internal/browsertest"
	"traguardo/internal/demo"
	"traguardo/internal/labels"
	"traguardo/internal/pgtest"
	"traguardo/internal/plan"
	"traguardo/internal/server"
	"traguardo/internal/store"
)

// auditChange is a field of an audit row as the page shows it.
type auditChange struct {
	label, before, after, value, full string
}

// auditChanges reads the fields listed in an audit row: label, the value
// before and after for a change (without the words said to screen
// readers), the value for a field set or removed, the texts shown in full.
func auditChanges(t testing.TB, row *html.Node) []auditChange {
	t.Helper()
	var out []auditChange
	for _, li := range byTestID(row, "audit-change") {
		var c auditChange
		spans := elements(li, atom.Span)
		if len(spans) == 0 {
			t.Fatalf("a change without its label: %q", textOf(li))
		}
		c.label = strings.TrimSuffix(textOf(spans[0]), ":")
		if d := elements(li, atom.Del); len(d) == 1 {
			c.before = strings.TrimPrefix(textOf(d[0]), "prima: ")
		}
		if i := elements(li, atom.Ins); len(i) == 1 {
			c.after = strings.TrimPrefix(textOf(i[0]), "dopo: ")
		}
		if v := byTestID(li, "value"); len(v) == 1 {
			c.value = textOf(v[0])
		}
		for _, d := range elements(li, atom.Details) {
			c.full += textOf(children(d, atom.P)[0])
		}
		out = append(out, c)
	}
	return out
}

// auditRowsOf returns the rows of the audit page for a query, as the admin.
func auditRowsOf(t testing.TB, e *secEnv, query string) ([]*html.Node, *html.Node) {
	t.Helper()
	doc := auditPage(t, e.signedIn(t, "admin"), query, http.StatusOK)
	return byTestID(doc, "audit-row"), doc
}

// auditClip is a name as a record's name shows it: its first 80
// characters, the 80th an ellipsis when it is longer.
func auditClip(s string) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) <= 80 {
		return string(r)
	}
	return string(r[:79]) + "…"
}

// auditFind returns the objective of a cycle with an id, and its centre.
func auditFind(t testing.TB, c *plan.Cycle, id int64) (*plan.Centre, *plan.Objective) {
	t.Helper()
	for _, ce := range c.Centres {
		for _, o := range ce.Objectives {
			if o.ID == id {
				return ce, o
			}
		}
	}
	t.Fatalf("objective %d not in the cycle %d", id, c.Year)
	return nil, nil
}

// TestAudit_ObjectiveUpdate: an objective's update reads on the audit page
// as the objective named in words and the fields changed, each with its
// Italian label, value before and after; no JSON, no column names.
func TestAudit_ObjectiveUpdate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newSecEnv(t, server.Config{})
	c23, err := e.st.LoadCycle(ctx, 2023)
	if err != nil {
		t.Fatal(err)
	}
	centre, obj := auditFind(t, c23, e.objectiveID)
	oldTitle := obj.Title
	o := *obj
	o.Title = "Ridurre i tempi di risposta"
	weight := 2.5
	o.Weight = &weight
	o.DescriptionHTML = "<p>" + strings.Repeat("Servizio <strong>sociale</strong> ", 20) + "</p>"
	ch := store.Change{Actor: store.Actor{Name: e.emails["direttore"]}, Version: obj.Version}
	if err := e.st.UpdateObjective(ctx, ch, obj.ID, &o); err != nil {
		t.Fatal(err)
	}

	rows, doc := auditRowsOf(t, e, "entity=objective")
	if len(rows) == 0 {
		t.Fatal("no objective entry on the audit page")
	}
	cells := cellTexts(rows[0])
	wantSubject := fmt.Sprintf("Obiettivo %d «Ridurre i tempi di risposta» — %s (ciclo 2023)", obj.Number, centre.Name)
	if cells[1] != e.emails["direttore"] || cells[2] != "Modifica" || cells[3] != wantSubject {
		t.Errorf("row = %q, want the direttore's Modifica of %q", cells[:4], wantSubject)
	}
	changes := auditChanges(t, rows[0])
	var got []string
	for _, c := range changes {
		got = append(got, c.label)
	}
	// Only what changed, in the order of the form, in Italian.
	if !slices.Equal(got, []string{"Titolo", "Descrizione", "Peso"}) {
		t.Fatalf("fields listed %q, want Titolo, Descrizione, Peso", got)
	}
	// The whole description without markup: 20 times "Servizio sociale",
	// 339 characters, clipped to 159 and an ellipsis, whole on request.
	whole := strings.TrimSpace(strings.Repeat("Servizio sociale ", 20))
	title, desc, peso := changes[0], changes[1], changes[2]
	if title.after != "«Ridurre i tempi di risposta»" || !strings.HasPrefix(title.before, "«"+firstWords(oldTitle, 3)) {
		t.Errorf("Titolo: %+v, want «%s» → «Ridurre i tempi di risposta»", title, oldTitle)
	}
	if want := "«" + string([]rune(whole)[:159]) + "…»"; desc.after != want || desc.before == "" {
		t.Errorf("Descrizione after = %q, want %q", desc.after, want)
	}
	if !strings.Contains(desc.full, "«"+whole+"»") {
		t.Errorf("the whole description is not on the page: %q", desc.full)
	}
	if peso.after != "2,5" {
		t.Errorf("Peso: %+v, want 2,5 after", peso)
	}
	table := textOf(oneByTestID(t, doc, "audit-table"))
	for _, raw := range []string{"{", "description_html", "cycle_centre_id", "<strong>", `"title"`, "update"} {
		if strings.Contains(table, raw) {
			t.Errorf("the audit table shows %q", raw)
		}
	}
}

// TestAudit_Deleted: a deleted indicator is named from its snapshot, with
// its objective and centre, and its fields as it had them; internal fields
// are left out.
func TestAudit_Deleted(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newSecEnv(t, server.Config{})
	c23, err := e.st.LoadCycle(ctx, 2023)
	if err != nil {
		t.Fatal(err)
	}
	centre, obj := auditFind(t, c23, e.objectiveID)
	if len(obj.Indicators) == 0 || len(obj.Activities) < 2 {
		t.Fatalf("objective %d has %d indicators and %d activities: the test needs one and two", obj.ID, len(obj.Indicators), len(obj.Activities))
	}
	in := obj.Indicators[0]
	ch := store.Change{Actor: store.Actor{Name: e.emails["direttore"]}, Version: in.Version}
	if err := e.st.DeleteIndicator(ctx, ch, in.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.st.MoveActivity(ctx, ch, obj.Activities[0].ID, +1); err != nil {
		t.Fatal(err)
	}
	rows, _ := auditRowsOf(t, e, "entity=indicator")
	cells := cellTexts(rows[0])
	want := fmt.Sprintf("Indicatore «%s» — obiettivo %d di %s (ciclo 2023)", auditClip(in.Name), obj.Number, centre.Name)
	if cells[2] != "Eliminazione" || cells[3] != want {
		t.Errorf("row = %q, want the deletion of %q", cells[:4], want)
	}
	fields := map[string]string{}
	for _, c := range auditChanges(t, rows[0]) {
		if c.before != "" || c.after != "" {
			t.Errorf("a deletion shows %q as a change", c.label)
		}
		fields[c.label] = c.value
	}
	polarity := map[string]string{"higher": "Più alto è meglio", "lower": "Più basso è meglio"}[string(in.Polarity)]
	if fields["Nome"] != "«"+strings.Join(strings.Fields(in.Name), " ")+"»" || fields["Polarità"] != polarity || fields["Posizione"] != "1" {
		t.Errorf("fields of the deleted indicator = %q", fields)
	}
	for label := range fields {
		if strings.Contains(label, "_") || label == "id" {
			t.Errorf("internal field %q shown", label)
		}
	}

	// A move: the activity named from the database (its snapshot holds
	// only the position), the position counted from 1.
	rows, _ = auditRowsOf(t, e, "entity=activity")
	cells = cellTexts(rows[0])
	want = fmt.Sprintf("Attività «%s» — obiettivo %d di %s (ciclo 2023)", auditClip(obj.Activities[0].Description), obj.Number, centre.Name)
	if cells[2] != "Spostamento" || cells[3] != want {
		t.Errorf("move row = %q, want %q", cells[2:4], want)
	}
	if got := auditChanges(t, rows[0]); len(got) != 1 || got[0] != (auditChange{label: "Posizione", before: "1", after: "2"}) {
		t.Errorf("move of the first activity = %+v, want Posizione 1 → 2", got)
	}
}

// TestAudit_WorkbookUpload: a plan loaded from a workbook reads as such on
// the audit page, with what it brought, never as the code import-plan.
func TestAudit_WorkbookUpload(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	dir := e.signedIn(t, "direttore")
	xlsx := filesDownload(t, dir, "/cicli/2023/piano.xlsx", "piano-2023.xlsx")
	filesEmptyCycle(t, e.st, 2025)
	// The 2023 plan moved to 2025, as the upload offers.
	if r := filesUploadForm(dir, "/cicli/2025/importa-foglio", url.Values{"shift": {"2"}}, "piano-2023.xlsx", xlsx, nil); r.Status != http.StatusSeeOther {
		t.Fatalf("upload: status %d; body:\n%.2000s", r.Status, r.Body)
	}
	rows, doc := auditRowsOf(t, e, "entity=cycle")
	cells := cellTexts(rows[0])
	if cells[1] != e.emails["direttore"] || cells[2] != "Caricamento del piano da foglio di calcolo" || cells[3] != "Ciclo 2025" {
		t.Errorf("row = %q, want the direttore's upload into the cycle 2025", cells[:4])
	}
	var got []string
	for _, c := range auditChanges(t, rows[0]) {
		got = append(got, c.label+": "+c.value)
	}
	// The counts of the demo's plan, as the upload's own message says them.
	want := []string{"Anno: 2025", "Centri di responsabilità: 6", "Obiettivi: 18", "Attività: 86", "Indicatori: 62"}
	if !slices.Equal(got, want) {
		t.Errorf("fields = %q, want %q", got, want)
	}
	if strings.Contains(textOf(doc), "import-plan") {
		t.Error("the page shows the code import-plan")
	}
}

// TestAudit_PlanColumnsLabelled: every column of a plan table, which the
// audit log keeps whole, has an Italian label or is marked internal in
// internal/labels; a column added by a migration fails here until it has.
func TestAudit_PlanColumnsLabelled(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewDB(t)
	rows, err := pool.Query(context.Background(), `
		SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name IN ('objectives', 'activities', 'indicators')`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	entity := map[string]audit.Entity{"objectives": audit.Objective, "activities": audit.Activity, "indicators": audit.Indicator}
	n := 0
	for rows.Next() {
		var table, column string
		if err := rows.Scan(&table, &column); err != nil {
			t.Fatal(err)
		}
		n++
		if _, ok := labels.FieldOf(entity[table], audit.Key(column)); !ok {
			t.Errorf("%s.%s has no entry in the fields of %q in internal/labels", table, column, entity[table])
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 20 {
		t.Fatalf("found %d columns: the query found no plan tables", n)
	}
}

// TestAudit_BrowserAccessibility runs axe-core in Chromium on the audit page
// with changes, a deletion, clipped texts opened in full and access entries.
func TestAudit_BrowserAccessibility(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newSecEnv(t, server.Config{})
	c23, err := e.st.LoadCycle(ctx, 2023)
	if err != nil {
		t.Fatal(err)
	}
	_, obj := auditFind(t, c23, e.objectiveID)
	o := *obj
	o.Title = strings.Repeat("Titolo molto lungo ", 12)
	ch := store.Change{Actor: store.Actor{Name: e.emails["direttore"]}, Version: obj.Version}
	if err := e.st.UpdateObjective(ctx, ch, obj.ID, &o); err != nil {
		t.Fatal(err)
	}
	if err := e.st.DeleteIndicator(ctx, store.Change{Actor: ch.Actor, Version: obj.Indicators[0].Version}, obj.Indicators[0].ID); err != nil {
		t.Fatal(err)
	}
	postSignIn(e.client(t), "nessuno@traguardo.test", "una-password-errata", nil)

	b := browsertest.New(t)
	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(b, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	step("signing in",
		chromedp.Navigate(e.srv.URL+"/accedi"),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), e.emails["admin"]),
		chromedp.SendKeys(chromedp.CSS(`#password`), demo.DefaultPassword),
		chromedp.Click(chromedp.CSS(`[data-testid="sign-in"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="main-nav"]`)),
	)
	step("opening the audit page",
		chromedp.Navigate(e.srv.URL+"/registro"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="audit-table"] ins`)),
	)
	browsertest.AssertAccessible(t, b)
	step("opening a clipped text in full",
		chromedp.Click(chromedp.CSS(`[data-testid="audit-table"] details summary`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="audit-table"] details[open] p`)),
	)
	browsertest.AssertAccessible(t, b)
	step("filtering the accesses",
		chromedp.Navigate(e.srv.URL+"/registro?entity=access"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="audit-sentence"]`)),
	)
	browsertest.AssertAccessible(t, b)
}
