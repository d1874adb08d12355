package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"traguardo/internal/domain"
	"traguardo/internal/plan"
	"traguardo/internal/server"
	"traguardo/internal/store"
)

// The tests of the plan forms: objectives, activities and indicators, built
// on the secEnv of security_helpers_test.go (the demo cycle and the demo
// accounts). Their helpers start with pf.

// pfCycle loads the 2023 cycle from the store.
func pfCycle(t testing.TB, st *store.Store) *plan.Cycle {
	t.Helper()
	c, err := st.LoadCycle(context.Background(), 2023)
	if err != nil {
		t.Fatalf("LoadCycle(2023): %v", err)
	}
	return c
}

// pfObjective finds an objective of c and its centre, failing t if missing.
func pfObjective(t testing.TB, c *plan.Cycle, id int64) (*plan.Centre, *plan.Objective) {
	t.Helper()
	ce, o, ok := c.ObjectiveByID(id)
	if !ok {
		t.Fatalf("objective %d is not in cycle %d", id, c.Year)
	}
	return ce, o
}

// pfActivityIDs and pfIndicatorIDs are the ids of an objective's items, in order.
func pfActivityIDs(o *plan.Objective) []int64 {
	var ids []int64
	for _, a := range o.Activities {
		ids = append(ids, a.ID)
	}
	return ids
}

func pfIndicatorIDs(o *plan.Objective) []int64 {
	var ids []int64
	for _, in := range o.Indicators {
		ids = append(ids, in.ID)
	}
	return ids
}

// pfState is what must not change when a form is refused: the cycle as the
// application exports it, and a digest of every table.
type pfState struct {
	export string
	tables map[string]string
}

func pfSnapshot(t testing.TB, e *secEnv, c *secClient) pfState {
	t.Helper()
	r := c.get("/cicli/2023/export.json")
	if r.Status != http.StatusOK {
		t.Fatalf("exporting the cycle: status %d", r.Status)
	}
	return pfState{export: r.Body, tables: secSnapshot(t, e.pool)}
}

// pfRequireUnchanged fails t if the export or a table (but the sessions,
// whose expiry every request moves on) changed since before.
func pfRequireUnchanged(t testing.TB, what string, e *secEnv, c *secClient, before pfState) {
	t.Helper()
	after := pfSnapshot(t, e, c)
	if after.export != before.export {
		t.Errorf("%s changed the exported cycle", what)
	}
	secRequireUnchanged(t, what, before.tables, after.tables, "sessions")
}

// pfRequireRedirect fails t unless r is a 303 to a location starting with want.
func pfRequireRedirect(t testing.TB, what string, r *secResponse, want string) {
	t.Helper()
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), want) {
		t.Fatalf("%s: status %d, Location %q, want 303 to %s; body:\n%.1500s", what, r.Status, r.Location(), want, r.Body)
	}
}

// pfFieldValue is what a form field holds: an input's value, a textarea's
// text, a select's selected option ("" when none is).
func pfFieldValue(t testing.TB, doc *html.Node, field string) string {
	t.Helper()
	n := usersElementByID(t, doc, field)
	switch n.DataAtom {
	case atom.Input:
		v, _ := attr(n, "value")
		return v
	case atom.Textarea:
		var b strings.Builder
		for c := range n.ChildNodes() {
			b.WriteString(c.Data)
		}
		return b.String()
	case atom.Select:
		for _, o := range elements(n, atom.Option) {
			if _, ok := attr(o, "selected"); ok {
				v, _ := attr(o, "value")
				return v
			}
		}
		return ""
	}
	t.Fatalf("field %s is a <%s>", field, n.Data)
	return ""
}

// pfOptions are the values a select offers.
func pfOptions(t testing.TB, doc *html.Node, field string) []string {
	t.Helper()
	var out []string
	for _, o := range elements(usersElementByID(t, doc, field), atom.Option) {
		v, _ := attr(o, "value")
		out = append(out, v)
	}
	return out
}

// pfInvalid is a form with one bad field: the message the field must show.
type pfInvalid struct {
	name  string
	edit  func(url.Values)
	field string
	want  string
}

// pfCheckInvalid posts each invalid form to path: 422, the Italian message
// next to the field (and no other field in error), every field as typed,
// and nothing written.
func pfCheckInvalid(t *testing.T, e *secEnv, c *secClient, path string, fields []string, valid func() url.Values, cases []pfInvalid) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			form := valid()
			tc.edit(form)
			before := pfSnapshot(t, e, c)
			r := c.post(path, form)
			usersRequireStatus(t, "POST "+path, r, http.StatusUnprocessableEntity)
			pfRequireUnchanged(t, tc.name, e, c, before)
			doc := parseHTML(t, r.Body)
			if len(byTestID(doc, "form-errors")) != 1 {
				t.Error("no error summary at the top of the form")
			}
			for _, f := range fields {
				got := usersFieldError(t, doc, f)
				switch {
				case f == tc.field && got != tc.want:
					t.Errorf("error of %s = %q, want %q", f, got, tc.want)
				case f != tc.field && got != "":
					t.Errorf("unexpected error on %s: %q", f, got)
				}
				// What was typed is kept (a select keeps a value it offers).
				want := strings.TrimSpace(form.Get(f))
				if n := usersElementByID(t, doc, f); n.DataAtom == atom.Select && !slices.Contains(pfOptions(t, doc, f), want) {
					want = ""
				}
				if got := pfFieldValue(t, doc, f); got != want {
					t.Errorf("field %s holds %q, want %q as typed", f, got, want)
				}
			}
			usersLabelled(t, tc.name, doc)
		})
	}
}

// ---------------------------------------------------------------------------
// Objectives

var pfObjectiveFields = []string{"section", "number", "title", "strategic_area", "operational_objective",
	"peg_project", "services", "end_users", "networks", "description_html", "weight", "group"}

func pfObjectiveForm() url.Values {
	return url.Values{
		"section":               {"Obiettivi di performance"},
		"number":                {"99"},
		"title":                 {"Digitalizzazione dell'archivio storico"},
		"strategic_area":        {"Governance, amministrazione e servizi generali."},
		"operational_objective": {"Garantire la conservazione dei documenti."},
		"peg_project":           {"Governance interna/esterna ed attività direzionali."},
		"services":              {"Segreteria e protocollo"},
		"end_users":             {"Cittadini e uffici"},
		"networks":              {"Archivio di Stato"},
		"description_html":      {`<p>Prima fase: <strong>scansione</strong> dei fascicoli.</p><script>alert(1)</script>`},
		"weight":                {"1,5"},
		"group":                 {""},
	}
}

