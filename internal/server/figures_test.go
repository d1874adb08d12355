package server_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"traguardo/internal/domain"

	"golang.org/x/net/html"

	"traguardo/internal/interchange"
	"traguardo/internal/pgtest"
	"traguardo/internal/richtext"
	"traguardo/internal/server"
	"traguardo/internal/store"
)

// figuresDoc is a cycle of year with one centre and one objective whose
// data span periods: indicator "Pratiche" (n., expected 10) has 12 at 30/06
// only; "Incontri" (n., expected 10) has 4 at 31/03, 5 at 30/06 and, when
// final, 10 at 31/12; the activity has its months at 31/03 and 30/06; the
// reports say "in linea" at 31/03 and "a rischio" at 30/06.
//
// By hand, as of 30/06: Pratiche 12/10 -> 100, Incontri 5/10 -> 50,
// objective 75. For the year (31/12): Pratiche mancante (0, "al 30/06: 12"),
// Incontri 10/10 -> 100, objective 50.
func figuresDoc(year int, final bool) []byte {
	y := fmt.Sprint(year)
	last := ""
	if final {
		last = `, {"period": "` + y + `-12-31", "value": 10, "reason": null}`
	}
	return []byte(`{
  "format": "traguardo/v1",
  "organisation": {"name": "Consorzio IN.RE.TE."},
  "year": ` + y + `,
  "periods": ["` + y + `-03-31", "` + y + `-06-30", "` + y + `-09-30", "` + y + `-12-31"],
  "centres": [{
    "name": "AREA STORICO",
    "manager": "Mario Rossi",
    "objectives": [{
      "section": "Obiettivi di performance", "number": 1, "title": "Obiettivo con storico",
      "strategic_area": "", "operational_objective": "", "peg_project": "", "services": "",
      "end_users": "", "networks": "", "description_html": "<p>Descrizione</p>", "weight": null, "group": null,
      "activities": [{
        "description": "Mappatura dei processi",
        "planned": {"from": "` + y + `-02", "to": "` + y + `-05"},
        "progress": [
          {"period": "` + y + `-03-31", "actual": {"from": "` + y + `-02", "to": null}, "reason": null},
          {"period": "` + y + `-06-30", "actual": {"from": "` + y + `-02", "to": "` + y + `-06"}, "reason": "ritardo nelle nomine"}
        ]
      }],
      "indicators": [{
        "name": "Pratiche", "description": "", "unit": "n.", "polarity": "higher", "weight": null, "expected": 10,
        "values": [{"period": "` + y + `-06-30", "value": 12, "reason": null}], "neutralised": null
      }, {
        "name": "Incontri", "description": "", "unit": "n.", "polarity": "higher", "weight": null, "expected": 10,
        "values": [{"period": "` + y + `-03-31", "value": 4, "reason": null}, {"period": "` + y + `-06-30", "value": 5, "reason": "sede chiusa"}` + last + `],
        "neutralised": null
      }],
      "reports": [
        {"period": "` + y + `-03-31", "status": "in linea", "text_html": "<p>Primo trimestre</p>"},
        {"period": "` + y + `-06-30", "status": "a rischio", "text_html": "<p>Secondo trimestre</p>"}
      ]
    }]
  }]
}`)
}

// figuresImport imports doc into the database of e and returns the id of
// its (only) objective.
func figuresImport(t *testing.T, st *store.Store, doc []byte) int64 {
	t.Helper()
	c, err := interchange.Read(bytes.NewReader(doc), richtext.NewPolicy())
	if err != nil {
		t.Fatalf("reading the document: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := st.ImportCycle(ctx, store.Actor{Name: "test"}, c); err != nil {
		t.Fatalf("importing: %v", err)
	}
	return c.Centres[0].Objectives[0].ID
}

// figuresText is the visible text of a page, its white space collapsed.
func figuresText(t *testing.T, body string) string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	main := findAll(doc, func(n *html.Node) bool { return n.Data == "main" })
	if len(main) != 1 {
		t.Fatalf("%d main elements", len(main))
	}
	return textOf(main[0])
}