func TestPlanForms_Objective(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	c := e.signedIn(t, "direttore")
	newPath := fmt.Sprintf("/cicli/2023/centri/%d/obiettivi/nuovo", e.centreID)

	t.Run("Invalid", func(t *testing.T) {
		pfCheckInvalid(t, e, c, newPath, pfObjectiveFields, pfObjectiveForm, []pfInvalid{
			{"SectionMissing", func(f url.Values) { f.Set("section", "  ") }, "section", "Sezione mancante."},
			{"NumberNotANumber", func(f url.Values) { f.Set("number", "uno") }, "number", "Inserire un numero intero da 1 a 9999."},
			{"NumberZero", func(f url.Values) { f.Set("number", "0") }, "number", "Numero dell'obiettivo mancante o non valido (intero da 1 a 9999)."},
			{"NumberTaken", func(f url.Values) { f.Set("number", "1") }, "number", "Numero già usato nella stessa sezione del centro."},
			{"TitleMissing", func(f url.Values) { f.Set("title", "") }, "title", "Titolo dell'obiettivo mancante."},
			{"WeightNotANumber", func(f url.Values) { f.Set("weight", "alto") }, "weight", "Inserire un numero, ad esempio 1.234,5."},
			{"WeightZero", func(f url.Values) { f.Set("weight", "0") }, "weight", "Il peso deve essere maggiore di zero."},
			// Past PostgreSQL's integer: it answered 500.
			{"NumberOverflow", func(f url.Values) { f.Set("number", "2147483648") }, "number", "Numero dell'obiettivo mancante o non valido (intero da 1 a 9999)."},
			{"NumberTooLarge", func(f url.Values) { f.Set("number", "10000") }, "number", "Numero dell'obiettivo mancante o non valido (intero da 1 a 9999)."},
		})
	})

	// Every text field has a limit, with its message next to the field.
	t.Run("TooLong", func(t *testing.T) {
		limits := map[string]int{"section": 200, "title": 2000, "strategic_area": 2000, "operational_objective": 2000,
			"peg_project": 2000, "services": 2000, "end_users": 2000, "networks": 2000, "description_html": 100_000, "group": 200}
		var cases []pfInvalid
		for _, f := range pfObjectiveFields {
			max, ok := limits[f]
			if !ok {
				continue
			}
			cases = append(cases, pfInvalid{f, func(v url.Values) { v.Set(f, strings.Repeat("è", max+1)) }, f,
				fmt.Sprintf("Testo troppo lungo: al più %s caratteri (ne ha %s).", pfThousands(max), pfThousands(max+1))})
		}
		if len(cases) != len(limits) {
			t.Fatalf("%d cases for %d limits", len(cases), len(limits))
		}
		pfCheckInvalid(t, e, c, newPath, pfObjectiveFields, pfObjectiveForm, cases)
	})

	t.Run("CreateOK", func(t *testing.T) {
		usersRequireStatus(t, "GET "+newPath, c.get(newPath), http.StatusOK)
		r := c.post(newPath, pfObjectiveForm())
		pfRequireRedirect(t, "creating an objective", r, "/cicli/2023/obiettivi/")
		id, err := strconv.ParseInt(strings.TrimPrefix(r.Location(), "/cicli/2023/obiettivi/"), 10, 64)
		if err != nil {
			t.Fatalf("redirect to %q", r.Location())
		}
		ce, o := pfObjective(t, pfCycle(t, e.st), id)
		if ce.ID != domain.CycleCentreID(e.centreID) || ce.Objectives[len(ce.Objectives)-1] != o {
			t.Errorf("the new objective is not the last of centre %d", e.centreID)
		}
		if o.Section != "Obiettivi di performance" || o.Number != 99 || o.Title != "Digitalizzazione dell'archivio storico" ||
			o.Services != "Segreteria e protocollo" || o.Networks != "Archivio di Stato" || o.Weight == nil || *o.Weight != 1.5 || o.Group != "" {
			t.Errorf("stored objective = %+v", o)
		}
		if strings.Contains(o.DescriptionHTML, "script") || !strings.Contains(o.DescriptionHTML, "<strong>scansione</strong>") {
			t.Errorf("stored description %q: want the bold kept and the script gone", o.DescriptionHTML)
		}
	})

	t.Run("EditOK", func(t *testing.T) {
		path := fmt.Sprintf("/cicli/2023/obiettivi/%d/modifica", e.objectiveID)
		doc := parseHTML(t, c.get(path).Body)
		if got := pfFieldValue(t, doc, "number"); got != "1" {
			t.Errorf("the edit form shows number %q, want 1", got)
		}
		form := pfObjectiveForm()
		form.Set("number", "1")
		form.Set("weight", "")
		form.Set("title", "Titolo cambiato")
		pfRequireRedirect(t, "editing an objective", c.post(path, form), fmt.Sprintf("/cicli/2023/obiettivi/%d", e.objectiveID))
		_, o := pfObjective(t, pfCycle(t, e.st), e.objectiveID)
		if o.Title != "Titolo cambiato" || o.Weight != nil || o.Number != 1 || len(o.Activities) != 4 || len(o.Indicators) != 3 {
			t.Errorf("edited objective = %+v", o)
		}
	})

	t.Run("MoveOK", func(t *testing.T) {
		ce, _ := pfObjective(t, pfCycle(t, e.st), e.objectiveID)
		first, second := ce.Objectives[0].ID, ce.Objectives[1].ID
		pfRequireRedirect(t, "moving an objective down", c.post(fmt.Sprintf("/cicli/2023/obiettivi/%d/sposta", first), url.Values{"direction": {"giu"}}), fmt.Sprintf("/cicli/2023/centri/%d", ce.ID))
		ce, _ = pfObjective(t, pfCycle(t, e.st), e.objectiveID)
		if ce.Objectives[0].ID != second || ce.Objectives[1].ID != first {
			t.Errorf("after moving down the first objective, the order starts %d, %d; want %d, %d", ce.Objectives[0].ID, ce.Objectives[1].ID, second, first)
		}
		pfRequireRedirect(t, "moving it back up", c.post(fmt.Sprintf("/cicli/2023/obiettivi/%d/sposta", first), url.Values{"direction": {"su"}}), fmt.Sprintf("/cicli/2023/centri/%d", ce.ID))
		ce, _ = pfObjective(t, pfCycle(t, e.st), e.objectiveID)
		if ce.Objectives[0].ID != first {
			t.Errorf("moving back up did not restore the order")
		}
	})

	t.Run("DeleteOK", func(t *testing.T) {
		ce, _ := pfObjective(t, pfCycle(t, e.st), e.objectiveID)
		o := ce.Objectives[1] // the seed's objective 2, with activities, indicators and values
		values := 0
		for _, in := range o.Indicators {
			values += len(in.Values)
		}
		path := fmt.Sprintf("/cicli/2023/obiettivi/%d/elimina", o.ID)
		r := c.get(path)
		usersRequireStatus(t, "GET "+path, r, http.StatusOK)
		var got []string
		for _, li := range elements(oneByTestID(t, parseHTML(t, r.Body), "consequences"), atom.Li) {
			got = append(got, textOf(li))
		}
		if len(got) == 0 || !strings.HasSuffix(got[0], " attività") || (values > 0 && !slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, "consuntiv") })) {
			t.Errorf("the confirmation lists %q; want the activities and the values that go with the objective", got)
		}
		pfRequireRedirect(t, "deleting an objective", c.post(path, url.Values{}), "/cicli/2023")
		if _, _, ok := pfCycle(t, e.st).ObjectiveByID(o.ID); ok {
			t.Error("the objective is still there")
		}
		if n := secCount(t, e.pool, `SELECT count(*) FROM activities WHERE objective_id = $1`, o.ID); n != 0 {
			t.Errorf("%d activities of the deleted objective remain", n)
		}
	})
}