// TestFigures_2024DemoReadsDaRilevare: the demo's 2024 cycle has no data;
// long after its periods ended (no window has closed them), its page shows
// no figure: every centre and objective "da rilevare", no "0%", no "non
// raggiunto".
func TestFigures_2024DemoReadsDaRilevare(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	r := e.signedIn(t, "direttore").get("/cicli/2024")
	if r.Status != http.StatusOK {
		t.Fatalf("GET /cicli/2024: %d", r.Status)
	}
	text := figuresText(t, r.Body)
	for _, bad := range []string{"0%", "non raggiunto", "n.d."} {
		if strings.Contains(text, bad) {
			t.Errorf("the 2024 page reads %q: %s", bad, text)
		}
	}
	doc := parseHTML(t, r.Body)
	centres := byTestID(doc, "centre-achievement")
	if len(centres) != 6 {
		t.Fatalf("%d centre figures, want the demo's 6", len(centres))
	}
	for i, c := range centres {
		if got := textOf(c); got != "da rilevare" {
			t.Errorf("centre %d reads %q, want da rilevare", i+1, got)
		}
	}
	if got := textOf(oneByTestID(t, doc, "cycle-achievement")); got != "da rilevare" {
		t.Errorf("cycle reads %q, want da rilevare", got)
	}
	if got := len(byTestID(doc, "pending")); got != 1+6 {
		t.Errorf("%d figures da rilevare, want 7 (cycle, 6 centres)", got)
	}
	// The objectives are on the list: all 18 da rilevare.
	list := parseHTML(t, e.signedIn(t, "direttore").get("/cicli/2024/obiettivi?esito=da+rilevare").Body)
	if got := len(byTestID(list, "pending")); got != 18 || len(byTestID(list, "objective-row")) != 18 {
		t.Errorf("%d objectives da rilevare, want the 18 of the demo", got)
	}
	// Every 2024 period has ended; the first is open for entry (the demo
	// opens it), so the figures are at its end, still to be measured.
	if got := textOf(oneByTestID(t, doc, "figures-at")); !strings.Contains(got, "Dati al 31/03/2024: nessun dato ancora rilevato, da rilevare.") {
		t.Errorf("figures-at reads %q", got)
	}
}

// TestFigures_2023DemoUnchanged: the year's result of 2023 (all its data at
// 31/12) is the seed's: AREA DIREZIONE objective 2 at 33,3%, AREA INCLUSIONE
// objective 4 at 80%, the cycle at 83,8%, said to be the year's result.
func TestFigures_2023DemoUnchanged(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	c := e.signedIn(t, "osservatore")
	doc := parseHTML(t, c.get("/cicli/2023").Body)
	if got := textOf(oneByTestID(t, doc, "cycle-achievement")); got != "83,8%" {
		t.Errorf("cycle: %q, want 83,8%%", got)
	}
	if got := textOf(oneByTestID(t, doc, "figures-at")); !strings.HasPrefix(got, "Risultato dell'anno: dati al 31/12/2023.") {
		t.Errorf("figures-at reads %q", got)
	}
	// The objectives, on the list of the cycle's objectives.
	rows := byTestID(parseHTML(t, c.get("/cicli/2023/obiettivi").Body), "objective-row")
	want := map[string]string{
		"AREA DIREZIONE/2":                      "33,3% non raggiunto",
		"AREA INCLUSIONE E RETI TERRITORIALI/4": "80% parzialmente raggiunto",
	}
	found := 0
	for _, row := range rows {
		cells := cellTexts(row)
		if w, ok := want[cells[0]+"/"+cells[2]]; ok && cells[1] == "Obiettivi di performance" {
			found++
			if cells[4] != w {
				t.Errorf("%s objective %s: %q, want %q", cells[0], cells[2], cells[4], w)
			}
		}
	}
	if found != 2 || len(rows) != 18 {
		t.Errorf("found %d of the 2 examples in %d rows", found, len(rows))
	}
}