// ---------------------------------------------------------------------------
// Activities

var pfActivityFields = []string{"description", "planned_kind", "planned_from", "planned_to"}

func pfActivityForm() url.Values {
	return url.Values{"description": {"Riunione di avvio con i referenti"}, "planned_kind": {"mesi"},
		"planned_from": {"2023-03"}, "planned_to": {"2024-02"}}
}

// pfSameSpan reports whether two spans say the same months.
func pfSameSpan(a, b domain.Span) bool {
	month := func(m *domain.Month) string {
		if m == nil {
			return "-"
		}
		return m.String()
	}
	return a.Annual == b.Annual && month(a.From) == month(b.From) && month(a.To) == month(b.To)
}

// pfActivityRows are the cells of the activities table of an objective page.
func pfActivityRows(t testing.TB, c *secClient, objectiveID int64) [][]string {
	t.Helper()
	r := c.get(fmt.Sprintf("/cicli/2023/obiettivi/%d", objectiveID))
	usersRequireStatus(t, "the objective page", r, http.StatusOK)
	var out [][]string
	for _, tr := range bodyRows(t, oneByTestID(t, parseHTML(t, r.Body), "activities")) {
		out = append(out, cellTexts(tr))
	}
	return out
}

func TestPlanForms_Activity(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	c := e.signedIn(t, "direttore")
	newPath := fmt.Sprintf("/cicli/2023/obiettivi/%d/attivita/nuova", e.objectiveID)
	back := fmt.Sprintf("/cicli/2023/obiettivi/%d#attivita", e.objectiveID)

	t.Run("CreateOK", func(t *testing.T) {
		doc := parseHTML(t, c.get(newPath).Body)
		if got := pfFieldValue(t, doc, "planned_kind"); got != "mesi" {
			t.Errorf("a new activity starts as %q, want mesi", got)
		}
		if kind, _ := attr(usersElementByID(t, doc, "planned_from"), "type"); kind != "month" {
			t.Errorf("planned_from is an input of type %q, want month", kind)
		}
		for _, tc := range []struct {
			kind, from, to string
			want           domain.Span
			label          string
		}{
			{"mesi", "2023-03", "2024-02", domain.Span{From: &domain.Month{Year: 2023, Month: 3}, To: &domain.Month{Year: 2024, Month: 2}}, "Marzo/Febbraio 2024"},
			{"annuale", "", "", domain.Span{Annual: true}, "Annuale"},
			{"mesi", "2023-07", "", domain.Span{From: &domain.Month{Year: 2023, Month: 7}}, "Da Luglio 2023"},
			{"mesi", "", "2023-05", domain.Span{To: &domain.Month{Year: 2023, Month: 5}}, "Entro Maggio"},
			{"mesi", "", "", domain.Span{}, "/"},
		} {
			desc := "Attività " + tc.label
			form := url.Values{"description": {"  " + desc + " "}, "planned_kind": {tc.kind}, "planned_from": {tc.from}, "planned_to": {tc.to}}
			pfRequireRedirect(t, "creating an activity "+tc.label, c.post(newPath, form), back)
			_, o := pfObjective(t, pfCycle(t, e.st), e.objectiveID)
			a := o.Activities[len(o.Activities)-1]
			if a.Description != desc || !pfSameSpan(a.Planned, tc.want) || a.Planned.Label(2023) != tc.label {
				t.Errorf("stored activity %q: %+v, planned %s; want %s", tc.label, a, a.Planned.Label(2023), tc.label)
			}
			rows := pfActivityRows(t, c, e.objectiveID)
			if last := rows[len(rows)-1]; last[0] != desc || last[1] != tc.label {
				t.Errorf("the page lists the new activity as %q, want %q, %q", last, desc, tc.label)
			}
		}
	})

	t.Run("EditOK", func(t *testing.T) {
		_, o := pfObjective(t, pfCycle(t, e.st), e.objectiveID)
		a := o.Activities[0]
		path := fmt.Sprintf("/cicli/2023/attivita/%d/modifica", a.ID)
		doc := parseHTML(t, c.get(path).Body)
		if got := []string{pfFieldValue(t, doc, "description"), pfFieldValue(t, doc, "planned_kind"), pfFieldValue(t, doc, "planned_from"), pfFieldValue(t, doc, "planned_to")}; !slices.Equal(got, []string{a.Description, "mesi", "2023-05", "2023-05"}) {
			t.Errorf("the edit form holds %q", got)
		}
		pfRequireRedirect(t, "editing an activity", c.post(path, url.Values{"description": {"Nuova descrizione"}, "planned_kind": {"annuale"}}), back)
		_, o = pfObjective(t, pfCycle(t, e.st), e.objectiveID)
		if got := o.Activities[0]; got.ID != a.ID || got.Description != "Nuova descrizione" || !got.Planned.Annual || got.Planned.From != nil || len(got.Progress) != len(a.Progress) {
			t.Errorf("edited activity = %+v (progress %d, want %d kept)", got, len(got.Progress), len(a.Progress))
		}
	})

	t.Run("MoveOK", func(t *testing.T) {
		_, o := pfObjective(t, pfCycle(t, e.st), e.objectiveID)
		ids := pfActivityIDs(o)
		path := fmt.Sprintf("/cicli/2023/attivita/%d/sposta", ids[0])
		pfRequireRedirect(t, "moving an activity down", c.post(path, url.Values{"direction": {"giu"}}), back)
		_, o = pfObjective(t, pfCycle(t, e.st), e.objectiveID)
		want := slices.Clone(ids)
		want[0], want[1] = want[1], want[0]
		if got := pfActivityIDs(o); !slices.Equal(got, want) {
			t.Errorf("after moving down the first activity: %v, want %v", got, want)
		}
		// The last one moved down stays where it is.
		pfRequireRedirect(t, "moving the last activity down", c.post(fmt.Sprintf("/cicli/2023/attivita/%d/sposta", want[len(want)-1]), url.Values{"direction": {"giu"}}), back)
		pfRequireRedirect(t, "moving it back up", c.post(path, url.Values{"direction": {"su"}}), back)
		_, o = pfObjective(t, pfCycle(t, e.st), e.objectiveID)
		if got := pfActivityIDs(o); !slices.Equal(got, ids) {
			t.Errorf("after moving it back: %v, want %v", got, ids)
		}
		before := pfSnapshot(t, e, c)
		usersRequireStatus(t, "a move without a direction", c.post(path, url.Values{"direction": {"sinistra"}}), http.StatusUnprocessableEntity)
		pfRequireUnchanged(t, "a move without a direction", e, c, before)
	})

	t.Run("Invalid", func(t *testing.T) {
		monthMsg := "Mese non valido: usare il formato aaaa-mm."
		cases := []pfInvalid{
			{"DescriptionMissing", func(f url.Values) { f.Set("description", " \n ") }, "description", "Descrizione dell'attività mancante."},
			{"FromNotAMonth", func(f url.Values) { f.Set("planned_from", "2023-13") }, "planned_from", monthMsg},
			{"FromItalianWords", func(f url.Values) { f.Set("planned_from", "marzo 2023") }, "planned_from", monthMsg},
			{"ToNotAMonth", func(f url.Values) { f.Set("planned_to", "05/2023") }, "planned_to", monthMsg},
			{"ToBeforeFrom", func(f url.Values) { f.Set("planned_from", "2023-06"); f.Set("planned_to", "2023-03") }, "planned_to",
				"Il mese di inizio è successivo al mese di fine."},
			{"AnnualWithMonths", func(f url.Values) { f.Set("planned_kind", "annuale") }, "planned_kind",
				"Un'attività annuale non può avere mese di inizio o di fine."},
			{"KindUnknown", func(f url.Values) { f.Set("planned_kind", "settimane") }, "planned_kind", "Scegliere «Mesi» o «Annuale»."},
			{"DescriptionTooLong", func(f url.Values) { f.Set("description", strings.Repeat("a", 2001)) }, "description", "Testo troppo lungo: al più 2.000 caratteri (ne ha 2.001)."},
		}
		pfCheckInvalid(t, e, c, newPath, pfActivityFields, pfActivityForm, cases)
		_, o := pfObjective(t, pfCycle(t, e.st), e.objectiveID)
		t.Run("Edit", func(t *testing.T) {
			pfCheckInvalid(t, e, c, fmt.Sprintf("/cicli/2023/attivita/%d/modifica", o.Activities[1].ID), pfActivityFields, pfActivityForm, cases[:2])
		})
	})

	t.Run("DeleteOK", func(t *testing.T) {
		_, o := pfObjective(t, pfCycle(t, e.st), e.objectiveID)
		ids := pfActivityIDs(o)
		a := o.Activities[1]
		if len(a.Progress) != 1 {
			t.Fatalf("the seed's activity has %d progress entries, want 1", len(a.Progress))
		}
		path := fmt.Sprintf("/cicli/2023/attivita/%d/elimina", a.ID)
		r := c.get(path)
		usersRequireStatus(t, "GET "+path, r, http.StatusOK)
		doc := parseHTML(t, r.Body)
		if got := textOf(oneByTestID(t, doc, "consequences")); got != "1 consuntivo dei tempi di un periodo di monitoraggio" {
			t.Errorf("the confirmation says %q goes with the activity", got)
		}
		if h1 := textOf(elements(doc, atom.H1)[0]); h1 != "Eliminare l'attività 2 dell'obiettivo 1 di AREA DIREZIONE?" {
			t.Errorf("h1 = %q", h1)
		}
		pfRequireRedirect(t, "deleting an activity", c.post(path, url.Values{}), back)
		_, o = pfObjective(t, pfCycle(t, e.st), e.objectiveID)
		if got, want := pfActivityIDs(o), slices.Delete(slices.Clone(ids), 1, 2); !slices.Equal(got, want) {
			t.Errorf("after the deletion: %v, want %v", got, want)
		}
		if n := secCount(t, e.pool, `SELECT count(*) FROM activity_progress WHERE activity_id = $1`, a.ID); n != 0 {
			t.Errorf("%d progress entries of the deleted activity remain", n)
		}
		// The remaining ones can still be moved: positions have no gap.
		pfRequireRedirect(t, "moving after a deletion", c.post(fmt.Sprintf("/cicli/2023/attivita/%d/sposta", ids[0]), url.Values{"direction": {"giu"}}), back)
		_, o = pfObjective(t, pfCycle(t, e.st), e.objectiveID)
		if got := pfActivityIDs(o); got[1] != ids[0] {
			t.Errorf("after a deletion and a move: %v", got)
		}
	})
}

// ---------------------------------------------------------------------------
// Indicators

var pfIndicatorFields = []string{"name", "description", "unit", "polarity", "expected", "expected_yesno", "weight"}

func pfIndicatorForm() url.Values {
	return url.Values{"name": {"Tempo medio di risposta"}, "description": {"Giorni tra la domanda e la risposta"},
		"unit": {"gg"}, "polarity": {"lower"}, "expected": {"1.234,5"}, "expected_yesno": {""}, "weight": {"2"}}
}

func TestPlanForms_Indicator(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	c := e.signedIn(t, "direttore")
	newPath := fmt.Sprintf("/cicli/2023/obiettivi/%d/indicatori/nuovo", e.objectiveID)
	back := fmt.Sprintf("/cicli/2023/obiettivi/%d#indicatori", e.objectiveID)

	t.Run("CreateOK", func(t *testing.T) {
		doc := parseHTML(t, c.get(newPath).Body)
		var units []string
		for _, u := range domain.Units() {
			units = append(units, string(u))
		}
		if got := pfOptions(t, doc, "unit"); !slices.Equal(got, append([]string{""}, units...)) {
			t.Errorf("unit options %q", got)
		}
		if got := pfFieldValue(t, doc, "polarity"); got != "higher" {
			t.Errorf("a new indicator starts with polarity %q", got)
		}
		labels := map[string]string{}
		for _, o := range elements(usersElementByID(t, doc, "polarity"), atom.Option) {
			v, _ := attr(o, "value")
			labels[v] = textOf(o)
		}
		if labels["higher"] != "Più alto è meglio" || labels["lower"] != "Più basso è meglio" {
			t.Errorf("polarity labels %q", labels)
		}

		for _, tc := range []struct {
			name     string
			form     url.Values
			unit     domain.Unit
			pol      domain.Polarity
			expected float64
			weight   *float64
			shown    string
		}{
			{"numeric", pfIndicatorForm(), "gg", "lower", 1234.5, new(2.0), "1.234,5"},
			{"yes", url.Values{"name": {"Piano approvato"}, "unit": {"si/no"}, "polarity": {"higher"}, "expected": {"non conta"}, "expected_yesno": {"si"}}, "si/no", "higher", 1, nil, "sì"},
			{"no", url.Values{"name": {"Ricorsi"}, "unit": {"si/no"}, "polarity": {"higher"}, "expected_yesno": {"no"}}, "si/no", "higher", 0, nil, "no"},
			{"percent", url.Values{"name": {"Copertura"}, "unit": {"%"}, "polarity": {"higher"}, "expected": {"0,5"}, "expected_yesno": {"si"}, "weight": {"0,25"}}, "%", "higher", 0.5, new(0.25), "0,5"},
		} {
			pfRequireRedirect(t, "creating indicator "+tc.name, c.post(newPath, tc.form), back)
			_, o := pfObjective(t, pfCycle(t, e.st), e.objectiveID)
			in := o.Indicators[len(o.Indicators)-1]
			if in.Name != tc.form.Get("name") || in.Description != tc.form.Get("description") || in.Unit != tc.unit || in.Polarity != tc.pol ||
				in.Expected != tc.expected || fmt.Sprint(in.Weight != nil) != fmt.Sprint(tc.weight != nil) || (in.Weight != nil && *in.Weight != *tc.weight) {
				t.Errorf("%s: stored indicator %+v", tc.name, in)
			}
			r := c.get(fmt.Sprintf("/cicli/2023/obiettivi/%d", e.objectiveID))
			rows := bodyRows(t, oneByTestID(t, parseHTML(t, r.Body), "indicators"))
			if got := cellTexts(rows[len(rows)-1]); got[0] != tc.form.Get("name") || got[2] != string(tc.unit) || got[3] != tc.shown {
				t.Errorf("%s: the page lists %q, want expected %q", tc.name, got, tc.shown)
			}
		}
	})

	t.Run("EditOK", func(t *testing.T) {
		_, o := pfObjective(t, pfCycle(t, e.st), e.objectiveID)
		in := o.Indicators[0]
		path := fmt.Sprintf("/cicli/2023/indicatori/%d/modifica", in.ID)
		r := c.get(path)
		doc := parseHTML(t, r.Body)
		if got := []string{pfFieldValue(t, doc, "name"), pfFieldValue(t, doc, "unit"), pfFieldValue(t, doc, "polarity"), pfFieldValue(t, doc, "expected"), pfFieldValue(t, doc, "expected_yesno")}; !slices.Equal(got, []string{"Incontri", "n.", "higher", "6", ""}) {
			t.Errorf("the edit form holds %q", got)
		}
		if len(byTestID(doc, "has-values")) != 1 {
			t.Error("the edit form of an indicator with values does not say so")
		}
		form := url.Values{"name": {"Incontri svolti"}, "description": {in.Description}, "unit": {"n"}, "polarity": {"higher"}, "expected": {"7,5"}}
		pfRequireRedirect(t, "editing an indicator", c.post(path, form), back)
		_, o = pfObjective(t, pfCycle(t, e.st), e.objectiveID)
		if got := o.Indicators[0]; got.ID != in.ID || got.Name != "Incontri svolti" || got.Unit != "n" || got.Expected != 7.5 || len(got.Values) != len(in.Values) {
			t.Errorf("edited indicator = %+v", got)
		}

		// A si/no indicator shows si or no in the select, and the number empty.
		ce, _ := pfObjective(t, pfCycle(t, e.st), e.objectiveID)
		yn := ce.Objectives[1].Indicators[2]
		if yn.Unit != domain.UnitYesNo {
			t.Fatalf("the seed's objective 2 indicator 3 is %q, want si/no", yn.Unit)
		}
		doc = parseHTML(t, c.get(fmt.Sprintf("/cicli/2023/indicatori/%d/modifica", yn.ID)).Body)
		if got := []string{pfFieldValue(t, doc, "expected"), pfFieldValue(t, doc, "expected_yesno")}; !slices.Equal(got, []string{"", "si"}) {
			t.Errorf("the si/no indicator's form holds expected %q", got)
		}
	})

	t.Run("MoveOK", func(t *testing.T) {
		_, o := pfObjective(t, pfCycle(t, e.st), e.objectiveID)
		ids := pfIndicatorIDs(o)
		last := ids[len(ids)-1]
		pfRequireRedirect(t, "moving an indicator up", c.post(fmt.Sprintf("/cicli/2023/indicatori/%d/sposta", last), url.Values{"direction": {"su"}}), back)
		_, o = pfObjective(t, pfCycle(t, e.st), e.objectiveID)
		want := slices.Clone(ids)
		want[len(want)-1], want[len(want)-2] = want[len(want)-2], want[len(want)-1]
		if got := pfIndicatorIDs(o); !slices.Equal(got, want) {
			t.Errorf("after moving up the last indicator: %v, want %v", got, want)
		}
		pfRequireRedirect(t, "moving the first indicator up", c.post(fmt.Sprintf("/cicli/2023/indicatori/%d/sposta", ids[0]), url.Values{"direction": {"su"}}), back)
		_, o = pfObjective(t, pfCycle(t, e.st), e.objectiveID)
		if got := pfIndicatorIDs(o); !slices.Equal(got, want) {
			t.Errorf("moving the first one up changed the order: %v, want %v", got, want)
		}
	})

	t.Run("Invalid", func(t *testing.T) {
		numberMsg := "Inserire un numero, ad esempio 1.234,5."
		yesNo := func(f url.Values) { f.Set("unit", "si/no"); f.Set("polarity", "higher") }
		cases := []pfInvalid{
			{"NameMissing", func(f url.Values) { f.Set("name", " ") }, "name", "Nome dell'indicatore mancante."},
			{"UnitMissing", func(f url.Values) { f.Set("unit", "") }, "unit", "Scegliere l'unità di misura."},
			{"UnitUnknown", func(f url.Values) { f.Set("unit", "kg") }, "unit", "Unità di misura non ammessa: usare una tra n., n, %, si/no, €, gg."},
			{"PolarityUnknown", func(f url.Values) { f.Set("polarity", "meglio") }, "polarity", "Scegliere la polarità: «Più alto è meglio» o «Più basso è meglio»."},
			{"WeightNotANumber", func(f url.Values) { f.Set("weight", "due") }, "weight", numberMsg},
			{"WeightNegative", func(f url.Values) { f.Set("weight", "-1") }, "weight", "Il peso deve essere maggiore di zero."},
			{"ExpectedMissing", func(f url.Values) { f.Set("expected", "") }, "expected", "Inserire il valore atteso."},
			{"ExpectedNotANumber", func(f url.Values) { f.Set("expected", "sei") }, "expected", numberMsg},
			{"ExpectedTwoCommas", func(f url.Values) { f.Set("expected", "1,2,3") }, "expected", numberMsg},
			{"PercentNegative", func(f url.Values) { f.Set("unit", "%"); f.Set("expected", "-5") }, "expected", "Una percentuale attesa non può essere negativa."},
			{"YesNoMissing", func(f url.Values) { yesNo(f); f.Set("expected_yesno", "") }, "expected_yesno", "Scegliere il valore atteso: si o no."},
			{"YesNoUnknown", func(f url.Values) { yesNo(f); f.Set("expected_yesno", "forse") }, "expected_yesno", "Scegliere il valore atteso: si o no."},
			{"NameTooLong", func(f url.Values) { f.Set("name", strings.Repeat("n", 201)) }, "name", "Testo troppo lungo: al più 200 caratteri (ne ha 201)."},
			{"DescriptionTooLong", func(f url.Values) { f.Set("description", strings.Repeat("d", 2001)) }, "description", "Testo troppo lungo: al più 2.000 caratteri (ne ha 2.001)."},
		}
		pfCheckInvalid(t, e, c, newPath, pfIndicatorFields, pfIndicatorForm, cases)
		_, o := pfObjective(t, pfCycle(t, e.st), e.objectiveID)
		t.Run("Edit", func(t *testing.T) {
			pfCheckInvalid(t, e, c, fmt.Sprintf("/cicli/2023/indicatori/%d/modifica", o.Indicators[1].ID), pfIndicatorFields, pfIndicatorForm, cases[:3])
		})
	})

	t.Run("DeleteOK", func(t *testing.T) {
		_, o := pfObjective(t, pfCycle(t, e.st), e.objectiveID)
		ids := pfIndicatorIDs(o)
		in := o.Indicators[0]
		path := fmt.Sprintf("/cicli/2023/indicatori/%d/elimina", in.ID)
		r := c.get(path)
		usersRequireStatus(t, "GET "+path, r, http.StatusOK)
		if got := textOf(oneByTestID(t, parseHTML(t, r.Body), "consequences")); got != "1 valore consuntivo" {
			t.Errorf("the confirmation says %q goes with the indicator", got)
		}
		pfRequireRedirect(t, "deleting an indicator", c.post(path, url.Values{}), back)
		_, o = pfObjective(t, pfCycle(t, e.st), e.objectiveID)
		if got := pfIndicatorIDs(o); !slices.Equal(got, ids[1:]) {
			t.Errorf("after the deletion: %v, want %v", got, ids[1:])
		}
		if n := secCount(t, e.pool, `SELECT count(*) FROM indicator_values WHERE indicator_id = $1`, in.ID); n != 0 {
			t.Errorf("%d values of the deleted indicator remain", n)
		}
		// A new indicator without values: nothing goes with it.
		pfRequireRedirect(t, "creating an indicator", c.post(fmt.Sprintf("/cicli/2023/obiettivi/%d/indicatori/nuovo", e.objectiveID), pfIndicatorForm()), back)
		_, o = pfObjective(t, pfCycle(t, e.st), e.objectiveID)
		doc := parseHTML(t, c.get(fmt.Sprintf("/cicli/2023/indicatori/%d/elimina", o.Indicators[len(o.Indicators)-1].ID)).Body)
		if n := len(byTestID(doc, "consequences")); n != 0 {
			t.Errorf("the confirmation of an indicator without values lists consequences")
		}
	})
}