// TestFigures_LastPeriodRule: on a cycle with data at 31/03 and 30/06 and,
// for one indicator only, at 31/12, the year's result counts the other
// mancante, with its 30/06 value shown apart; as of 30/06 it counts.
func TestFigures_LastPeriodRule(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	id := figuresImport(t, e.st, figuresDoc(2025, true))
	c := e.signedIn(t, "direttore")
	page := fmt.Sprintf("/cicli/2025/obiettivi/%d", id)

	t.Run("OKYearResult", func(t *testing.T) {
		doc := parseHTML(t, c.get(page).Body)
		if got := textOf(oneByTestID(t, doc, "objective-achievement")); got != "50% parzialmente raggiunto" {
			t.Errorf("objective: %q, want 50%% parzialmente raggiunto", got)
		}
		if got := textOf(oneByTestID(t, doc, "figures-at")); !strings.HasPrefix(got, "Risultato dell'anno: dati al 31/12/2025.") {
			t.Errorf("figures-at reads %q", got)
		}
		actuals := byTestID(doc, "indicator-actual")
		if len(actuals) != 2 {
			t.Fatalf("%d indicator values", len(actuals))
		}
		if got := textOf(actuals[0]); got != "mancante al 30/06: 12" {
			t.Errorf("Pratiche for the year: %q, want \"mancante al 30/06: 12\"", got)
		}
		if got := textOf(actuals[1]); got != "10" {
			t.Errorf("Incontri for the year: %q, want 10", got)
		}
	})
	t.Run("OKAsOf30June", func(t *testing.T) {
		doc := parseHTML(t, c.get(page+"?al=2025-06-30").Body)
		// Before the last period, with no intermediate target, the figure
		// is progress towards the year's targets: no band.
		if got := textOf(oneByTestID(t, doc, "objective-achievement")); got != "75% non valutato" {
			t.Errorf("objective at 30/06: %q, want 75%% non valutato", got)
		}
		if got := textOf(oneByTestID(t, doc, "figures-at")); !strings.HasPrefix(got, "Dati al 30/06/2025 (il risultato dell'anno sarà quello al 31/12/2025).") {
			t.Errorf("figures-at reads %q", got)
		}
		actuals := byTestID(doc, "indicator-actual")
		if got := textOf(actuals[0]) + "|" + textOf(actuals[1]); got != "12|5" {
			t.Errorf("values at 30/06: %q, want 12|5", got)
		}
	})
	t.Run("OKCyclePage", func(t *testing.T) {
		doc := parseHTML(t, c.get("/cicli/2025").Body)
		if got := textOf(oneByTestID(t, doc, "cycle-achievement")); got != "50%" {
			t.Errorf("cycle for the year: %q, want 50%%", got)
		}
		doc = parseHTML(t, c.get("/cicli/2025?al=2025-03-31").Body)
		// 31/03: Pratiche mancante (0), Incontri 4/10 -> 40; objective 20.
		if got := textOf(oneByTestID(t, doc, "cycle-achievement")); got != "20%" {
			t.Errorf("cycle at 31/03: %q, want 20%%", got)
		}
	})
	t.Run("ErrNotAPeriod", func(t *testing.T) {
		for _, q := range []string{"2025-05-31", "ieri", "2024-12-31"} {
			if r := c.get(page + "?al=" + q); r.Status != http.StatusNotFound {
				t.Errorf("?al=%s: status %d, want 404", q, r.Status)
			}
		}
	})
}

// TestFigures_MidYear: a cycle whose last data are at 30/06 says so, and
// its indicator without a value there is mancante, not the 31/03 one.
func TestFigures_MidYear(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	id := figuresImport(t, e.st, figuresDoc(2025, false))
	c := e.signedIn(t, "direttore")
	doc := parseHTML(t, c.get(fmt.Sprintf("/cicli/2025/obiettivi/%d", id)).Body)
	if got := textOf(oneByTestID(t, doc, "figures-at")); !strings.HasPrefix(got, "Dati al 30/06/2025") {
		t.Errorf("figures-at reads %q", got)
	}
	if got := textOf(oneByTestID(t, doc, "objective-achievement")); got != "75% non valutato" {
		t.Errorf("objective: %q, want 75%% non valutato (no intermediate target)", got)
	}
	doc = parseHTML(t, c.get("/cicli/2025").Body)
	if got := textOf(oneByTestID(t, doc, "figures-at")); !strings.HasPrefix(got, "Dati al 30/06/2025") {
		t.Errorf("cycle page figures-at reads %q", got)
	}
}