// ---------------------------------------------------------------------------
// Access, cycles, approval

// pfRoutes are the plan routes with a valid form each, for the objective,
// activity and indicator of the demo that the tests act on.
func pfRoutes(e *secEnv, c *plan.Cycle) []struct {
	method, path string
	form         url.Values
} {
	_, o, _ := c.ObjectiveByID(e.objectiveID)
	obj := fmt.Sprintf("/cicli/2023/obiettivi/%d", o.ID)
	act := fmt.Sprintf("/cicli/2023/attivita/%d", o.Activities[0].ID)
	ind := fmt.Sprintf("/cicli/2023/indicatori/%d", o.Indicators[0].ID)
	objForm := pfObjectiveForm()
	objForm.Set("number", "1")
	move := url.Values{"direction": {"giu"}}
	return []struct {
		method, path string
		form         url.Values
	}{
		{"GET", fmt.Sprintf("/cicli/2023/centri/%d/obiettivi/nuovo", e.centreID), nil},
		{"POST", fmt.Sprintf("/cicli/2023/centri/%d/obiettivi/nuovo", e.centreID), pfObjectiveForm()},
		{"GET", obj + "/modifica", nil},
		{"POST", obj + "/modifica", objForm},
		{"POST", obj + "/sposta", move},
		{"GET", obj + "/elimina", nil},
		{"POST", obj + "/elimina", url.Values{}},
		{"GET", obj + "/attivita/nuova", nil},
		{"POST", obj + "/attivita/nuova", pfActivityForm()},
		{"GET", act + "/modifica", nil},
		{"POST", act + "/modifica", pfActivityForm()},
		{"POST", act + "/sposta", move},
		{"GET", act + "/elimina", nil},
		{"POST", act + "/elimina", url.Values{}},
		{"GET", obj + "/indicatori/nuovo", nil},
		{"POST", obj + "/indicatori/nuovo", pfIndicatorForm()},
		{"GET", ind + "/modifica", nil},
		{"POST", ind + "/modifica", pfIndicatorForm()},
		{"POST", ind + "/sposta", move},
		{"GET", ind + "/elimina", nil},
		{"POST", ind + "/elimina", url.Values{}},
	}
}

// TestPlanForms_Forbidden sends every plan form, valid, as each role that
// may not edit the plan: 403 and nothing written.
func TestPlanForms_Forbidden(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	routes := pfRoutes(e, pfCycle(t, e.st))
	admin := e.signedIn(t, "admin")
	for _, role := range []string{"responsabile", "nucleo", "osservatore"} {
		t.Run(role, func(t *testing.T) {
			c := e.signedIn(t, role)
			before := pfSnapshot(t, e, admin)
			for _, rt := range routes {
				r := c.do(rt.method, rt.path, rt.form, nil)
				if r.Status != http.StatusForbidden || !strings.Contains(r.Body, "Il suo ruolo non consente questa operazione.") {
					t.Errorf("%s %s as %s: status %d, want 403 with the Italian explanation", rt.method, rt.path, role, r.Status)
				}
			}
			pfRequireUnchanged(t, role, e, admin, before)

			// Nor does the objective page offer the controls.
			doc := parseHTML(t, c.get(fmt.Sprintf("/cicli/2023/obiettivi/%d", e.objectiveID)).Body)
			for _, id := range []string{"plan-actions", "add-activity", "add-indicator", "edit", "delete"} {
				if n := len(byTestID(doc, id)); n != 0 {
					t.Errorf("the objective page shows %d %q to %s", n, id, role)
				}
			}
		})
	}
	// The admin's same requests go through (the forms are valid, and carry
	// the version the form shows).
	t.Run("admin", func(t *testing.T) {
		for _, rt := range routes[:4] {
			r := admin.get(rt.path)
			if rt.method == http.MethodPost {
				r = admin.post(rt.path, rt.form)
			}
			if r.Status != http.StatusOK && r.Status != http.StatusSeeOther {
				t.Errorf("%s %s as admin: status %d; body:\n%.1000s", rt.method, rt.path, r.Status, r.Body)
			}
		}
	})
}