// TestFigures_History: the objective's history lists each period with data,
// its figure and status, and what changed since the previous period.
func TestFigures_History(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	id := figuresImport(t, e.st, figuresDoc(2025, true))
	doc := parseHTML(t, e.signedIn(t, "responsabile").get(fmt.Sprintf("/cicli/2025/obiettivi/%d", id)).Body)

	rows := byTestID(doc, "history-row")
	var got []string
	for _, r := range rows {
		got = append(got, strings.Join(cellTexts(r)[:3], " | "))
	}
	want := []string{
		"31/03/2025 | 20% non valutato | in linea",
		"30/06/2025 | 75% non valutato | a rischio",
		"31/12/2025 | 50% parzialmente raggiunto | –",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("history rows:\n got %q\nwant %q", got, want)
	}
	periods := byTestID(doc, "history-period")
	if len(periods) != 3 {
		t.Fatalf("%d history sections, want 3", len(periods))
	}
	june := periods[1]
	if h := textOf(findAll(june, func(n *html.Node) bool { return n.Data == "h3" })[0]); h != "Al 30/06/2025 · cosa è cambiato rispetto al 31/03/2025" {
		t.Errorf("30/06 heading: %q", h)
	}
	tables := byTestID(june, "changes")
	if len(tables) != 2 {
		t.Fatalf("30/06: %d change tables, want indicators and activities", len(tables))
	}
	var lines []string
	for _, tb := range tables {
		for _, r := range byTestID(tb, "change") {
			changed, _ := attr(r, "data-changed")
			lines = append(lines, strings.Join(cellTexts(r), " | ")+" | "+changed)
		}
	}
	wantLines := []string{
		"Pratiche | – | 12 (cambiato) |  | true",
		"Incontri | 4 | 5 (cambiato) | sede chiusa | true",
		"Mappatura dei processi | Da Febbraio 2025 | Febbraio/Giugno (cambiato) | ritardo nelle nomine | true",
	}
	if strings.Join(lines, "\n") != strings.Join(wantLines, "\n") {
		t.Errorf("30/06 changes:\n got %q\nwant %q", lines, wantLines)
	}
	if got := textOf(june); !strings.Contains(got, "Stato: in linea → a rischio") {
		t.Errorf("30/06 status change missing: %s", got)
	}
	if got := len(byTestID(june, "history-report")); got != 1 {
		t.Errorf("30/06: %d report links, want 1", got)
	}
}

// TestFigures_StoreRoundTrip: a cycle with data at several periods, a value
// "non rilevabile", an intermediate target and a submission, exported,
// imported into an empty database and exported again, is the same document.
func TestFigures_StoreRoundTrip(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	export := func(st *store.Store) []byte {
		c, err := st.LoadCycle(ctx, 2025)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := interchange.Encode(&buf, c, domain.Today(time.Now())); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	doc := strings.NewReplacer(
		`"values": [{"period": "2025-06-30", "value": 12, "reason": null}]`,
		`"values": [{"period": "2025-03-31", "value": null, "not_measurable": true, "reason": "sistema non disponibile"}, {"period": "2025-06-30", "value": 12, "reason": null}], "targets": [{"period": "2025-06-30", "target": 6}]`,
		`"manager": "Mario Rossi",`,
		`"manager": "Mario Rossi", "submissions": [{"period": "2025-03-31", "state": "approvato", "comment": ""}, {"period": "2025-06-30", "state": "restituito", "comment": "Manca il motivo"}],`,
	).Replace(string(figuresDoc(2025, true)))
	first := store.New(pgtest.NewDB(t))
	figuresImport(t, first, []byte(doc))
	out := export(first)
	for _, want := range []string{`"figures": {`, `"period": "2025-12-31",`, `"year_result": true`, `"latest": {`,
		`"not_measurable": true`, `"sistema non disponibile"`, `"target": 6`, `"state": "approvato"`, `"comment": "Manca il motivo"`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("export lacks %s", want)
		}
	}
	second := store.New(pgtest.NewDB(t))
	figuresImport(t, second, out)
	if again := export(second); !bytes.Equal(out, again) {
		t.Errorf("export after import differs:\n%s\n---\n%s", out, again)
	}
}