// TestPlanForms_ErrNotFound asks for activities and indicators by ids that do
// not exist, or exist in another cycle than the one in the URL.
func TestPlanForms_ErrNotFound(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	ctx := context.Background()
	day := func(m time.Month, d int) time.Time { return time.Date(2030, m, d, 0, 0, 0, 0, time.UTC) }
	other := &plan.Cycle{
		Organisation: "Consorzio IN.RE.TE.", Year: 2030, Bands: domain.DefaultBands(),
		Periods: []plan.Period{{EndsOn: day(3, 31)}, {EndsOn: day(6, 30)}, {EndsOn: day(9, 30)}, {EndsOn: day(12, 31)}},
		Centres: []*plan.Centre{{Name: "AREA DIREZIONE", Objectives: []*plan.Objective{{
			Section: "Obiettivi di performance", Number: 1, Title: "Obiettivo del 2030",
			Activities: []*plan.Activity{{Description: "Attività del 2030", Planned: domain.Span{Annual: true}}},
			Indicators: []*plan.Indicator{{Name: "Incontri", Unit: domain.UnitCount, Polarity: domain.Higher, Expected: 3}},
		}}}},
	}
	if _, err := e.st.ImportCycle(ctx, store.Actor{Name: "test"}, other); err != nil {
		t.Fatalf("importing 2030: %v", err)
	}
	c2030, err := e.st.LoadCycle(ctx, 2030)
	if err != nil {
		t.Fatal(err)
	}
	o := c2030.Centres[0].Objectives[0]
	aid, iid := o.Activities[0].ID, o.Indicators[0].ID
	c := e.signedIn(t, "direttore")

	// In their own cycle they are found.
	for _, p := range []string{fmt.Sprintf("/cicli/2030/attivita/%d/modifica", aid), fmt.Sprintf("/cicli/2030/indicatori/%d/elimina", iid),
		fmt.Sprintf("/cicli/2030/obiettivi/%d/attivita/nuova", o.ID)} {
		usersRequireStatus(t, "GET "+p, c.get(p), http.StatusOK)
	}
	before := pfSnapshot(t, e, c)
	for _, rt := range []struct {
		method, path string
		form         url.Values
	}{
		{"GET", fmt.Sprintf("/cicli/2023/attivita/%d/modifica", aid), nil},
		{"POST", fmt.Sprintf("/cicli/2023/attivita/%d/modifica", aid), pfActivityForm()},
		{"POST", fmt.Sprintf("/cicli/2023/attivita/%d/elimina", aid), url.Values{}},
		{"POST", fmt.Sprintf("/cicli/2023/attivita/%d/sposta", aid), url.Values{"direction": {"su"}}},
		{"GET", fmt.Sprintf("/cicli/2023/indicatori/%d/modifica", iid), nil},
		{"POST", fmt.Sprintf("/cicli/2023/indicatori/%d/modifica", iid), pfIndicatorForm()},
		{"POST", fmt.Sprintf("/cicli/2023/indicatori/%d/elimina", iid), url.Values{}},
		{"POST", fmt.Sprintf("/cicli/2023/indicatori/%d/sposta", iid), url.Values{"direction": {"su"}}},
		{"POST", fmt.Sprintf("/cicli/2023/obiettivi/%d/attivita/nuova", o.ID), pfActivityForm()},
		{"POST", fmt.Sprintf("/cicli/2023/obiettivi/%d/indicatori/nuovo", o.ID), pfIndicatorForm()},
		{"GET", "/cicli/2023/attivita/abc/modifica", nil},
		{"GET", "/cicli/2023/attivita/0/elimina", nil},
		{"GET", "/cicli/2023/indicatori/-4/modifica", nil},
		{"GET", "/cicli/2023/indicatori/999999999/modifica", nil},
		{"GET", fmt.Sprintf("/cicli/2029/attivita/%d/modifica", aid), nil},
	} {
		r := c.do(rt.method, rt.path, rt.form, nil)
		if r.Status != http.StatusNotFound {
			t.Errorf("%s %s: status %d, want 404", rt.method, rt.path, r.Status)
		}
	}
	pfRequireUnchanged(t, "requests for items of another cycle", e, c, before)
}

// TestPlanForms_ApprovalFreeze approves the plan: then every change asks for
// the date and the reason of the variation, is recorded as a variation, and
// nothing can be reordered.
func TestPlanForms_ApprovalFreeze(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	ctx := context.Background()
	c := e.signedIn(t, "direttore")
	objPage := fmt.Sprintf("/cicli/2023/obiettivi/%d", e.objectiveID)

	// Before the approval the objective page offers to move rows.
	if n := len(findAll(parseHTML(t, c.get(objPage).Body), pfMoveForm)); n != 7 {
		t.Errorf("before the approval the objective page has %d move forms, want 7 (4 activities, 3 indicators)", n)
	}
	if err := e.st.ApprovePlan(ctx, store.Actor{Name: "test"}, 2023, pfCycle(t, e.st).Version, "Deliberazione n. 12", time.Date(2023, 1, 31, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	doc := parseHTML(t, c.get(objPage).Body)
	if n := len(findAll(doc, pfMoveForm)); n != 0 {
		t.Errorf("after the approval the objective page has %d move forms", n)
	}
	if n := len(byTestID(doc, "edit")); n != 7 {
		t.Errorf("after the approval the objective page has %d Modifica links, want 7", n)
	}

	cy := pfCycle(t, e.st)
	_, o := pfObjective(t, cy, e.objectiveID)
	obj := objPage
	act := fmt.Sprintf("/cicli/2023/attivita/%d", o.Activities[0].ID)
	ind := fmt.Sprintf("/cicli/2023/indicatori/%d", o.Indicators[0].ID)
	objForm := pfObjectiveForm()
	objForm.Set("number", "1")
	steps := []struct {
		name, path     string
		form           url.Values
		action, entity string
	}{
		{"objective edit", obj + "/modifica", objForm, "update", "objective"},
		{"activity creation", obj + "/attivita/nuova", pfActivityForm(), "create", "activity"},
		{"activity edit", act + "/modifica", pfActivityForm(), "update", "activity"},
		{"activity deletion", act + "/elimina", url.Values{}, "delete", "activity"},
		{"indicator creation", obj + "/indicatori/nuovo", pfIndicatorForm(), "create", "indicator"},
		{"indicator edit", ind + "/modifica", pfIndicatorForm(), "update", "indicator"},
		{"indicator deletion", ind + "/elimina", url.Values{}, "delete", "indicator"},
	}
	for i, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			// The form shows the variation fields.
			r := c.get(s.path)
			usersRequireStatus(t, "GET "+s.path, r, http.StatusOK)
			doc := parseHTML(t, r.Body)
			usersElementByID(t, doc, "variation_on")
			usersElementByID(t, doc, "variation_reason")

			// Without them: refused, nothing written.
			before := pfSnapshot(t, e, c)
			r = c.post(s.path, s.form)
			usersRequireStatus(t, s.name+" without variation", r, http.StatusUnprocessableEntity)
			pfRequireUnchanged(t, s.name+" without variation", e, c, before)
			doc = parseHTML(t, r.Body)
			if got := usersFieldError(t, doc, "variation_on"); got != "Indicare la data della variazione." {
				t.Errorf("variation_on error %q", got)
			}
			if got := usersFieldError(t, doc, "variation_reason"); got != "Indicare la motivazione della variazione." {
				t.Errorf("variation_reason error %q", got)
			}

			// A bad date: refused, the reason kept.
			form := url.Values{}
			for k, v := range s.form {
				form[k] = slices.Clone(v)
			}
			form.Set("variation_on", "il 15 giugno")
			form.Set("variation_reason", "Rimodulazione deliberata dalla Giunta")
			r = c.post(s.path, form)
			usersRequireStatus(t, s.name+" with a bad date", r, http.StatusUnprocessableEntity)
			pfRequireUnchanged(t, s.name+" with a bad date", e, c, before)
			doc = parseHTML(t, r.Body)
			if got := usersFieldError(t, doc, "variation_on"); got == "" {
				t.Error("no error on a bad variation date")
			}
			if got := pfFieldValue(t, doc, "variation_reason"); got != "Rimodulazione deliberata dalla Giunta" {
				t.Errorf("the reason typed is not kept: %q", got)
			}

			// With them: saved and listed among the variations.
			reason := fmt.Sprintf("Variazione %d: rimodulazione deliberata dalla Giunta", i+1)
			form.Set("variation_on", "2023-06-15")
			form.Set("variation_reason", reason)
			if r := c.post(s.path, form); r.Status != http.StatusSeeOther {
				t.Fatalf("%s with variation: status %d; body:\n%.1500s", s.name, r.Status, r.Body)
			}
			vs, err := e.st.ListVariations(ctx, 2023)
			if err != nil {
				t.Fatal(err)
			}
			if len(vs) != i+1 {
				t.Fatalf("%d variations listed, want %d", len(vs), i+1)
			}
			v := vs[len(vs)-1]
			if v.Reason != reason || v.Action != s.action || v.Entity != s.entity || v.On.Format(time.DateOnly) != "2023-06-15" || v.Actor != e.emails["direttore"] {
				t.Errorf("last variation = %+v, want %s of %s on 2023-06-15 by the direttore", v, s.action, s.entity)
			}
		})
	}

	t.Run("move", func(t *testing.T) {
		_, o := pfObjective(t, pfCycle(t, e.st), e.objectiveID)
		before := pfSnapshot(t, e, c)
		for _, p := range []string{
			fmt.Sprintf("/cicli/2023/attivita/%d/sposta", o.Activities[0].ID),
			fmt.Sprintf("/cicli/2023/indicatori/%d/sposta", o.Indicators[0].ID),
		} {
			r := c.post(p, url.Values{"direction": {"giu"}})
			if r.Status != http.StatusConflict || !strings.Contains(r.Body, "Il piano è approvato") {
				t.Errorf("POST %s after the approval: status %d, want 409 with the reason; body:\n%.800s", p, r.Status, r.Body)
			}
		}
		pfRequireUnchanged(t, "moves after the approval", e, c, before)
	})
}

// pfMoveForm matches the forms of the move buttons.
func pfMoveForm(n *html.Node) bool {
	action, _ := attr(n, "action")
	return n.DataAtom == atom.Form && strings.HasSuffix(action, "/sposta")
}

// TestPlanForms_ObjectivePage checks the editing controls of the objective
// page: an extra last column for editors only, so that the tables read as
// before for everyone else.
func TestPlanForms_ObjectivePage(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	_, o := pfObjective(t, pfCycle(t, e.st), e.objectiveID)
	path := fmt.Sprintf("/cicli/2023/obiettivi/%d", e.objectiveID)

	read := func(role string) *html.Node {
		r := e.signedIn(t, role).get(path)
		usersRequireStatus(t, "the objective page as "+role, r, http.StatusOK)
		return parseHTML(t, r.Body)
	}
	head := func(doc *html.Node, table string) []string {
		return cellTexts(elements(oneByTestID(t, doc, table), atom.Tr)[0])
	}
	rows := func(doc *html.Node, table string) [][]string {
		var out [][]string
		for _, tr := range bodyRows(t, oneByTestID(t, doc, table)) {
			out = append(out, cellTexts(tr))
		}
		return out
	}
	reader, editor := read("osservatore"), read("direttore")
	if got := head(reader, "activities"); !slices.Equal(got, []string{"Attività", "Tempi", "Consuntivo"}) {
		t.Errorf("activities header for a reader: %q", got)
	}
	if got := head(editor, "activities"); !slices.Equal(got, []string{"Attività", "Tempi", "Consuntivo", "Azioni"}) {
		t.Errorf("activities header for an editor: %q", got)
	}
	if got := head(editor, "indicators"); len(got) != 7 || got[6] != "Azioni" {
		t.Errorf("indicators header for an editor: %q", got)
	}
	for _, table := range []string{"activities", "indicators"} {
		th := elements(oneByTestID(t, editor, table), atom.Th)
		last := th[len(head(editor, table))-1]
		if span := elements(last, atom.Span); len(span) != 1 || !hasClass(span[0], "visually-hidden") {
			t.Errorf("%s: the Azioni header is not visually hidden", table)
		}
		readerRows, editorRows := rows(reader, table), rows(editor, table)
		for i := range readerRows {
			if !slices.Equal(editorRows[i][:len(editorRows[i])-1], readerRows[i]) {
				t.Errorf("%s row %d: the editor reads %q, the reader %q", table, i+1, editorRows[i], readerRows[i])
			}
		}
	}
	// Each activity row links to its forms, names itself for screen readers
	// and has its move buttons.
	for i, tr := range bodyRows(t, oneByTestID(t, editor, "activities")) {
		cells := cellTexts(tr)
		n := strconv.Itoa(i + 1)
		if got := cells[len(cells)-1]; !strings.HasPrefix(got, "Modifica l'attività "+n+" Elimina l'attività "+n) {
			t.Errorf("activity %d actions read %q", i+1, got)
		}
		href, _ := attr(oneByTestID(t, tr, "edit"), "href")
		if want := fmt.Sprintf("/cicli/2023/attivita/%d/modifica", o.Activities[i].ID); href != want {
			t.Errorf("activity %d edit link %q, want %q", i+1, href, want)
		}
		if forms := findAll(tr, pfMoveForm); len(forms) != 1 {
			t.Errorf("activity %d has %d move forms", i+1, len(forms))
		} else if a, _ := attr(forms[0], "action"); a != fmt.Sprintf("/cicli/2023/attivita/%d/sposta", o.Activities[i].ID) {
			t.Errorf("activity %d moves with %q", i+1, a)
		}
	}
	for i, tr := range bodyRows(t, oneByTestID(t, editor, "indicators")) {
		href, _ := attr(oneByTestID(t, tr, "delete"), "href")
		if want := fmt.Sprintf("/cicli/2023/indicatori/%d/elimina", o.Indicators[i].ID); href != want {
			t.Errorf("indicator %d delete link %q, want %q", i+1, href, want)
		}
	}
	for id, want := range map[string]string{
		"add-activity":  path + "/attivita/nuova",
		"add-indicator": path + "/indicatori/nuovo",
	} {
		if href, _ := attr(oneByTestID(t, editor, id), "href"); href != want {
			t.Errorf("%s links to %q, want %q", id, href, want)
		}
		if len(byTestID(reader, id)) != 0 {
			t.Errorf("a reader sees %s", id)
		}
	}
	usersCheckTable(t, "activities", oneByTestID(t, editor, "activities"))
	usersCheckTable(t, "indicators", oneByTestID(t, editor, "indicators"))
}

// pfThousands writes n (under a million) with the Italian thousands
// separator, by hand.
func pfThousands(n int) string {
	if n >= 1000 {
		return fmt.Sprintf("%d.%03d", n/1000, n%1000)
	}
	return fmt.Sprint(n)
}
